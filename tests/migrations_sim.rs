//! Schema migrations as failures: what each protection saves, with the
//! numbers; and migration folders read by the command line.

mod common;
use common::*;
use serde_json::Value;

fn compare(scenario: &str, strategies: &str) -> Value {
    let f = fixture("m.toml", scenario);
    expect_json(failsim().arg("compare").arg(&f.path).args([
        "--strategies",
        strategies,
        "--json",
        "-",
        "--quiet",
    ]))
}

fn lost(v: &Value, strategy: &str) -> f64 {
    let s = v["strategies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["strategy"] == strategy)
        .unwrap();
    s["metrics"]["lost_writes"]["mean"].as_f64().unwrap()
}

fn with_migration(migration: &str) -> String {
    format!(
        "{WORLD}{PRIMARY}{REPLICA}[replication]\nlag = \"500ms\"\ndelay = \"4h\"\n\
         [operators]\nresponse = \"10m\"\n[backups]\nfull_every = \"1d\"\nfirst_at = \"1h\"\n\
         [[migrations]]\nversion = \"9\"\ndescription = \"drop notes\"\nat = \"10d 12h\"\n{migration}"
    )
}

#[test]
fn a_destructive_migration_defeats_replicas_but_not_a_delayed_replica_or_a_pre_migration_backup() {
    let s = with_migration("effect = \"destructive\"\nshare = \"20%\"\ndetect = \"1h\"\n");
    let v = compare(
        &s,
        "async,sync,async+delayed,async+pre-migration-backup,async+pitr,async+rollback",
    );
    // Replicas hold the damage: 20% of everything ever written is gone.
    let damage = 0.2 * 100.0 * (30.0 + 10.5) * 86_400.0;
    for s in ["async", "sync", "async+rollback"] {
        assert!(
            (lost(&v, s) / damage - 1.0).abs() < 0.01,
            "{s}: {} vs {damage}",
            lost(&v, s)
        );
    }
    // A delayed replica, a snapshot taken just before, or PITR hold the
    // rows as they were at the migration: the side restore copies them
    // back and keeps the hour of writes before anyone noticed. (A rollback
    // in place lost that hour.)
    for s in ["async+delayed", "async+pre-migration-backup", "async+pitr"] {
        assert_eq!(lost(&v, s), 0.0, "{s}");
    }
}

#[test]
fn a_locking_migrations_downtime_is_its_lock_time() {
    let s = with_migration("effect = \"locking\"\nlock = \"7m\"\n");
    let v = compare(&s, "none,async,sync");
    for s in v["strategies"].as_array().unwrap() {
        let d = &s["metrics"]["downtime_seconds"];
        assert_eq!(d["p50"].as_f64().unwrap(), 420.0, "{}", s["strategy"]);
        assert_eq!(d["max"].as_f64().unwrap(), 420.0, "{}", s["strategy"]);
        assert_eq!(s["metrics"]["lost_writes"]["max"].as_f64().unwrap(), 0.0);
    }
}

#[test]
fn a_rollback_shortens_a_failed_migration() {
    let s = with_migration("effect = \"failing\"\nfix = \"5m\"\n");
    let v = compare(&s, "async,async+rollback");
    let rto = |name: &str| {
        let s = v["strategies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["strategy"] == name)
            .unwrap();
        s["metrics"]["rto_seconds"]["max"].as_f64().unwrap()
    };
    // By hand: the on-call (10 min) then the repair (5 min); rolled back: 5 min.
    assert_eq!(rto("async"), 900.0);
    assert_eq!(rto("async+rollback"), 300.0);
}

#[test]
fn the_bad_migration_lesson_ranks_the_protections() {
    let v = expect_json(failsim().args([
        "compare",
        "bad-migration",
        "--strategies",
        "async,async+pre-migration-backup,async+delayed",
        "--json",
        "-",
        "-q",
    ]));
    assert!(lost(&v, "async+pre-migration-backup") * 100.0 < lost(&v, "async"));
    assert!(lost(&v, "async+delayed") * 100.0 < lost(&v, "async"));
}

#[test]
fn migration_folders_are_read_and_written_as_scenario_entries() {
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations");
    let out = expect_success(
        failsim()
            .arg("migrations")
            .arg(fixtures.join("flyway-good")),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("destructive") && text.contains("DROP TABLE"),
        "{text}"
    );
    assert!(text.contains("No rollback"), "{text}");

    // The entries drop into a scenario and run.
    let out = expect_success(
        failsim()
            .arg("migrations")
            .arg(fixtures.join("flyway-good"))
            .args(["--toml", "-", "--start", "2d", "--spacing", "1d"]),
    );
    let entries = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(entries.contains("[[migrations]]"));
    let scenario = format!("{WORLD}{PRIMARY}{REPLICA}{entries}");
    let f = fixture("with-migrations.toml", &scenario);
    expect_json(
        failsim()
            .arg("run")
            .arg(&f.path)
            .args(["--json", "-", "-q"]),
    );

    // A Liquibase changelog, and errors with exit status 2.
    expect_success(
        failsim()
            .arg("migrations")
            .arg(fixtures.join("liquibase/changelog.sql")),
    );
    for bad in [
        "flyway-duplicate",
        "flyway-malformed",
        "liquibase/no-header.sql",
        "does-not-exist",
    ] {
        let stderr = expect_exit_2(failsim().arg("migrations").arg(fixtures.join(bad)));
        assert!(!stderr.is_empty(), "{bad}");
    }
}
