//! Many trials: run in parallel, summed exactly, summarized once.
//!
//! Each trial is independent and seeded from (seed, trial index), so the
//! set of outcomes does not depend on the number of threads. Outcomes are
//! folded into mergeable accumulators of integers (see [`crate::stats`]),
//! so the totals do not depend on the order of folding either: one thread,
//! two threads, or ten shards merged later all give the same bytes.
//!
//! Memory is flat in the number of trials: only accumulators are kept,
//! never per-trial timelines.

use crate::scenario::{Disruption, FaultKind, Scenario};
use crate::sim::{Engine, Incident, SmallStr, TrialOutcome};
use crate::stats::Accumulator;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;

/// How many of the worst incidents each kind of disruption keeps, for
/// policy verdicts.
pub const WORST_KEPT: usize = 5;

/// Trials per parallel work unit: large enough to amortize scheduling,
/// small enough to balance two cores.
const CHUNK: u64 = 64;

/// One incident remembered because it was among the worst.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorstIncident {
    pub trial: u64,
    pub at_us: u64,
    pub cause: FaultKind,
    /// Inline for short names: cloning a `String` per ranked incident was
    /// most of the allocations of a run.
    pub target: SmallStr,
    pub lost_writes: u64,
    pub rpo_us: u64,
    pub rto_us: u64,
}

/// Incidents of one kind of disruption.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DisruptionPartial {
    pub incidents: u64,
    pub lost_writes: u64,
    pub rpo: Accumulator,
    pub rto: Accumulator,
    /// The incidents with the largest RPO, then the largest RTO.
    pub worst_rpo: Vec<WorstIncident>,
    pub worst_rto: Vec<WorstIncident>,
}

/// Incidents of one cause.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CausePartial {
    pub incidents: u64,
    pub lost_writes: u64,
    /// Seconds of write-path downtime the cause's incidents started.
    pub rto_total_us: u64,
}

/// Everything a strategy's statistics need, mergeable across threads and
/// shards.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StrategyPartial {
    pub strategy: String,
    pub write_latency_added_us: u64,
    pub trials: u64,
    pub trials_with_loss: u64,
    pub incidents: u64,
    pub writes_acknowledged: u64,
    pub diverged_writes: u64,
    /// Writes in flight when a primary stopped serving (never acknowledged).
    #[serde(default)]
    pub failed_writes: u64,
    pub engine_events: u64,
    /// Per trial: acknowledged writes lost.
    pub lost_writes: Accumulator,
    /// Per trial: microseconds of write downtime.
    pub downtime: Accumulator,
    /// Per incident: microseconds of data lost, and to recovery.
    pub rpo: Accumulator,
    pub rto: Accumulator,
    pub by_disruption: BTreeMap<Disruption, DisruptionPartial>,
    pub by_cause: BTreeMap<FaultKind, CausePartial>,
}

/// The order of a worst list: largest value first, ties by trial and then
/// time so that the choice is deterministic (the sort is stable, so a full
/// tie keeps the incident folded in first).
fn rank(value: u64, trial: u64, at_us: u64) -> (std::cmp::Reverse<u64>, u64, u64) {
    (std::cmp::Reverse(value), trial, at_us)
}

fn keep_worst(list: &mut Vec<WorstIncident>, key: impl Fn(&WorstIncident) -> u64) {
    list.sort_by_key(|w| rank(key(w), w.trial, w.at_us));
    list.truncate(WORST_KEPT);
}

/// Whether an incident with this key, trial and time could still be among
/// the [`WORST_KEPT`] worst of `list`, by `keep_worst`'s order.
///
/// `list` is sorted from its first element to its `WORST_KEPT`-th as soon
/// as it has that many (`offer` sorts it then, and `keep_worst`
/// whenever it runs), and later candidates are only appended: so its
/// `WORST_KEPT`-th element is a floor under the worst kept so far, and a
/// candidate that does not come strictly before it can never rank (on a
/// full tie the earlier candidate stays first, as in the stable sort).
/// Most incidents of a long run are skipped here instead of being pushed
/// and sorted away.
fn may_rank(
    list: &[WorstIncident],
    value: u64,
    trial: u64,
    at_us: u64,
    key: impl Fn(&WorstIncident) -> u64,
) -> bool {
    let Some(floor) = list.get(WORST_KEPT - 1) else {
        return true;
    };
    rank(value, trial, at_us) < rank(key(floor), floor.trial, floor.at_us)
}

