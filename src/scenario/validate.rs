//! From the file as written to the model the engine runs: resolve names,
//! check ranges and cross-references, fill defaults.
//!
//! Every problem is reported with the field path it concerns
//! (`database.nodes[1].zone`), so the loader can point at the line. All
//! problems are collected, not just the first: fixing a scenario should not
//! take one run per typo.
//!
//! Defaults and where their figures come from are listed in
//! docs/scenario-format.md.

use super::model::*;
use super::raw::*;
use crate::dist::{Dist, FailureLaw, FailureRate, time_to_failure};
use crate::units::{Micros, SECOND, YEAR};

mod api;
mod backups;
mod database;
mod failover;
mod faults;
mod migrations;
mod network;
mod policy;
mod replication;
mod scheduled;
mod text;
mod topology;
mod workload;

/// One problem found in a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Dotted field path, e.g. `database.nodes[1].zone`.
    pub path: String,
    pub message: String,
    pub help: Option<String>,
}

/// The most trials one run may ask for. Above this a run would take days on
/// a laptop; shard it instead (`--shard`).
pub const TRIALS_MAX: u64 = 100_000_000;
/// The longest horizon: beyond it microsecond arithmetic nears its limits
/// and no data-protection decision needs it.
pub const HORIZON_MAX: Micros = 1000 * YEAR;
/// The most simulated time one run may cover, trials x horizon, in years.
/// At the engine's speed (tens of microseconds per simulated year) that is
/// about an hour of CPU time; and it keeps the exact statistics in range:
/// the sum of squares of a per-trial time in microseconds (downtime) stays
/// below 2^128 (10^8 trial-years x 1000 years x (3.2*10^13 us/year)^2 is
/// about 10^38).
pub const TRIAL_YEARS_MAX: u64 = 100_000_000;
/// The most writes a data set may hold over its history and the horizon.
/// Lost and acknowledged writes are counted in 64-bit integers and their
/// squares summed in 128 bits over up to [`TRIALS_MAX`] trials; beyond
/// about 10^15 writes per trial that overflows (10^12 writes/s panicked),
/// and a Poisson draw of mean 10^300 silently came out as 0.
pub const WRITES_MAX: f64 = 1e14;

