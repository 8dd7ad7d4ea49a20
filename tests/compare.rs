//! `compare` on the built-in default scenario shows what the domain says
//! it must, with the numbers; and statistics sharpen as trials grow.

mod common;
use common::*;
use serde_json::Value;

fn compare(trials: &str, strategies: &str) -> Value {
    expect_json(failsim().args([
        "compare",
        "--trials",
        trials,
        "--strategies",
        strategies,
        "--json",
        "-",
        "--quiet",
    ]))
}

fn strategy<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["strategies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["strategy"] == name)
        .unwrap()
}

/// (incidents, lost writes) of one cause.
fn cause(s: &Value, name: &str) -> (f64, f64) {
    s["by_cause"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cause"] == name)
        .map(|c| {
            (
                c["incidents"].as_f64().unwrap(),
                c["lost_writes"].as_f64().unwrap(),
            )
        })
        .unwrap_or((0.0, 0.0))
}

const PHYSICAL: [&str; 3] = ["db-crash", "disk-loss", "zone-outage"];

#[test]
fn the_default_scenario_tells_the_strategies_apart() {
    let v = compare(
        "600",
        "none,backup-only,async,semi-sync,sync,delayed,async+backup",
    );
    let s = |n: &str| strategy(&v, n);
    let physical_loss = |n: &str| PHYSICAL.iter().map(|c| cause(s(n), c).1).sum::<f64>();

    // sync: no write lost to any single physical failure, and a round trip per write.
    assert_eq!(physical_loss("sync"), 0.0);
    assert_eq!(physical_loss("semi-sync"), 0.0);
    assert!(s("sync")["write_latency_added_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(s("async")["write_latency_added_ms"].as_f64().unwrap(), 0.0);

    // async: a little at each failover (about writes/s x lag: tens of orders).
    let failovers: f64 = ["db-crash", "zone-outage"]
        .iter()
        .map(|c| cause(s("async"), c).0)
        .sum();
    let per_failure = physical_loss("async") / failovers;
    assert!(
        physical_loss("async") > 0.0 && per_failure < 50.0,
        "async loses {per_failure} per failure"
    );

    // backup-only: the most of the protected strategies, and the slowest recovery.
    for other in ["async", "semi-sync", "sync", "delayed", "async+backup"] {
        assert!(
            physical_loss("backup-only") > 100.0 * physical_loss(other).max(1.0),
            "{other}"
        );
        let rto = |n: &str| s(n)["metrics"]["rto_seconds"]["p95"].as_f64().unwrap();
        assert!(
            rto("backup-only") > rto(other),
            "RTO backup-only vs {other}"
        );
    }

    // none: worst of all.
    let mean = |n: &str| s(n)["metrics"]["lost_writes"]["mean"].as_f64().unwrap();
    for other in [
        "backup-only",
        "async",
        "semi-sync",
        "sync",
        "delayed",
        "async+backup",
    ] {
        assert!(mean("none") > mean(other), "none vs {other}");
    }

    // An accidental delete: replicas carry it; only backups bring the data back.
    let delete_loss = |n: &str| {
        let (incidents, lost) = cause(s(n), "accidental-delete");
        lost / incidents
    };
    for replicas_only in ["async", "semi-sync", "sync"] {
        assert!(
            delete_loss("async+backup") * 10.0 < delete_loss(replicas_only),
            "{replicas_only}: {} vs {}",
            delete_loss(replicas_only),
            delete_loss("async+backup")
        );
    }
    assert!(delete_loss("backup-only") * 10.0 < delete_loss("none"));
}

#[test]
fn a_delayed_replica_saves_deletes_it_has_not_applied_yet() {
    let v = compare("600", "async,async+delayed");
    let (n, lost_plain) = cause(strategy(&v, "async"), "accidental-delete");
    let (_, lost_delayed) = cause(strategy(&v, "async+delayed"), "accidental-delete");
    assert!(n > 50.0);
    // A 1 h delay catches the deletes noticed (and acted on) within the hour.
    assert!(
        lost_delayed < 0.9 * lost_plain,
        "{lost_delayed} vs {lost_plain}"
    );
}

#[test]
fn the_confidence_interval_narrows_as_one_over_root_trials() {
    // A light-tailed metric: downtime of one node crashing every ~10 days
    // for an hour each time.
    let text = format!(
        "{WORLD}{PRIMARY}[database]\nrestart = \"1h\"\n[faults]\ndb_crash = {{ mttf = \"10d\" }}\n"
    );
    let width = |trials: &str| {
        let v = run_json(&text, &["--trials", trials]);
        let ci = &first(&v)["metrics"]["downtime_seconds"]["ci95"];
        ci[1].as_f64().unwrap() - ci[0].as_f64().unwrap()
    };
    let (w1, w4, w16) = (width("1000"), width("4000"), width("16000"));
    // Four times the trials: half the width (within sampling noise).
    for (a, b) in [(w1, w4), (w4, w16)] {
        let ratio = a / b;
        assert!(
            (1.8..2.2).contains(&ratio),
            "width ratio {ratio} ({a} vs {b})"
        );
    }
}

#[test]
fn disaster_recovery_tiers_build_and_rank() {
    let v = compare(
        "300",
        "backup-and-restore,pilot-light,warm-standby,hot-standby,active-active",
    );
    let down = |n: &str| {
        strategy(&v, n)["downtime_minutes_per_year"]
            .as_f64()
            .unwrap()
    };
    assert!(down("backup-and-restore") > down("warm-standby"));
    assert!(down("pilot-light") > down("hot-standby"));
    assert!(
        strategy(&v, "hot-standby")["write_latency_added_ms"]
            .as_f64()
            .unwrap()
            > 0.0
    );
}

#[test]
fn csv_has_a_row_per_strategy_and_metric() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    expect_success(
        failsim()
            .args([
                "compare",
                "--trials",
                "50",
                "--strategies",
                "async,sync",
                "--quiet",
                "--csv",
            ])
            .arg(&path),
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(
        rows[0],
        "strategy,metric,unit,mean,ci95_low,ci95_high,p50,p95,p99,max"
    );
    // Five metrics, p_data_loss and latency, for each of two strategies.
    assert_eq!(rows.len(), 1 + 2 * 7);
    assert!(
        rows.iter()
            .any(|r| r.starts_with("sync,write_latency_added_ms,milliseconds,1,"))
    );
}

#[test]
fn the_table_shows_strategies_side_by_side_with_latency_and_policy() {
    let out = failsim()
        .args(["compare", "--trials", "50", "--strategies", "none,sync"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("write latency added (ms)"), "{text}");
    assert!(text.contains("policy"), "{text}");
    assert!(text.contains("nines"), "{text}");
}

#[test]
fn sweep_moves_a_knob() {
    let v = expect_json(failsim().args([
        "sweep",
        "ecommerce",
        "--set",
        "replication.lag=100ms,10s",
        "--trials",
        "200",
        "--json",
        "-",
        "-q",
    ]));
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    let lost = |i: usize| {
        let s = &points[i]["results"]["strategies"][0];
        cause(s, "db-crash").1 + cause(s, "zone-outage").1
    };
    // A hundred times the lag: far more writes lost at each failover.
    assert!(lost(1) > 20.0 * lost(0), "{} vs {}", lost(1), lost(0));

    // A grid of two knobs, and a bad knob named in the error.
    let v = expect_json(failsim().args([
        "sweep",
        "ecommerce",
        "--set",
        "replication.lag=1s,2s",
        "--set",
        "workload.writes_per_sec=10,20",
        "--trials",
        "20",
        "--json",
        "-",
        "-q",
    ]));
    assert_eq!(v["points"].as_array().unwrap().len(), 4);
    let stderr = expect_exit_2(failsim().args([
        "sweep",
        "ecommerce",
        "--set",
        "replication.lag=fast",
        "-q",
    ]));
    assert!(stderr.contains("replication.lag"));
}