/// Offers an incident whose value under `key` is `value` to a worst list:
/// built by `make` and pushed only if it is positive and may rank, the
/// list sorted once it reaches [`WORST_KEPT`] (which `may_rank` relies
/// on) and trimmed when it grows past four times that.
fn offer(
    list: &mut Vec<WorstIncident>,
    value: u64,
    trial: u64,
    at_us: u64,
    key: impl Fn(&WorstIncident) -> u64 + Copy,
    make: impl FnOnce() -> WorstIncident,
) {
    if value == 0 || !may_rank(list, value, trial, at_us, key) {
        return;
    }
    list.push(make());
    if list.len() == WORST_KEPT || list.len() > 4 * WORST_KEPT {
        keep_worst(list, key);
    }
}

/// Kinds of incident that lose nothing and never stop writes, with how many
/// of each one trial had; a trial has few kinds, so a short list is faster
/// than a map.
struct QuietTally {
    len: usize,
    kinds: [(Disruption, FaultKind, u64); QuietTally::CAPACITY],
}

impl QuietTally {
    const CAPACITY: usize = 8;

    fn new() -> Self {
        // Entries past `len` are never read.
        let unused = (Disruption::Software, FaultKind::ApiCrash, 0);
        QuietTally {
            len: 0,
            kinds: [unused; Self::CAPACITY],
        }
    }

    /// Counts one incident of this kind; false (and nothing counted) when
    /// the list is full, for the caller to fold the incident in itself.
    fn count(&mut self, disruption: Disruption, cause: FaultKind) -> bool {
        self.count_many(disruption, cause, 1)
    }

    /// Counts `n` incidents of this kind, as [`QuietTally::count`] one.
    fn count_many(&mut self, disruption: Disruption, cause: FaultKind, n: u64) -> bool {
        let kinds = &mut self.kinds[..self.len];
        if let Some(kind) = kinds.iter_mut().find(|k| k.0 == disruption && k.1 == cause) {
            kind.2 += n;
            return true;
        }
        if self.len == Self::CAPACITY {
            return false;
        }
        self.kinds[self.len] = (disruption, cause, n);
        self.len += 1;
        true
    }

    fn kinds(&self) -> &[(Disruption, FaultKind, u64)] {
        &self.kinds[..self.len]
    }
}

impl StrategyPartial {
    pub fn new(strategy: &str, write_latency_added_us: u64) -> Self {
        StrategyPartial {
            strategy: strategy.to_string(),
            write_latency_added_us,
            ..Default::default()
        }
    }

    /// Folds one trial in.
    pub fn add(&mut self, o: &TrialOutcome) {
        self.trials += 1;
        self.trials_with_loss += u64::from(o.lost_writes > 0);
        self.incidents += o.incident_count();
        self.writes_acknowledged = self
            .writes_acknowledged
            .saturating_add(o.writes_acknowledged);
        self.diverged_writes = self.diverged_writes.saturating_add(o.diverged_writes);
        self.failed_writes = self.failed_writes.saturating_add(o.failed_writes);
        self.engine_events += o.events;
        self.lost_writes.push(o.lost_writes);
        self.downtime.push(o.downtime);
        // Most incidents (API-server crashes, mostly) lose nothing and never
        // stop writes. Folding one in only counts it and pushes zeros (it
        // never ranks among the worst), so they are tallied by kind here and
        // folded in once per kind: the same state as one at a time, without
        // two map look-ups and four pushes each. The engine already counts
        // such API-server crashes rather than listing them.
        let mut quiet = QuietTally::new();
        if o.quiet_api_crashes > 0 {
            let api = FaultKind::ApiCrash;
            quiet.count_many(api.disruption(), api, o.quiet_api_crashes);
        }
        for i in &o.incidents {
            if !(i.is_quiet() && quiet.count(i.disruption, i.cause)) {
                self.add_incident(o.trial, i);
            }
        }
        for &(disruption, cause, n) in quiet.kinds() {
            self.rpo.push_repeated(0, n);
            self.rto.push_repeated(0, n);
            let d = self.by_disruption.entry(disruption).or_default();
            d.incidents += n;
            d.rpo.push_repeated(0, n);
            d.rto.push_repeated(0, n);
            self.by_cause.entry(cause).or_default().incidents += n;
        }
    }

