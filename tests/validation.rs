//! The simulator against closed-form results.
//!
//! Each case is a small scenario, written inline, whose exact answer is known
//! in closed form for this engine's semantics. It runs with a fixed seed and
//! enough trials that a wrong model fails, and asserts that the closed-form
//! value lies inside the simulation's 99% confidence interval (Student t on
//! the per-trial or per-incident values, `Accumulator::summary_with_confidence`)
//! and that the interval is tight enough to tell the right formula from the
//! usual wrong ones.
//!
//! The derivations, their sources and the measured values are in
//! docs/validation.md. Every test prints its row of that table:
//!
//! ```text
//! cargo test --release --test validation -- --nocapture --test-threads=1
//! ```
//!
//! Notation: a = MTTF, lambda = 1/a; repair or restart time R (mean m,
//! mu = 1/m); horizon H. The engine draws a component's next time to
//! failure when its repair ends, so a component alternates up and down as an
//! alternating renewal process that starts "up" at time 0.

use failsim::montecarlo::{self, Arm};
use failsim::scenario::{self, Format, Scenario};
use failsim::sim::{Engine, Happening, TrialOutcome};
use failsim::stats::Accumulator;
use failsim::units::{DAY, HOUR, Micros, SECOND, YEAR};
use rayon::prelude::*;

/// Confidence of every interval in this file.
const CONFIDENCE: f64 = 0.99;

// ----- support -----------------------------------------------------------------

fn parse(toml: &str) -> Scenario {
    scenario::parse(toml, "validation.toml", Format::Toml).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `trials` trials through the Monte Carlo runner (the code path the
/// command line uses) and returns the one strategy's partial.
fn run(sc: &Scenario, seed: u64, trials: u64) -> montecarlo::StrategyPartial {
    let arm = Arm {
        name: sc.name.clone(),
        scenario: sc.clone(),
    };
    montecarlo::run(&[arm], seed, 0..trials, &|_| {})
        .expect("run")
        .pop()
        .expect("one arm")
}

/// Runs `trials` trials in parallel and accumulates `f(outcome)` for every
/// trial where it is `Some`. Exact integer accumulation, so the result does
/// not depend on how the work is split between threads.
fn per_trial<F>(sc: &Scenario, seed: u64, trials: u64, record: bool, f: F) -> Accumulator
where
    F: Fn(&TrialOutcome) -> Option<u64> + Sync,
{
    let engine = Engine::new(sc);
    (0..trials)
        .into_par_iter()
        .fold(Accumulator::new, |mut acc, t| {
            if let Some(v) = f(&engine.run_trial(seed, t, record)) {
                acc.push(v);
            }
            acc
        })
        .reduce(Accumulator::new, |mut a, b| {
            a.merge(&b);
            a
        })
}

/// One row of the validation table: what is measured, how it is scaled
/// for display, and the run that measured it.
struct Case<'a> {
    case: &'a str,
    quantity: &'a str,
    formula: &'a str,
    unit: &'a str,
    /// Multiplies engine values (microseconds, writes) into `unit`.
    scale: f64,
    trials: u64,
    seed: u64,
}

impl Case<'_> {
    /// Prints the table row, then asserts that the closed form `expected`
    /// (in `unit`) lies in the 99% interval of the mean of `acc`, and that
    /// the interval's half-width is at most `max_rel_half_width` of the mean,
    /// so that the test can fail.
    fn check(&self, expected: f64, acc: &Accumulator, max_rel_half_width: f64) {
        let (mean, ci) = acc.summary_with_confidence(self.scale, CONFIDENCE);
        let rel = (ci[1] - ci[0]) / 2.0 / mean.abs().max(f64::MIN_POSITIVE);
        println!(
            "| {} | {} | `{}` | {}{u} | {}{u} [{}, {}] | ±{:.2}% | {} | {} | {} |",
            self.case,
            self.quantity,
            self.formula,
            sig(expected),
            sig(mean),
            sig(ci[0]),
            sig(ci[1]),
            100.0 * rel,
            acc.count(),
            self.trials,
            self.seed,
            u = if self.unit.is_empty() {
                String::new()
            } else {
                format!(" {}", self.unit)
            },
        );
        assert!(
            ci[0] <= expected && expected <= ci[1],
            "{} / {}: closed form {expected} {u} lies outside the simulation's 99% interval \
             [{}, {}] {u} (mean {mean}, seed {}, {} trials)",
            self.case,
            self.quantity,
            ci[0],
            ci[1],
            self.seed,
            self.trials,
            u = self.unit,
        );
        assert!(
            rel <= max_rel_half_width,
            "{} / {}: the 99% interval is too wide to be decisive: ±{:.2}% > ±{:.2}%",
            self.case,
            self.quantity,
            100.0 * rel,
            100.0 * max_rel_half_width,
        );
    }
}

/// Six significant digits, without trailing noise.
fn sig(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return format!("{x:.0}");
    }
    let digits = (5 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}

/// Prints the row of a deterministic quantity (no sampling error).
fn print_exact(case: &str, quantity: &str, formula: &str, expected: f64, got: f64) {
    println!(
        "| {case} | {quantity} | `{formula}` | {} | {} (deterministic) | 0 | - | - | - |",
        sig(expected),
        sig(got)
    );
}

/// An exact check of a deterministic quantity.
fn assert_exact(case: &str, quantity: &str, formula: &str, expected: f64, got: f64, tol: f64) {
    print_exact(case, quantity, formula, expected, got);
    assert!(
        (expected - got).abs() <= tol,
        "{case} / {quantity}: expected {expected}, engine gave {got}"
    );
}

fn micros(t: f64) -> f64 {
    t * SECOND as f64
}

/// Expected time spent "down" in [0, H] by an alternating renewal process
/// that starts at the beginning of an up period, with up times exponential
/// (mean `a`) and down times of mean `o` and second moment `o2`, for H much
/// longer than a + o:
///
///   E[D(H)] = o H / (a + o) - a E[O^2] / (2 (a + o)^2) + (terms that vanish
///   exponentially in H).
///
/// Derivation: down at t iff the last failure epoch s <= t has t - s < O, so
/// E[D(H)] = integral of m(s) E[min(O, H - s)] ds, with m the renewal density
/// of the failure epochs (a delayed renewal process: first interval U, then
/// cycles C = O + U). The key renewal theorem gives
/// M(H) = H/mu + E[C^2]/(2 mu^2) - a/mu + o(1) with mu = a + o, and the
/// tail term is -E[O^2]/(2 mu). Collecting terms gives the formula. Check:
/// for O exponential the exact two-state Markov result
/// pi (H - (1 - e^{-kH})/k), k = 1/a + 1/o, has the same constant
/// a o^2 / (a + o)^2. Sources: Cox, "Renewal Theory" (1962), on the
/// renewal function and alternating renewal processes; Trivedi, "Probability
/// and Statistics with Reliability, Queuing and Computer Science
/// Applications" (2nd ed., 2002), on the availability of a repairable
/// component.
fn renewal_downtime(h: f64, a: f64, o: f64, o2: f64) -> f64 {
    let mu = a + o;
    o * h / mu - a * o2 / (2.0 * mu * mu)
}

