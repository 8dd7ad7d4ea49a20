//! Per-region fault laws (`regions[i].faults`): a region's own law applies
//! to what lives in it, every other region keeps `[faults]`, and a bad
//! regional law is refused as a bad `[faults]` entry is.

mod common;
use common::*;
use failsim::scenario::{self, FaultKind, Format};
use failsim::sim::Engine;
use failsim::stats::Accumulator;
use failsim::units::{DAY, SECOND, YEAR};

/// Two regions, a node in each; database crashes every 30 days on average,
/// but every 5 days in `west`, whose older hardware fails more often.
/// Restarts take one second, so each node's crashes are close to a Poisson
/// process of rate 1/MTTF.
const TWO_REGIONS: &str = r#"
name = "regional-crashes"
horizon = "1y"

[[regions]]
name = "east"
zones = ["east-a"]

[[regions]]
name = "west"
zones = ["west-a"]
faults = { db_crash = { mttf = "5d" } }

[[network.links]]
between = ["east", "west"]
rtt = "70ms"

[database]
restart = "1s"

[[database.nodes]]
name = "db1"
zone = "east-a"
role = "primary"

[[database.nodes]]
name = "db2"
zone = "west-a"
role = "replica"

[faults]
db_crash = { mttf = "30d" }
"#;

/// Crashes per trial of each node, over `trials` trials at `seed`.
fn crashes(text: &str, seed: u64, trials: u64) -> (Accumulator, Accumulator) {
    let sc = scenario::parse(text, "regional.toml", Format::Toml).unwrap_or_else(|e| panic!("{e}"));
    let engine = Engine::new(&sc);
    let (mut east, mut west) = (Accumulator::new(), Accumulator::new());
    for t in 0..trials {
        let o = engine.run_trial(seed, t, true);
        let count = |node: &str| {
            o.incidents
                .iter()
                .filter(|i| i.cause == FaultKind::DbCrash && i.target.as_str() == node)
                .count() as u64
        };
        east.push(count("db1"));
        west.push(count("db2"));
    }
    (east, west)
}

/// Asserts that `expected` crashes per trial lies in the 99% interval of
/// the mean of `acc`, and that the interval is within `rel` of the mean.
fn within(what: &str, expected: f64, acc: &Accumulator, rel: f64) {
    let (mean, ci) = acc.summary_with_confidence(1.0, 0.99);
    assert!(
        ci[0] <= expected && expected <= ci[1],
        "{what}: expected {expected} crashes per trial, 99% interval [{}, {}] (mean {mean})",
        ci[0],
        ci[1]
    );
    let half = (ci[1] - ci[0]) / 2.0 / mean;
    assert!(half <= rel, "{what}: interval ±{half} too wide to tell");
}

/// Each node crashes at its own region's rate: the closed form for an
/// alternating renewal process started up is H/(MTTF + R) to within R/MTTF
/// (here 2e-6), so 73.0 crashes a year in `west` against 12.2 in `east`.
#[test]
fn a_regional_mttf_applies_to_its_nodes_only() {
    let (east, west) = crashes(TWO_REGIONS, 11, 2_000);
    let (h, r) = (YEAR as f64, SECOND as f64);
    within(
        "east (faults.db_crash)",
        h / (30.0 * DAY as f64 + r),
        &east,
        0.03,
    );
    within(
        "west (regions[1].faults)",
        h / (5.0 * DAY as f64 + r),
        &west,
        0.01,
    );
}

/// Without the override both nodes crash by `[faults]`, and the east node's
/// draws are the very same: it keeps its own random stream.
#[test]
fn without_the_override_both_regions_follow_faults() {
    let plain = TWO_REGIONS.replace("faults = { db_crash = { mttf = \"5d\" } }\n", "");
    let (east, west) = crashes(&plain, 11, 2_000);
    let h = YEAR as f64 / (30.0 * DAY as f64 + SECOND as f64);
    within("east", h, &east, 0.03);
    within("west", h, &west, 0.03);
    let (east_over, _) = crashes(TWO_REGIONS, 11, 2_000);
    assert_eq!(
        east.summary_with_confidence(1.0, 0.99),
        east_over.summary_with_confidence(1.0, 0.99),
        "the east node's crashes must not change when only west is overridden"
    );
}

/// Runs `validate` on `text` and asserts exit 2 with every needle.
fn refused(text: &str, needles: &[&str]) {
    let f = fixture("regional.toml", text);
    let err = expect_exit_2(failsim().arg("validate").arg(&f.path));
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "expected `{n}` in: {err}");
    }
}

#[test]
fn a_zero_regional_mttf_is_refused_with_its_path_and_line() {
    refused(
        &TWO_REGIONS.replace("mttf = \"5d\"", "mttf = \"0s\""),
        &[
            "regional.toml:12:",
            "field `regions[1].faults.db_crash.mttf`",
            "must be longer than zero",
        ],
    );
}

#[test]
fn a_regional_fault_without_a_rate_is_refused() {
    refused(
        &TWO_REGIONS.replace("{ mttf = \"5d\" }", "{ dist = \"weibull\" }"),
        &["regions[1].faults.db_crash", "needs `mttf` or `afr`"],
    );
}

#[test]
fn a_regional_zone_outage_needs_its_duration() {
    refused(
        &TWO_REGIONS.replace(
            "{ db_crash = { mttf = \"5d\" } }",
            "{ zone_outage = { mttf = \"1y\" } }",
        ),
        &["regions[1].faults.zone_outage"],
    );
}

/// Partitions (between two regions) and deletes (of the whole database)
/// belong to no one region: a region may not give them.
#[test]
fn an_unknown_regional_fault_is_refused() {
    refused(
        &TWO_REGIONS.replace(
            "{ db_crash = { mttf = \"5d\" } }",
            "{ partition = { mttf = \"1y\", duration = \"1h\" } }",
        ),
        &["regional.toml:12:", "regions[1].faults", "partition"],
    );
}

#[test]
fn a_regional_api_crash_needs_an_api_pool() {
    refused(
        &TWO_REGIONS.replace(
            "{ db_crash = { mttf = \"5d\" } }",
            "{ api_crash = { mttf = \"5d\" } }",
        ),
        &[
            "regions[1].faults.api_crash",
            "API crashes need an API pool",
        ],
    );
}

/// The bound on events per trial counts each region at its own rate, and
/// names the region whose law would flood the trial.
#[test]
fn a_regional_rate_too_high_for_one_trial_is_refused() {
    refused(
        &TWO_REGIONS.replace("mttf = \"5d\"", "mttf = \"1s\""),
        &["field `regions[1].faults.db_crash`", "would take about"],
    );
}
