//! The lessons of the domain, checked with numbers by running the binary on
//! scenario files: what each design loses, and how long it is down.

mod common;
use common::*;

fn scenario(parts: &[&str]) -> String {
    let mut s = WORLD.to_string();
    for p in parts {
        s.push_str(p);
    }
    s
}

#[test]
fn a_stateless_api_crash_loses_no_writes() {
    // Every API server crashes at once: writes stop, but nothing is lost.
    let mut events = String::from("[api]\nservers = 3\nmin_healthy = 2\nrestart = \"5m\"\n");
    for k in 0..3 {
        events.push_str(&format!(
            "[[events]]\nat = \"2d\"\nfault = \"api-crash\"\ntarget = \"api-{k}\"\n"
        ));
    }
    let v = run_json(&scenario(&[PRIMARY, &events]), &[]);
    assert_eq!(metric(&v, "lost_writes", "max"), 0.0);
    assert_eq!(first(&v)["p_data_loss"], 0.0);
    // Three crashes at once: the pool is below its minimum for the restart.
    assert!((metric(&v, "downtime_seconds", "mean") - 300.0).abs() < 1e-6);
}

#[test]
fn one_api_crash_above_the_minimum_costs_nothing() {
    let api = "[api]\nservers = 3\nmin_healthy = 2\nrestart = \"5m\"\n[[events]]\nat = \"2d\"\nfault = \"api-crash\"\ntarget = \"api-1\"\n";
    let v = run_json(&scenario(&[PRIMARY, api]), &[]);
    assert_eq!(metric(&v, "downtime_seconds", "max"), 0.0);
    assert_eq!(metric(&v, "lost_writes", "max"), 0.0);
}

#[test]
fn a_database_crash_stops_writes_without_losing_them() {
    let s = scenario(&[
        PRIMARY,
        "[database]\nrestart = \"90s\"\n[[events]]\nat = \"1d\"\nfault = \"db-crash\"\ntarget = \"primary\"\n",
    ]);
    let v = run_json(&s, &[]);
    assert_eq!(metric(&v, "lost_writes", "max"), 0.0);
    assert!((metric(&v, "rto_seconds", "max") - 90.0).abs() < 1e-6);
}

#[test]
fn async_replication_loses_about_rate_times_lag_at_a_primary_disk_loss() {
    // 100 writes/s, 2 s of lag: about 200 acknowledged writes per loss.
    let s = scenario(&[
        PRIMARY,
        REPLICA,
        "[replication]\nmode = \"async\"\nlag = \"2s\"\n[[events]]\nat = \"1d\"\nfault = \"disk-loss\"\ntarget = \"primary\"\n",
    ]);
    let v = run_json(&s, &["--trials", "2000"]);
    let ci = &first(&v)["metrics"]["lost_writes"]["ci95"];
    let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
    assert!(lo <= 200.0 && 200.0 <= hi, "expected 200 in [{lo}, {hi}]");
    assert!(
        hi - lo < 5.0,
        "the interval should be decisive: [{lo}, {hi}]"
    );
    // The loss window is the lag.
    assert!((metric(&v, "rpo_seconds", "max") - 2.0).abs() < 1e-3);
}

#[test]
fn sync_replication_loses_nothing_on_any_single_failure() {
    for fault in [
        "fault = \"disk-loss\"\ntarget = \"primary\"",
        "fault = \"db-crash\"\ntarget = \"primary\"",
        "fault = \"zone-outage\"\ntarget = \"east-a\"\nduration = \"2h\"",
    ] {
        let s = scenario(&[
            PRIMARY,
            REPLICA,
            &format!(
                "[replication]\nmode = \"sync\"\n[database]\nrestart = \"10m\"\n[[events]]\nat = \"1d\"\n{fault}\n"
            ),
        ]);
        let v = run_json(&s, &[]);
        assert_eq!(metric(&v, "lost_writes", "max"), 0.0, "{fault}");
        assert_eq!(first(&v)["p_data_loss"], 0.0, "{fault}");
        // ...and it pays a round trip on every write.
        assert_eq!(first(&v)["write_latency_added_ms"], 1.0);
    }
}