// ----- case 1: one node, availability ------------------------------------------------

fn single_node(restart: &str, mttf: &str) -> String {
    format!(
        r#"
name = "single-node"
horizon = "1y"
[[regions]]
name = "r"
zones = ["a"]
[database]
restart = {restart}
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[faults]
db_crash = {{ mttf = "{mttf}" }}
"#
    )
}

/// One node, exponential crashes (MTTF 10 d), fixed restart 6 h, no replica,
/// no API pool. Down time per trial = the alternating renewal process's down
/// time; long-run availability MTTF/(MTTF+MTTR), with the start-up transient
/// of `renewal_downtime` (the trial starts with the node up).
#[test]
fn case1_single_node_fixed_restart() {
    let (seed, trials) = (101, 20_000);
    let sc = parse(&single_node("\"6h\"", "10d"));
    let (a, r, h) = (10.0 * DAY as f64, 6.0 * HOUR as f64, YEAR as f64);
    let expected = renewal_downtime(h, a, r, r * r);
    let p = run(&sc, seed, trials);
    Case {
        case: "1a single node, fixed restart",
        quantity: "downtime per year (h)",
        formula: "R·H/(MTTF+R) − MTTF·R²/(2(MTTF+R)²)",
        unit: "h",
        scale: 1.0 / HOUR as f64,
        trials,
        seed,
    }
    .check(expected / HOUR as f64, &p.downtime, 0.01);
    // The same in the usual form: unavailability MTTR/(MTTF+MTTR), here over
    // a finite horizon that starts with the node up (2.4382% against the
    // steady state's 2.4390%).
    Case {
        case: "1a single node, fixed restart",
        quantity: "unavailability (%)",
        formula: "≈ MTTR/(MTTF+MTTR)",
        unit: "%",
        scale: 100.0 / h,
        trials,
        seed,
    }
    .check(100.0 * expected / h, &p.downtime, 0.01);
}

/// One node, exponential crashes (MTTF 10 d), exponential restart (mean
/// 6 h): a two-state Markov chain started "up", whose expected down time
/// over [0, H] is exactly pi (H - (1 - e^{-kH})/k), pi = m/(a+m),
/// k = 1/a + 1/m (Trivedi, two-state availability model, transient solution).
#[test]
fn case1_single_node_exponential_restart() {
    let (seed, trials) = (102, 20_000);
    let sc = parse(&single_node(
        "{ dist = \"exponential\", mean = \"6h\" }",
        "10d",
    ));
    let (a, m, h) = (10.0 * DAY as f64, 6.0 * HOUR as f64, YEAR as f64);
    let pi = m / (a + m);
    let k = 1.0 / a + 1.0 / m;
    let expected = pi * (h - (1.0 - (-k * h).exp()) / k);
    let p = run(&sc, seed, trials);
    Case {
        case: "1b single node, exponential restart",
        quantity: "downtime per year (h)",
        formula: "π(H − (1−e^{−kH})/k), π = m/(MTTF+m), k = 1/MTTF + 1/m",
        unit: "h",
        scale: 1.0 / HOUR as f64,
        trials,
        seed,
    }
    .check(expected / HOUR as f64, &p.downtime, 0.01);
}

// ----- case 2: primary + replica, automatic failover ---------------------------------

fn failover_pair(horizon: &str, mttf: &str, restart: &str, lag: &str) -> String {
    format!(
        r#"
name = "failover-pair"
horizon = "{horizon}"
[workload]
writes_per_sec = 100
data_size = "1MB"          # re-seeding a deposed primary takes ~3 ms
[[regions]]
name = "r"
zones = ["a", "b"]
[database]
restart = {restart}
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[[database.nodes]]
name = "db2"
zone = "b"
role = "replica"
mode = "active"            # no standby warm-up
[replication]
mode = "async"
lag = {lag}
[failover]
mode = "automatic"
detection = "30s"
promotion = "30s"
primary_start_timeout = "0s"   # fail over as soon as detected
[faults]
db_crash = {{ mttf = "{mttf}" }}
"#
    )
}

/// Primary + active async replica, crashes on both nodes (MTTF 30 d each),
/// fixed restart 3 min > detection 30 s, promotion 30 s.
///
/// Whichever node is primary crashes at rate lambda while it serves
/// (memoryless), and every crash is followed by a failover that takes exactly
/// D + P (restart longer than detection). After the failover the former
/// replica is the primary and the old primary resyncs when it restarts.
/// Write downtime is therefore the alternating renewal process of case 1
/// with O = D + P.
///
/// Neglected: a primary crash while the other node is itself down (its own
/// 3-min restart, or the 2 min an old primary still needs after a failover):
/// probability lambda x 5 min = 1.2e-4 per crash, changing that outage by at
/// most a few minutes: under 0.01% of the mean, a thirtieth of the interval.
#[test]
fn case2_failover_downtime_fixed_restart() {
    let (seed, trials) = (201, 20_000);
    let sc = parse(&failover_pair("3y", "30d", "\"3m\"", "\"1s\""));
    let (a, h) = (30.0 * DAY as f64, 3.0 * YEAR as f64);
    let o = micros(60.0);
    let expected = renewal_downtime(h, a, o, o * o);
    let p = run(&sc, seed, trials);
    Case {
        case: "2a failover, restart 3 min > detection",
        quantity: "downtime per 3 y (s)",
        formula: "o·H/(MTTF+o) − MTTF·o²/(2(MTTF+o)²), o = detection + promotion",
        unit: "s",
        scale: 1.0 / SECOND as f64,
        trials,
        seed,
    }
    .check(expected / SECOND as f64, &p.downtime, 0.01);
}