    /// Folds one incident of trial `trial` in.
    fn add_incident(&mut self, trial: u64, i: &Incident) {
        self.rpo.push(i.rpo);
        self.rto.push(i.rto);
        let d = self.by_disruption.entry(i.disruption).or_default();
        d.incidents += 1;
        d.lost_writes = d.lost_writes.saturating_add(i.lost_writes);
        d.rpo.push(i.rpo);
        d.rto.push(i.rto);
        // Built only for incidents that may rank: most incidents lose
        // nothing and never stop writes, and cloning their target name
        // would be most of the cost of folding them in.
        let w = || WorstIncident {
            trial,
            at_us: i.at,
            cause: i.cause,
            target: i.target.clone(),
            lost_writes: i.lost_writes,
            rpo_us: i.rpo,
            rto_us: i.rto,
        };
        offer(&mut d.worst_rpo, i.rpo, trial, i.at, |w| w.rpo_us, w);
        offer(&mut d.worst_rto, i.rto, trial, i.at, |w| w.rto_us, w);
        let c = self.by_cause.entry(i.cause).or_default();
        c.incidents += 1;
        c.lost_writes = c.lost_writes.saturating_add(i.lost_writes);
        c.rto_total_us = c.rto_total_us.saturating_add(i.rto);
    }

    /// Finishes the top-K lists (call before serializing or summarizing).
    pub fn normalize(&mut self) {
        for d in self.by_disruption.values_mut() {
            keep_worst(&mut d.worst_rpo, |w| w.rpo_us);
            keep_worst(&mut d.worst_rto, |w| w.rto_us);
        }
    }

    /// Adds another partial of the same strategy.
    ///
    /// # Panics
    /// If a count would overflow (see [`StrategyPartial::try_merge`]).
    pub fn merge(&mut self, o: &StrategyPartial) {
        if let Err(e) = self.try_merge(o) {
            panic!("{e}");
        }
    }

    /// [`StrategyPartial::merge`], refusing with the name of the count
    /// that would overflow instead of panicking: for partials read from
    /// shard files, which may have been edited. On an error `self` is
    /// left part-merged and must be dropped.
    pub fn try_merge(&mut self, o: &StrategyPartial) -> Result<(), String> {
        let add = |a: u64, b: u64, what: &str| {
            a.checked_add(b)
                .ok_or_else(|| format!("`{what}` overflows when the shards are added"))
        };
        let acc = |a: &mut Accumulator, b: &Accumulator, what: &str| {
            a.try_merge(b)
                .map_err(|e| format!("`{what}`: {e} when the shards are added"))
        };
        self.trials = add(self.trials, o.trials, "trials")?;
        self.trials_with_loss = add(
            self.trials_with_loss,
            o.trials_with_loss,
            "trials_with_loss",
        )?;
        self.incidents = add(self.incidents, o.incidents, "incidents")?;
        self.writes_acknowledged = self
            .writes_acknowledged
            .saturating_add(o.writes_acknowledged);
        self.diverged_writes = self.diverged_writes.saturating_add(o.diverged_writes);
        self.failed_writes = self.failed_writes.saturating_add(o.failed_writes);
        self.engine_events = add(self.engine_events, o.engine_events, "engine_events")?;
        acc(&mut self.lost_writes, &o.lost_writes, "lost_writes")?;
        acc(&mut self.downtime, &o.downtime, "downtime")?;
        acc(&mut self.rpo, &o.rpo, "rpo")?;
        acc(&mut self.rto, &o.rto, "rto")?;
        for (k, v) in &o.by_disruption {
            let d = self.by_disruption.entry(*k).or_default();
            d.incidents = add(d.incidents, v.incidents, "by_disruption.incidents")?;
            d.lost_writes = d.lost_writes.saturating_add(v.lost_writes);
            acc(&mut d.rpo, &v.rpo, "by_disruption.rpo")?;
            acc(&mut d.rto, &v.rto, "by_disruption.rto")?;
            d.worst_rpo.extend(v.worst_rpo.iter().cloned());
            d.worst_rto.extend(v.worst_rto.iter().cloned());
        }
        for (k, v) in &o.by_cause {
            let c = self.by_cause.entry(*k).or_default();
            c.incidents = add(c.incidents, v.incidents, "by_cause.incidents")?;
            c.lost_writes = c.lost_writes.saturating_add(v.lost_writes);
            c.rto_total_us = c.rto_total_us.saturating_add(v.rto_total_us);
        }
        self.normalize();
        Ok(())
    }