#[test]
fn backup_only_loses_up_to_the_backup_interval() {
    let s = scenario(&[
        PRIMARY,
        "[backups]\nfull_every = \"1d\"\nfirst_at = \"0s\"\nthroughput = \"1GB/s\"\n\
         [faults]\ndisk_loss = { mttf = \"60d\" }\n",
    ]);
    let v = run_json(&s, &["--trials", "3000"]);
    let max = metric(&v, "rpo_seconds", "max");
    // A backup's position is its start; it is usable once finished (10 s).
    assert!(max > 0.0 && max <= 86_400.0 + 10.0, "max RPO {max}");
    // A disk loss at a uniform time loses half an interval on average.
    let lost_per_loss = metric(&v, "lost_writes", "mean")
        / (first(&v)["by_cause"][0]["incidents_per_trial"]
            .as_f64()
            .unwrap());
    let expected = 100.0 * 86_400.0 / 2.0;
    assert!(
        (lost_per_loss / expected - 1.0).abs() < 0.1,
        "{lost_per_loss} vs {expected}"
    );
}

#[test]
fn a_replica_does_not_undo_an_accidental_delete_but_a_backup_does() {
    let delete = "[[events]]\nat = \"10d12h\"\nfault = \"accidental-delete\"\nshare = \"20%\"\ndetect = \"30m\"\n";
    let replica_only = scenario(&[PRIMARY, REPLICA, delete]);
    let v = run_json(&replica_only, &[]);
    assert_eq!(first(&v)["p_data_loss"], 1.0);
    // The deleted share of everything written so far: 20% of (30 d history + 10.5 d).
    let expected = 0.2 * 100.0 * 40.5 * 86_400.0;
    let mean = metric(&v, "lost_writes", "mean");
    assert!((mean / expected - 1.0).abs() < 0.01, "{mean} vs {expected}");

    let with_backup = scenario(&[
        PRIMARY,
        REPLICA,
        "[backups]\nfull_every = \"1d\"\nfirst_at = \"0s\"\n",
        delete,
    ]);
    let b = run_json(&with_backup, &[]);
    let restored = metric(&b, "lost_writes", "max");
    // The side restore brings the rows back as of midnight: only the
    // deleted share of the 12 h since is lost, far fewer.
    assert!(restored < expected / 10.0, "{restored}");
    assert!(restored > 0.0);
}

/// A side restore (the default) keeps every write after the damage and
/// never stops writes: it loses only the damaged share of the writes
/// between the backup and the delete. Rolling back in place stopped writes
/// for the whole restore and discarded every write up to the detection.
#[test]
fn a_side_restore_keeps_every_write_after_the_damage_and_never_stops_writes() {
    let s = scenario(&[
        PRIMARY,
        REPLICA,
        "[backups]\nfull_every = \"1d\"\nfirst_at = \"0s\"\nthroughput = \"100GB/s\"\n",
        "[[events]]\nat = \"10d6h\"\nfault = \"accidental-delete\"\nshare = \"10%\"\ndetect = \"2h\"\n",
    ]);
    let v = run_json(&s, &["--trials", "200"]);
    assert_eq!(metric(&v, "downtime_seconds", "max"), 0.0);
    // 10% of 6 h of writes at 100/s; the 2 h until detection are kept.
    let expected = 0.1 * 100.0 * 6.0 * 3600.0;
    let mean = metric(&v, "lost_writes", "mean");
    assert!((mean / expected - 1.0).abs() < 0.01, "{mean} vs {expected}");
    // The RPO of a partial loss is the span of writes it equals.
    let rpo = metric(&v, "rpo_seconds", "max");
    assert!((rpo - 0.1 * 6.0 * 3600.0).abs() < 1.0, "RPO {rpo}");
}

/// `recovery = "rollback"` is GitLab's way: writes stop until the restore
/// is done, and every write from the backup to the detection is gone.
#[test]
fn a_rollback_stops_writes_and_discards_every_write_until_detection() {
    let s = scenario(&[
        PRIMARY,
        REPLICA,
        "[backups]\nfull_every = \"1d\"\nfirst_at = \"0s\"\nthroughput = \"100GB/s\"\n",
        "[[events]]\nat = \"10d6h\"\nfault = \"accidental-delete\"\nshare = \"10%\"\ndetect = \"2h\"\nrecovery = \"rollback\"\n",
    ]);
    let v = run_json(&s, &["--trials", "200"]);
    assert!(metric(&v, "downtime_seconds", "p50") > 0.0);
    // Every write from midnight to the detection at 08:00.
    let expected = 100.0 * 8.0 * 3600.0;
    let mean = metric(&v, "lost_writes", "mean");
    assert!((mean / expected - 1.0).abs() < 0.01, "{mean} vs {expected}");
}