/// As 2a but with an exponential restart (mean m = 60 s), so the engine's
/// rule matters: if the primary would restart before the failover is done
/// (R <= T = D + P, `primary_start_timeout` 0) it is waited for (outage R),
/// otherwise a failover takes T. Outage O = min(R, T):
///
///   E[O]   = m (1 - e^{-T/m})
///   E[O^2] = 2 m^2 - 2 e^{-T/m} (m^2 + m T)
///
/// (Comparing R with the start of the failover, D, gives 41.8 s of outage
/// per crash rather than 37.9 s.)
#[test]
fn case2_failover_downtime_exponential_restart() {
    let (seed, trials) = (202, 20_000);
    let sc = parse(&failover_pair(
        "1y",
        "10d",
        "{ dist = \"exponential\", mean = \"60s\" }",
        "\"1s\"",
    ));
    let (a, h) = (10.0 * DAY as f64, YEAR as f64);
    let (m, t) = (micros(60.0), micros(60.0));
    let e = (-t / m).exp();
    let o = m * (1.0 - e);
    let o2 = 2.0 * m * m - 2.0 * e * (m * m + m * t);
    let expected = renewal_downtime(h, a, o, o2);
    let p = run(&sc, seed, trials);
    Case {
        case: "2b failover, exponential restart (no failover if R ≤ D + P)",
        quantity: "downtime per year (s)",
        formula: "o·H/(MTTF+o) − MTTF·E[O²]/(2(MTTF+o)²), o = m(1 − e^{−(D+P)/m})",
        unit: "s",
        scale: 1.0 / SECOND as f64,
        trials,
        seed,
    }
    .check(expected / SECOND as f64, &p.downtime, 0.01);
}

/// Same scenario as 2a (async replica, fixed lag L = 1 s, restart R = 3 min).
/// Each failover throws away the writes of the last L seconds, a Poisson
/// number of mean w L. The failovers that complete inside the horizon are the
/// crashes of a serving primary before H - o, lambda (H - o - E[D(H - o)]).
///
/// One second-order path changes it, to first order in lambda R: the
/// replica crashes (rate lambda, about H lambda times) and the primary
/// crashes x ~ U(0, R) later, before the replica is back. The replica's copy
/// stopped at its own crash, so it lacks L + x of log. When it returns the
/// primary is back x later; a failover would be done P = 30 s later, and is
/// allowed only within `failover.max_lag` (1 MiB, Patroni's
/// maximum_lag_on_failover: M = 1 MiB / (w x 1 KB) = 10.486 s of writes).
/// Both hold only for x in (P, M - L), which is empty: the primary is
/// always awaited, and the L of the primary's crash is not lost:
///
///   E[lost] = w L lambda (H - o - E[D(H - o)]) - lambda^2 H w L R
///
/// (3650 - 0.25 writes.) A crash of the new primary while the deposed one is
/// still restarting adds nothing: the deposed copy lacks everything since
/// the failover, far beyond max_lag, so the new primary is awaited.
#[test]
fn case2_failover_lost_writes() {
    let (seed, trials) = (201, 20_000);
    let sc = parse(&failover_pair("3y", "30d", "\"3m\"", "\"1s\""));
    let (a, h) = (30.0 * DAY as f64, 3.0 * YEAR as f64);
    let o = micros(60.0);
    let (w, lag, restart) = (100.0, micros(1.0), micros(180.0));
    let failovers = (h - o - renewal_downtime(h - o, a, o, o * o)) / a;
    let second_order = -h / (a * a) * lag * restart;
    let expected = w * (lag * failovers + second_order) / SECOND as f64;
    let p = run(&sc, seed, trials);
    Case {
        case: "2c failover, async lag 1 s",
        quantity: "lost writes per 3 y",
        formula: "w·L·λ(H − o − E[D(H − o)]) − λ²·H·w·L·R",
        unit: "writes",
        scale: 1.0,
        trials,
        seed,
    }
    .check(expected, &p.lost_writes, 0.01);
}

// ----- case 3: mean time to data loss ------------------------------------------------------

fn replicated(copies: usize, horizon: &str, mttf: &str, replace: &str, data_size: &str) -> String {
    let mut s = format!(
        r#"
name = "mttdl-{copies}"
horizon = "{horizon}"
[workload]
writes_per_sec = 1
data_size = "{data_size}"
[[regions]]
name = "r"
zones = ["a", "b", "c"]
[database]
disk_replace = {replace}
rebuild_throughput = "300MB/s"
[replication]
mode = "sync"
[failover]
mode = "automatic"
detection = "1ms"
promotion = "1ms"
[faults]
disk_loss = {{ mttf = "{mttf}" }}
"#
    );
    for (i, zone) in ["a", "b", "c"].iter().take(copies).enumerate() {
        let role = if i == 0 { "primary" } else { "replica" };
        s.push_str(&format!(
            "[[database.nodes]]\nname = \"db{}\"\nzone = \"{zone}\"\nrole = \"{role}\"\n",
            i + 1
        ));
    }
    s
}

/// Time of the first moment the engine finds that no copy survives (it plans
/// to "start again with an empty database"), if any.
fn first_total_loss(o: &TrialOutcome) -> Option<u64> {
    o.records.iter().find_map(|r| match &r.what {
        Happening::RecoveryPlanned { window: None, .. } => Some(r.at),
        _ => None,
    })
}

fn mttdl_check(
    case: &str,
    formula: &str,
    expected: f64,
    sc: &Scenario,
    seed: u64,
    trials: u64,
    max_rel: f64,
) {
    let acc = per_trial(sc, seed, trials, true, first_total_loss);
    assert_eq!(
        acc.count(),
        trials,
        "{case}: every trial must reach its first data loss inside the horizon"
    );
    Case {
        case,
        quantity: "MTTDL (h)",
        formula,
        unit: "h",
        scale: 1.0 / HOUR as f64,
        trials,
        seed,
    }
    .check(expected, &acc, max_rel);
}

/// Two copies (primary + sync replica), exponential disk failures (MTTF 10 h)
/// and exponential disk replacement (mean 1 h); re-seeding takes 3 us and
/// failover 2 ms, so the repair of a copy is the replacement. Markov chain on
/// the number of good copies: 2 -> 1 at 2 lambda, 1 -> 2 at mu, 1 -> 0 at
/// lambda. Mean time to absorption from 2 (Patterson, Gibson, Katz, "A case
/// for redundant arrays of inexpensive disks", SIGMOD 1988, give the
/// approximation MTTF^2/(2 MTTR); the exact value of the chain is):
///
///   MTTDL_2 = (3 lambda + mu) / (2 lambda^2)       (= 65 h here, vs 50 h)
#[test]
fn case3_mttdl_two_copies_exponential_repair() {
    let (seed, trials) = (301, 12_000);
    let sc = parse(&replicated(
        2,
        "60d",
        "10h",
        "{ dist = \"exponential\", mean = \"1h\" }",
        "1KB",
    ));
    let (l, mu) = (0.1, 1.0); // per hour
    let expected = (3.0 * l + mu) / (2.0 * l * l);
    mttdl_check(
        "3a 2 copies, exponential repair",
        "(3λ+μ)/(2λ²)",
        expected,
        &sc,
        seed,
        trials,
        0.03,
    );
}

