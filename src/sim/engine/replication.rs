//! Replication (docs/model.md, "Replication guarantees"): the position a
//! replica holds (live, or frozen when it stopped receiving), which replicas
//! receive the log after an event, whether the synchronous and semi-sync
//! guarantees hold, and re-seeding a copy from the serving primary. An
//! async replica's lag is never less than the link's one-way delay.

use super::*;

impl Sim<'_, '_> {
    /// (received, applied) position of a replica receiving live at `now`.
    fn live_position(&mut self, n: NodeId) -> (Micros, Micros) {
        let t = self.now;
        let mode = self.topo.nodes[n].mode;
        match mode {
            ReplicationMode::Sync => (t, t),
            ReplicationMode::SemiSync if !self.semi_fallback => (t, t),
            _ => {
                // The log cannot arrive sooner than the link carries it:
                // the lag drawn (apply and queueing) has the primary's
                // one-way delay to the replica as its floor.
                let drawn = self.topo.nodes[n].s_lag.sample(&self.sc.replication.lag);
                let lag = drawn.max(self.one_way_delay(n));
                let received = t.saturating_sub(lag);
                let applied = if mode == ReplicationMode::Delayed {
                    received.min(t.saturating_sub(self.sc.replication.delay))
                } else {
                    received
                };
                (received, applied)
            }
        }
    }

    /// Half the round trip between the primary and replica `n`.
    pub(super) fn one_way_delay(&self, n: NodeId) -> Micros {
        self.sc.node_rtt(self.primary, n).unwrap_or(0) / 2
    }

    /// Received position of a replica, live or frozen.
    pub(super) fn received_position(&mut self, n: NodeId) -> Micros {
        if self.topo.nodes[n].connected {
            self.live_position(n).0
        } else {
            self.topo.nodes[n].frozen_received
        }
    }

    /// Whether replica `n` receives the log, given what does not depend on
    /// `n`: whether the primary serves, and its region.
    fn can_replicate(&self, n: NodeId, serving: bool, primary_region: RegionId) -> bool {
        serving
            && n != self.primary
            && self.topo.nodes[n].role == Role::Replica
            && !self.topo.nodes[n].stale
            && !self.topo.nodes[n].diverged
            && self.topo.node_up(n)
            && !self.partitioned(self.node_region(n), primary_region)
    }

    pub(super) fn refresh_connections(&mut self) {
        // Runs after every event: what does not depend on the replica is
        // worked out once (disconnecting a replica changes neither).
        let serving = self.primary_serving();
        let primary_region = self.node_region(self.primary);
        for n in 0..self.topo.nodes.len() {
            let should = self.can_replicate(n, serving, primary_region);
            let st = &self.topo.nodes[n];
            if st.connected && !should {
                let (r, a) = self.live_position(n);
                let st = &mut self.topo.nodes[n];
                st.frozen_received = r;
                st.frozen_applied = a;
                st.connected = false;
            } else if !st.connected && should {
                self.topo.nodes[n].connected = true;
            }
        }
    }

    pub(super) fn refresh_replication_guarantees(&mut self) {
        let serving = self.primary_serving();
        // Runs after every event: one pass over the replicas, no allocation.
        let (mut has_sync, mut sync_ok, mut has_semi, mut semi_ok) = (false, false, false, false);
        for (n, st) in self.topo.nodes.iter().enumerate() {
            if n == self.primary || st.role != Role::Replica {
                continue;
            }
            match st.mode {
                ReplicationMode::Sync => {
                    has_sync = true;
                    sync_ok |= st.connected;
                }
                ReplicationMode::SemiSync => {
                    has_semi = true;
                    semi_ok |= st.connected;
                }
                _ => {}
            }
        }

        if has_sync && serving {
            let ok = sync_ok;
            match self.sc.replication.sync_on_replica_down {
                SyncDown::Block => self.sync_blocked = !ok,
                SyncDown::Degrade => {
                    if !ok && !self.sync_degraded {
                        self.sync_degraded = true;
                        self.note_with(|_| Happening::Degraded {
                            why: DegradedWhy::SyncUnreachable,
                        });
                    } else if ok && self.sync_degraded {
                        self.sync_degraded = false;
                        self.note_with(|_| Happening::Protected {
                            why: ProtectedWhy::SyncBack,
                        });
                    }
                }
            }
        } else {
            self.sync_blocked = false;
        }

        if has_semi && serving {
            let ok = semi_ok;
            if !ok && !self.semi_fallback {
                self.semi_fallback = true;
                let timeout = self.sc.replication.semi_sync_timeout;
                self.stall_until = self.now.saturating_add(timeout);
                if timeout > 0 {
                    self.at(timeout, Ev::StallEnd);
                }
                self.note_with(|_| Happening::Degraded {
                    why: DegradedWhy::SemiSyncFallback { timeout },
                });
            } else if ok && self.semi_fallback {
                self.semi_fallback = false;
                self.note_with(|_| Happening::Protected {
                    why: ProtectedWhy::SemiSyncBack,
                });
            }
        }
    }

