//! The results of a run, in the JSON shape of the design contract
//! (`version`, `scenario`, `seed`, `trials`, `horizon_seconds`,
//! `strategies[]` with `metrics.{lost_writes, downtime_seconds,
//! availability, rpo_seconds, rto_seconds}`), plus fields added beside
//! them. Built only from [`StrategyPartial`]s, so a sharded run merged
//! later gives the same bytes as one run.

use crate::montecarlo::{StrategyPartial, WorstIncident};
use crate::scenario::{Disruption, FaultKind, Policy, Scenario};
use crate::stats::{Accumulator, Summary, nines, wilson_interval};
use crate::units::{Micros, YEAR};
use serde::{Deserialize, Serialize};

/// The version written into every result.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Bumped when a field is renamed or its meaning changes.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunResults {
    pub version: String,
    pub schema_version: u32,
    pub scenario: String,
    pub seed: u64,
    pub trials: u64,
    pub horizon_seconds: u64,
    pub write_noun: String,
    pub strategies: Vec<StrategyResult>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StrategyResult {
    pub strategy: String,
    pub write_latency_added_ms: f64,
    pub p_data_loss: f64,
    /// Wilson 95% interval of `p_data_loss`.
    pub p_data_loss_ci95: [f64; 2],
    pub incidents: u64,
    pub metrics: Metrics,
    /// -log10(1 - mean availability).
    pub availability_nines: f64,
    pub downtime_minutes_per_year: f64,
    /// Mean lost writes scaled to one year.
    pub lost_writes_per_year: f64,
    pub writes_acknowledged_per_trial: f64,
    pub diverged_writes: u64,
    /// Writes in flight when a primary stopped serving, over the run: the
    /// client saw an error, so they are not lost writes.
    #[serde(default)]
    pub failed_writes: u64,
    #[serde(default)]
    pub failed_writes_per_trial: f64,
    pub by_cause: Vec<CauseResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<Vec<Verdict>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub lost_writes: Summary,
    pub downtime_seconds: Summary,
    pub availability: Summary,
    pub rpo_seconds: Summary,
    pub rto_seconds: Summary,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CauseResult {
    pub cause: FaultKind,
    pub incidents: u64,
    pub lost_writes: u64,
    pub incidents_per_trial: f64,
}

/// Whether a strategy meets the scenario's target for one kind of disruption.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub disruption: Disruption,
    pub percentile: f64,
    pub incidents: u64,
    /// `met`, `breached`, or `untested` (no incident of this kind happened).
    pub verdict: String,
    pub rto_target_seconds: Option<f64>,
    pub rto_seconds_at_percentile: f64,
    pub rto_met: Option<bool>,
    pub rpo_target_seconds: Option<f64>,
    pub rpo_seconds_at_percentile: f64,
    pub rpo_met: Option<bool>,
    /// The worst incidents that exceeded a target.
    pub worst_breaches: Vec<Breach>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Breach {
    pub trial: u64,
    pub at_seconds: f64,
    pub cause: FaultKind,
    pub target: String,
    pub lost_writes: u64,
    pub rpo_seconds: f64,
    pub rto_seconds: f64,
}

/// One point of a sweep: the settings and the results there.
#[derive(Debug, Serialize)]
pub struct SweepPoint {
    pub settings: std::collections::BTreeMap<String, String>,
    pub results: RunResults,
}

/// The results of `failsim sweep`: one run per point of the grid of knobs.
#[derive(Debug, Serialize)]
pub struct SweepResults {
    pub version: String,
    pub scenario: String,
    pub knobs: Vec<String>,
    pub points: Vec<SweepPoint>,
}

const US: f64 = 1e-6;

/// The summary of availability per trial, derived exactly from downtime:
/// availability = 1 - downtime / horizon, so its percentiles are downtime's
/// mirrored (p95 of availability is 1 - p5 of downtime).
fn availability_summary(downtime: &Accumulator, horizon: Micros) -> Summary {
    let h = horizon as f64;
    let a = |d: f64| 1.0 - d / h;
    let s = downtime.summary(1.0);
    Summary {
        mean: a(s.mean),
        ci95: [a(s.ci95[1]), a(s.ci95[0])],
        p50: a(downtime.quantile(0.50)),
        p95: a(downtime.quantile(0.05)),
        p99: a(downtime.quantile(0.01)),
        max: a(downtime.min() as f64),
    }
}

fn breach(w: &WorstIncident) -> Breach {
    Breach {
        trial: w.trial,
        at_seconds: w.at_us as f64 * US,
        cause: w.cause,
        target: w.target.to_string(),
        lost_writes: w.lost_writes,
        rpo_seconds: w.rpo_us as f64 * US,
        rto_seconds: w.rto_us as f64 * US,
    }
}

fn verdicts(p: &StrategyPartial, policy: &Policy) -> Vec<Verdict> {
    let q = policy.percentile / 100.0;
    policy
        .targets
        .iter()
        .map(|(&disruption, target)| {
            let empty = Default::default();
            let d = p.by_disruption.get(&disruption).unwrap_or(&empty);
            let rto_at = d.rto.quantile(q);
            let rpo_at = d.rpo.quantile(q);
            let rto_met = target.rto.map(|t| rto_at <= t as f64);
            let rpo_met = target.rpo.map(|t| rpo_at <= t as f64);
            let verdict = if d.incidents == 0 {
                "untested"
            } else if rto_met == Some(false) || rpo_met == Some(false) {
                "breached"
            } else {
                "met"
            };
            let mut worst: Vec<Breach> = Vec::new();
            if let Some(t) = target.rpo {
                worst.extend(d.worst_rpo.iter().filter(|w| w.rpo_us > t).map(breach));
            }
            if let Some(t) = target.rto {
                for w in d.worst_rto.iter().filter(|w| w.rto_us > t) {
                    let b = breach(w);
                    if !worst.contains(&b) {
                        worst.push(b);
                    }
                }
            }
            worst.truncate(crate::montecarlo::WORST_KEPT);
            Verdict {
                disruption,
                percentile: policy.percentile,
                incidents: d.incidents,
                verdict: verdict.into(),
                rto_target_seconds: target.rto.map(|t| t as f64 * US),
                rto_seconds_at_percentile: rto_at * US,
                rto_met,
                rpo_target_seconds: target.rpo.map(|t| t as f64 * US),
                rpo_seconds_at_percentile: rpo_at * US,
                rpo_met,
                worst_breaches: worst,
            }
        })
        .collect()
}

/// Summarizes one strategy.
pub fn summarize(p: &StrategyPartial, horizon: Micros, policy: Option<&Policy>) -> StrategyResult {
    let n = p.trials.max(1) as f64;
    let availability = availability_summary(&p.downtime, horizon);
    let years = horizon as f64 / YEAR as f64;
    StrategyResult {
        strategy: p.strategy.clone(),
        write_latency_added_ms: p.write_latency_added_us as f64 / 1000.0,
        p_data_loss: p.trials_with_loss as f64 / n,
        p_data_loss_ci95: wilson_interval(p.trials_with_loss, p.trials, 0.95),
        incidents: p.incidents,
        metrics: Metrics {
            lost_writes: p.lost_writes.summary(1.0),
            downtime_seconds: p.downtime.summary(US),
            availability,
            rpo_seconds: p.rpo.summary(US),
            rto_seconds: p.rto.summary(US),
        },
        availability_nines: nines(availability.mean),
        downtime_minutes_per_year: p.downtime.mean() * US / 60.0 / years,
        lost_writes_per_year: p.lost_writes.mean() / years,
        writes_acknowledged_per_trial: p.writes_acknowledged as f64 / n,
        diverged_writes: p.diverged_writes,
        failed_writes: p.failed_writes,
        failed_writes_per_trial: p.failed_writes as f64 / n,
        by_cause: p
            .by_cause
            .iter()
            .map(|(&cause, c)| CauseResult {
                cause,
                incidents: c.incidents,
                lost_writes: c.lost_writes,
                incidents_per_trial: c.incidents as f64 / n,
            })
            .collect(),
        policy: policy.map(|pol| verdicts(p, pol)),
    }
}

/// Builds the results of a whole run.
pub fn build(sc: &Scenario, seed: u64, trials: u64, partials: &[StrategyPartial]) -> RunResults {
    RunResults {
        version: VERSION.into(),
        schema_version: SCHEMA_VERSION,
        scenario: sc.name.clone(),
        seed,
        trials,
        horizon_seconds: sc.horizon / 1_000_000,
        write_noun: sc.workload.write_noun.clone(),
        strategies: partials
            .iter()
            .map(|p| summarize(p, sc.horizon, sc.policy.as_ref()))
            .collect(),
    }
}
