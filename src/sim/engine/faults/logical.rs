//! Logical damage: accidental deletes and destructive migrations
//! (docs/model.md, "Accidental delete and destructive migration", "Logical
//! damage").
//!
//! - Arrival: `faults.accidental_delete`, stream `delete` (which also
//!   draws the detection delay); destructive migrations come from
//!   `migration.rs`, scheduled deletes from `scheduled.rs`.
//! - Effect: a share of the rows is damaged on every copy that applies it;
//!   nothing stops until it is detected.
//! - Repair, per fault (`recovery`): a **side restore** (the default, as
//!   RDS point-in-time restore and pgBackRest do it) restores the newest
//!   clean copy (a delayed replica, a point-in-time recovery or a backup
//!   from before the damage) beside the live database and copies the
//!   damaged rows back; writes never stop. A **rollback** (GitLab, 2017)
//!   rolls the whole database back in place, writes stopped until it is
//!   done; operators roll back only when that loses less than keeping the
//!   damage.
//! - Loss: a side restore charges `lose_share` (the damaged share of the
//!   writes between the restore point and the damage); a rollback charges
//!   `lose_window` from its restore point to the detection; kept damage
//!   charges `keep_damage`.

use crate::scenario::model::LogicalRecovery;
use crate::sim::engine::*;

pub(in crate::sim::engine) struct Corruption {
    pub(in crate::sim::engine) at: Micros,
    pub(in crate::sim::engine) share: f64,
    pub(in crate::sim::engine) recovery: LogicalRecovery,
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
    /// The delayed replica the clean copy comes from, if that is the
    /// source: a rollback promotes it, a side restore copies rows from it.
    pub(in crate::sim::engine) promote: Option<NodeId>,
    pub(in crate::sim::engine) corrupt_tried: u32,
    /// A side restore: the live database keeps taking writes.
    pub(in crate::sim::engine) side: bool,
    /// When the restore is done.
    pub(in crate::sim::engine) done_at: Micros,
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
        let (share, recovery) = (f.share, f.recovery);
        self.open_incident(FaultKind::AccidentalDelete, SmallStr::new("data set"), None);
        self.corrupt(share, recovery, detect, "an accidental delete".into());
        self.arm_delete();
    }

    pub(in crate::sim::engine) fn corrupt(
        &mut self,
        share: f64,
        recovery: LogicalRecovery,
        detect: Micros,
        what: String,
    ) {
        let id = self.logs.corruptions.len();
        self.logs.corruptions.push(Corruption {
            at: self.now,
            share,
            recovery,
            incident: self.ctx,
            what,
        });
        self.at(detect, Ev::Detect { corruption: ix(id) });
    }

    pub(in crate::sim::engine) fn on_detect(&mut self, id: usize) {
        let c = self.logs.corruptions[id].at;
        self.ctx = self.logs.corruptions[id].incident;
        // The RTO of logical damage runs from its detection: the service
        // is interrupted when the damage is declared (docs/metrics.md).
        if let Some(i) = self.ctx
            && self.outage_owner != Some(i)
        {
            self.outcome.incidents[i].rto_from = self.now;
        }
        self.note_with(|s| Happening::Detected {
            what: s.logs.corruptions[id].what.clone(),
            after: s.now - c,
        });
        self.plan_logical(id);
    }

    /// Operators choose how to undo the damage `id` (at detection, or again
    /// when the recovery under way ends or its source fails).
    pub(in crate::sim::engine) fn plan_logical(&mut self, id: usize) {
        let (c, share, incident, mode) = {
            let k = &self.logs.corruptions[id];
            (k.at, k.share, k.incident, k.recovery)
        };
        self.ctx = incident;
        match &self.logical {
            // Already rolling back to an earlier point: that covers it.
            Some(l) if !l.side => return,
            // A side restore is under way for other damage: this one is
            // taken up when it is done.
            Some(l) => {
                let wait = l.done_at.saturating_sub(self.now) + 1;
                self.at(wait, Ev::Replan { corruption: ix(id) });
                return;
            }
            None => {}
        }
        let side = mode == LogicalRecovery::SideRestore;
        // A side restore ends by copying the damaged rows back.
        let copy_back = if side {
            (share * self.sc.workload.data_size / self.sc.database.copy_back_throughput * 1e6)
                as Micros
        } else {
            0
        };
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
                let promotion = self.s_failover.sample(&self.sc.failover.promotion);
                let d = response
                    .saturating_add(self.replay_time(c - applied))
                    .saturating_add(if side { copy_back } else { promotion });
                let replica = self.sc.nodes[n].name.clone();
                let how = if side {
                    RecoveryHow::SideRestoreFromDelayed { replica }
                } else {
                    RecoveryHow::DelayedReplica { replica }
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
            let d = response
                .saturating_add(provision)
                .saturating_add(r.duration)
                .saturating_add(copy_back);
            if best
                .as_ref()
                .is_none_or(|b| (r.position, std::cmp::Reverse(d)) > (b.0, std::cmp::Reverse(b.1)))
            {
                let how = if side {
                    RecoveryHow::SideRestore(RestoreHow::of(&r))
                } else {
                    restore_label(&r)
                };
                best = Some((r.position, d, how, None, r.corrupt_tried));
            }
        }
        // Rolling back costs every write after the restore point; keeping
        // the damage costs the damaged share of the data. Operators pick the
        // smaller loss. A side restore costs only the damaged share of the
        // writes between the restore point and the damage, never more than
        // keeping it.
        let keep_loss = share * self.writes_before_mean(c);
        let had_option = best.is_some();
        if let Some((position, duration, how, promote, corrupt_tried)) = best {
            let rollback_loss =
                self.sc.workload.writes_per_sec * self.acked_time(position, self.now) as f64 / 1e6;
            if side || rollback_loss <= keep_loss {
                self.epoch += 1;
                self.logical = Some(LogicalRestore {
                    epoch: self.epoch,
                    corruption: id,
                    detected_at: self.now,
                    position,
                    how,
                    promote,
                    corrupt_tried,
                    side,
                    done_at: self.now.saturating_add(duration),
                });
                let epoch = self.epoch;
                self.at(duration, Ev::LogicalRestored { epoch });
                // A side restore's window is the span of damaged rows no
                // clean copy holds; a rollback's, every write it gives up.
                let window = if side {
                    c - position
                } else {
                    self.now - position
                };
                self.note_with(|s| Happening::RecoveryPlanned {
                    how: s.logical.as_ref().expect("just planned").how.clone(),
                    ready_in: duration,
                    window: Some(window),
                });
                return;
            }
        }
        let (lost, window) = self.keep_damage(keep_loss, share, c);
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
            self.plan_logical(l.corruption);
            return;
        }
        if l.side {
            // The damaged rows written after the restore point and before
            // the damage are in no clean copy; every other row is back,
            // and every write since the damage was kept.
            let (c, share) = {
                let k = &self.logs.corruptions[l.corruption];
                (k.at, k.share)
            };
            let lost = self.lose_share(share, l.position, c);
            self.set_recovery_label(self.ctx, &l.how.to_string());
            self.note(Happening::Restored {
                how: l.how,
                window: c.saturating_sub(l.position),
                lost_writes: lost,
                corrupt_tried: l.corrupt_tried,
            });
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