/// Three copies, MTTF 5 h, exponential replacement mean 1 h. Each lost disk
/// is replaced on its own clock (the engine schedules one replacement per
/// disk), so the repairs run in parallel: 3 -> 2 at 3 lambda, 2 -> 3 at mu,
/// 2 -> 1 at 2 lambda, 1 -> 2 at 2 mu, 1 -> 0 at lambda. Solving the
/// first-passage equations:
///
///   MTTDL_3 = (11 lambda^2 + 7 lambda mu + 2 mu^2) / (6 lambda^3)   (= 80 h)
///
/// (with a single repair crew, 1 -> 2 at mu, it would be
/// (11 lambda^2 + 4 lambda mu + mu^2)/(6 lambda^3) = 46.7 h.)
#[test]
fn case3_mttdl_three_copies_exponential_repair() {
    let (seed, trials) = (302, 8_000);
    let sc = parse(&replicated(
        3,
        "70d",
        "5h",
        "{ dist = \"exponential\", mean = \"1h\" }",
        "1KB",
    ));
    let (l, mu): (f64, f64) = (0.2, 1.0);
    let expected = (11.0 * l * l + 7.0 * l * mu + 2.0 * mu * mu) / (6.0 * l.powi(3));
    mttdl_check(
        "3b 3 copies, exponential repair (independent repairs)",
        "(11λ²+7λμ+2μ²)/(6λ³)",
        expected,
        &sc,
        seed,
        trials,
        0.035,
    );
}

/// Two copies, MTTF 10 h, FIXED replacement r = 1 h then a re-seed of
/// b = 30 min (540 GB at 300 MB/s). The new disk's failure clock starts when
/// it is installed, so it can fail during its re-seed (then it is replaced
/// again). Not a Markov chain, but a regenerative one: from "2 good copies"
/// the first failure comes after Exp(2 lambda); the survivor then fails
/// before the repair Y completes with probability q = 1 - E[e^{-lambda Y}],
/// and the expected time spent with one copy is E[min(X, Y)] = q / lambda.
/// So MTTDL = 1/(2 lambda q) + 1/lambda, with the Laplace transform of Y
/// (Y = r + b, restarted by a failure of the new disk during b):
///
///   E[e^{-sY}] = e^{-s(r+b)} e^{-lambda b}
///                / (1 - e^{-s r} lambda/(lambda+s) (1 - e^{-(lambda+s) b}))
///
/// (44.6 h; a fixed 1.5 h repair ignoring failures during the re-seed gives
/// 45.9 h; the exponential chain with mean 1.5 h gives 48.3 h.)
#[test]
fn case3_mttdl_two_copies_fixed_repair_with_reseed() {
    let (seed, trials) = (303, 30_000);
    let sc = parse(&replicated(2, "42d", "10h", "\"1h\"", "540GB"));
    let (l, r, b): (f64, f64, f64) = (0.1, 1.0, 0.5); // per hour, hours
    let laplace = |s: f64| {
        (-s * (r + b)).exp() * (-l * b).exp()
            / (1.0 - (-s * r).exp() * l / (l + s) * (1.0 - (-(l + s) * b).exp()))
    };
    let q = 1.0 - laplace(l);
    let expected = 1.0 / (2.0 * l * q) + 1.0 / l;
    mttdl_check(
        "3c 2 copies, fixed replace 1 h + re-seed 30 min",
        "1/(2λq) + 1/λ, q = 1 − E[e^{−λY}]",
        expected,
        &sc,
        seed,
        trials,
        0.015,
    );
}

// ----- case 4: backup-only RPO -------------------------------------------------------------

/// Mean of g(y) for y on [0, w) with density proportional to e^{-lambda y}:
/// the phase, inside a period w, of an exponential time (rate lambda)
/// restricted to a whole number of periods. Piecewise-linear g given as
/// (from, to, offset): g(y) = y + offset on [from, to).
fn tilted_mean(lambda: f64, w: f64, pieces: &[(f64, f64, f64)]) -> f64 {
    // integral of (y + c) lambda e^{-lambda y} over [u, v]
    let piece = |u: f64, v: f64, c: f64| {
        let f = |y: f64| -(y + c + 1.0 / lambda) * (-lambda * y).exp();
        f(v) - f(u)
    };
    let total: f64 = pieces.iter().map(|&(u, v, c)| piece(u, v, c)).sum();
    total / (1.0 - (-lambda * w).exp())
}

/// The RPO of the first disk loss of each trial, if it falls in
/// [from, to) (and is therefore settled well before the horizon).
fn first_loss_rpo(from: Micros, to: Micros) -> impl Fn(&TrialOutcome) -> Option<u64> + Sync {
    move |o: &TrialOutcome| {
        let first = o.incidents.first()?;
        (first.at >= from && first.at < to).then_some(first.rpo)
    }
}

/// A lone primary with a full backup every F = 1 d (first at f0 = 2 h),
/// each taking Bd = 3 h (1.08 TB at 100 MB/s); exponential disk losses
/// (MTTF 10 d). A backup's position is its start time and it is usable once
/// finished, so a loss at phase y = (t - f0) mod F restores to the backup
/// that started y ago if y >= Bd, else to the one before: RPO = y + F [y < Bd].
/// For a uniform phase E[RPO] = F/2 + Bd. The first loss of a trial, taken
/// in [f0 + F, f0 + 21 F), has (memorylessness) a phase density proportional
/// to e^{-y/MTTF} on [0, F), which moves the mean by 0.4%; the test uses the
/// exact tilted mean.
#[test]
fn case4_backup_only_rpo_full_backups() {
    let (seed, trials) = (401, 60_000);
    let sc = parse(
        r#"
name = "backup-only"
horizon = "22d2h"
[workload]
writes_per_sec = 100
data_size = "1080GB"
[[regions]]
name = "r"
zones = ["a"]
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[operators]
response = "10m"
[backups]
full_every = "1d"
first_at = "2h"
throughput = "100MB/s"
restore_throughput = "200MB/s"
provision = "10m"
[faults]
disk_loss = { mttf = "10d" }
"#,
    );
    let (f0, f) = (2 * HOUR, DAY);
    let acc = per_trial(
        &sc,
        seed,
        trials,
        false,
        first_loss_rpo(f0 + f, f0 + 21 * f),
    );
    let h = HOUR as f64;
    let (fl, bd, lambda) = (24.0 * h, 3.0 * h, 1.0 / (10.0 * DAY as f64));
    let expected = tilted_mean(lambda, fl, &[(0.0, bd, fl), (bd, fl, 0.0)]);
    Case {
        case: "4a backup-only, full daily (3 h each)",
        quantity: "mean RPO (h)",
        formula: "E[y] + F·P(y < Bd) ≈ F/2 + Bd",
        unit: "h",
        scale: 1.0 / h,
        trials,
        seed,
    }
    .check(expected / h, &acc, 0.01);
}

