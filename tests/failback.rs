//! Planned failback (`failover.failback_after`, docs/model.md "Planned
//! failback"): after a region outage moved the primary away, a planned
//! switchover moves it back home once the home region has been back for
//! `failback_after` and a node there is caught up. Writes stop for the
//! switchover (`failover.switchover`, 30 s by default) and nothing is lost.
//! Each scenario schedules its faults, so every number is exact.

mod common;

use common::{expect_exit_2, expect_success, failsim, fixture};
use failsim::scenario::{self, FaultKind, Format, Scenario};
use failsim::sim::{Engine, Happening, TrialOutcome};
use failsim::units::{HOUR, SECOND};

fn parse(toml: &str) -> Scenario {
    scenario::parse(toml, "failback.toml", Format::Toml).unwrap_or_else(|e| panic!("{e}"))
}

fn trial(toml: &str) -> TrialOutcome {
    let sc = parse(toml);
    Engine::new(&sc)
        .run_trial_checked(7, 0, true)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// db1 (primary) and db2 in us-east, db3 in us-west; automatic failover
/// across regions; us-east is out for 2 h from day 1; `failover` appended
/// to `[failover]`.
fn world(failover: &str) -> String {
    format!(
        r#"
name = "failback"
horizon = "3d"
[workload]
writes_per_sec = 100
write_size = "1KB"
data_size = "1MB"
history = "30d"
[network]
rtt_cross_region = "60ms"
[[regions]]
name = "us-east"
zones = ["a", "b"]
[[regions]]
name = "us-west"
zones = ["c"]
[database]
restart = "1m"
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[[database.nodes]]
name = "db2"
zone = "b"
role = "replica"
[[database.nodes]]
name = "db3"
zone = "c"
role = "replica"
[replication]
mode = "async"
lag = "1s"
[failover]
mode = "automatic"
detection = "30s"
promotion = "30s"
cross_region = true
{failover}
[[events]]
at = "1d"
fault = "region-outage"
target = "us-east"
duration = "2h"
"#
    )
}

fn promotions(o: &TrialOutcome) -> Vec<(u64, String)> {
    o.records
        .iter()
        .filter_map(|r| match &r.what {
            Happening::Promoted { to, .. } => Some((r.at, to.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn the_primary_goes_home_after_the_region_returns_for_exactly_the_switchover() {
    let off = trial(&world(""));
    let on = trial(&world("failback_after = \"1h\""));
    // Without failback the primary stays in us-west.
    let p_off = promotions(&off);
    assert_eq!(p_off.len(), 1, "{p_off:?}");
    assert_eq!(p_off[0].1, "db3");
    // With it, a switchover starts 1 h after us-east returns (day 1 + 2 h)
    // and ends 30 s later, on a node in us-east.
    let p_on = promotions(&on);
    assert_eq!(p_on.len(), 2, "{p_on:?}");
    assert_eq!(p_on[0], p_off[0]);
    let back = 24 * HOUR + 2 * HOUR + HOUR + 30 * SECOND;
    assert_eq!(p_on[1].0, back, "{p_on:?}");
    assert!(["db1", "db2"].contains(&p_on[1].1.as_str()), "{p_on:?}");
    // Downtime grows by the switchover exactly; nothing more is lost.
    assert_eq!(on.downtime, off.downtime + 30 * SECOND);
    assert_eq!(on.lost_writes, off.lost_writes);
    assert_eq!(on.diverged_writes, off.diverged_writes);
    // The switchover is its own incident: the outage's RTO is unchanged.
    let sw: Vec<_> = on
        .incidents
        .iter()
        .filter(|i| i.cause == FaultKind::Switchover)
        .collect();
    assert_eq!(sw.len(), 1);
    assert_eq!(sw[0].rto, 30 * SECOND);
    assert_eq!(sw[0].lost_writes, 0);
    let outage = |o: &TrialOutcome| {
        o.incidents
            .iter()
            .find(|i| i.cause == FaultKind::RegionOutage)
            .map(|i| (i.rto, i.lost_writes))
    };
    assert_eq!(outage(&on), outage(&off));
}

#[test]
fn the_switchover_time_is_a_setting() {
    let off = trial(&world(""));
    let on = trial(&world("failback_after = \"1h\"\nswitchover = \"1m\""));
    assert_eq!(on.downtime, off.downtime + 60 * SECOND);
}

#[test]
fn explain_tells_the_switchover() {
    let f = fixture("failback.toml", &world("failback_after = \"1h\""));
    let out = expect_success(failsim().arg("explain").arg(&f.path).args(["--trial", "0"]));
    let s = String::from_utf8(out.stdout)
        .expect("UTF-8")
        .replace('\n', " ");
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        s.contains("A planned switchover moves the primary back to db1 in us-east: writes stop for 30 s; nothing is lost.")
            || s.contains("A planned switchover moves the primary back to db2 in us-east: writes stop for 30 s; nothing is lost."),
        "{s}"
    );
}

#[test]
fn a_negative_failback_after_is_refused() {
    let text = world("failback_after = \"-1h\"");
    let line = text
        .lines()
        .position(|l| l.starts_with("failback_after"))
        .unwrap()
        + 1;
    let f = fixture("failback.toml", &text);
    let stderr = expect_exit_2(failsim().arg("validate").arg(&f.path));
    let at = format!("failback.toml:{line}");
    for n in [at.as_str(), "failover.failback_after", "not a duration"] {
        assert!(stderr.contains(n), "expected `{n}` in: {stderr}");
    }
}
