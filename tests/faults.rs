//! One behaviour per kind of fault (docs/model.md, "Faults, one by one"),
//! each staged with scheduled events in a small scenario so that the
//! numbers are exact, and each set against a contrast that differs in one
//! setting: a test passes only if the fault happened in every trial and
//! had the effect the model gives it.

mod common;
use common::*;
use serde_json::Value;

/// The common world (100 writes/s, 30 days of history, regions east and
/// west) with `parts` appended.
fn scenario(parts: &[&str]) -> String {
    let mut s = WORLD.to_string();
    for p in parts {
        s.push_str(p);
    }
    s
}

/// The trials of [`WORLD`].
const TRIALS: u64 = 200;

/// Incidents and lost writes the first strategy charges to `name`.
fn cause(v: &Value, name: &str) -> (u64, u64) {
    first(v)["by_cause"]
        .as_array()
        .expect("by_cause")
        .iter()
        .find(|c| c["cause"] == name)
        .map(|c| {
            (
                c["incidents"].as_u64().unwrap(),
                c["lost_writes"].as_u64().unwrap(),
            )
        })
        .unwrap_or_else(|| panic!("no cause `{name}` in {}", first(v)["by_cause"]))
}

/// Asserts `stat` of `name` is the same in every trial: mean, p50 and max agree.
fn every_trial(v: &Value, name: &str, want: f64) {
    for stat in ["mean", "p50", "max"] {
        let got = metric(v, name, stat);
        assert!(
            (got - want).abs() < 1e-6,
            "{name}.{stat}: {got}, not {want}"
        );
    }
}

// ----- API server crash ------------------------------------------------------

#[test]
fn api_crash_absorbed_by_the_pool_costs_nothing() {
    let api = |min_healthy: u32| {
        format!(
            "[api]\nservers = 3\nmin_healthy = {min_healthy}\nrestart = \"5m\"\n\
             [[events]]\nat = \"2d\"\nfault = \"api-crash\"\ntarget = \"api-1\"\n"
        )
    };
    let absorbed = run_json(&scenario(&[PRIMARY, &api(2)]), &[]);
    assert_eq!(cause(&absorbed, "api-crash"), (TRIALS, 0));
    every_trial(&absorbed, "downtime_seconds", 0.0);
    every_trial(&absorbed, "lost_writes", 0.0);
    // When all three servers are needed, the same crash stops writes for
    // the restart; it still loses nothing, the servers hold no data.
    let needed = run_json(&scenario(&[PRIMARY, &api(3)]), &[]);
    assert_eq!(cause(&needed, "api-crash"), (TRIALS, 0));
    every_trial(&needed, "downtime_seconds", 300.0);
    every_trial(&needed, "lost_writes", 0.0);
}

// ----- database node: process crash, disk loss -------------------------------

#[test]
fn primary_crash_waits_for_the_restart_and_a_replica_crash_costs_nothing() {
    let crash = |target: &str| {
        format!(
            "[database]\nrestart = \"90s\"\n\
             [[events]]\nat = \"1d\"\nfault = \"db-crash\"\ntarget = \"{target}\"\n"
        )
    };
    // The disk survives a crash: writes stop for the restart, none is lost.
    let primary = run_json(&scenario(&[PRIMARY, &crash("primary")]), &[]);
    assert_eq!(cause(&primary, "db-crash"), (TRIALS, 0));
    every_trial(&primary, "downtime_seconds", 90.0);
    every_trial(&primary, "rto_seconds", 90.0);
    every_trial(&primary, "lost_writes", 0.0);
    // An async replica's crash does not touch the write path.
    let replica = run_json(&scenario(&[PRIMARY, REPLICA, &crash("replica")]), &[]);
    assert_eq!(cause(&replica, "db-crash"), (TRIALS, 0));
    every_trial(&replica, "downtime_seconds", 0.0);
    every_trial(&replica, "lost_writes", 0.0);
}