/// Full backup weekly (W = 7 d, takes Bf = 10 h), incrementals daily
/// (I = 1 d; 100 writes/s x 1 KB x 1 d = 8.64 GB, 86.4 s at 100 MB/s);
/// exponential disk losses (MTTF 30 d). A restore uses the newest finished
/// full and every finished incremental after it (in its week). At phase z
/// after a full starts:
///
///   z in [0, Bf):                 the previous week's chain: RPO = z + I
///   z in [Bf, I + Bi):            the full:                  RPO = z
///   z in [jI + Bi, (j+1)I + Bi):  incremental j (j = 1..5):  RPO = z - jI
///   z in [6I + Bi, W):            incremental 6:             RPO = z - 6I
///
/// averaged over the tilted phase density as in 4a.
#[test]
fn case4_backup_only_rpo_full_and_incrementals() {
    let (seed, trials) = (402, 60_000);
    let sc = parse(
        r#"
name = "backup-only-incrementals"
horizon = "35d2h"
[workload]
writes_per_sec = 100
write_size = "1KB"
data_size = "3600GB"
[[regions]]
name = "r"
zones = ["a"]
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[operators]
response = "10m"
[backups]
full_every = "7d"
incremental_every = "1d"
first_at = "2h"
throughput = "100MB/s"
restore_throughput = "200MB/s"
provision = "10m"
[faults]
disk_loss = { mttf = "30d" }
"#,
    );
    let (f0, wk) = (2 * HOUR, 7 * DAY);
    let acc = per_trial(
        &sc,
        seed,
        trials,
        false,
        first_loss_rpo(f0 + wk, f0 + 4 * wk),
    );
    let h = HOUR as f64;
    let (w, i, bf, bi) = (168.0 * h, 24.0 * h, 10.0 * h, micros(86.4));
    let mut pieces = vec![(0.0, bf, i), (bf, i + bi, 0.0)];
    for j in 1..=5 {
        let j = j as f64;
        pieces.push((j * i + bi, (j + 1.0) * i + bi, -j * i));
    }
    pieces.push((6.0 * i + bi, w, -6.0 * i));
    let expected = tilted_mean(1.0 / (30.0 * DAY as f64), w, &pieces);
    Case {
        case: "4b backup-only, full weekly (10 h) + daily incrementals",
        quantity: "mean RPO (h)",
        formula: "piecewise: z+I on [0,Bf), z−jI after incremental j",
        unit: "h",
        scale: 1.0 / h,
        trials,
        seed,
    }
    .check(expected / h, &acc, 0.015);
}

// ----- case 5: replication mode and lost writes ---------------------------------------------

fn pair_with_mode(mode: &str, lag: &str) -> String {
    format!(
        r#"
name = "lag"
horizon = "1d"
[workload]
writes_per_sec = 100
[[regions]]
name = "r"
zones = ["a", "b"]
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[[database.nodes]]
name = "db2"
zone = "b"
role = "replica"
[replication]
mode = "{mode}"
lag = {lag}
[failover]
mode = "automatic"
[[events]]
at = "6h"
fault = "disk-loss"
target = "primary"
"#
    )
}

/// Async replica with fixed lag L = 2 s; the primary's disk dies at 6 h; the
/// replica holds every write up to t - L, so the failover loses the writes
/// of the last L seconds: Poisson with mean w L = 200, and RPO = L exactly.
#[test]
fn case5_async_fixed_lag() {
    let (seed, trials) = (501, 20_000);
    let sc = parse(&pair_with_mode("async", "\"2s\""));
    let p = run(&sc, seed, trials);
    Case {
        case: "5a async, fixed lag 2 s, primary disk loss",
        quantity: "lost writes per loss",
        formula: "w·L",
        unit: "writes",
        scale: 1.0,
        trials,
        seed,
    }
    .check(200.0, &p.lost_writes, 0.01);
    // Poisson: the variance equals the mean.
    let var = p.lost_writes.variance();
    println!(
        "| 5a async, fixed lag 2 s | variance of lost writes | `w·L` (Poisson) | 200 writes² | {} writes² (within ±5%) | - | {} | {trials} | {seed} |",
        sig(var),
        p.lost_writes.count()
    );
    assert!(
        (var / 200.0 - 1.0).abs() < 0.05,
        "variance {var}, not Poisson"
    );
    assert_exact(
        "5a",
        "RPO (s), every incident",
        "L",
        2.0,
        p.rpo.min() as f64 / SECOND as f64,
        0.0,
    );
    assert_eq!(p.rpo.min(), p.rpo.max());
}

/// Async replica with exponential lag (mean 2 s), sampled when the primary
/// dies: lost writes are mixed Poisson with mean w E[L] = 200; the RPO is the
/// lag when at least one write was lost, so its mean is
/// E[L (1 - e^{-wL})] = m - m/(1 + w m)^2.
#[test]
fn case5_async_exponential_lag() {
    let (seed, trials) = (502, 20_000);
    let sc = parse(&pair_with_mode(
        "async",
        "{ dist = \"exponential\", mean = \"2s\" }",
    ));
    let p = run(&sc, seed, trials);
    Case {
        case: "5b async, exponential lag mean 2 s",
        quantity: "lost writes per loss",
        formula: "w·E[L]",
        unit: "writes",
        scale: 1.0,
        trials,
        seed,
    }
    .check(200.0, &p.lost_writes, 0.02);
    let (m, w): (f64, f64) = (2.0, 100.0);
    Case {
        case: "5b async, exponential lag mean 2 s",
        quantity: "mean RPO (s)",
        formula: "m − m/(1+w·m)²",
        unit: "s",
        scale: 1.0 / SECOND as f64,
        trials,
        seed,
    }
    .check(m - m / (1.0 + w * m).powi(2), &p.rpo, 0.02);
}

