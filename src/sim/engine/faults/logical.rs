//! Logical damage: accidental deletes and destructive migrations
//! (docs/model.md, "Accidental delete and destructive migration", "Logical
//! damage").
//!
//! - Arrival: `faults.accidental_delete`, stream `delete` (which also
//!   draws the detection delay); destructive migrations come from
//!   `migration.rs`, scheduled deletes from `scheduled.rs`.
//! - Effect: a share of the rows is damaged on every copy that applies it;
//!   nothing stops until it is detected.
//! - Repair: at detection operators pick the smaller loss: roll back to a
//!   delayed replica, a point-in-time recovery or a backup from before the
//!   damage, or keep the damage.
//! - Loss: a rollback charges `lose_window` from its restore point to the
//!   detection; kept damage charges `keep_damage`.

use crate::sim::engine::*;

pub(in crate::sim::engine) struct Corruption {
    pub(in crate::sim::engine) at: Micros,
    pub(in crate::sim::engine) share: f64,
    pub(in crate::sim::engine) incident: Option<usize>,
    pub(in crate::sim::engine) what: String,
}

/// A recovery from logical damage in progress.
pub(in crate::sim::engine) struct LogicalRestore {
    pub(in crate::sim::engine) epoch: u32,
    pub(in crate::sim::engine) corruption: usize,
    pub(in crate::sim::engine) detected_at: Micros,
    pub(in crate::sim::engine) position: Micros,
    pub(in crate::sim::engine) how: RecoveryHow,
    /// A delayed replica that becomes the primary, if that is the source.
    pub(in crate::sim::engine) promote: Option<NodeId>,
    pub(in crate::sim::engine) corrupt_tried: u32,
}

impl Sim<'_, '_> {
    /// A random accidental delete arrives.
    pub(in crate::sim::engine) fn on_delete(&mut self) {
        let f = self
            .sc
            .faults
            .accidental_delete
            .as_ref()
            .expect("scheduled only when configured");
        let detect = self.s_delete.sample(f.detect.as_ref().expect("validated"));
        let share = f.share;
        self.open_incident(FaultKind::AccidentalDelete, SmallStr::new("data set"), None);
        self.corrupt(share, detect, "an accidental delete".into());
        self.arm_delete();
    }

    pub(in crate::sim::engine) fn corrupt(&mut self, share: f64, detect: Micros, what: String) {
        let id = self.logs.corruptions.len();
        self.logs.corruptions.push(Corruption {
            at: self.now,
            share,
            incident: self.ctx,
            what,
        });
        self.at(detect, Ev::Detect { corruption: ix(id) });
    }

