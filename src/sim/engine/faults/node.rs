//! Database process crash and disk loss (docs/model.md, "Database process
//! crash", "Disk loss").
//!
//! - Arrival: `faults.db_crash` (stream `db-crash/NODE`) and
//!   `faults.disk_loss` (stream `disk/NODE`), redrawn after each.
//! - Effect: a crash stops the process, the data survives; a disk loss
//!   destroys the node's copy. A down primary is recovered by
//!   `recovery.rs`.
//! - Repair: restart after `database.restart` (stream `db-restart/NODE`);
//!   a new disk after `database.disk_replace` (stream `disk-replace/NODE`),
//!   then a re-seed from the primary.
//! - Loss: through recovery's failover or restore (`lose_window`), or, when
//!   no copy survives, `lose_everything` once the new disk arrives.

use crate::sim::engine::*;

impl Sim<'_, '_> {
    /// A random crash of node `node` arrives (stale if its chain restarted).
    pub(in crate::sim::engine) fn on_node_crash(&mut self, node: NodeId, epoch: u32) {
        if epoch != self.topo.nodes[node].crash_epoch {
            return;
        }
        if self.topo.nodes[node].crashed || self.topo.nodes[node].disk != Disk::Ok {
            self.schedule_crash(node);
            return;
        }
        self.open_incident(FaultKind::DbCrash, self.e.node_names[node].clone(), None);
        self.crash_node(node);
    }

    pub(in crate::sim::engine) fn on_node_restart(&mut self, node: NodeId, epoch: u32) {
        if epoch != self.topo.nodes[node].restart_epoch {
            return;
        }
        self.topo.nodes[node].crashed = false;
        self.replan = true;
        self.schedule_crash(node);
        if self.topo.nodes[node].disk == Disk::Ok
            && !self.topo.zone_is_down(self.topo.node_zone(node))
        {
            self.note_with(|s| Happening::Up {
                component: Component::Node(s.sc.nodes[node].name.clone()),
            });
        }
    }

    /// A random disk loss of node `node` arrives.
    pub(in crate::sim::engine) fn on_disk_loss(&mut self, node: NodeId, epoch: u32) {
        if epoch != self.topo.nodes[node].disk_fail_epoch {
            return;
        }
        self.open_incident(FaultKind::DiskLoss, self.e.node_names[node].clone(), None);
        self.lose_disk(node, 0);
    }

    pub(in crate::sim::engine) fn on_disk_replaced(&mut self, node: NodeId, epoch: u32) {
        if epoch != self.topo.nodes[node].disk_epoch {
            return;
        }
        self.replace_disk(node);
    }

    pub(in crate::sim::engine) fn crash_node(&mut self, n: NodeId) {
        let restart = self.topo.nodes[n]
            .s_restart
            .sample(&self.sc.database.restart);
        let st = &mut self.topo.nodes[n];
        st.crashed = true;
        st.crash_epoch += 1;
        st.restart_epoch += 1;
        st.restart_at = self.now.saturating_add(restart);
        let epoch = st.restart_epoch;
        self.at(restart, Ev::NodeRestart { node: ix(n), epoch });
        self.note_with(|s| Happening::Down {
            component: Component::Node(s.sc.nodes[n].name.clone()),
            why: DownReason::ProcessCrash {
                restart_in: restart,
            },
        });
        if n == self.primary
            && matches!(
                self.recovery,
                Some(Recovery {
                    plan: Plan::Wait,
                    ..
                })
            )
        {
            self.replan = true;
        }
    }

    pub(in crate::sim::engine) fn lose_disk(&mut self, n: NodeId, replace_after: Micros) {
        let st = &mut self.topo.nodes[n];
        st.disk = Disk::Lost;
        st.diverged = false;
        st.divergent_tail = 0;
        st.rewinding = false;
        st.disk_epoch += 1;
        st.disk_fail_epoch += 1;
        st.connected = false;
        let epoch = st.disk_epoch;
        let replace = st.s_replace.sample(&self.sc.database.disk_replace);
        self.at(
            replace_after + replace,
            Ev::DiskReplaced { node: ix(n), epoch },
        );
        self.note_with(|s| Happening::Down {
            component: Component::Node(s.sc.nodes[n].name.clone()),
            why: DownReason::DiskLost {
                new_disk_in: replace_after + replace,
            },
        });
        if n == self.primary
            && matches!(
                self.recovery,
                Some(Recovery {
                    plan: Plan::Wait,
                    ..
                })
            )
        {
            self.recovery = None;
            self.replan = true;
            self.plan_primary_recovery();
        }
    }

    fn replace_disk(&mut self, n: NodeId) {
        let is_primary = n == self.primary;
        let start_empty = is_primary
            && matches!(
                self.recovery,
                Some(Recovery {
                    plan: Plan::StartEmpty,
                    ..
                })
            );
        if start_empty {
            let rec = self.recovery.take().expect("checked");
            self.ctx = rec.incident;
            let (lost, window) = self.lose_everything(rec.failed_at);
            self.set_recovery_label(rec.incident, "started again empty: all data lost");
            self.note_with(|_| Happening::DataLost {
                lost_writes: lost,
                window,
                why: "no replica and no backup held the data".into(),
            });
            self.install_fresh_copy(n, self.now);
            return;
        }
        if is_primary && self.recovery.is_some() {
            // The recovery under way decides what this node holds: a restore
            // installs data on it; after a failover (now, or once a replica
            // being waited for returns) it is re-seeded as a replica.
            self.topo.nodes[n].disk_ready = true;
            self.schedule_disk_failure(n);
            return;
        }
        if self.topo.zone_is_down(self.topo.node_zone(n)) {
            // The new disk waits for its zone; then it is re-seeded.
            self.topo.nodes[n].disk = Disk::Ok;
            self.topo.nodes[n].stale = true;
        } else {
            self.start_rebuild(n);
        }
        self.schedule_disk_failure(n);
    }
}