/// Semi-sync (replica connected) and sync: a write is acknowledged only once
/// the replica has it, so the failover loses nothing.
#[test]
fn case5_semi_sync_and_sync_lose_nothing() {
    for (mode, seed) in [("semi-sync", 503), ("sync", 504)] {
        let trials = 2_000;
        let sc = parse(&pair_with_mode(mode, "\"2s\""));
        let p = run(&sc, seed, trials);
        assert_exact(
            &format!("5c {mode}, primary disk loss"),
            "lost writes, every trial",
            "0",
            0.0,
            p.lost_writes.max() as f64,
            0.0,
        );
    }
}

// ----- case 6: restore time ----------------------------------------------------------------

/// A lone primary with a weekly full (first at 2 h) and daily incrementals,
/// fixed operator response 15 min and provisioning 10 min, restore at
/// 200 MB/s. The disk dies 6 h after the k-th incremental of the first week
/// (k = 0: after the full). RTO = response + provision + data/restore +
/// k x (w x write_size x I)/restore; RPO = 6 h. Deterministic.
#[test]
fn case6_restore_time_full_plus_k_incrementals() {
    let (response, provision) = (15.0 * 60.0, 10.0 * 60.0);
    let full = 100e9 / 200e6; // 500 s
    let incremental = 100.0 * 1e3 * 86_400.0 / 200e6; // 43.2 s
    for k in 0..=7u64 {
        let at = 2 * HOUR + k * DAY + 6 * HOUR;
        let sc = parse(&format!(
            r#"
name = "restore"
horizon = "14d"
[workload]
writes_per_sec = 100
write_size = "1KB"
data_size = "100GB"
[[regions]]
name = "r"
zones = ["a"]
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[operators]
response = "15m"
[backups]
full_every = "7d"
incremental_every = "1d"
first_at = "2h"
restore_throughput = "200MB/s"
provision = "10m"
[[events]]
at = "{at}us"
fault = "disk-loss"
"#
        ));
        // k = 7 is the next week's full: the chain starts again.
        let incrementals = (k % 7) as f64;
        let expected = response + provision + full + incrementals * incremental;
        let p = run(&sc, 601, 50);
        assert_eq!(p.rto.min(), p.rto.max(), "RTO must be deterministic");
        assert_exact(
            &format!("6 restore, loss 6 h after incremental {k}"),
            "RTO (s)",
            "response + provision + data/restore + k·w·size·I/restore",
            expected,
            p.rto.max() as f64 / SECOND as f64,
            1e-5,
        );
        assert_eq!(
            p.rpo.min(),
            6 * HOUR,
            "RPO is the time since the last usable backup"
        );
    }
}

// ----- case 7: point-in-time recovery --------------------------------------------------------

/// A lone primary with daily fulls and a log archive complete up to the last
/// multiple of A = 5 min; exponential disk losses (MTTF 10 d). Point-in-time
/// recovery restores to the archive's end, so RPO = t mod A (uniform, mean
/// A/2), counted only when a write was lost in that window (w = 100/s):
/// E[y (1 - e^{-w y})] over the tilted phase density of case 4.
#[test]
fn case7_pitr_rpo_is_half_the_archive_interval() {
    let (seed, trials) = (701, 40_000);
    let sc = parse(
        r#"
name = "pitr"
horizon = "22d2h"
[workload]
writes_per_sec = 100
data_size = "100GB"
[[regions]]
name = "r"
zones = ["a"]
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[operators]
response = "10m"
[backups]
full_every = "1d"
first_at = "2h"
provision = "10m"
[backups.log_archive]
interval = "5m"
[faults]
disk_loss = { mttf = "10d" }
"#,
    );
    let (f0, f) = (2 * HOUR, DAY);
    let acc = per_trial(
        &sc,
        seed,
        trials,
        false,
        first_loss_rpo(f0 + f, f0 + 21 * f),
    );
    let (a, w, lambda): (f64, f64, f64) = (300.0, 100.0, 1.0 / (10.0 * 86_400.0)); // seconds
    let c = lambda + w;
    let first = (1.0 - (-lambda * a).exp() * (1.0 + lambda * a)) / lambda;
    let second = lambda * (1.0 - (-c * a).exp() * (1.0 + c * a)) / (c * c);
    let expected = (first - second) / (1.0 - (-lambda * a).exp());
    Case {
        case: "7 PITR, archive every 5 min",
        quantity: "mean RPO (s)",
        formula: "≈ A/2 (exact: E[y(1−e^{−wy})], tilted phase)",
        unit: "s",
        scale: 1.0 / SECOND as f64,
        trials,
        seed,
    }
    .check(expected, &acc, 0.01);
}

// ----- case 8: API pool, k out of n -----------------------------------------------------------

/// Three API servers, at least two needed; each crashes after Exp(MTTF 2 d)
/// and restarts after Exp(mean 4 h), independently: each is a two-state
/// Markov chain started up, up with probability p(t) = A + (1-A) e^{-kt}
/// (A = MTTF/(MTTF+m), k = 1/MTTF + 1/m). Writes stop when fewer than two are
/// up: u(t) = q^2 (3 - 2q), q = 1 - p(t) = Q(1 - e^{-kt}), Q = 1 - A. So
///
///   E[D(H)] = 3 Q^2 (H - 2 J1 + J2) - 2 Q^3 (H - 3 J1 + 3 J2 - J3),
///   J_i = (1 - e^{-i k H})/(i k)
///
/// (k-out-of-n availability: Trivedi, ch. 8; steady state 1 - A^3 - 3A^2(1-A)).
#[test]
fn case8_api_pool_two_of_three() {
    let (seed, trials) = (801, 6_000);
    let sc = parse(
        r#"
name = "api-pool"
horizon = "1y"
[[regions]]
name = "r"
zones = ["a", "b", "c"]
[api]
servers = 3
min_healthy = 2
restart = { dist = "exponential", mean = "4h" }
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[faults]
api_crash = { mttf = "2d" }
"#,
    );
    let (a, m, h) = (2.0 * DAY as f64, 4.0 * HOUR as f64, YEAR as f64);
    let q = m / (a + m);
    let k = 1.0 / a + 1.0 / m;
    let j = |i: f64| (1.0 - (-i * k * h).exp()) / (i * k);
    let expected = 3.0 * q * q * (h - 2.0 * j(1.0) + j(2.0))
        - 2.0 * q.powi(3) * (h - 3.0 * j(1.0) + 3.0 * j(2.0) - j(3.0));
    let p = run(&sc, seed, trials);
    Case {
        case: "8 API pool, 2 of 3 needed",
        quantity: "downtime per year (h)",
        formula: "3Q²(H−2J₁+J₂) − 2Q³(H−3J₁+3J₂−J₃)",
        unit: "h",
        scale: 1.0 / HOUR as f64,
        trials,
        seed,
    }
    .check(expected / HOUR as f64, &p.downtime, 0.01);
}

