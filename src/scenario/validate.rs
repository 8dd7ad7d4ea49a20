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
use crate::units::{DAY, HOUR, MINUTE, Micros, SECOND, YEAR};
use std::collections::BTreeMap;

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
                crate::units::format_duration(horizon)
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
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
            help: Some(help.into()),
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
pub fn validate(raw: &RawScenario) -> Result<Scenario, Vec<Problem>> {
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

    // Workload.
    let w = &raw.workload;
    let workload = Workload {
        writes_per_sec: c.positive("workload.writes_per_sec", w.writes_per_sec.unwrap_or(100.0)),
        reads_per_sec: c.non_negative("workload.reads_per_sec", w.reads_per_sec.unwrap_or(0.0)),
        write_size: c.positive(
            "workload.write_size",
            w.write_size.map(|s| s.0 as f64).unwrap_or(1e3),
        ),
        data_size: c.positive(
            "workload.data_size",
            w.data_size.map(|s| s.0 as f64).unwrap_or(100e9),
        ),
        history: w.history.map(|d| d.0).unwrap_or(YEAR),
        write_noun: w.write_noun.clone().unwrap_or_else(|| "write".into()),
    };
    let writes = workload.writes_per_sec * (workload.history as f64 + horizon as f64) / 1e6;
    if writes > WRITES_MAX {
        c.err_help(
            "workload.writes_per_sec",
            format!(
                "{:e} writes/s over the history and the horizon is {} writes; failsim counts writes exactly and accepts at most 1e14",
                workload.writes_per_sec,
                if writes.is_finite() {
                    format!("{writes:.1e}")
                } else {
                    "more than 1e300".into()
                }
            ),
            "lower writes_per_sec, history or horizon (lost writes scale with the rate)",
        );
    }

    // Regions and zones.
    let mut regions = Vec::new();
    let mut zones: Vec<Zone> = Vec::new();
    let mut region_index: BTreeMap<String, RegionId> = BTreeMap::new();
    let mut zone_index: BTreeMap<String, ZoneId> = BTreeMap::new();
    if raw.regions.is_empty() {
        c.err_help(
            "regions",
            "the scenario needs at least one region",
            "[[regions]]\nname = \"us-east\"\nzones = [\"us-east-1a\", \"us-east-1b\"]",
        );
    }
    for (i, r) in raw.regions.iter().enumerate() {
        let path = format!("regions[{i}]");
        if r.name.trim().is_empty() {
            c.err(format!("{path}.name"), "a region needs a name");
        }
        if region_index.insert(r.name.clone(), i).is_some() {
            c.err(
                format!("{path}.name"),
                format!("region `{}` is defined twice", r.name),
            );
        }
        let mut zs = Vec::new();
        let names: Vec<String> = if r.zones.is_empty() {
            vec![r.name.clone()]
        } else {
            r.zones.clone()
        };
        for (j, z) in names.iter().enumerate() {
            let id = zones.len();
            if zone_index.insert(z.clone(), id).is_some() {
                c.err(
                    format!("{path}.zones[{j}]"),
                    format!("zone `{z}` is defined twice"),
                );
            }
            zones.push(Zone {
                name: z.clone(),
                region: i,
            });
            zs.push(id);
        }
        regions.push(Region {
            name: r.name.clone(),
            zones: zs,
        });
    }
    if zones.len() > ZONES_MAX {
        c.err("regions", format!("more than {ZONES_MAX} zones"));
    }
    let region_names = || {
        raw.regions
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let zone_names = || {
        zones
            .iter()
            .map(|z| z.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let find_region = |c: &mut Checker, path: &str, name: &str| -> Option<RegionId> {
        let r = region_index.get(name).copied();
        if r.is_none() {
            c.err_help(
                path,
                format!("there is no region `{name}`"),
                format!("regions defined: {}", region_names()),
            );
        }
        r
    };
    let find_zone = |c: &mut Checker, path: &str, name: &str| -> Option<ZoneId> {
        let z = zone_index.get(name).copied();
        if z.is_none() {
            c.err_help(
                path,
                format!("there is no zone `{name}`"),
                format!("zones defined: {}", zone_names()),
            );
        }
        z
    };

    // Network. Defaults: ~0.5 ms within a datacenter (J. Dean, "Latency
    // numbers every programmer should know"); ~1 ms between zones (measured
    // 0.25-3.4 ms, xkyle.com "Measuring AWS Region and AZ Latency").
    let mut links = Vec::new();
    for (i, l) in raw.network.links.iter().enumerate() {
        let path = format!("network.links[{i}]");
        if l.between.len() != 2 {
            c.err(
                format!("{path}.between"),
                "a link joins exactly two regions",
            );
            continue;
        }
        let a = find_region(&mut c, &format!("{path}.between[0]"), &l.between[0]);
        let b = find_region(&mut c, &format!("{path}.between[1]"), &l.between[1]);
        if let (Some(a), Some(b)) = (a, b) {
            if a == b {
                c.err(
                    format!("{path}.between"),
                    "a link joins two different regions",
                );
            }
            links.push((a, b, l.rtt.0));
        }
    }
    let network = Network {
        rtt_same_zone: raw.network.rtt_same_zone.map(|d| d.0).unwrap_or(500),
        rtt_cross_zone: raw.network.rtt_cross_zone.map(|d| d.0).unwrap_or(1000),
        rtt_cross_region: raw.network.rtt_cross_region.map(|d| d.0),
        links,
    };

    // API pool.
    let api = raw.api.as_ref().map(|a| {
        if a.servers == 0 {
            c.err("api.servers", "the API pool needs at least one server");
        } else if a.servers > API_SERVERS_MAX {
            c.err(
                "api.servers",
                format!("more than {API_SERVERS_MAX} API servers"),
            );
        }
        let min_healthy = a.min_healthy.unwrap_or(1);
        if min_healthy == 0 {
            c.err("api.min_healthy", "must be at least 1");
        }
        if min_healthy > a.servers {
            c.err_help(
                "api.min_healthy",
                format!(
                    "{min_healthy} healthy servers needed but only {} exist",
                    a.servers
                ),
                "lower min_healthy or add servers",
            );
        }
        let zone_ids: Vec<ZoneId> = if a.zones.is_empty() {
            (0..zones.len()).collect()
        } else {
            a.zones
                .iter()
                .enumerate()
                .filter_map(|(j, z)| find_zone(&mut c, &format!("api.zones[{j}]"), z))
                .collect()
        };
        let servers = if zone_ids.is_empty() {
            Vec::new()
        } else {
            (0..a.servers.min(API_SERVERS_MAX) as usize)
                .map(|k| zone_ids[k % zone_ids.len()])
                .collect()
        };
        ApiPool {
            servers,
            min_healthy,
            restart: c.dist_or(
                "api.restart",
                &a.restart,
                lognormal(2 * MINUTE, 10 * MINUTE),
            ),
        }
    });

    // Replication.
    let rmode = match raw.replication.mode.as_deref() {
        None => None,
        Some(s) => match ReplicationMode::parse(s) {
            Some(m) => Some(m),
            None => {
                c.err_help(
                    "replication.mode",
                    format!("unknown replication mode `{s}`"),
                    "use one of: none, async, semi-sync, sync, delayed",
                );
                None
            }
        },
    };

    // Nodes.
    let mut nodes = Vec::new();
    let mut node_index: BTreeMap<String, NodeId> = BTreeMap::new();
    if raw.database.nodes.is_empty() {
        c.err_help(
            "database.nodes",
            "the scenario needs a database: at least one node with role = \"primary\"",
            "[[database.nodes]]\nname = \"db1\"\nzone = \"us-east-1a\"\nrole = \"primary\"",
        );
    }
    if raw.database.nodes.len() > NODES_MAX {
        c.err(
            "database.nodes",
            format!("more than {NODES_MAX} database nodes"),
        );
    }
    let replica_count = raw
        .database
        .nodes
        .iter()
        .filter(|n| n.role == "replica")
        .count();
    for (i, n) in raw.database.nodes.iter().enumerate() {
        let path = format!("database.nodes[{i}]");
        if node_index.insert(n.name.clone(), i).is_some() {
            c.err(
                format!("{path}.name"),
                format!("node `{}` is defined twice", n.name),
            );
        }
        let zone = find_zone(&mut c, &format!("{path}.zone"), &n.zone).unwrap_or(0);
        let role = match n.role.as_str() {
            "primary" => Role::Primary,
            "replica" => Role::Replica,
            other => {
                c.err_help(
                    format!("{path}.role"),
                    format!("unknown role `{other}`"),
                    "use \"primary\" or \"replica\"",
                );
                Role::Replica
            }
        };
        let active = match n.mode.as_deref() {
            None | Some("active") => true,
            Some("standby") => false,
            Some(other) => {
                c.err_help(
                    format!("{path}.mode"),
                    format!("unknown replica mode `{other}`"),
                    "use \"active\" (serves reads) or \"standby\"",
                );
                true
            }
        };
        let mode = match (&n.replication, role) {
            (Some(_), Role::Primary) => {
                c.err(
                    format!("{path}.replication"),
                    "a primary does not replicate from anyone; set `replication` on replicas",
                );
                ReplicationMode::None
            }
            (Some(s), Role::Replica) => match ReplicationMode::parse(s) {
                Some(ReplicationMode::None) => {
                    c.err(
                        format!("{path}.replication"),
                        "a replica with replication \"none\" is not a replica",
                    );
                    ReplicationMode::Async
                }
                Some(m) => m,
                None => {
                    c.err_help(
                        format!("{path}.replication"),
                        format!("unknown replication mode `{s}`"),
                        "use one of: async, semi-sync, sync, delayed",
                    );
                    ReplicationMode::Async
                }
            },
            (None, Role::Replica) => match rmode {
                Some(ReplicationMode::None) | None => ReplicationMode::Async,
                Some(m) => m,
            },
            (None, Role::Primary) => ReplicationMode::None,
        };
        nodes.push(Node {
            name: n.name.clone(),
            zone,
            role,
            active,
            mode,
        });
    }
    let primaries: Vec<usize> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.role == Role::Primary)
        .map(|(i, _)| i)
        .collect();
    match primaries.len() {
        0 if !nodes.is_empty() => c.err_help(
            "database.nodes",
            "no node has role = \"primary\"",
            "mark exactly one node as the primary",
        ),
        1 | 0 => {}
        _ => c.err(
            format!("database.nodes[{}].role", primaries[1]),
            format!(
                "two primaries: `{}` and `{}`; a scenario starts with exactly one",
                nodes[primaries[0]].name, nodes[primaries[1]].name
            ),
        ),
    }
    if rmode == Some(ReplicationMode::None) && replica_count > 0 {
        c.err_help(
            "replication.mode",
            format!("replication mode \"none\" but the scenario has {replica_count} replica(s)"),
            "remove the replicas, or choose async, semi-sync, sync or delayed",
        );
    }
    if rmode.is_some_and(|m| m != ReplicationMode::None) && replica_count == 0 {
        c.err_help(
            "replication.mode",
            format!(
                "replication mode `{}` needs at least one replica",
                rmode.unwrap().name()
            ),
            "add a [[database.nodes]] with role = \"replica\", or set mode = \"none\"",
        );
    }
    // Every replica needs a route to the primary.
    if let Some(&p) = primaries.first() {
        let pr = zones.get(nodes[p].zone).map(|z| z.region);
        for (i, n) in nodes.iter().enumerate() {
            if n.role != Role::Replica {
                continue;
            }
            let r = zones.get(n.zone).map(|z| z.region);
            if let (Some(pr), Some(r)) = (pr, r)
                && pr != r
                && network.region_rtt(pr, r).is_none()
            {
                c.err_help(
                    format!("database.nodes[{i}].zone"),
                    format!("{} replica `{}` in region `{}` has no network route to the primary's region `{}`", n.mode.name(), n.name, regions[r].name, regions[pr].name),
                    format!("add [[network.links]] between = [\"{}\", \"{}\"] with an rtt, or set network.rtt_cross_region", regions[pr].name, regions[r].name),
                );
            }
        }
    }
    let own_mode = rmode.unwrap_or(if replica_count > 0 {
        ReplicationMode::Async
    } else {
        ReplicationMode::None
    });
    let replication = Replication {
        mode: own_mode,
        lag: c.dist_or("replication.lag", &raw.replication.lag, default_lag()),
        delay: raw.replication.delay.map(|d| d.0).unwrap_or(HOUR),
        semi_sync_timeout: raw
            .replication
            .semi_sync_timeout
            .map(|d| d.0)
            .unwrap_or(10 * SECOND),
        sync_on_replica_down: match raw.replication.sync_on_replica_down.as_deref() {
            None | Some("block") => SyncDown::Block,
            Some("degrade") => SyncDown::Degrade,
            Some(other) => {
                c.err_help(
                    "replication.sync_on_replica_down",
                    format!("unknown choice `{other}`"),
                    "use \"block\" (writes wait) or \"degrade\" (continue as async)",
                );
                SyncDown::Block
            }
        },
        replay_throughput: raw
            .replication
            .replay_throughput
            .map(|t| t.0)
            .unwrap_or(50e6),
    };
    if nodes.iter().any(|n| n.mode == ReplicationMode::Delayed) && replication.delay == 0 {
        c.err(
            "replication.delay",
            "a delayed replica needs a delay longer than zero",
        );
    }

    let database = DatabaseOps {
        // Crash recovery: Aurora restarts in < 60 s in most cases (Aurora FAQ).
        restart: c.dist_or(
            "database.restart",
            &raw.database.restart,
            lognormal(45 * SECOND, 3 * MINUTE),
        ),
        disk_replace: c.dist_or(
            "database.disk_replace",
            &raw.database.disk_replace,
            lognormal(30 * MINUTE, 4 * HOUR),
        ),
        // pg_basebackup: 300-500 MiB/s (postgres.ai, 2025-11-05).
        rebuild_throughput: raw
            .database
            .rebuild_throughput
            .map(|t| t.0)
            .unwrap_or(300e6),
    };

    let f = &raw.failover;
    let fo_mode = match f.mode.as_deref() {
        None => {
            if replica_count > 0 {
                FailoverMode::Automatic
            } else {
                FailoverMode::None
            }
        }
        Some("automatic") => FailoverMode::Automatic,
        Some("manual") => FailoverMode::Manual,
        Some("none") => FailoverMode::None,
        Some(other) => {
            c.err_help(
                "failover.mode",
                format!("unknown failover mode `{other}`"),
                "use automatic, manual or none",
            );
            FailoverMode::Automatic
        }
    };
    let failover = Failover {
        mode: fo_mode,
        // RDS Multi-AZ: failover typically 60-120 s end to end (RDS User Guide).
        detection: c.dist_or("failover.detection", &f.detection, Dist::Fixed(30 * SECOND)),
        promotion: c.dist_or(
            "failover.promotion",
            &f.promotion,
            lognormal(45 * SECOND, 90 * SECOND),
        ),
        standby_warmup: c.dist_or(
            "failover.standby_warmup",
            &f.standby_warmup,
            Dist::Fixed(2 * MINUTE),
        ),
        cross_region: f.cross_region.unwrap_or(false),
        fencing: f.fencing.unwrap_or(true),
        promote_on_partition: f.promote_on_partition.unwrap_or(false),
        // Patroni's maximum_lag_on_failover default: 1048576 bytes.
        max_lag: f.max_lag.map(|s| s.0 as f64).unwrap_or(1_048_576.0),
    };
    if failover.promote_on_partition && !failover.cross_region {
        c.err_help(
            "failover.promote_on_partition",
            "promoting on a partition means promoting across regions, but failover.cross_region is false",
            "set failover.cross_region = true, or remove promote_on_partition",
        );
    }

    let operators = Operators {
        response: c.dist_or(
            "operators.response",
            &raw.operators.response,
            lognormal(15 * MINUTE, HOUR),
        ),
        night_multiplier: c.positive(
            "operators.night_multiplier",
            raw.operators.night_multiplier.unwrap_or(1.0),
        ),
    };

    let primary_region = primaries
        .first()
        .and_then(|&p| zones.get(nodes[p].zone))
        .map(|z| z.region)
        .unwrap_or(0);
    let backups = raw.backups.as_ref().map(|b| {
        let full_every = c.nonzero_duration(
            "backups.full_every",
            b.full_every.map(|d| d.0).unwrap_or(7 * DAY),
        );
        let incremental_every = b
            .incremental_every
            .map(|d| c.nonzero_duration("backups.incremental_every", d.0));
        if let Some(i) = incremental_every
            && i > full_every
        {
            c.err(
                "backups.incremental_every",
                "incrementals must be at least as frequent as full backups",
            );
        }
        let region = match &b.region {
            Some(r) => find_region(&mut c, "backups.region", r).unwrap_or(0),
            None => primary_region,
        };
        let mut copy_to: Vec<RegionId> = Vec::new();
        for (j, r) in b.copy_to.iter().enumerate() {
            let path = format!("backups.copy_to[{j}]");
            let Some(id) = find_region(&mut c, &path, r) else {
                continue;
            };
            // A copy beside the original burns with it: it would look like
            // protection against a region loss and give none.
            if id == region {
                c.err_help(
                    &path,
                    format!("the backups are already stored in `{r}`; a copy in the same region survives nothing the original does not"),
                    "copy to another region, or remove this entry",
                );
            } else if copy_to.contains(&id) {
                c.err(&path, format!("`{r}` is listed twice"));
            } else {
                copy_to.push(id);
            }
        }
        Backups {
            full_every,
            incremental_every,
            first_at: b.first_at.map(|d| d.0).unwrap_or(2 * HOUR),
            throughput: b.throughput.map(|t| t.0).unwrap_or(100e6),
            // EBS volume initialization 100-300 MiB/s (AWS EBS User Guide).
            restore_throughput: b.restore_throughput.map(|t| t.0).unwrap_or(200e6),
            provision: c.dist_or(
                "backups.provision",
                &b.provision,
                lognormal(10 * MINUTE, 30 * MINUTE),
            ),
            retention: c.nonzero_duration(
                "backups.retention",
                b.retention.map(|d| d.0).unwrap_or(35 * DAY),
            ),
            region,
            copy_to,
            copy_delay: b.copy_delay.map(|d| d.0).unwrap_or(HOUR),
            corrupt: b.corrupt.map(|f| f.0).unwrap_or(0.0),
            schedule: true,
            snapshots: if b.before_migrations.unwrap_or(false) {
                raw.migrations.iter().map(|m| m.at.0).collect()
            } else {
                Vec::new()
            },
            log_archive: b.log_archive.as_ref().map(|l| LogArchive {
                interval: c.nonzero_duration("backups.log_archive.interval", l.interval.0),
                replay_throughput: l.replay_throughput.map(|t| t.0).unwrap_or(50e6),
            }),
        }
    });

    let fr = &raw.faults;
    let faults = Faults {
        api_crash: fr.api_crash.as_ref().map(|f| {
            if api.is_none() {
                c.err_help(
                    "faults.api_crash",
                    "API crashes need an API pool, and the scenario has no [api] section",
                    "add [api] with servers = N, or remove faults.api_crash",
                );
            }
            c.failure("faults.api_crash", f, &[], &[])
        }),
        db_crash: fr
            .db_crash
            .as_ref()
            .map(|f| c.failure("faults.db_crash", f, &[], &[])),
        disk_loss: fr
            .disk_loss
            .as_ref()
            .map(|f| c.failure("faults.disk_loss", f, &[], &[])),
        zone_outage: fr
            .zone_outage
            .as_ref()
            .map(|f| c.failure("faults.zone_outage", f, &["duration"], &[])),
        region_outage: fr
            .region_outage
            .as_ref()
            .map(|f| c.failure("faults.region_outage", f, &["duration"], &["destroys_data"])),
        partition: fr
            .partition
            .as_ref()
            .map(|f| c.failure("faults.partition", f, &["duration"], &[])),
        accidental_delete: fr
            .accidental_delete
            .as_ref()
            .map(|f| c.failure("faults.accidental_delete", f, &["detect"], &["share"])),
    };
    if faults.partition.is_some() && regions.len() < 2 {
        c.err(
            "faults.partition",
            "partitions happen between regions; the scenario has only one",
        );
    }

    // Scheduled faults.
    if raw.events.len() > EVENTS_MAX {
        c.err("events", format!("more than {EVENTS_MAX} scheduled events"));
    }
    let mut events = Vec::new();
    for (i, e) in raw.events.iter().enumerate().take(EVENTS_MAX) {
        let path = format!("events[{i}]");
        let Some(kind) = FaultKind::SCHEDULABLE
            .iter()
            .find(|(n, _)| *n == e.fault)
            .map(|(_, k)| *k)
        else {
            let names: Vec<&str> = FaultKind::SCHEDULABLE.iter().map(|(n, _)| *n).collect();
            c.err_help(
                format!("{path}.fault"),
                format!("unknown fault `{}`", e.fault),
                format!("use one of: {}", names.join(", ")),
            );
            continue;
        };
        if e.at.0 >= horizon {
            c.err_help(
                format!("{path}.at"),
                "this event is at or after the end of the horizon and would never happen",
                "move it earlier or lengthen `horizon`",
            );
        }
        let target_path = format!("{path}.target");
        let target = match kind {
            FaultKind::ApiCrash if api.is_none() => {
                c.err_help(
                    &target_path,
                    "an api-crash needs an API pool, and the scenario has no [api] section",
                    "add [api] with servers = N",
                );
                Target::ApiServer(0)
            }
            FaultKind::ApiCrash => match e.target.as_deref() {
                None | Some("api") => Target::ApiServer(0),
                Some(t) => match t.strip_prefix("api-").and_then(|k| k.parse::<usize>().ok()) {
                    Some(k) if api.as_ref().is_some_and(|a| k < a.servers.len()) => {
                        Target::ApiServer(k)
                    }
                    _ => {
                        c.err_help(&target_path, format!("there is no API server `{t}`"), "API servers are named api-0, api-1, ... (or just \"api\" for the first)");
                        Target::ApiServer(0)
                    }
                },
            },
            FaultKind::DbCrash | FaultKind::DiskLoss => match e.target.as_deref() {
                None | Some("primary") => Target::Primary,
                Some("replica") if replica_count == 0 => {
                    c.err(
                        &target_path,
                        "target \"replica\" but the scenario has no replica",
                    );
                    Target::Replica
                }
                Some("replica") => Target::Replica,
                Some(t) => match node_index.get(t) {
                    Some(&n) => Target::Node(n),
                    None => {
                        let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
                        c.err_help(
                            &target_path,
                            format!("there is no database node `{t}`"),
                            format!(
                                "use \"primary\", \"replica\" or a node name: {}",
                                names.join(", ")
                            ),
                        );
                        Target::Primary
                    }
                },
            },
            FaultKind::ZoneOutage => match e.target.as_deref() {
                Some(t) => find_zone(&mut c, &target_path, t)
                    .map(Target::Zone)
                    .unwrap_or(Target::System),
                None => {
                    c.err(&target_path, "a zone outage needs a target zone");
                    Target::System
                }
            },
            FaultKind::RegionOutage => match e.target.as_deref() {
                Some(t) => find_region(&mut c, &target_path, t)
                    .map(Target::Region)
                    .unwrap_or(Target::System),
                None => {
                    c.err(&target_path, "a region outage needs a target region");
                    Target::System
                }
            },
            FaultKind::Partition => match e.between.as_deref() {
                Some([a, b]) => {
                    let ra = find_region(&mut c, &format!("{path}.between[0]"), a);
                    let rb = find_region(&mut c, &format!("{path}.between[1]"), b);
                    match (ra, rb) {
                        (Some(a), Some(b)) if a != b && network.region_rtt(a, b).is_none() => {
                            c.err_help(
                                format!("{path}.between"),
                                "these regions have no network link, so there is nothing to partition",
                                "add [[network.links]] between them, or set network.rtt_cross_region",
                            );
                            Target::System
                        }
                        (Some(a), Some(b)) if a != b => Target::RegionPair(a, b),
                        (Some(_), Some(_)) => {
                            c.err(
                                format!("{path}.between"),
                                "a partition separates two different regions",
                            );
                            Target::System
                        }
                        _ => Target::System,
                    }
                }
                _ => {
                    c.err_help(
                        format!("{path}.between"),
                        "a partition needs `between` with two regions",
                        "between = [\"us-east\", \"us-west\"]",
                    );
                    Target::System
                }
            },
            FaultKind::AccidentalDelete | FaultKind::BackupFailure | FaultKind::Migration => {
                if let Some(t) = &e.target {
                    c.err(
                        &target_path,
                        format!(
                            "`{}` hits the data set as a whole; remove target `{t}`",
                            e.fault
                        ),
                    );
                }
                Target::System
            }
        };
        if e.between.is_some() && kind != FaultKind::Partition {
            c.err(
                format!("{path}.between"),
                "`between` applies to partitions only",
            );
        }
        let needs_duration = matches!(
            kind,
            FaultKind::ZoneOutage | FaultKind::RegionOutage | FaultKind::Partition
        );
        let duration = match (e.duration, needs_duration) {
            (Some(d), true) => c.nonzero_duration(&format!("{path}.duration"), d.0),
            (None, true) => {
                c.err(
                    format!("{path}.duration"),
                    format!("a {} needs a `duration`", e.fault),
                );
                HOUR
            }
            (Some(_), false) => {
                c.err(
                    format!("{path}.duration"),
                    format!("`duration` does not apply to {}", e.fault),
                );
                0
            }
            (None, false) => 0,
        };
        if e.destroys_data.is_some() && kind != FaultKind::RegionOutage {
            c.err(
                format!("{path}.destroys_data"),
                "`destroys_data` applies to region outages only",
            );
        }
        let is_delete = kind == FaultKind::AccidentalDelete;
        if !is_delete && e.detect.is_some() {
            c.err(
                format!("{path}.detect"),
                "`detect` applies to accidental deletes only",
            );
        }
        if !is_delete && e.share.is_some() {
            c.err(
                format!("{path}.share"),
                "`share` applies to accidental deletes only",
            );
        }
        let until = match (kind, e.until) {
            (FaultKind::BackupFailure, _) if raw.backups.is_none() => {
                c.err_help(
                    format!("{path}.fault"),
                    "a backup-failure needs backups, and the scenario has no [backups] section",
                    "add [backups], or remove this event",
                );
                0
            }
            (FaultKind::BackupFailure, Some(u)) if u.0 > e.at.0 => u.0,
            (FaultKind::BackupFailure, Some(_)) => {
                c.err(format!("{path}.until"), "`until` must be after `at`");
                e.at.0
            }
            (FaultKind::BackupFailure, None) => {
                c.err_help(format!("{path}.until"), "a backup-failure needs `until`: backups taken between `at` and `until` are silently bad", "until = \"30d\"");
                e.at.0
            }
            (_, Some(_)) => {
                c.err(
                    format!("{path}.until"),
                    "`until` applies to backup-failure only",
                );
                0
            }
            (_, None) => 0,
        };
        events.push(ScheduledFault {
            at: e.at.0,
            kind,
            target,
            duration,
            destroys_data: e.destroys_data.unwrap_or(false),
            detect: e.detect.map(|d| d.0).unwrap_or(HOUR),
            share: e.share.map(|s| s.0).unwrap_or(1.0),
            until,
            note: e.note.clone(),
        });
    }

    if raw.migrations.len() > EVENTS_MAX {
        c.err("migrations", format!("more than {EVENTS_MAX} migrations"));
    }
    let mut migrations = Vec::new();
    let mut seen_versions = BTreeMap::new();
    for (i, m) in raw.migrations.iter().enumerate() {
        let path = format!("migrations[{i}]");
        if let Some(prev) = seen_versions.insert(m.version.clone(), i) {
            c.err(format!("{path}.version"), format!("version `{}` is used twice (also migrations[{prev}]); Flyway refuses duplicate versions", m.version));
        }
        if m.at.0 >= horizon {
            c.err(
                format!("{path}.at"),
                "this migration runs at or after the end of the horizon",
            );
        }
        let allow = |c: &mut Checker, name: &str, present: bool, ok: bool| {
            if present && !ok {
                c.err(
                    format!("{path}.{name}"),
                    format!("`{name}` does not apply to effect = \"{}\"", m.effect),
                );
            }
        };
        let effect = match m.effect.as_str() {
            "online" => MigrationEffect::Online,
            "locking" => match m.lock {
                Some(l) => MigrationEffect::Locking {
                    lock: c.nonzero_duration(&format!("{path}.lock"), l.0),
                },
                None => {
                    c.err_help(
                        format!("{path}.lock"),
                        "a locking migration needs `lock`: how long writes are blocked",
                        "lock = \"5m\"",
                    );
                    MigrationEffect::Online
                }
            },
            "failing" => MigrationEffect::Failing {
                rollback: m.rollback.unwrap_or(false),
                fix: match m.fix {
                    Some(f) => f.0,
                    None => {
                        c.err_help(format!("{path}.fix"), "a failing migration needs `fix`: how long the rollback or the manual repair takes", "fix = \"45m\"");
                        0
                    }
                },
            },
            "destructive" => MigrationEffect::Destructive {
                share: m.share.map(|s| s.0).unwrap_or(1.0),
                detect: m.detect.map(|d| d.0).unwrap_or(2 * HOUR),
            },
            other => {
                c.err_help(
                    format!("{path}.effect"),
                    format!("unknown effect `{other}`"),
                    "use online, locking, failing or destructive",
                );
                MigrationEffect::Online
            }
        };
        let kind = m.effect.as_str();
        allow(&mut c, "lock", m.lock.is_some(), kind == "locking");
        allow(&mut c, "fix", m.fix.is_some(), kind == "failing");
        allow(&mut c, "share", m.share.is_some(), kind == "destructive");
        allow(&mut c, "detect", m.detect.is_some(), kind == "destructive");
        migrations.push(Migration {
            version: m.version.clone(),
            description: m.description.clone(),
            at: m.at.0,
            effect,
            rollback: m.rollback.unwrap_or(false),
        });
    }

    let policy = raw.policy.as_ref().map(|p| {
        let percentile = p.percentile.unwrap_or(95.0);
        if !(percentile > 0.0 && percentile <= 100.0) {
            c.err("policy.percentile", "must lie in (0, 100], e.g. 95 or 99");
        }
        let mut targets = BTreeMap::new();
        for (d, t) in [
            (Disruption::Software, &p.software),
            (Disruption::Hardware, &p.hardware),
            (Disruption::Zone, &p.zone),
            (Disruption::Region, &p.region),
            (Disruption::Human, &p.human),
        ] {
            if let Some(t) = t {
                if t.rto.is_none() && t.rpo.is_none() {
                    c.err(
                        format!("policy.{}", d.name()),
                        "a target needs `rto`, `rpo` or both",
                    );
                }
                targets.insert(
                    d,
                    PolicyTarget {
                        rto: t.rto.map(|x| x.0),
                        rpo: t.rpo.map(|x| x.0),
                    },
                );
            }
        }
        Policy {
            percentile,
            targets,
        }
    });

    let costs = raw.costs.as_ref().map(|k| Costs {
        node_per_month: c.non_negative("costs.node_per_month", k.node_per_month.unwrap_or(0.0)),
        backup_storage_per_gb_month: c.non_negative(
            "costs.backup_storage_per_gb_month",
            k.backup_storage_per_gb_month.unwrap_or(0.0),
        ),
        cross_region_transfer_per_gb: c.non_negative(
            "costs.cross_region_transfer_per_gb",
            k.cross_region_transfer_per_gb.unwrap_or(0.0),
        ),
        currency: k.currency.clone().unwrap_or_else(|| "USD".into()),
    });

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
        regions,
        zones,
        network,
        api,
        nodes,
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