#[test]
fn disk_loss_on_async_primary_loses_the_lag_window() {
    let disk_loss = |mode: &str| {
        let lag = if mode == "async" {
            "lag = \"2s\"\n"
        } else {
            ""
        };
        scenario(&[
            PRIMARY,
            REPLICA,
            &format!(
                "[replication]\nmode = \"{mode}\"\n{lag}\
                 [failover]\ndetection = \"30s\"\npromotion = \"30s\"\n\
                 [[events]]\nat = \"1d\"\nfault = \"disk-loss\"\ntarget = \"primary\"\n"
            ),
        ])
    };
    let v = run_json(&disk_loss("async"), &[]);
    assert_eq!(cause(&v, "disk-loss").0, TRIALS);
    assert_eq!(first(&v)["p_data_loss"], 1.0);
    // The replica is 2 s behind: 2 s of writes go with the disk, and the
    // failover takes detection + promotion.
    every_trial(&v, "rpo_seconds", 2.0);
    every_trial(&v, "rto_seconds", 60.0);
    let lost = metric(&v, "lost_writes", "mean");
    assert!(
        (lost - 200.0).abs() < 5.0,
        "about 100 writes/s x 2 s: {lost}"
    );
    // A sync replica had every acknowledged write.
    let sync = run_json(&disk_loss("sync"), &[]);
    assert_eq!(cause(&sync, "disk-loss"), (TRIALS, 0));
    every_trial(&sync, "lost_writes", 0.0);
}

// ----- zone outage -----------------------------------------------------------

#[test]
fn zone_outage_of_the_primary_fails_over_or_waits_out_the_outage() {
    let outage = "[[events]]\nat = \"1d\"\nfault = \"zone-outage\"\ntarget = \"east-a\"\nduration = \"2h\"\n";
    // With no replica elsewhere, writes wait for the zone and the disk
    // comes back whole.
    let alone = run_json(&scenario(&[PRIMARY, outage]), &[]);
    assert_eq!(cause(&alone, "zone-outage"), (TRIALS, 0));
    every_trial(&alone, "downtime_seconds", 7200.0);
    every_trial(&alone, "lost_writes", 0.0);
    // With an async replica in east-b, the failover is a minute and costs
    // the replica's 1 s of lag.
    let failover = run_json(
        &scenario(&[
            PRIMARY,
            REPLICA,
            "[replication]\nmode = \"async\"\nlag = \"1s\"\n\
             [failover]\ndetection = \"30s\"\npromotion = \"30s\"\n",
            outage,
        ]),
        &[],
    );
    assert_eq!(cause(&failover, "zone-outage").0, TRIALS);
    every_trial(&failover, "downtime_seconds", 60.0);
    every_trial(&failover, "rpo_seconds", 1.0);
}

// ----- region partition ------------------------------------------------------

#[test]
fn partition_takes_the_far_api_servers_out_of_the_pool_and_loses_nothing() {
    // Two API servers in each region; the primary is in east.
    let partitioned = |min_healthy: u32| {
        scenario(&[
            PRIMARY,
            &format!(
                "[api]\nservers = 4\nmin_healthy = {min_healthy}\n\
                 zones = [\"east-a\", \"east-b\", \"west-a\", \"west-a\"]\n\
                 [[events]]\nat = \"1d\"\nfault = \"partition\"\nbetween = [\"east\", \"west\"]\nduration = \"30m\"\n"
            ),
        ])
    };
    // The two east servers are enough: nothing happens to writes.
    let enough = run_json(&partitioned(2), &[]);
    assert_eq!(cause(&enough, "partition"), (TRIALS, 0));
    every_trial(&enough, "downtime_seconds", 0.0);
    // Three are needed, and the west ones cannot reach the primary: writes
    // stop for the whole partition, and none is lost.
    let short = run_json(&partitioned(3), &[]);
    assert_eq!(cause(&short, "partition"), (TRIALS, 0));
    every_trial(&short, "downtime_seconds", 1800.0);
    every_trial(&short, "lost_writes", 0.0);
}