// ----- case 9: a rebuild needs a live source ---------------------------------------------------

/// Primary + sync replica. The replica's disk dies at 1 h; its new disk
/// arrives at 1 h 10 min and is re-seeded from the primary (10 min). At
/// 1 h 15 min the primary's process crashes (disk intact; restarts in 1 h).
/// The re-seed has lost its source and cannot finish; the only complete
/// copy is on the primary's disk, so the right outcome is to wait for the
/// restart: no acknowledged write is lost (every write was on the primary's
/// disk), writes resume at 2 h 15 min at the latest.
#[test]
fn case9_replica_rebuild_without_source_loses_nothing() {
    let sc = parse(
        r#"
name = "rebuild-source"
horizon = "1d"
[workload]
writes_per_sec = 100
data_size = "180GB"        # 10 min re-seed at 300 MB/s
[[regions]]
name = "r"
zones = ["a", "b"]
[database]
restart = "1h"
disk_replace = "10m"
rebuild_throughput = "300MB/s"
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[[database.nodes]]
name = "db2"
zone = "b"
role = "replica"
[replication]
mode = "sync"
[failover]
mode = "automatic"
detection = "30s"
promotion = "30s"
[[events]]
at = "1h"
fault = "disk-loss"
target = "db2"
[[events]]
at = "1h15m"
fault = "db-crash"
target = "db1"
"#,
    );
    let o = Engine::new(&sc).run_trial(901, 0, false);
    assert_exact(
        "9 replica re-seed loses its source (primary crash)",
        "lost writes",
        "0",
        0.0,
        o.lost_writes as f64,
        0.0,
    );
}

// ----- case 10: the failover rule after a replan -------------------------------------------------

/// Primary + async replica (lag 1 s), restart 25 s, detection 30 s,
/// promotion 30 s. The replica crashes at 1 h; the primary crashes at
/// 1 h 15 s; the replica is back at 1 h 25 s. The primary restarts at
/// 1 h 40 s, before its failure can be detected (25 s < 30 s), so by the
/// engine's own rule there is no failover: writes stop for exactly the
/// restart, 25 s, and nothing is lost (the primary's disk holds every write).
#[test]
fn case10_no_failover_when_the_primary_restarts_before_detection() {
    let sc = parse(
        r#"
name = "replan"
horizon = "1d"
[workload]
writes_per_sec = 100
data_size = "1MB"
[[regions]]
name = "r"
zones = ["a", "b"]
[database]
restart = "25s"
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[[database.nodes]]
name = "db2"
zone = "b"
role = "replica"
[replication]
mode = "async"
lag = "1s"
[failover]
mode = "automatic"
detection = "30s"
promotion = "30s"
[[events]]
at = "1h"
fault = "db-crash"
target = "db2"
[[events]]
at = "1h15s"
fault = "db-crash"
target = "db1"
"#,
    );
    let o = Engine::new(&sc).run_trial(1001, 0, false);
    let case = "10 replica back while the primary restarts (R < D)";
    let downtime = o.downtime as f64 / SECOND as f64;
    print_exact(case, "downtime (s)", "R", 25.0, downtime);
    print_exact(case, "lost writes", "0", 0.0, o.lost_writes as f64);
    assert_eq!(downtime, 25.0, "{case}: downtime");
    assert_eq!(o.lost_writes, 0, "{case}: lost writes");
}

// ----- case 11: a data loss whose repair ends after the horizon -----------------------------------

/// A lone primary without replica or backup; exponential disk losses (MTTF
/// 1 d), replacement 4 h, horizon 2 d. The first disk loss destroys the only
/// copy: the trial has lost data if and only if that loss happens inside the
/// horizon, so p_data_loss = P(T < H) = 1 - e^{-H/MTTF} = 0.8647. (Counting
/// only the losses whose new disk arrives in time would give
/// 1 - e^{-(H - 4 h)/MTTF} = 0.8404.)
#[test]
fn case11_p_data_loss_counts_losses_near_the_horizon() {
    let (seed, trials) = (1101, 20_000);
    let sc = parse(
        r#"
name = "no-protection"
horizon = "2d"
[workload]
writes_per_sec = 100
[[regions]]
name = "r"
zones = ["a"]
[database]
disk_replace = "4h"
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[faults]
disk_loss = { mttf = "1d" }
"#,
    );
    let acc = per_trial(&sc, seed, trials, false, |o| {
        Some(u64::from(o.lost_writes > 0))
    });
    Case {
        case: "11 lone primary, no backup, loss near the horizon",
        quantity: "p_data_loss",
        formula: "1 − e^{−H/MTTF}",
        unit: "",
        scale: 1.0,
        trials,
        seed,
    }
    .check(1.0 - (-2.0f64).exp(), &acc, 0.01);
}

// ----- case 12: a pair whose deposed primary is a candidate again --------------------------------