    /// Whether this partial, read from a file, is one that running
    /// `trials` trials could have produced: one observation of lost writes
    /// and of downtime per trial, no more trials with a loss than trials,
    /// every accumulator consistent, the worst incidents from trials in
    /// `range`. The error names the field.
    pub fn check(&self, range: &Range<u64>) -> Result<(), String> {
        let trials = range.end - range.start;
        if self.trials != trials {
            return Err(format!(
                "field `trials`: {} trials, but the shard's trial range holds {trials}",
                self.trials
            ));
        }
        if self.trials_with_loss > self.trials {
            return Err("field `trials_with_loss`: more than `trials`".into());
        }
        let mut accs: Vec<(String, &Accumulator)> = vec![
            ("lost_writes".into(), &self.lost_writes),
            ("downtime".into(), &self.downtime),
            ("rpo".into(), &self.rpo),
            ("rto".into(), &self.rto),
        ];
        for (k, d) in &self.by_disruption {
            accs.push((format!("by_disruption.{k:?}.rpo"), &d.rpo));
            accs.push((format!("by_disruption.{k:?}.rto"), &d.rto));
            for w in d.worst_rpo.iter().chain(&d.worst_rto) {
                if !range.contains(&w.trial) {
                    return Err(format!(
                        "field `by_disruption.{k:?}`: a worst incident of trial {}, outside the shard's trials {}..{}",
                        w.trial, range.start, range.end
                    ));
                }
            }
        }
        for (what, a) in accs {
            a.check().map_err(|e| format!("field `{what}`: {e}"))?;
        }
        for (what, a) in [
            ("lost_writes", &self.lost_writes),
            ("downtime", &self.downtime),
        ] {
            if a.count() != trials {
                return Err(format!(
                    "field `{what}`: {} observations for {trials} trials",
                    a.count()
                ));
            }
        }
        Ok(())
    }
}

/// A strategy ready to run: its name and transformed scenario.
#[derive(Clone, Debug)]
pub struct Arm {
    pub name: String,
    pub scenario: Scenario,
}

/// Runs trials `range` of every arm (the same trial index under every arm:
/// common random numbers) and returns one partial per arm, in arm order.
///
/// `progress` is called with the number of trials just finished; it must
/// be cheap (it is called from worker threads).
///
/// A trial that stops at the engine's cap of events rather than at the
/// horizon would count the rest of its horizon as up: the run is refused
/// (exit 2), naming the first such trial, instead of printing it.
pub fn run(
    arms: &[Arm],
    seed: u64,
    range: Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<StrategyPartial>, EventCapReached> {
    run_capped(arms, seed, range, progress, crate::sim::engine::EVENT_CAP)
}

/// A trial stopped at the engine's cap of events before its horizon: the
/// scenario's faults and repairs come too often for it (exit 2).
#[derive(Clone, Debug, thiserror::Error)]
#[error(
    "{strategy}: trial {trial} reached {} events before the horizon, the most one trial may take; the rest of it would be counted as up, so no result is given. Its faults and repairs come too often for the horizon: make failures rarer, repairs longer, or the horizon shorter",
    crate::format::format_count(*cap)
)]
pub struct EventCapReached {
    /// The strategy whose trial reached the cap.
    pub strategy: String,
    /// The first trial (in trial order) that did.
    pub trial: u64,
    /// The cap, in events.
    pub cap: u64,
}