/// Whether `trials` trials of `horizon` fit in one run ([`TRIALS_MAX`],
/// [`TRIAL_YEARS_MAX`]); the refusal says what to change.
pub fn check_run_size(trials: u64, horizon: Micros) -> Result<(), String> {
    if trials > TRIALS_MAX {
        return Err(format!(
            "{trials} trials is more than failsim accepts ({TRIALS_MAX}), in one process or split with --shard; a million trials already pin p_data_loss to within 0.1 percentage point (95% confidence)"
        ));
    }
    let years = trials as u128 * horizon as u128 / YEAR as u128;
    if years > TRIAL_YEARS_MAX as u128 {
        return Err(format!(
            "{trials} trials of {} is {years} simulated years, more than one run accepts ({TRIAL_YEARS_MAX}); use fewer trials or a shorter horizon",
            if horizon.is_multiple_of(YEAR) {
                format!("{}y", horizon / YEAR)
            } else {
                crate::format::format_duration(horizon)
            }
        ));
    }
    Ok(())
}
/// Bounds that keep a scenario from allocating without limit.
pub const NODES_MAX: usize = 64;
pub const API_SERVERS_MAX: u32 = 10_000;
pub const EVENTS_MAX: usize = 10_000;
pub const ZONES_MAX: usize = 256;

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
            help: None,
        });
    }
    fn err_help(
        &mut self,
        path: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let (message, mut help) = (message.into(), help.into());
        // An unknown name: the nearest of the names the help lists, on a
        // help line of its own.
        if let Some(hint) = crate::suggest::unknown_name_hint(&message, &help) {
            help = format!("{help}\n{hint}");
        }
        self.problems.push(Problem {
            path: path.into(),
            message,
            help: Some(help),
        });
    }

    fn positive(&mut self, path: &str, v: f64) -> f64 {
        if !(v.is_finite() && v > 0.0) {
            self.err(
                path,
                format!("must be a number greater than zero, found {v}"),
            );
            return 1.0;
        }
        v
    }

    /// `recovery`: how logical damage is undone (side-restore by default).
    fn recovery(&mut self, path: &str, v: Option<&String>) -> LogicalRecovery {
        let Some(v) = v else {
            return LogicalRecovery::default();
        };
        match LogicalRecovery::parse(v) {
            Some(r) => r,
            None => {
                self.err_help(
                    path,
                    format!("unknown recovery mode `{v}`"),
                    "use side-restore (restore a copy beside the database and copy the damaged rows back) or rollback (roll the whole database back in place)",
                );
                LogicalRecovery::default()
            }
        }
    }

    fn non_negative(&mut self, path: &str, v: f64) -> f64 {
        if !(v.is_finite() && v >= 0.0) {
            self.err(path, format!("must be zero or more, found {v}"));
            return 0.0;
        }
        v
    }

    fn nonzero_duration(&mut self, path: &str, d: Micros) -> Micros {
        if d == 0 {
            self.err(path, "must be longer than zero");
            return SECOND;
        }
        d
    }

    /// A distribution of durations.
    fn dist(&mut self, path: &str, spec: &DistSpec) -> Dist {
        let t = match spec {
            DistSpec::Fixed(d) => return Dist::Fixed(d.0),
            DistSpec::Table(t) => t,
        };
        let given = |name: &str, present: bool| (name.to_string(), present);
        let fields = [
            given("mean", t.mean.is_some()),
            given("median", t.median.is_some()),
            given("p95", t.p95.is_some()),
            given("sigma", t.sigma.is_some()),
            given("shape", t.shape.is_some()),
            given("scale", t.scale.is_some()),
            given("min", t.min.is_some()),
            given("max", t.max.is_some()),
        ];
        let allowed: &[&str] = match t.dist.as_str() {
            "fixed" | "constant" => &["mean"],
            "exponential" => &["mean", "median"],
            "lognormal" | "log-normal" => &["mean", "median", "p95", "sigma"],
            "weibull" => &["shape", "scale", "mean"],
            "uniform" => &["min", "max"],
            other => {
                self.err_help(
                    format!("{path}.dist"),
                    format!("unknown distribution `{other}`"),
                    "use one of: fixed, exponential, lognormal, weibull, uniform",
                );
                return Dist::Fixed(0);
            }
        };
        for (name, present) in &fields {
            if *present && !allowed.contains(&name.as_str()) {
                self.err_help(
                    format!("{path}.{name}"),
                    format!("`{name}` does not apply to a {} distribution", t.dist),
                    format!("a {} distribution takes: {}", t.dist, allowed.join(", ")),
                );
            }
        }
        let f = |d: Option<crate::units::Duration>| d.map(|d| d.0 as f64);
        let positive_or = |c: &mut Checker, name: &str, v: Option<f64>| -> Option<f64> {
            v.map(|v| c.positive(&format!("{path}.{name}"), v))
        };
        match t.dist.as_str() {
            "fixed" | "constant" => match t.mean {
                Some(m) => Dist::Fixed(m.0),
                None => {
                    self.err(format!("{path}.mean"), "a fixed distribution needs `mean`");
                    Dist::Fixed(0)
                }
            },
            "exponential" => {
                let mean = match (f(t.mean), f(t.median)) {
                    (Some(m), None) => m,
                    (None, Some(md)) => md / std::f64::consts::LN_2,
                    _ => {
                        self.err(
                            path,
                            "an exponential distribution needs exactly one of `mean` or `median`",
                        );
                        1.0
                    }
                };
                let mean = self.positive(&format!("{path}.mean"), mean);
                Dist::Exponential { mean }
            }
            "lognormal" | "log-normal" => {
                let sigma = positive_or(self, "sigma", t.sigma);
                let median = positive_or(self, "median", f(t.median));
                let mean = positive_or(self, "mean", f(t.mean));
                let p95 = positive_or(self, "p95", f(t.p95));
                match (median, mean, p95, sigma) {
                    (Some(md), None, Some(p), None) => {
                        if p <= md {
                            self.err(format!("{path}.p95"), "p95 must be larger than the median");
                            return Dist::Fixed(md as Micros);
                        }
                        Dist::lognormal_median_p95(md, p)
                    }
                    (Some(md), None, None, Some(s)) => Dist::lognormal_median_sigma(md, s),
                    (None, Some(m), None, Some(s)) => Dist::lognormal_mean_sigma(m, s),
                    _ => {
                        self.err_help(
                            path,
                            "a log-normal distribution needs `median` and `p95`, `median` and `sigma`, or `mean` and `sigma`",
                            "e.g. { dist = \"lognormal\", median = \"15m\", p95 = \"1h\" }",
                        );
                        Dist::Fixed(0)
                    }
                }
            }
            "weibull" => {
                let Some(shape) = positive_or(self, "shape", t.shape) else {
                    self.err(
                        format!("{path}.shape"),
                        "a Weibull distribution needs `shape`",
                    );
                    return Dist::Fixed(0);
                };
                match (
                    positive_or(self, "scale", f(t.scale)),
                    positive_or(self, "mean", f(t.mean)),
                ) {
                    (Some(scale), None) => Dist::Weibull { shape, scale },
                    (None, Some(mean)) => Dist::weibull_mean(shape, mean),
                    _ => {
                        self.err(
                            path,
                            "a Weibull distribution needs exactly one of `scale` or `mean`",
                        );
                        Dist::Fixed(0)
                    }
                }
            }
            "uniform" => match (f(t.min), f(t.max)) {
                (Some(a), Some(b)) if b >= a => Dist::Uniform { min: a, max: b },
                (Some(_), Some(_)) => {
                    self.err(
                        format!("{path}.max"),
                        "`max` must not be smaller than `min`",
                    );
                    Dist::Fixed(0)
                }
                _ => {
                    self.err(path, "a uniform distribution needs `min` and `max`");
                    Dist::Fixed(0)
                }
            },
            _ => unreachable!("checked above"),
        }
    }

    fn dist_or(&mut self, path: &str, spec: &Option<DistSpec>, default: Dist) -> Dist {
        match spec {
            Some(s) => self.dist(path, s),
            None => default,
        }
    }

    /// A stochastic failure source. `needs` lists the extra fields this kind
    /// requires; `allows` those it accepts.
    fn failure(
        &mut self,
        path: &str,
        f: &RawFailure,
        needs: &[&str],
        allows: &[&str],
    ) -> Recurring {
        let rate = match (f.mttf, f.afr) {
            (Some(m), None) => {
                FailureRate::Mttf(self.nonzero_duration(&format!("{path}.mttf"), m.0))
            }
            (None, Some(a)) => {
                if a.0 <= 0.0 || a.0 >= 1.0 {
                    self.err(
                        format!("{path}.afr"),
                        "an annualized failure rate must lie strictly between 0% and 100%",
                    );
                    FailureRate::Afr(0.5)
                } else {
                    FailureRate::Afr(a.0)
                }
            }
            (Some(_), Some(_)) => {
                self.err(path, "give either `mttf` or `afr`, not both");
                FailureRate::Mttf(YEAR)
            }
            (None, None) => {
                self.err_help(
                    path,
                    "a failure source needs `mttf` or `afr`",
                    "e.g. { mttf = \"90d\" } or { afr = \"1.57%\" }",
                );
                FailureRate::Mttf(YEAR)
            }
        };
        let law = match f.dist.as_deref().unwrap_or("exponential") {
            "exponential" => {
                if f.shape.is_some() {
                    self.err(
                        format!("{path}.shape"),
                        "`shape` applies to dist = \"weibull\" only",
                    );
                }
                if f.sigma.is_some() {
                    self.err(
                        format!("{path}.sigma"),
                        "`sigma` applies to dist = \"lognormal\" only",
                    );
                }
                FailureLaw::Exponential
            }
            "weibull" if f.sigma.is_some() => {
                self.err(
                    format!("{path}.sigma"),
                    "`sigma` applies to dist = \"lognormal\" only",
                );
                FailureLaw::Exponential
            }
            "lognormal" | "log-normal" if f.shape.is_some() => {
                self.err(
                    format!("{path}.shape"),
                    "`shape` applies to dist = \"weibull\" only",
                );
                FailureLaw::Exponential
            }
            "weibull" => match f.shape {
                Some(k) => FailureLaw::Weibull {
                    shape: self.positive(&format!("{path}.shape"), k),
                },
                None => {
                    self.err_help(
                        format!("{path}.shape"),
                        "dist = \"weibull\" needs `shape`",
                        "shape > 1 means wear-out; disks in the field show about 1.1 to 1.5",
                    );
                    FailureLaw::Exponential
                }
            },
            "lognormal" | "log-normal" => match f.sigma {
                Some(s) => FailureLaw::LogNormal {
                    sigma: self.positive(&format!("{path}.sigma"), s),
                },
                None => {
                    self.err(
                        format!("{path}.sigma"),
                        "dist = \"lognormal\" needs `sigma`",
                    );
                    FailureLaw::Exponential
                }
            },
            other => {
                self.err_help(
                    format!("{path}.dist"),
                    format!("unknown failure law `{other}`"),
                    "use exponential, weibull or lognormal",
                );
                FailureLaw::Exponential
            }
        };
        let present = [
            ("duration", f.duration.is_some()),
            ("destroys_data", f.destroys_data.is_some()),
            ("detect", f.detect.is_some()),
            ("share", f.share.is_some()),
            ("recovery", f.recovery.is_some()),
        ];
        for (name, p) in present {
            if p && !needs.contains(&name) && !allows.contains(&name) {
                self.err(
                    format!("{path}.{name}"),
                    format!("`{name}` does not apply to this fault"),
                );
            }
            if !p && needs.contains(&name) {
                self.err(
                    format!("{path}.{name}"),
                    format!("this fault needs `{name}`"),
                );
            }
        }
        Recurring {
            time_to_failure: time_to_failure(law, rate),
            duration: f
                .duration
                .as_ref()
                .map(|d| self.dist(&format!("{path}.duration"), d)),
            destroys_data: f.destroys_data.map(|x| x.0).unwrap_or(0.0),
            detect: f
                .detect
                .as_ref()
                .map(|d| self.dist(&format!("{path}.detect"), d)),
            share: f.share.map(|x| x.0).unwrap_or(1.0),
            recovery: self.recovery(&format!("{path}.recovery"), f.recovery.as_ref()),
        }
    }
}