/// A kept partial delete reports the RPO of the writes it destroyed (the
/// share times the data's age), not the data's whole age.
#[test]
fn a_kept_partial_delete_reports_the_rpo_of_the_rows_it_destroyed() {
    let s = scenario(&[
        PRIMARY,
        REPLICA,
        "[[events]]\nat = \"10d\"\nfault = \"accidental-delete\"\nshare = \"5%\"\ndetect = \"30m\"\n",
    ]);
    let v = run_json(&s, &["--trials", "50"]);
    let rpo = metric(&v, "rpo_seconds", "max");
    // 5% of 40 days (30 d of history + 10 d).
    let expected = 0.05 * 40.0 * 86_400.0;
    assert!((rpo - expected).abs() < 1.0, "RPO {rpo} vs {expected}");
    let lost = metric(&v, "lost_writes", "mean");
    assert!(
        (lost / (100.0 * rpo) - 1.0).abs() < 0.01,
        "{lost} vs rate x RPO"
    );
}

#[test]
fn manual_failover_takes_longer_than_automatic() {
    let rto = |mode: &str| {
        let s = scenario(&[
            PRIMARY,
            REPLICA,
            &format!(
                "[failover]\nmode = \"{mode}\"\ndetection = \"30s\"\npromotion = \"30s\"\n\
                 [operators]\nresponse = {{ dist = \"lognormal\", median = \"15m\", p95 = \"1h\" }}\n\
                 [[events]]\nat = \"1d\"\nfault = \"disk-loss\"\ntarget = \"primary\"\n"
            ),
        ]);
        metric(&run_json(&s, &[]), "rto_seconds", "mean")
    };
    let (automatic, manual) = (rto("automatic"), rto("manual"));
    assert!((automatic - 60.0).abs() < 1e-6, "automatic {automatic}");
    assert!(
        manual > automatic * 5.0,
        "manual {manual} vs automatic {automatic}"
    );
}

#[test]
fn a_standby_replica_takes_longer_to_promote_than_an_active_one() {
    let rto = |mode: &str| {
        let s = scenario(&[
            PRIMARY,
            &format!(
                "[[database.nodes]]\nname = \"db2\"\nzone = \"east-b\"\nrole = \"replica\"\nmode = \"{mode}\"\n"
            ),
            "[failover]\ndetection = \"30s\"\npromotion = \"30s\"\nstandby_warmup = \"3m\"\n\
             [[events]]\nat = \"1d\"\nfault = \"disk-loss\"\ntarget = \"primary\"\n",
        ]);
        metric(&run_json(&s, &[]), "rto_seconds", "mean")
    };
    assert!((rto("active") - 60.0).abs() < 1e-6);
    assert!((rto("standby") - 240.0).abs() < 1e-6);
}

#[test]
fn json_scenarios_run_like_toml_ones() {
    let text = r#"{
      "name": "json-test", "seed": 3, "trials": 50, "horizon": "10d",
      "workload": { "writes_per_sec": 10 },
      "regions": [ { "name": "r", "zones": ["a", "b"] } ],
      "database": { "nodes": [
        { "name": "p", "zone": "a", "role": "primary" },
        { "name": "q", "zone": "b", "role": "replica" } ] },
      "replication": { "mode": "async", "lag": "1s" },
      "events": [ { "at": "1d", "fault": "disk-loss", "target": "p" } ]
    }"#;
    let f = fixture("s.json", text);
    let v = expect_json(
        failsim()
            .arg("run")
            .arg(&f.path)
            .args(["--json", "-", "-q"]),
    );
    assert_eq!(v["scenario"], "json-test");
    assert_eq!(v["strategies"][0]["strategy"], "async");
    assert!(
        v["strategies"][0]["metrics"]["lost_writes"]["mean"]
            .as_f64()
            .unwrap()
            > 0.0
    );
}

