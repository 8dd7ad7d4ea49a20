//! Every component draws from its own random stream: adding a replica, or
//! changing the strategy, does not move the primary's failures.

use failsim::scenario::{FaultKind, Format, parse};
use failsim::sim::{Engine, Happening};
use failsim::strategy;

const BASE: &str = r#"
name = "streams"
seed = 11
horizon = "2y"
[[regions]]
name = "east"
zones = ["a", "b", "c"]
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[faults]
disk_loss = { afr = "40%" }
db_crash = { mttf = "60d" }
"#;

const REPLICA: &str = r#"
[[database.nodes]]
name = "db2"
zone = "b"
role = "replica"
"#;

/// The times at which db1 suffered each kind of fault in one trial.
fn db1_faults(text: &str, strategy_name: Option<&str>, trial: u64) -> Vec<(u64, FaultKind)> {
    let sc = parse(text, "streams.toml", Format::Toml).expect("valid");
    let sc = match strategy_name {
        Some(s) => strategy::apply(&sc, s).expect("strategy builds"),
        None => sc,
    };
    let o = Engine::new(&sc).run_trial(sc.seed, trial, true);
    o.records
        .iter()
        .filter_map(|r| match &r.what {
            Happening::Fault { kind, target, .. } if target == "db1" => Some((r.at, *kind)),
            _ => None,
        })
        .collect()
}

#[test]
fn adding_a_replica_does_not_change_when_the_primarys_disk_fails() {
    let mut compared = 0;
    for trial in 0..200 {
        let alone = db1_faults(BASE, None, trial);
        let with_replica = db1_faults(&format!("{BASE}{REPLICA}"), None, trial);
        let first_disk =
            |v: &[(u64, FaultKind)]| v.iter().find(|f| f.1 == FaultKind::DiskLoss).map(|f| f.0);
        // The first disk loss and the first crash of db1 come from db1's
        // own streams; what follows depends on repairs, which differ.
        assert_eq!(
            first_disk(&alone),
            first_disk(&with_replica),
            "trial {trial}"
        );
        assert_eq!(
            alone.first().map(|f| f.0).is_some(),
            with_replica.first().map(|f| f.0).is_some()
        );
        if first_disk(&alone).is_some() {
            compared += 1;
        }
    }
    assert!(compared > 50, "the test must see disk losses: {compared}");
}

#[test]
fn every_strategy_sees_the_same_first_failure() {
    let text = format!("{BASE}{REPLICA}");
    for trial in 0..100 {
        let reference = db1_faults(&text, Some("none"), trial).first().copied();
        for s in [
            "backup-only",
            "async",
            "sync",
            "semi-sync",
            "delayed",
            "async+backup",
        ] {
            assert_eq!(
                db1_faults(&text, Some(s), trial).first().copied(),
                reference,
                "trial {trial}, {s}"
            );
        }
    }
}