    pub(in crate::sim::engine) fn on_detect(&mut self, id: usize) {
        let (c, share, incident) = {
            let k = &self.logs.corruptions[id];
            (k.at, k.share, k.incident)
        };
        self.ctx = incident;
        // The RTO of logical damage runs from its detection: the service
        // is interrupted when the damage is declared (docs/metrics.md).
        if let Some(i) = incident
            && self.outage_owner != Some(i)
        {
            self.outcome.incidents[i].rto_from = self.now;
        }
        self.note_with(|s| Happening::Detected {
            what: s.logs.corruptions[id].what.clone(),
            after: s.now - c,
        });
        if self.logical.is_some() {
            // Already restoring to an earlier point: that restore covers it.
            return;
        }
        let response = self.operator_response();
        let pause_at = self.now.saturating_add(response);
        // Option 1: a delayed replica that has not applied the damage yet.
        let mut best: Option<(Micros, Micros, RecoveryHow, Option<NodeId>, u32)> = None;
        for n in 0..self.topo.nodes.len() {
            if n == self.primary
                || self.topo.nodes[n].mode != ReplicationMode::Delayed
                || !self.topo.node_up(n)
                || self.topo.nodes[n].stale
                || self.topo.nodes[n].data_since > c
            {
                continue;
            }
            let applied = if self.topo.nodes[n].connected {
                pause_at.saturating_sub(self.sc.replication.delay)
            } else {
                self.topo.nodes[n].frozen_applied
            };
            if applied < c {
                let d = response
                    + self.replay_time(c - applied)
                    + self.s_failover.sample(&self.sc.failover.promotion);
                let how = RecoveryHow::DelayedReplica {
                    replica: self.sc.nodes[n].name.clone(),
                };
                if best
                    .as_ref()
                    .is_none_or(|b| (c, std::cmp::Reverse(d)) > (b.0, std::cmp::Reverse(b.1)))
                {
                    best = Some((c, d, how, Some(n), 0));
                }
            }
        }
        // Option 2: point-in-time recovery or a backup from before the damage.
        if let Some(r) = self.restore_options(c) {
            let provision = self.s_ops.sample(
                &self
                    .sc
                    .backups
                    .as_ref()
                    .expect("restore implies backups")
                    .provision,
            );
            let d = response + provision + r.duration;
            if best
                .as_ref()
                .is_none_or(|b| (r.position, std::cmp::Reverse(d)) > (b.0, std::cmp::Reverse(b.1)))
            {
                best = Some((r.position, d, restore_label(&r), None, r.corrupt_tried));
            }
        }
        // Rolling back costs every write after the restore point; keeping
        // the damage costs the damaged share of the data. Operators pick the
        // smaller loss.
        let keep_loss = share * self.writes_before_mean(c);
        let had_option = best.is_some();
        if let Some((position, duration, how, promote, corrupt_tried)) = best {
            let rollback_loss =
                self.sc.workload.writes_per_sec * self.acked_time(position, self.now) as f64 / 1e6;
            if rollback_loss <= keep_loss {
                self.epoch += 1;
                self.logical = Some(LogicalRestore {
                    epoch: self.epoch,
                    corruption: id,
                    detected_at: self.now,
                    position,
                    how,
                    promote,
                    corrupt_tried,
                });
                let epoch = self.epoch;
                self.at(duration, Ev::LogicalRestored { epoch });
                self.note_with(|s| Happening::RecoveryPlanned {
                    how: s.logical.as_ref().expect("just planned").how.clone(),
                    ready_in: duration,
                    window: Some(s.now - position),
                });
                return;
            }
        }
        let (lost, window) = self.keep_damage(keep_loss, c);
        self.set_recovery_label(incident, "not recovered: the damaged rows are gone");
        self.note_with(|s| {
            let what = &s.logs.corruptions[id].what;
            let why = if had_option {
                format!(
                    "{what} is left in place: rolling back to a clean copy would lose more writes than the damage"
                )
            } else {
                format!(
                    "{what} reached every copy: no backup, archive or delayed replica predates it"
                )
            };
            Happening::DataLost {
                lost_writes: lost,
                window,
                why,
            }
        });
    }

    pub(in crate::sim::engine) fn on_logical_restored(&mut self, epoch: u32) {
        let Some(l) = self.logical.take_if(|l| l.epoch == epoch) else {
            return;
        };
        self.ctx = self.logs.corruptions[l.corruption].incident;
        if l.promote.is_some_and(|n| !self.topo.node_up(n)) {
            // The delayed replica failed during the recovery: choose again.
            self.on_detect(l.corruption);
            return;
        }
        let lost = self.lose_window(l.position, l.detected_at);
        match l.promote {
            Some(n) => {
                self.promote(n, l.position, self.now);
                self.topo.nodes[n].data_since = l.position;
                for m in 0..self.topo.nodes.len() {
                    if m != n && self.topo.nodes[m].disk != Disk::Lost {
                        self.topo.nodes[m].stale = true;
                        self.topo.nodes[m].connected = false;
                    }
                }
            }
            _ => {
                let p = self.primary;
                self.recovery = None;
                self.install_fresh_copy(p, l.position);
            }
        }
        self.set_recovery_label(self.ctx, &l.how.to_string());
        self.note(Happening::Restored {
            how: l.how,
            window: l.detected_at.saturating_sub(l.position),
            lost_writes: lost,
            corrupt_tried: l.corrupt_tried,
        });
    }
}