/// Default lag of an async replica: median 100 ms, p95 1 s. GitHub reports
/// "we commonly expect sub-second replication lag" (github.blog, 2017-10-13).
pub fn default_lag() -> Dist {
    Dist::lognormal_median_p95(100e3, 1e6)
}

fn lognormal(median: Micros, p95: Micros) -> Dist {
    Dist::lognormal_median_p95(median as f64, p95 as f64)
}

/// Checks a parsed file and builds the model, or lists every problem.
///
/// One call per section, in the order of the file format (each in its own
/// file under `validate/`); the problems come out in the order of these
/// calls, and within a section in the order of its fields.
pub fn validate(raw: &RawScenario) -> Result<Scenario, Vec<Problem>> {
    // Before any check that could echo a name back to the terminal.
    let controls = text::control_characters(raw);
    if !controls.is_empty() {
        return Err(controls);
    }
    let mut c = Checker {
        problems: Vec::new(),
    };

    if raw.name.trim().is_empty() {
        c.err("name", "the scenario needs a name");
    }
    let trials = raw.trials.unwrap_or(1000);
    if trials == 0 {
        c.err("trials", "must be at least 1");
    }
    let horizon = raw.horizon.map(|d| d.0).unwrap_or(YEAR);
    if horizon == 0 {
        c.err("horizon", "must be longer than zero");
    } else if horizon > HORIZON_MAX {
        c.err_help("horizon", "a horizon longer than 1000 years is refused", "simulate one year over more trials instead: statistics over trials are the same and memory stays flat");
    } else if let Err(e) = check_run_size(trials, horizon) {
        // With the default 1000 trials no horizon up to HORIZON_MAX is too
        // much, so this is always about `trials`.
        c.err("trials", e);
    }

    let workload = workload::workload(&mut c, raw, horizon);
    let mut topo = topology::topology(&mut c, raw);
    let network = network::network(&mut c, raw, &topo);
    let api = api::api_pool(&mut c, raw, &topo);
    let rmode = replication::mode(&mut c, raw);
    let db = database::nodes(&mut c, raw, &topo, rmode);
    replication::check_routes(&mut c, &db, &topo, &network);
    let replication = replication::replication(&mut c, raw, rmode, &db);
    let database = database::ops(&mut c, raw);
    let failover = failover::failover(&mut c, raw, db.replica_count);
    let operators = failover::operators(&mut c, raw);
    let backups = backups::backups(&mut c, raw, &topo, &db, horizon);
    let problems_before_faults = c.problems.len();
    let faults = faults::faults(&mut c, raw, &api, &topo);
    let regional = faults::regional(&mut c, raw, &api, &faults);
    // A law already refused stands in as a placeholder (a zero mttf as
    // 1 s): estimating events from it would add a second, false error.
    if c.problems.len() == problems_before_faults {
        faults::check_event_rate(
            &mut c,
            &faults,
            (raw, &regional),
            horizon,
            &api,
            &db.nodes,
            &topo,
        );
    }
    for (r, f) in topo.regions.iter_mut().zip(regional) {
        r.faults = f;
    }
    let events = scheduled::events(&mut c, raw, horizon, &api, &db, &topo, &network);
    let migrations = migrations::migrations(&mut c, raw, horizon);
    let policy = policy::policy(&mut c, raw);
    let costs = policy::costs(&mut c, raw);

    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    Ok(Scenario {
        name: raw.name.clone(),
        description: raw.description.clone(),
        lesson: raw.lesson.clone(),
        seed: raw.seed.unwrap_or(42),
        trials,
        horizon,
        workload,
        regions: topo.regions,
        zones: topo.zones,
        network,
        api,
        nodes: db.nodes,
        replication,
        database,
        failover,
        operators,
        backups,
        faults,
        events,
        migrations,
        policy,
        costs,
    })
}
