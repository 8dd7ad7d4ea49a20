//! Where loss is counted (docs/model.md, "Data as a log of positions").
//!
//! The only place that charges lost writes to the trial and its incident:
//! `lose_window` (a span of the log no surviving copy holds),
//! `lose_everything` (no copy survives), `charge_divergence` (a split
//! brain's writes on the deposed side), `keep_damage` (logical damage
//! left in place) and `lose_share` (the damaged rows a side restore could
//! not bring back). A partial loss (a share of the rows of a span) counts
//! an RPO of the share times the span: the span of writes it equals, so
//! that lost writes = rate x RPO holds for every kind of loss
//! (docs/metrics.md). Each draws its count from the `workload` stream's
//! Poisson law of the write path's up-time in the span; windows already
//! lost are kept sorted and disjoint so that no write is counted twice.

use super::*;

#[cfg(test)]
thread_local! {
    /// Intervals the ledger visited on this thread: the tests' measure of
    /// its work (see `engine/tests.rs`).
    pub(super) static LEDGER_STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts one interval visited (tests only).
#[inline(always)]
fn count_step() {
    #[cfg(test)]
    LEDGER_STEPS.with(|c| c.set(c.get() + 1));
}

impl Sim<'_, '_> {
    /// Up-time of the write path inside [a, b].
    pub(super) fn acked_time(&self, a: Micros, b: Micros) -> Micros {
        if b <= a {
            return 0;
        }
        let overlap = |s: Micros, e: Micros| e.min(b).saturating_sub(s.max(a));
        // `downs` is sorted and disjoint (each is closed when the write
        // path comes back, before the next can open): only the intervals
        // that meet [a, b] are visited, found by binary search, so a trial
        // of n losses costs O(n log n), not O(n^2).
        let downs = &self.logs.downs;
        let from = downs.partition_point(|&(_, e)| e <= a);
        let mut down: Micros = downs[from..]
            .iter()
            .take_while(|&&(s, _)| s < b)
            .map(|&(s, e)| {
                count_step();
                overlap(s, e)
            })
            .sum();
        if let Some(s) = self.down_since {
            down += overlap(s, self.now.max(s));
        }
        (b - a).saturating_sub(down)
    }

    pub(super) fn poisson(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 || !mean.is_finite() {
            return 0;
        }
        match Poisson::new(mean) {
            Ok(p) => {
                let x: f64 = p.sample(&mut self.s_workload);
                x as u64
            }
            Err(_) => 0,
        }
    }

    /// Counts the writes acknowledged in [a, b] as lost (those not already
    /// counted), charges them to the current incident, and returns them.
    pub(super) fn lose_window(&mut self, a: Micros, b: Micros) -> u64 {
        if b <= a {
            return 0;
        }
        // The parts of [a, b] not already lost, visited in order: the
        // write-path up-time in them, and the span of writes this loss
        // takes, from the first newly lost moment at which writes were
        // being accepted.
        let mut acked: Micros = 0;
        let mut first_fresh = None;
        let mut fresh = |s: Micros, e: Micros| {
            let up = self.acked_time(s, e);
            acked += up;
            if up > 0 && first_fresh.is_none() {
                first_fresh = Some(s + self.first_acked_offset(s, e));
            }
        };
        let mut cursor = a;
        // Sorted and disjoint: start at the first window ending after `a`.
        let from = self.logs.lost.partition_point(|&(_, e)| e <= a);
        for &(s, e) in self.logs.lost[from..].iter().take_while(|&&(s, _)| s < b) {
            count_step();
            if e <= cursor {
                continue;
            }
            if s > cursor {
                fresh(cursor, s);
            }
            cursor = cursor.max(e);
        }
        if cursor < b {
            fresh(cursor, b);
        }
        let first_fresh = first_fresh.unwrap_or(b);
        let lost_writes = self.poisson(self.sc.workload.writes_per_sec * acked as f64 / 1e6);
        self.lost_acked_time += acked;
        self.lost_in_horizon += lost_writes;
        // Merge [a, b] into the sorted, disjoint set: the windows it meets
        // or touches, lost[lo..hi], become one (found by binary search; a
        // new loss is nearly always the latest, so the splice moves little).
        let lost = &mut self.logs.lost;
        let lo = lost.partition_point(|&(_, e)| e < a);
        let hi = lost.partition_point(|&(s, _)| s <= b);
        let merged = if lo < hi {
            (a.min(lost[lo].0), b.max(lost[hi - 1].1))
        } else {
            (a, b)
        };
        lost.splice(lo..hi, [merged]);
        debug_assert!(
            super::invariants::lost_windows_ok(&self.logs.lost),
            "lost windows not sorted and disjoint"
        );
        self.charge_loss(
            lost_writes,
            if lost_writes > 0 { b - first_fresh } else { 0 },
        );
        lost_writes
    }

    /// How far into [a, b] the write path was first up.
    fn first_acked_offset(&self, a: Micros, b: Micros) -> Micros {
        let mut t = a;
        // Skip the downtime intervals that cover `t`, in order: each step
        // moves `t` to the end of one, so there are at most as many steps
        // as intervals. `downs` is sorted and disjoint, and the open one
        // (`down_since`) comes after all of them: the first candidate is
        // found by binary search, the next is always the one after it.
        let downs = &self.logs.downs;
        let mut i = downs.partition_point(|&(_, e)| e <= t);
        let mut steps = 0;
        loop {
            debug_assert!(steps <= downs.len() + 1, "first_acked_offset runs on");
            steps += 1;
            count_step();
            let covering = match downs.get(i) {
                Some(&(s, e)) if s <= t && t < e => {
                    i += 1;
                    Some((s, e))
                }
                _ => self
                    .down_since
                    .map(|s| (s, self.now.max(s)))
                    .filter(|&(s, e)| s <= t && t < e),
            };
            match covering {
                Some((_, e)) if e < b => t = e,
                Some(_) => return b - a,
                None => return t - a,
            }
        }
    }

    pub(super) fn charge_loss(&mut self, lost: u64, rpo: Micros) {
        self.outcome.lost_writes += lost;
        if let Some(i) = self.ctx {
            let inc = &mut self.outcome.incidents[i];
            inc.lost_writes += lost;
            inc.rpo = inc.rpo.max(rpo);
        }
    }

    /// Writes acknowledged over the data set's whole life before `t`
    /// (its history before the horizon, plus what the trial accepted).
    pub(super) fn writes_before_mean(&self, t: Micros) -> f64 {
        let (history, origin) = match self.data_origin {
            None => (self.sc.workload.history, 0),
            Some(o) => (0, o),
        };
        let all =
            self.sc.workload.writes_per_sec * (history + self.acked_time(origin, t)) as f64 / 1e6;
        // What a kept damage destroyed is no longer there to lose.
        (all - self.kept_gone).max(0.0)
    }

    /// How far back the data set reaches from `t`: the span a permanent
    /// loss of a share of it covers.
    pub(super) fn data_age(&self, t: Micros) -> Micros {
        match self.data_origin {
            None => self.sc.workload.history + t,
            Some(o) => t.saturating_sub(o),
        }
    }

    /// No copy survived a failure at `failed_at`: every write the data set
    /// held is gone, its history too unless an earlier loss already took it.
    /// Returns the writes lost and the span they covered.
    pub(super) fn lose_everything(&mut self, failed_at: Micros) -> (u64, Micros) {
        let origin = self.data_origin.unwrap_or(0);
        let mut lost = self.lose_window(origin, failed_at);
        let mut window = failed_at - origin;
        if self.data_origin.is_none() {
            // Rows a kept damage already destroyed are not lost again.
            let history = self.sc.workload.writes_per_sec * self.sc.workload.history as f64 / 1e6;
            let before = self.poisson((history - self.kept_gone).max(0.0));
            window += self.sc.workload.history;
            // An RPO only when writes were lost (docs/metrics.md).
            self.charge_loss(before, if before > 0 { window } else { 0 });
            lost += before;
        }
        self.data_origin = Some(self.now);
        self.kept_gone = 0.0;
        (lost, if lost > 0 { window } else { 0 })
    }

    /// A split brain heals: the writes the deposed primary took after the
    /// new one's `position` (all of them until the promotion at
    /// `promoted_at`, then its side's share `old_share`) diverged. Charges
    /// them as lost and as diverged, and returns them.
    pub(super) fn charge_divergence(
        &mut self,
        position: Micros,
        promoted_at: Micros,
        old_share: f64,
        incident: Option<usize>,
    ) -> u64 {
        let before = self.acked_time(position, promoted_at) as f64;
        let after = self.acked_time(promoted_at, self.now) as f64 * old_share;
        let diverged = self.poisson(self.sc.workload.writes_per_sec * (before + after) / 1e6);
        self.charge_loss(diverged, if diverged > 0 { self.now - position } else { 0 });
        self.outcome.diverged_writes += diverged;
        if let Some(i) = incident {
            self.outcome.incidents[i].diverged_writes += diverged;
        }
        diverged
    }

    /// Logical damage done at `c` is kept: the `keep_loss` writes (expected)
    /// it destroyed are gone for good and are not lost again later.
    /// Returns the writes lost and the span of data they belong to.
    pub(super) fn keep_damage(&mut self, keep_loss: f64, share: f64, c: Micros) -> (u64, Micros) {
        let lost = self.poisson(keep_loss);
        self.kept_gone += keep_loss;
        let window = self.data_age(c);
        let rpo = partial_rpo(share, window);
        self.charge_loss(lost, if lost > 0 { rpo } else { 0 });
        (lost, rpo)
    }

    /// A side restore brought back every damaged row but those written in
    /// [a, c] (after the restore point `a`, before the damage at `c`): the
    /// damaged `share` of the writes acknowledged then, not already lost,
    /// is gone. Returns the writes lost.
    pub(super) fn lose_share(&mut self, share: f64, a: Micros, c: Micros) -> u64 {
        let acked = self.unlost_acked_time(a, c);
        let mean = share * self.sc.workload.writes_per_sec * acked as f64 / 1e6;
        let lost = self.poisson(mean);
        self.kept_gone += mean;
        self.lost_in_horizon += lost;
        let rpo = partial_rpo(share, acked);
        self.charge_loss(lost, if lost > 0 { rpo } else { 0 });
        lost
    }

    /// Write-path up-time in [a, b] outside the windows already lost.
    fn unlost_acked_time(&self, a: Micros, b: Micros) -> Micros {
        let mut acked = 0;
        let mut cursor = a;
        for &(s, e) in &self.logs.lost {
            if e <= cursor || s >= b {
                continue;
            }
            if s > cursor {
                acked += self.acked_time(cursor, s);
            }
            cursor = cursor.max(e);
        }
        if cursor < b {
            acked += self.acked_time(cursor, b);
        }
        acked
    }
}

/// The RPO of losing `share` of the rows of a span: the span of writes
/// the loss equals (docs/metrics.md, "Partial loss").
fn partial_rpo(share: f64, span: Micros) -> Micros {
    (share.clamp(0.0, 1.0) * span as f64).round() as Micros
}