    /// Re-seeds node `n` from the serving primary, or marks it to wait for
    /// one: a copy needs a live source.
    pub(super) fn start_rebuild(&mut self, n: NodeId) {
        let serving = self.primary_serving();
        let crew = self.crew_free(n);
        let source = self.source_epoch;
        let st = &mut self.topo.nodes[n];
        st.disk = Disk::Rebuilding;
        st.disk_epoch += 1;
        st.stale = false;
        st.diverged = false;
        st.divergent_tail = 0;
        st.rewinding = false;
        st.connected = false;
        st.rebuild_waiting = !serving || !crew;
        st.rebuild_source = source;
        if st.rebuild_waiting {
            return;
        }
        let epoch = st.disk_epoch;
        let t = (self.sc.workload.data_size / self.sc.database.rebuild_throughput * 1e6) as Micros;
        self.at(t, Ev::RebuildDone { node: ix(n), epoch });
        self.note_with(|s| Happening::Rebuilding {
            node: s.sc.nodes[n].name.clone(),
            ready_in: t,
        });
    }

    /// Whether a repair crew is free for node `n` (`database.repair_crews`):
    /// fewer re-seeds and rewinds than crews run on the other nodes.
    pub(super) fn crew_free(&self, n: NodeId) -> bool {
        let Some(crews) = self.sc.database.repair_crews else {
            return true;
        };
        let busy = (0..self.topo.nodes.len())
            .filter(|&m| {
                m != n
                    && self.topo.nodes[m].disk == Disk::Rebuilding
                    && !self.topo.nodes[m].rebuild_waiting
            })
            .count();
        busy < crews as usize
    }

    /// Rewinds node `n`'s divergent tail from the serving primary
    /// (pg_rewind): the time to copy back the tail's log, not a full copy.
    pub(super) fn start_rewind(&mut self, n: NodeId) {
        let t = (self.log_bytes(self.topo.nodes[n].divergent_tail)
            / self.sc.database.rewind_throughput
            * 1e6) as Micros;
        let source = self.source_epoch;
        let st = &mut self.topo.nodes[n];
        st.disk = Disk::Rebuilding;
        st.disk_epoch += 1;
        st.rewinding = true;
        st.rebuild_waiting = false;
        st.connected = false;
        st.rebuild_source = source;
        let epoch = st.disk_epoch;
        self.at(t, Ev::RebuildDone { node: ix(n), epoch });
        self.note_with(|s| Happening::Rewinding {
            node: s.sc.nodes[n].name.clone(),
            ready_in: t,
        });
    }

    /// Bytes of log the writes of `span` occupy.
    pub(super) fn log_bytes(&self, span: Micros) -> f64 {
        self.sc.workload.writes_per_sec * self.sc.workload.write_size * span as f64 / 1e6
    }

    pub(super) fn replay_time(&self, span: Micros) -> Micros {
        (self.log_bytes(span) / self.sc.replication.replay_throughput * 1e6) as Micros
    }

    /// A re-seed of node `node` completes, unless its source changed.
    pub(in crate::sim::engine) fn on_rebuild_done(&mut self, node: NodeId, epoch: u32) {
        if epoch != self.topo.nodes[node].disk_epoch {
            return;
        }
        let rewind = self.topo.nodes[node].rewinding;
        if self.topo.nodes[node].rebuild_source != self.source_epoch {
            // The source stopped serving or changed during the
            // copy: it must start again (a rewind, once a primary serves).
            if rewind {
                let st = &mut self.topo.nodes[node];
                st.disk = Disk::Ok;
                st.disk_epoch += 1;
                st.rewinding = false;
            } else {
                self.start_rebuild(node);
            }
            return;
        }
        let now = self.now;
        let st = &mut self.topo.nodes[node];
        st.disk = Disk::Ok;
        if rewind {
            // The same disk, rewound to the timeline: its data is as old
            // as it was.
            st.rewinding = false;
            st.diverged = false;
            st.divergent_tail = 0;
        } else {
            st.data_since = now;
        }
        // It holds everything up to the moment the copy completes.
        st.frozen_received = now;
        st.frozen_applied = now;
        self.replan = true;
        self.note_with(|s| Happening::Up {
            component: Component::Node(s.sc.nodes[node].name.clone()),
        });
    }
}