/// [`run`] with trials stopped at `cap` events.
fn run_capped(
    arms: &[Arm],
    seed: u64,
    range: Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
    cap: u64,
) -> Result<Vec<StrategyPartial>, EventCapReached> {
    use std::sync::atomic::{AtomicU64, Ordering};
    let engines: Vec<Engine> = arms
        .iter()
        .map(|a| Engine::new(&a.scenario).with_event_cap(cap))
        .collect();
    // The first trial (and its arm) that reached the cap, packed as
    // trial * arms + arm so that the smallest wins whatever the threads.
    let capped = AtomicU64::new(u64::MAX);
    let empty = || -> Vec<StrategyPartial> {
        arms.iter()
            .map(|a| StrategyPartial::new(&a.name, a.scenario.write_latency_added()))
            .collect()
    };
    let chunks: Vec<Range<u64>> = {
        let mut v = Vec::new();
        let mut s = range.start;
        while s < range.end {
            let e = (s + CHUNK).min(range.end);
            v.push(s..e);
            s = e;
        }
        v
    };
    // Each piece of work rayon splits off folds its chunks into one set of
    // partials (rayon's fold), so the accumulators of a piece are allocated
    // and grown once, not once per chunk; the sets are merged as soon as two
    // are ready (rayon's reduce), never collected: memory stays at a few
    // partials per thread, whatever the number of trials. Merging is exact
    // and associative, so the shape of the reduction tree (which depends on
    // the threads) cannot change a bit.
    let mut total = chunks
        .into_par_iter()
        .fold(empty, |mut acc, chunk| {
            let n = chunk.end - chunk.start;
            for trial in chunk {
                if capped.load(Ordering::Relaxed) != u64::MAX {
                    // The run is refused: the remaining trials are moot.
                    break;
                }
                for (k, (a, e)) in acc.iter_mut().zip(&engines).enumerate() {
                    let o = e.run_trial(seed, trial, false);
                    if e.reached_cap(&o) {
                        let key = trial
                            .saturating_mul(engines.len() as u64)
                            .saturating_add(k as u64);
                        capped.fetch_min(key, Ordering::Relaxed);
                    }
                    a.add(&o);
                    e.recycle(o);
                }
            }
            progress(n);
            acc
        })
        .reduce(empty, |mut left, right| {
            for (t, x) in left.iter_mut().zip(&right) {
                t.merge(x);
            }
            left
        });
    let key = capped.into_inner();
    if key != u64::MAX {
        let arms_n = arms.len().max(1) as u64;
        let (trial, arm) = (key / arms_n, (key % arms_n) as usize);
        return Err(EventCapReached {
            strategy: arms[arm].name.clone(),
            trial,
            cap,
        });
    }
    for t in &mut total {
        t.normalize();
    }
    Ok(total)
}

