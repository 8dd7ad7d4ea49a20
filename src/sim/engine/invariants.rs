//! The engine's invariants, checked after every event: by `debug_assert!`
//! in debug builds, and by the checking mode that tests run in any build
//! ([`Engine::run_trial_checked`]).
//!
//! - Lost windows stay sorted and disjoint (the ledger counts no write
//!   twice), each a non-empty span, and the span they cover never shrinks.
//! - The write path's and the database's downtime intervals stay sorted
//!   and disjoint (they may touch): the ledger and the backup catalog find
//!   the ones that matter by binary search.
//! - Exactly one node holds the primary role, the one `Sim::primary`
//!   names: there is one serving primary or none (a split brain's deposed
//!   primary serves as a replica that keeps taking writes, see
//!   `faults/partition.rs`).
//! - Positions never move backwards: time only moves forward; every copy's
//!   frozen positions lie at or before now, applied at or before received;
//!   and while a copy stays disconnected on the same disk, its frozen
//!   positions never decrease.
//! - Every loop is bounded: the event loop stops at the horizon or at its
//!   cap of events, which a checked trial must not reach; the other loops
//!   walk finite lists (`first_acked_offset` asserts its own bound).

use super::*;

/// The cap of events per trial (see `Engine::run_trial_in`).
pub(super) const EVENT_CAP: u64 = 50_000_000;

/// What the per-event checks remember from the previous event.
#[derive(Default)]
pub(super) struct Checker {
    now: Micros,
    lost_span: Micros,
    /// Per node: (disk epoch, connected, frozen received, frozen applied).
    copies: Vec<(u32, bool, Micros, Micros)>,
    /// The first invariant broken, with when.
    pub(super) violation: Option<String>,
}

impl Checker {
    /// Checks `sim` after an event; keeps the first violation.
    pub(super) fn after_event(&mut self, sim: &Sim) {
        if self.violation.is_some() {
            return;
        }
        if let Err(e) = sim.invariants().and_then(|()| self.against_previous(sim)) {
            self.violation = Some(format!(
                "after event {} at {} µs: {e}",
                sim.outcome.events, sim.now
            ));
        }
    }

    fn against_previous(&mut self, sim: &Sim) -> Result<(), String> {
        if sim.now < self.now {
            return Err(format!("time went back from {} to {}", self.now, sim.now));
        }
        self.now = sim.now;
        let span = sim.logs.lost.iter().map(|&(a, b)| b - a).sum();
        if span < self.lost_span {
            return Err(format!(
                "the lost windows shrank from {} to {span} µs",
                self.lost_span
            ));
        }
        self.lost_span = span;
        if self.copies.len() != sim.topo.nodes.len() {
            self.copies = vec![(u32::MAX, true, 0, 0); sim.topo.nodes.len()];
        }
        for (n, st) in sim.topo.nodes.iter().enumerate() {
            let (epoch, connected, received, applied) = self.copies[n];
            if epoch == st.disk_epoch
                && !connected
                && !st.connected
                && (st.frozen_received < received || st.frozen_applied < applied)
            {
                return Err(format!(
                    "node {n}'s frozen position went back from ({received}, {applied}) to ({}, {})",
                    st.frozen_received, st.frozen_applied
                ));
            }
            self.copies[n] = (
                st.disk_epoch,
                st.connected,
                st.frozen_received,
                st.frozen_applied,
            );
        }
        Ok(())
    }
}

impl Sim<'_, '_> {
    /// The invariants that the state alone shows (see the module's doc).
    pub(super) fn invariants(&self) -> Result<(), String> {
        if !lost_windows_ok(&self.logs.lost) {
            return Err(format!(
                "lost windows not sorted and disjoint: {:?}",
                self.logs.lost
            ));
        }
        for (what, w) in [
            ("write path", &self.logs.downs),
            ("database", &self.logs.db_downs),
        ] {
            if !w.windows(2).all(|p| p[0].0 <= p[0].1 && p[0].1 <= p[1].0) {
                return Err(format!("{what} downtimes not sorted and disjoint: {w:?}"));
            }
        }
        let primaries = self
            .topo
            .nodes
            .iter()
            .filter(|n| n.role == Role::Primary)
            .count();
        if primaries != 1 || self.topo.nodes[self.primary].role != Role::Primary {
            return Err(format!(
                "{primaries} nodes hold the primary role; node {} should alone",
                self.primary
            ));
        }
        for (n, st) in self.topo.nodes.iter().enumerate() {
            if st.frozen_received > self.now || st.frozen_applied > st.frozen_received {
                return Err(format!(
                    "node {n}'s frozen position ({}, {}) is not received >= applied, at or before now",
                    st.frozen_received, st.frozen_applied
                ));
            }
        }
        Ok(())
    }
}

/// Windows sorted, each non-empty, and apart from the next.
pub(super) fn lost_windows_ok(w: &[(Micros, Micros)]) -> bool {
    w.iter().all(|&(a, b)| a < b) && w.windows(2).all(|p| p[0].1 < p[1].0)
}