// ----- logical corruption ----------------------------------------------------

#[test]
fn accidental_delete_replicates_so_even_a_sync_replica_saves_nothing() {
    let delete = "[[events]]\nat = \"10d\"\nfault = \"accidental-delete\"\nshare = \"20%\"\ndetect = \"30m\"\n";
    let alone = run_json(&scenario(&[PRIMARY, delete]), &[]);
    let replicated = run_json(
        &scenario(&[PRIMARY, REPLICA, "[replication]\nmode = \"sync\"\n", delete]),
        &[],
    );
    for v in [&alone, &replicated] {
        assert_eq!(cause(v, "accidental-delete").0, TRIALS);
        assert_eq!(first(v)["p_data_loss"], 1.0);
        // No backup: 20% of the rows of 40 days are gone, as many writes
        // as 20% of 40 days (the RPO of a partial loss, docs/metrics.md).
        every_trial(v, "rpo_seconds", 0.2 * 40.0 * 86_400.0);
    }
    // 20% of 40 days of 100 writes/s, the same with the replica as without.
    let expected = 0.2 * 100.0 * 40.0 * 86_400.0;
    let lost = metric(&alone, "lost_writes", "mean");
    assert!((lost / expected - 1.0).abs() < 0.01, "{lost} vs {expected}");
    assert_eq!(
        replicated["strategies"][0]["metrics"]["lost_writes"],
        alone["strategies"][0]["metrics"]["lost_writes"]
    );
}

// ----- schema migration ------------------------------------------------------

#[test]
fn destructive_migration_costs_what_an_accidental_delete_of_its_share_does() {
    let migration = run_json(
        &scenario(&[
            PRIMARY,
            "[[migrations]]\nversion = \"7\"\nat = \"10d\"\neffect = \"destructive\"\nshare = \"20%\"\ndetect = \"30m\"\n",
        ]),
        &[],
    );
    let delete = run_json(
        &scenario(&[
            PRIMARY,
            "[[events]]\nat = \"10d\"\nfault = \"accidental-delete\"\nshare = \"20%\"\ndetect = \"30m\"\n",
        ]),
        &[],
    );
    // Charged to the migration, not to an accidental delete...
    let (incidents, lost) = cause(&migration, "migration");
    assert_eq!(incidents, TRIALS);
    assert_eq!((incidents, lost), cause(&delete, "accidental-delete"));
    // ...and otherwise the same logical damage, to the write.
    assert_eq!(
        migration["strategies"][0]["metrics"],
        delete["strategies"][0]["metrics"]
    );
    assert!(lost > 0);
}

// ----- scheduled event -------------------------------------------------------

#[test]
fn scheduled_backup_failure_sends_the_restore_back_to_the_last_good_backup() {
    // Daily full backups from midnight; the primary's disk is lost at noon
    // on day 9, with no replica: the restore comes from a backup.
    let backups = "[backups]\nfull_every = \"1d\"\nfirst_at = \"0s\"\nthroughput = \"1GB/s\"\n";
    let loss = "[[events]]\nat = \"9d 12h\"\nfault = \"disk-loss\"\ntarget = \"primary\"\n";
    let good = run_json(&scenario(&[PRIMARY, backups, loss]), &[]);
    // Day 9's backup: half a day of writes lost.
    every_trial(&good, "rpo_seconds", 43_200.0);
    // Every backup started in [day 5, day 10) is silently bad, found only
    // at the restore: it goes back to day 4's, five and a half days.
    let failed = run_json(
        &scenario(&[
            PRIMARY,
            backups,
            "[[events]]\nat = \"5d\"\nfault = \"backup-failure\"\nuntil = \"10d\"\n",
            loss,
        ]),
        &[],
    );
    every_trial(&failed, "rpo_seconds", 5.5 * 86_400.0);
    // The failure window opens no incident of its own.
    assert_eq!(first(&failed)["incidents"], TRIALS);
    assert_eq!(cause(&failed, "disk-loss").0, TRIALS);
}