#[test]
fn the_default_scenario_runs_with_no_argument() {
    let out = expect_success(failsim().args(["run", "--trials", "100"]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ecommerce"), "{text}");
    assert!(text.contains("lost orders per trial"), "{text}");
}

/// Two regions, the primary and three API servers in one, a replica and
/// one API server in the other; a 30-minute partition that the failure
/// detector mistakes for a dead primary.
fn split_brain(fencing: bool) -> serde_json::Value {
    let s = scenario(&[
        PRIMARY,
        "[[database.nodes]]\nname = \"far\"\nzone = \"west-a\"\nrole = \"replica\"\n\
         [replication]\nlag = \"1s\"\n\
         [api]\nservers = 4\nmin_healthy = 1\nzones = [\"east-a\", \"east-b\", \"east-c\", \"west-a\"]\n",
        &format!(
            "[failover]\ndetection = \"60s\"\npromotion = \"30s\"\ncross_region = true\npromote_on_partition = true\nfencing = {fencing}\n\
             [[events]]\nat = \"1d\"\nfault = \"partition\"\nbetween = [\"east\", \"west\"]\nduration = \"30m\"\n"
        ),
    ]);
    run_json(&s, &["--trials", "50"])
}

#[test]
fn split_brain_without_fencing_diverges_and_with_fencing_does_not() {
    let open = split_brain(false);
    let per_trial = first(&open)["diverged_writes"].as_f64().unwrap() / 50.0;
    // 91 s (lag + detection + promotion) of all writes, then 3/4 of the
    // writes for the remaining 1709 s reach the deposed primary.
    let expected = 100.0 * (91.0 + 0.75 * 1709.0);
    assert!(
        (per_trial / expected - 1.0).abs() < 0.02,
        "{per_trial} vs {expected}"
    );

    let fenced = split_brain(true);
    assert_eq!(first(&fenced)["diverged_writes"], 0);
    // The fenced primary stops at its lease expiry: lag + detection are lost.
    let lost = metric(&fenced, "lost_writes", "mean");
    assert!((lost / 6100.0 - 1.0).abs() < 0.05, "{lost}");
}

#[test]
fn with_no_failover_configured_people_still_promote_the_replica_that_has_the_data() {
    let s = scenario(&[
        PRIMARY,
        REPLICA,
        "[replication]\nlag = \"1s\"\n[failover]\nmode = \"none\"\n\
         [[events]]\nat = \"1d\"\nfault = \"disk-loss\"\ntarget = \"primary\"\n",
    ]);
    let v = run_json(&s, &[]);
    // About one second of writes, not the whole data set.
    assert!(metric(&v, "lost_writes", "max") < 200.0);
}

#[test]
fn the_history_of_a_data_set_is_lost_only_once() {
    let s = scenario(&[
        PRIMARY,
        "[database]\ndisk_replace = \"1h\"\n\
         [[events]]\nat = \"10d\"\nfault = \"disk-loss\"\ntarget = \"primary\"\n\
         [[events]]\nat = \"20d\"\nfault = \"disk-loss\"\ntarget = \"primary\"\n",
    ]);
    let v = run_json(&s, &["--trials", "20"]);
    // 30 d of history + 10 d, then the ~10 d written since the fresh start.
    let expected = 100.0 * 86_400.0 * (40.0 + (10.0 - 1.0 / 24.0));
    let mean = metric(&v, "lost_writes", "mean");
    assert!((mean / expected - 1.0).abs() < 0.01, "{mean} vs {expected}");
}

#[test]
fn a_replica_far_behind_is_not_promoted_while_the_primary_restarts() {
    // The replica is partitioned away for an hour (writes go on without
    // it); then the primary crashes for 90 s. Promoting the stale replica
    // would throw away an hour of writes: the primary is awaited instead.
    let s = scenario(&[
        PRIMARY,
        "[[database.nodes]]\nname = \"far\"\nzone = \"west-a\"\nrole = \"replica\"\n\
         [failover]\ncross_region = true\ndetection = \"10s\"\npromotion = \"10s\"\n\
         [database]\nrestart = \"90s\"\n\
         [[events]]\nat = \"1d\"\nfault = \"partition\"\nbetween = [\"east\", \"west\"]\nduration = \"2h\"\n\
         [[events]]\nat = \"1d 1h\"\nfault = \"db-crash\"\ntarget = \"primary\"\n",
    ]);
    let v = run_json(&s, &[]);
    assert_eq!(metric(&v, "lost_writes", "max"), 0.0);
    assert!((metric(&v, "rto_seconds", "max") - 90.0).abs() < 1e-6);
}

#[test]
fn point_in_time_recovery_reads_the_archive_copied_to_another_region() {
    // The primary's region burns; backups and the log archive are copied
    // west with a 1 h delay: the restore reaches about 1 h back, not to
    // the last nightly backup. (The archive has its own delay: copied
    // with the backups here, not pushed to both repositories.)
    let s = scenario(&[
        PRIMARY,
        "[backups]\nfull_every = \"1d\"\nfirst_at = \"0s\"\nregion = \"east\"\ncopy_to = [\"west\"]\ncopy_delay = \"1h\"\narchive_copy_delay = \"1h\"\n\
         log_archive = { interval = \"5m\" }\n\
         [[events]]\nat = \"3d 18h\"\nfault = \"region-outage\"\ntarget = \"east\"\nduration = \"2d\"\ndestroys_data = true\n",
    ]);
    let v = run_json(&s, &[]);
    let rpo = metric(&v, "rpo_seconds", "max");
    assert!((3600.0..=3900.0).contains(&rpo), "RPO {rpo}");
}
