//! Recovering a primary that is down, as Patroni and pg_rewind do it
//! (docs/model.md, "Recovering a primary that is down"): a crashed primary
//! is given `failover.primary_start_timeout` to restart in place, a deposed
//! copy whose disk survived is rewound rather than re-seeded and stays a
//! candidate, a replica ahead of the promoted one is rewound before it
//! counts again, and `database.repair_crews` bounds the repairs that run at
//! once. Each scenario schedules its faults, so every number is exact.

mod common;

use common::{expect_exit_2, failsim, fixture};
use failsim::scenario::{self, Format, Scenario};
use failsim::sim::{Component, Engine, Happening, TrialOutcome};
use failsim::units::{Micros, SECOND};

fn parse(toml: &str) -> Scenario {
    scenario::parse(toml, "recovery.toml", Format::Toml).unwrap_or_else(|e| panic!("{e}"))
}

fn trial(toml: &str) -> TrialOutcome {
    let sc = parse(toml);
    Engine::new(&sc)
        .run_trial_checked(7, 0, true)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn secs(t: Micros) -> f64 {
    t as f64 / SECOND as f64
}

/// Two nodes (async, lag 1 s), fixed detection 30 s and promotion 30 s,
/// `extra` appended (restart, failover settings, events).
fn pair(restart: &str, failover: &str, events: &str) -> String {
    format!(
        r#"
name = "pair"
horizon = "1d"
[workload]
writes_per_sec = 100
write_size = "1KB"
data_size = "1MB"
history = "30d"
[[regions]]
name = "r"
zones = ["a", "b", "c"]
[database]
restart = "{restart}"
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
{failover}
{events}
"#
    )
}

fn crash(at: &str, node: &str) -> String {
    format!("[[events]]\nat = \"{at}\"\nfault = \"db-crash\"\ntarget = \"{node}\"\n")
}

fn disk_loss(at: &str, node: &str) -> String {
    format!("[[events]]\nat = \"{at}\"\nfault = \"disk-loss\"\ntarget = \"{node}\"\n")
}

fn promotions(o: &TrialOutcome) -> Vec<String> {
    o.records
        .iter()
        .filter_map(|r| match &r.what {
            Happening::Promoted { to, .. } => Some(to.clone()),
            _ => None,
        })
        .collect()
}

// ----- defect 1: the restart is compared with the failover's end, after the timeout -----

/// The primary restarts in 57 s; a failover would start at detection (30 s)
/// and be done at 60 s. Patroni gives the crashed primary 300 s to restart
/// in place: it is waited for, and nothing is lost.
#[test]
fn a_primary_restarting_within_primary_start_timeout_is_waited_for() {
    let o = trial(&pair("57s", "", &crash("1h", "db1")));
    assert_eq!(secs(o.downtime), 57.0);
    assert_eq!(o.lost_writes, 0);
    assert!(
        promotions(&o).is_empty(),
        "no failover: {:?}",
        promotions(&o)
    );
}

/// Without the timeout (0 s, fail over at once), a restart at 45 s still
/// beats a failover that would be done only at 60 s: waiting is both
/// shorter and lossless.
#[test]
fn a_restart_before_the_failover_would_be_done_is_waited_for() {
    let o = trial(&pair(
        "45s",
        "primary_start_timeout = \"0s\"",
        &crash("1h", "db1"),
    ));
    assert_eq!(secs(o.downtime), 45.0);
    assert_eq!(o.lost_writes, 0);
}

/// A restart beyond the timeout: the failover starts when the timeout runs
/// out (detection 30 s + 120 s), then takes the promotion's 30 s.
#[test]
fn a_failover_starts_only_when_primary_start_timeout_runs_out() {
    let o = trial(&pair(
        "10m",
        "primary_start_timeout = \"120s\"",
        &crash("1h", "db1"),
    ));
    assert_eq!(secs(o.downtime), 180.0);
    assert_eq!(promotions(&o), ["db2"]);
}

// ----- defect 2: a deposed copy with its disk is rewound and stays a candidate ------------

/// db1 crashes at 1 h (restart 1 h, no timeout): db2 is promoted at
/// 1 h 60 s. db2 crashes at 1 h 30 m. db1 is back first, at 2 h: it is
/// promoted again after the promotion's 30 s (the failure is detected
/// already), instead of everything waiting for db2 until 2 h 30 m.
/// `max_lag` is raised so that a copy lacking half an hour may be promoted.
#[test]
fn a_deposed_primary_back_first_is_promoted_again() {
    let events = crash("1h", "db1") + &crash("1h30m", "db2");
    let o = trial(&pair(
        "1h",
        "primary_start_timeout = \"0s\"\nmax_lag = \"1TB\"",
        &events,
    ));
    assert_eq!(promotions(&o), ["db2", "db1"]);
    // 60 s of the first failover, then 1 h 30 m to 2 h 30 s.
    assert_eq!(secs(o.downtime), 60.0 + 1830.0);
}

/// db1 crashes at 1 h (restart 1 h): db2 is promoted at 1 h 60 s. db2's
/// disk is lost at 1 h 30 m, with no backup. db1 still holds everything up
/// to the first failover: it is waited for and promoted, losing exactly
/// the writes db2 took alone, not the whole history, and db2 is then
/// re-seeded from db1.
#[test]
fn the_last_copy_is_promoted_not_thrown_away() {
    let events = crash("1h", "db1") + &disk_loss("1h30m", "db2");
    let o = trial(&pair("1h", "primary_start_timeout = \"0s\"", &events));
    assert_eq!(promotions(&o), ["db2", "db1"]);
    assert!(
        !o.records
            .iter()
            .any(|r| matches!(r.what, Happening::DataLost { .. })),
        "nothing starts empty"
    );
    // Writes acknowledged in [1 h - 1 s, 1 h 30 m]: 1 s before the first
    // failover and 1740 s under db2, at 100/s (Poisson, sd about 420).
    let expected = 100.0 * (1.0 + 1740.0);
    let lost = o.lost_writes as f64;
    assert!(
        (lost - expected).abs() < 5.0 * expected.sqrt(),
        "lost {lost}, expected about {expected}"
    );
    assert!(
        o.records
            .iter()
            .any(|r| matches!(&r.what, Happening::Rebuilding { node, .. } if node == "db2")),
        "db2 is re-seeded from db1"
    );
}

// ----- defect 3: a replica ahead of the promoted one is rewound first ---------------------

/// Three nodes, sync with `block`. db2 crashes at 1 h, db3 at 1 h 10 m
/// (writes block: no sync replica left), db1 at 1 h 20 m; restarts take
/// 1 h. db2 is back at 2 h and promoted at 2 h 30 s, holding the log to
/// 1 h. db3, back at 2 h 10 m, holds 10 min of writes db2 lacks: it must be
/// rewound (600 s of log at 100 writes/s of 1 KB = 60 MB, at 100 kB/s:
/// 600 s) before it acknowledges writes. Writes resume at 2 h 20 m, when
/// db3 has been rewound, not at 2 h 10 m.
#[test]
fn a_replica_ahead_of_the_new_primary_is_rewound_before_it_acknowledges() {
    let toml = format!(
        r#"
name = "three"
horizon = "1d"
[workload]
writes_per_sec = 100
write_size = "1KB"
data_size = "1MB"
[[regions]]
name = "r"
zones = ["a", "b", "c"]
[database]
restart = "1h"
rewind_throughput = "100kB/s"
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
mode = "sync"
sync_on_replica_down = "block"
[failover]
mode = "automatic"
detection = "30s"
promotion = "30s"
primary_start_timeout = "0s"
max_lag = "1TB"
{}{}{}"#,
        crash("1h", "db2"),
        crash("1h10m", "db3"),
        crash("1h20m", "db1")
    );
    let o = trial(&toml);
    assert_eq!(promotions(&o), ["db2"]);
    let rewinds: Vec<(&str, Micros, Micros)> = o
        .records
        .iter()
        .filter_map(|r| match &r.what {
            Happening::Rewinding { node, ready_in } => Some((node.as_str(), r.at, *ready_in)),
            _ => None,
        })
        .collect();
    let db3 = rewinds
        .iter()
        .find(|r| r.0 == "db3")
        .expect("db3 is rewound");
    assert_eq!(secs(db3.1), 7800.0, "db3 rewinds when it is back");
    assert_eq!(secs(db3.2), 600.0, "600 s of log at 100 kB/s");
    // Blocked from 1 h 10 m until db3 acknowledges at 2 h 20 m.
    assert_eq!(secs(o.downtime), 4200.0);
}

// ----- repair_crews ---------------------------------------------------------------------

/// Two replicas lose their disks at once; new disks in 10 min; a re-seed
/// takes 300 GB / 300 MB/s = 1000 s. With one crew the second re-seed waits
/// for the first.
fn two_rebuilds(crews: &str) -> Vec<(String, f64)> {
    let toml = format!(
        r#"
name = "crews"
horizon = "1d"
[workload]
writes_per_sec = 10
data_size = "300GB"
[[regions]]
name = "r"
zones = ["a", "b", "c"]
[database]
disk_replace = "10m"
{crews}
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
{}{}"#,
        disk_loss("1h", "db2"),
        disk_loss("1h", "db3")
    );
    let o = trial(&toml);
    o.records
        .iter()
        .filter_map(|r| match &r.what {
            Happening::Up {
                component: Component::Node(node),
            } => Some((node.clone(), secs(r.at) - 3600.0)),
            _ => None,
        })
        .collect()
}

#[test]
fn one_repair_crew_rebuilds_one_node_at_a_time() {
    let up = |v: &[(String, f64)], n: &str| v.iter().find(|u| u.0 == n).map(|u| u.1);
    let unlimited = two_rebuilds("");
    assert_eq!(up(&unlimited, "db2"), Some(1600.0));
    assert_eq!(up(&unlimited, "db3"), Some(1600.0));
    let one = two_rebuilds("repair_crews = 1");
    assert_eq!(up(&one, "db2"), Some(1600.0));
    assert_eq!(up(&one, "db3"), Some(2600.0));
}

// ----- bad input ------------------------------------------------------------------------

fn rejects(name: &str, text: &str, needles: &[&str]) {
    let f = fixture(name, text);
    let stderr = expect_exit_2(failsim().arg("validate").arg(&f.path));
    assert!(stderr.contains(name), "names the file: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "expected `{n}` in: {stderr}");
    }
}

#[test]
fn a_negative_primary_start_timeout_is_refused() {
    let text = pair("45s", "primary_start_timeout = \"-5s\"", "");
    let line = text
        .lines()
        .position(|l| l.starts_with("primary_start_timeout"))
        .unwrap()
        + 1;
    rejects(
        "timeout.toml",
        &text,
        &[
            &format!("timeout.toml:{line}"),
            "failover.primary_start_timeout",
            "not a duration",
        ],
    );
}

#[test]
fn zero_repair_crews_are_refused() {
    let text =
        pair("45s", "", "").replace("restart = \"45s\"", "restart = \"45s\"\nrepair_crews = 0");
    let line = text
        .lines()
        .position(|l| l.starts_with("repair_crews"))
        .unwrap()
        + 1;
    rejects(
        "crews.toml",
        &text,
        &[
            &format!("crews.toml:{line}"),
            "database.repair_crews",
            "at least 1",
        ],
    );
}

#[test]
fn a_zero_rewind_throughput_is_refused() {
    let text = pair("45s", "", "").replace(
        "restart = \"45s\"",
        "restart = \"45s\"\nrewind_throughput = \"0MB/s\"",
    );
    let line = text
        .lines()
        .position(|l| l.starts_with("rewind_throughput"))
        .unwrap()
        + 1;
    rejects(
        "rewind.toml",
        &text,
        &[&format!("rewind.toml:{line}"), "database.rewind_throughput"],
    );
}
