//! Planned failback (docs/model.md, "Planned failback"): with
//! `failover.failback_after`, once the home region (the initial primary's)
//! has been back that long while the primary serves elsewhere, a planned
//! switchover (Patroni `switchover`, RDS planned failover) moves the
//! primary to a caught-up node at home.
//!
//! - Start: `FailbackCheck`, due `failback_after` after the home region
//!   was first seen up with the primary away (`failback_since`); it opens
//!   an incident of its own (`FaultKind::Switchover`), so its downtime is
//!   not blamed on the outage.
//! - Effect: writes stop for `failover.switchover` (`switchover` holds the
//!   target); the target catches up meanwhile, so nothing is lost.
//! - End: `SwitchoverDone` promotes the target, or gives up (writes resume
//!   on the old primary) if the target failed meanwhile.

use super::*;

impl Sim<'_, '_> {
    /// The caught-up node in the home region a switchover would move the
    /// primary to: up, connected, neither stale, diverged nor rebuilding.
    fn failback_target(&self) -> Option<NodeId> {
        let home = self.node_region(self.sc.initial_primary());
        (0..self.topo.nodes.len()).find(|&n| {
            let st = &self.topo.nodes[n];
            n != self.primary
                && self.node_region(n) == home
                && st.role == Role::Replica
                && self.topo.node_up(n)
                && st.connected
                && !st.stale
                && !st.diverged
                && st.disk == Disk::Ok
        })
    }

    /// After every event: starts or stops the clock of the failback.
    pub(super) fn refresh_failback(&mut self) {
        let Some(after) = self.sc.failover.failback_after else {
            return;
        };
        let home = self.node_region(self.sc.initial_primary());
        let away = self.node_region(self.primary) != home;
        if away && !self.topo.region_is_down[home] {
            if self.failback_since.is_none() {
                self.failback_since = Some(self.now);
                self.failback_epoch += 1;
                let epoch = self.failback_epoch;
                self.at_new(after, Ev::FailbackCheck { epoch });
            }
        } else if self.failback_since.take().is_some() {
            self.failback_epoch += 1;
        }
    }

    pub(super) fn on_failback_check(&mut self, epoch: u32) {
        if epoch != self.failback_epoch || self.switchover.is_some() {
            return;
        }
        let Some(to) = self.failback_target() else {
            // Not caught up yet: look again in a minute.
            self.at_new(crate::units::MINUTE, Ev::FailbackCheck { epoch });
            return;
        };
        if !self.primary_serving() {
            // A recovery is under way: it decides where the primary is.
            self.failback_since = None;
            self.failback_epoch += 1;
            return;
        }
        let name = self.e.node_names[to].clone();
        let region = self.sc.regions[self.node_region(to)].name.clone();
        let lasts = self.sc.failover.switchover;
        let note = self.record.then(|| {
            format!(
                "A planned switchover moves the primary back to {} in {region}: writes stop for {}; nothing is lost.",
                self.sc.nodes[to].name,
                crate::units::human_duration(lasts)
            )
        });
        self.open_incident(FaultKind::Switchover, name, note);
        self.failback_epoch += 1;
        let epoch = self.failback_epoch;
        self.switchover = Some(to);
        self.at(lasts, Ev::SwitchoverDone { epoch });
    }

    pub(super) fn on_switchover_done(&mut self, epoch: u32) {
        if epoch != self.failback_epoch {
            return;
        }
        let Some(to) = self.switchover.take() else {
            return;
        };
        self.failback_since = None;
        let from = self.primary;
        if !self.primary_serving() || self.failback_target() != Some(to) {
            // The target or the primary failed meanwhile: the switchover
            // is abandoned; the usual recovery, if any, takes over.
            self.set_recovery_label(self.ctx, "switchover abandoned");
            return;
        }
        // Writes were stopped: the target holds every acknowledged write.
        self.promote(to, self.now, self.now);
        self.set_recovery_label(self.ctx, "planned switchover");
        self.note_with(|s| Happening::Promoted {
            from: s.sc.nodes[from].name.clone(),
            to: s.sc.nodes[to].name.clone(),
            window: 0,
            lost_writes: 0,
        });
    }
}