/// Primary + async replica, each crashing independently (exponential, MTTF
/// a = 10 d) and restarting after an exponential time of mean m = 1 d;
/// detection D = 10 s, promotion P = 20 s, `primary_start_timeout` 0, and
/// `max_lag` raised so that a copy lacking the log since a failover may be
/// promoted. Each node is a two-state Markov chain started up, down at t
/// with probability p(t) = q (1 - e^{-kt}), q = m/(a+m), k = 1/a + 1/m,
/// whatever its role. The write path is down
///
/// - while both are down: integral of p^2;
/// - for min(R, D + P) when the primary fails with the other up (the
///   restart is waited for if it beats the failover): rate lambda (1-p)^2;
/// - for min(R', P) when both are down and the one that failed first comes
///   back first (probability 1/2): it is a candidate again, promoted after
///   P since the failure is detected already, unless the primary's residual
///   restart R' (exponential, mean m) is shorter. Both-down spells begin at
///   rate 2 lambda p (1-p).
///
///   E[down] = I2 + lambda I0 m (1 - e^{-(D+P)/m}) + lambda I1 m (1 - e^{-P/m})
///   I2 = int p^2, I0 = int (1-p)^2, I1 = int p (1-p)  over [0, H]
///
/// Neglected: the other node failing inside a 30-s failover, or coming
/// back within D of the second failure (about 3e-4 of the spells each).
/// Waiting for the node that failed second, as when a deposed primary
/// could not be promoted, makes the both-down term about twice as large.
#[test]
fn case12_pair_both_down_with_deposed_primary_a_candidate() {
    let (seed, trials) = (1201, 10_000);
    let sc = parse(
        r#"
name = "pair-both-down"
horizon = "4y"
[workload]
writes_per_sec = 10
data_size = "1MB"
[[regions]]
name = "r"
zones = ["a", "b"]
[database]
restart = { dist = "exponential", mean = "1d" }
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[[database.nodes]]
name = "db2"
zone = "b"
role = "replica"
[replication]
mode = "async"
lag = "1s"
[failover]
mode = "automatic"
detection = "10s"
promotion = "20s"
primary_start_timeout = "0s"
max_lag = "1TB"
[faults]
db_crash = { mttf = "10d" }
"#,
    );
    let (a, m, h) = (10.0 * DAY as f64, DAY as f64, 4.0 * YEAR as f64);
    let (d, pr) = (micros(10.0), micros(20.0));
    let q = m / (a + m);
    let k = 1.0 / a + 1.0 / m;
    let int_p = q * (h - (1.0 - (-k * h).exp()) / k);
    let int_p2 =
        q * q * (h - 2.0 * (1.0 - (-k * h).exp()) / k + (1.0 - (-2.0 * k * h).exp()) / (2.0 * k));
    let int_1 = int_p - int_p2;
    let int_0 = h - 2.0 * int_p + int_p2;
    let lambda = 1.0 / a;
    let expected = int_p2
        + lambda * int_0 * m * (1.0 - (-(d + pr) / m).exp())
        + lambda * int_1 * m * (1.0 - (-pr / m).exp());
    let p = run(&sc, seed, trials);
    Case {
        case: "12 pair, deposed primary a candidate again",
        quantity: "downtime per 4 y (h)",
        formula: "∫p² + λ·∫(1−p)²·m(1−e^{−(D+P)/m}) + λ·∫p(1−p)·m(1−e^{−P/m})",
        unit: "h",
        scale: 1.0 / HOUR as f64,
        trials,
        seed,
    }
    .check(expected / HOUR as f64, &p.downtime, 0.015);
}

// ----- 13. side restore of logical damage -------------------------------------------

/// A scheduled delete of share s = 10% at c = 10 d 06:00, detected 2 h
/// later, against daily full backups taken at midnight (copied at 100 GB/s,
/// so a backup's start and stop are the same to 0.1 s). The side restore
/// brings the rows back as of the midnight backup p = 10 d and copies them
/// into the live database; every write after c is kept and writes never
/// stop. Lost: the damaged share of the writes in [p, c], Poisson with mean
/// s w (c − p) = 0.1 × 100 × 21,600 s = 216,000; RPO s (c − p) = 2,160 s.
/// (A rollback would lose w (detection − p) = 2,880,000, 13 times more.)
#[test]
fn case13_side_restore_loses_only_the_damaged_rows_before_the_damage() {
    let (seed, trials) = (1201, 2_000);
    let sc = parse(
        r#"
name = "side-restore"
horizon = "20d"
[workload]
writes_per_sec = 100
data_size = "10GB"
[[regions]]
name = "r"
zones = ["a", "b"]
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[[database.nodes]]
name = "db2"
zone = "b"
role = "replica"
[backups]
full_every = "1d"
first_at = "0s"
throughput = "100GB/s"
[[events]]
at = "10d6h"
fault = "accidental-delete"
share = "10%"
detect = "2h"
"#,
    );
    let lost = per_trial(&sc, seed, trials, false, |o| Some(o.lost_writes));
    Case {
        case: "13 side restore of a 10% delete, backup 6 h before",
        quantity: "lost writes per trial",
        formula: "s·w·(c − p)",
        unit: "writes",
        scale: 1.0,
        trials,
        seed,
    }
    .check(0.1 * 100.0 * 21_600.0, &lost, 0.001);
    let down = per_trial(&sc, seed, trials, false, |o| Some(o.downtime));
    assert_exact("13", "downtime (s), max", "0", 0.0, down.max() as f64, 0.0);
    let rpo = per_trial(&sc, seed, trials, false, |o| {
        o.incidents
            .iter()
            .find(|i| i.lost_writes > 0)
            .map(|i| i.rpo)
    });
    assert_exact(
        "13",
        "RPO (s), every incident",
        "s·(c − p)",
        2_160.0,
        rpo.max() as f64 / SECOND as f64,
        1.0,
    );
}

// ----- 14. writes in flight at a primary loss ----------------------------------------

/// A primary crash at 1 d, 1,000 writes/s. The writes inside one commit
/// round trip fail (never acknowledged, so never lost): Poisson with mean
/// w (rtt_same_zone + write latency added). Async adds nothing: 1,000 ×
/// 0.5 ms = 0.5. A sync replica in the other zone adds its 1 ms round trip:
/// 1,000 × 1.5 ms = 1.5. Without failover the primary restarts in place
/// with its disk, so nothing acknowledged is lost.
#[test]
fn case14_failed_writes_are_the_writes_in_one_commit_round_trip() {
    let (seed, trials) = (1301, 40_000);
    for (mode, expected) in [("async", 0.5), ("sync", 1.5)] {
        let sc = parse(&format!(
            r#"
name = "in-flight"
horizon = "2d"
[workload]
writes_per_sec = 1000
[[regions]]
name = "r"
zones = ["a", "b"]
[network]
rtt_same_zone = "500us"
rtt_cross_zone = "1ms"
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[[database.nodes]]
name = "db2"
zone = "b"
role = "replica"
[replication]
mode = "{mode}"
[failover]
mode = "none"
[[events]]
at = "1d"
fault = "db-crash"
target = "primary"
"#
        ));
        let acc = per_trial(&sc, seed, trials, false, |o| Some(o.failed_writes));
        Case {
            case: &format!("14 {mode}, primary crash"),
            quantity: "failed writes per trial",
            formula: "w·(rtt_same_zone + latency added)",
            unit: "writes",
            scale: 1.0,
            trials,
            seed,
        }
        .check(expected, &acc, 0.03);
        // Never acknowledged, so none of them is a lost write.
        let lost = per_trial(&sc, seed, trials, false, |o| Some(o.lost_writes));
        assert_eq!(lost.max(), 0, "{mode}: a crash with its disk loses nothing");
    }
}