/// The trial among `range` with the most to tell: the most lost writes,
/// then the most downtime, then the most incidents. Runs serially over the
/// range with no recording, so it costs one pass.
pub fn most_eventful(arm: &Arm, seed: u64, range: Range<u64>) -> u64 {
    let e = Engine::new(&arm.scenario);
    range
        .into_par_iter()
        .map(|t| {
            let o = e.run_trial(seed, t, false);
            (
                (
                    o.lost_writes > 0,
                    o.downtime > 0,
                    o.incident_count(),
                    std::cmp::Reverse(t),
                ),
                t,
            )
        })
        .max_by_key(|x| x.0)
        .map(|x| x.1)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A trial that reaches the cap of events makes the whole run an
    /// error naming it, never numbers that count the rest as up (a trial
    /// used to stop silently at 50 million events).
    #[test]
    fn a_run_whose_trial_reaches_the_event_cap_is_refused() {
        let mut text = String::from(
            "name = \"x\"\ntrials = 50\n[[regions]]\nname = \"east\"\nzones = [\"a\"]\n\
             [[database.nodes]]\nname = \"db1\"\nzone = \"a\"\nrole = \"primary\"\n",
        );
        for d in 1..=5 {
            text.push_str(&format!(
                "[[events]]\nat = \"{d}d\"\nfault = \"db-crash\"\ntarget = \"primary\"\n"
            ));
        }
        let sc =
            crate::scenario::parse(&text, "x.toml", crate::scenario::Format::Toml).expect("valid");
        let arm = Arm {
            name: "failover".into(),
            scenario: sc.clone(),
        };
        let arms = [arm];
        let err = run_capped(&arms, sc.seed, 0..50, &|_| {}, 3).expect_err("capped");
        let msg = err.to_string();
        assert!(msg.contains("trial 0 reached 3 events"), "{msg}");
        assert!(msg.contains("failover:"), "{msg}");
        // Uncapped, the same run completes.
        assert!(run(&arms, sc.seed, 0..50, &|_| {}).is_ok());
    }

    /// Folds a trial in one incident at a time, every incident through the
    /// general path.
    fn add_one_at_a_time(p: &mut StrategyPartial, o: &TrialOutcome) {
        let mut without_incidents = o.clone();
        without_incidents.incidents.clear();
        p.add(&without_incidents);
        p.incidents += o.incidents.len() as u64;
        for i in &o.incidents {
            p.add_incident(o.trial, i);
        }
    }

    #[test]
    fn tallying_quiet_incidents_changes_nothing() {
        use Disruption::*;
        use FaultKind::*;
        let disruptions = [Software, Hardware, Zone, Region, Human];
        let causes = [
            ApiCrash,
            DbCrash,
            DiskLoss,
            ZoneOutage,
            RegionOutage,
            Partition,
            AccidentalDelete,
            BackupFailure,
            Migration,
        ];
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut tallied = StrategyPartial::new("s", 0);
        let mut reference = StrategyPartial::new("s", 0);
        for trial in 0..300 {
            // Up to 45 kinds of incident in a trial, more than a tally holds.
            let kinds = rng.random_range(1..=disruptions.len() * causes.len());
            let incidents = (0..rng.random_range(0..80))
                .map(|n| {
                    let kind = rng.random_range(0..kinds);
                    let quiet = rng.random_range(0..3) > 0;
                    let mut value = || match rng.random_range(0..4) {
                        0 => rng.random_range(1..10_000_000_000),
                        _ => 0,
                    };
                    let (lost_writes, rpo, rto) = match quiet {
                        true => (0, 0, 0),
                        false => (value(), value(), value()),
                    };
                    let cause = causes[kind % causes.len()];
                    Incident {
                        cause,
                        target: format!("t{kind}").into(),
                        // As the engine gives it: an API-server crash that
                        // it counts rather than lists is of this disruption.
                        disruption: match cause {
                            ApiCrash => ApiCrash.disruption(),
                            _ => disruptions[kind / causes.len()],
                        },
                        at: n * 1_000_000,
                        lost_writes,
                        rpo,
                        rto,
                        rto_from: 0,
                        diverged_writes: 0,
                        recovery: None,
                    }
                })
                .collect();
            let o = TrialOutcome {
                trial,
                lost_writes: rng.random_range(0..3),
                downtime: rng.random_range(0..3) * 1_000_000,
                incidents,
                events: 10,
                ..Default::default()
            };
            // Every other trial as a run without recording gives it: its
            // quiet API-server crashes counted, not listed.
            let mut counted = o.clone();
            if trial % 2 == 0 {
                counted.count_quiet_api_crashes();
            }
            tallied.add(&counted);
            add_one_at_a_time(&mut reference, &o);
        }
        tallied.normalize();
        reference.normalize();
        assert!(tallied.by_disruption.len() == disruptions.len());
        assert!(tallied.by_cause.len() == causes.len());
        assert_eq!(tallied, reference);
        assert_eq!(
            serde_json::to_string(&tallied).unwrap(),
            serde_json::to_string(&reference).unwrap()
        );
    }

    /// The worst lists, built with `may_rank` skipping candidates, hold
    /// exactly the first `WORST_KEPT` of all incidents in `keep_worst`'s
    /// order (ties on value, trial and time included).
    #[test]
    fn worst_lists_match_a_ranking_of_every_incident() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut p = StrategyPartial::new("s", 0);
        let mut all = Vec::new();
        for trial in 0..20 {
            // Many incidents a trial, with few distinct values and times in
            // no order: ties on value, and on value and trial, are common.
            let incidents: Vec<Incident> = (0..rng.random_range(0..200))
                .map(|n| Incident {
                    cause: FaultKind::DbCrash,
                    target: format!("db{n}").into(),
                    disruption: Disruption::Software,
                    at: rng.random_range(0..8) * 1_000_000,
                    lost_writes: 1,
                    rpo: rng.random_range(0..4) * 1_000_000,
                    rto: rng.random_range(0..30) * 1_000_000,
                    rto_from: 0,
                    diverged_writes: 0,
                    recovery: None,
                })
                .collect();
            all.extend(incidents.iter().map(|i| (trial, i.clone())));
            p.add(&TrialOutcome {
                trial,
                incidents,
                ..Default::default()
            });
        }
        p.normalize();
        let d = &p.by_disruption[&Disruption::Software];
        for (list, key) in [
            (&d.worst_rpo, (|i: &Incident| i.rpo) as fn(&Incident) -> u64),
            (&d.worst_rto, |i: &Incident| i.rto),
        ] {
            let mut want: Vec<&(u64, Incident)> = all.iter().filter(|(_, i)| key(i) > 0).collect();
            // Stable: full ties stay in the order they were folded in.
            want.sort_by_key(|(t, i)| (std::cmp::Reverse(key(i)), *t, i.at));
            want.truncate(WORST_KEPT);
            let got: Vec<(u64, u64, &str)> = list
                .iter()
                .map(|w| (w.trial, w.at_us, w.target.as_str()))
                .collect();
            let want: Vec<(u64, u64, &str)> = want
                .iter()
                .map(|(t, i)| (*t, i.at, i.target.as_str()))
                .collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn may_rank_follows_the_order_of_keep_worst() {
        let w = |value, trial, at_us| WorstIncident {
            trial,
            at_us,
            cause: FaultKind::DbCrash,
            target: "db1".into(),
            lost_writes: 1,
            rpo_us: value,
            rto_us: 0,
        };
        let rank = |list: &[WorstIncident], v, t, at| may_rank(list, v, t, at, |w| w.rpo_us);
        let mut list: Vec<WorstIncident> =
            (0..WORST_KEPT as u64).map(|k| w(50 - k, 3, 10)).collect();
        assert!(rank(&list[..WORST_KEPT - 1], 1, 99, 99), "not full yet");
        list[WORST_KEPT - 1] = w(5, 3, 10);
        assert!(rank(&list, 6, 9, 99), "larger value");
        assert!(rank(&list, 5, 2, 99), "same value, earlier trial");
        assert!(rank(&list, 5, 3, 9), "same value and trial, earlier");
        assert!(!rank(&list, 5, 3, 10), "a full tie keeps the earlier one");
        assert!(!rank(&list, 5, 3, 11), "same value and trial, later");
        assert!(!rank(&list, 5, 4, 0), "same value, later trial");
        assert!(!rank(&list, 4, 0, 0), "smaller value");
    }

    #[test]
    fn quiet_tally_reports_when_full() {
        let mut tally = QuietTally::new();
        let causes = [
            FaultKind::ApiCrash,
            FaultKind::DbCrash,
            FaultKind::DiskLoss,
            FaultKind::ZoneOutage,
        ];
        for d in [Disruption::Software, Disruption::Hardware] {
            for c in causes {
                assert!(tally.count(d, c));
            }
        }
        assert!(tally.count(Disruption::Software, FaultKind::ApiCrash));
        assert!(!tally.count(Disruption::Zone, FaultKind::ApiCrash));
        assert_eq!(tally.kinds().len(), QuietTally::CAPACITY);
        assert_eq!(
            tally.kinds()[0],
            (Disruption::Software, FaultKind::ApiCrash, 2)
        );
    }
}
