//! Bad input gets a clear error naming the file, the field path and the
//! line; exit status 2; nothing written.

mod common;
use common::*;

const BASE: &str = r#"name = "x"
[[regions]]
name = "east"
zones = ["a", "b"]

[[regions]]
name = "west"
zones = ["w"]

[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
"#;

/// Runs `failsim run FILE --json OUT` and checks: exit 2, stderr names the
/// file, contains every `needle`, and no output file appeared.
fn rejects(name: &str, text: &str, needles: &[&str]) -> String {
    let f = fixture(name, text);
    let out_path = f.dir.path().join("out.json");
    let stderr = expect_exit_2(
        failsim()
            .arg("run")
            .arg(&f.path)
            .arg("--json")
            .arg(&out_path),
    );
    assert!(
        stderr.contains(name),
        "the message should name the file: {stderr}"
    );
    for n in needles {
        assert!(stderr.contains(n), "expected `{n}` in: {stderr}");
    }
    assert!(!out_path.exists(), "nothing may be written on failure");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // `validate` says the same and fails the same way.
    expect_exit_2(failsim().arg("validate").arg(&f.path));
    stderr
}

#[test]
fn unknown_field() {
    let text = format!("{BASE}mtbf = \"3d\"\n");
    rejects(
        "unknown.toml",
        &text,
        &[
            "unknown.toml:14",
            "database.nodes[0].mtbf",
            "unknown field `mtbf`",
        ],
    );
}

#[test]
fn wrong_type() {
    let text = BASE.replace("name = \"x\"", "name = \"x\"\ntrials = \"many\"");
    rejects(
        "type.toml",
        &text,
        &["type.toml:2", "trials", "invalid type"],
    );
}

#[test]
fn bad_unit() {
    let text = BASE.replace("name = \"x\"", "name = \"x\"\nhorizon = \"3 fortnights\"");
    rejects(
        "unit.toml",
        &text,
        &["unit.toml:2", "horizon", "unknown time unit `fortnights`"],
    );
}

#[test]
fn a_duration_without_a_unit() {
    let text = format!("{BASE}[replication]\nlag = 5\n");
    rejects(
        "nounit.toml",
        &text,
        &["nounit.toml:15", "replication.lag", "no unit"],
    );
}

#[test]
fn negative_rate() {
    let text = format!("{BASE}[workload]\nwrites_per_sec = -5.0\n");
    rejects(
        "negative.toml",
        &text,
        &[
            "negative.toml:15",
            "workload.writes_per_sec",
            "greater than zero",
        ],
    );
}

#[test]
fn zero_mttf() {
    let text = format!("{BASE}[faults]\ndisk_loss = {{ mttf = \"0s\" }}\n");
    let stderr = rejects(
        "zero.toml",
        &text,
        &["zero.toml:15", "faults.disk_loss.mttf", "longer than zero"],
    );
    // The refused law is not also estimated as too many events.
    assert!(!stderr.contains("events (faults"), "{stderr}");
}

#[test]
fn impossible_afr() {
    let text = format!("{BASE}[faults]\ndisk_loss = {{ afr = \"100%\" }}\n");
    rejects("afr.toml", &text, &["afr.toml:15", "faults.disk_loss.afr"]);
}

#[test]
fn unknown_target() {
    let text = format!("{BASE}[[events]]\nat = \"1d\"\nfault = \"disk-loss\"\ntarget = \"db9\"\n");
    rejects(
        "target.toml",
        &text,
        &[
            "target.toml:17",
            "events[0].target",
            "no database node `db9`",
            "db1",
        ],
    );
}

#[test]
fn unknown_region() {
    let text = format!("{BASE}[backups]\nregion = \"mars\"\n");
    rejects(
        "region.toml",
        &text,
        &[
            "region.toml:15",
            "backups.region",
            "no region `mars`",
            "east, west",
        ],
    );
}

#[test]
fn unknown_zone() {
    let text = BASE.replace("zone = \"a\"", "zone = \"nowhere\"");
    rejects(
        "zone.toml",
        &text,
        &[
            "zone.toml:12",
            "database.nodes[0].zone",
            "no zone `nowhere`",
        ],
    );
}

#[test]
fn primary_missing() {
    let text = BASE.replace("role = \"primary\"", "role = \"replica\"");
    rejects(
        "noprimary.toml",
        &text,
        &[
            "noprimary.toml",
            "database.nodes",
            "no node has role = \"primary\"",
        ],
    );
}

#[test]
fn primary_doubled() {
    let text =
        format!("{BASE}\n[[database.nodes]]\nname = \"db2\"\nzone = \"b\"\nrole = \"primary\"\n");
    rejects(
        "twoprimaries.toml",
        &text,
        &[
            "twoprimaries.toml:18",
            "database.nodes[1].role",
            "two primaries",
        ],
    );
}

#[test]
fn sync_replica_with_no_route() {
    let text = format!(
        "{BASE}\n[[database.nodes]]\nname = \"far\"\nzone = \"w\"\nrole = \"replica\"\nreplication = \"sync\"\n"
    );
    rejects(
        "noroute.toml",
        &text,
        &[
            "noroute.toml:17",
            "database.nodes[1].zone",
            "sync replica `far`",
            "no network route",
            "network.links",
        ],
    );
}

#[test]
fn json_errors_name_the_line_too() {
    let text = "{\n  \"name\": \"j\",\n  \"regions\": [{\"name\": \"r\", \"zones\": [\"a\"]}],\n  \"database\": {\"nodes\": [\n    {\"name\": \"p\", \"zone\": \"zz\", \"role\": \"primary\"}\n  ]}\n}\n";
    rejects(
        "bad.json",
        text,
        &["bad.json:5", "database.nodes[0].zone", "no zone `zz`"],
    );
    let text = "{\n  \"name\": \"j\",\n  \"colour\": 1\n}\n";
    rejects(
        "unknown.json",
        text,
        &["unknown.json:3", "unknown field `colour`"],
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let text =
        BASE.replace("zone = \"a\"", "zone = \"nowhere\"") + "[workload]\nwrites_per_sec = 0.0\n";
    rejects(
        "many.toml",
        &text,
        &["database.nodes[0].zone", "workload.writes_per_sec"],
    );
}

#[test]
fn syntax_error() {
    rejects(
        "syntax.toml",
        "name = \"x\"\n[[regions]\nname = 1\n",
        &["syntax.toml:2"],
    );
}

#[test]
fn empty_file() {
    rejects("empty.toml", "", &["empty"]);
}

#[test]
fn not_utf8() {
    let f = fixture("latin1.toml", "");
    std::fs::write(&f.path, b"name = \"caf\xe9\"\n").unwrap();
    let stderr = expect_exit_2(failsim().arg("validate").arg(&f.path));
    assert!(stderr.contains("not valid UTF-8"));
}

#[test]
fn a_directory_is_not_a_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("folder.toml");
    std::fs::create_dir(&d).unwrap();
    let stderr = expect_exit_2(failsim().arg("run").arg(&d));
    assert!(stderr.contains("is a directory"));
}

#[test]
fn missing_file_and_unknown_extension() {
    let stderr = expect_exit_2(failsim().args(["run", "does/not/exist.toml"]));
    assert!(stderr.contains("no such file"));
    let f = fixture("scenario.yaml", "name: x\n");
    let stderr = expect_exit_2(failsim().arg("run").arg(&f.path));
    assert!(stderr.contains(".toml or .json"));
}

#[test]
fn absurd_sizes_are_refused_up_front() {
    let stderr = expect_exit_2(failsim().args(["run", "--trials", "1000000000000"]));
    assert!(stderr.contains("--shard"));
    let text = BASE.replace("name = \"x\"", "name = \"x\"\nhorizon = \"1000000y\"");
    rejects("horizon.toml", &text, &["horizon"]);
}

#[test]
fn unwritable_output_is_refused_before_simulating() {
    let stderr = expect_exit_2(failsim().args(["run", "--json", "/nonexistent-folder/out.json"]));
    assert!(
        stderr.contains("/nonexistent-folder/out.json") && stderr.contains("does not exist"),
        "{stderr}"
    );

    let dir = tempfile::tempdir().unwrap();
    let stderr = expect_exit_2(failsim().arg("run").arg("--json").arg(dir.path()));
    assert!(stderr.contains("is a directory"));
}

#[test]
fn a_good_file_is_not_replaced_when_a_run_fails() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("results.json");
    std::fs::write(&out_path, "previous good results").unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "name = \"x\"\n").unwrap();
    expect_exit_2(failsim().arg("run").arg(&bad).arg("--json").arg(&out_path));
    assert_eq!(
        std::fs::read_to_string(&out_path).unwrap(),
        "previous good results"
    );
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        vec!["run", "--trials", "0"],
        vec!["run", "--shard", "3/2", "--json", "x.json"],
        vec!["compare", "--strategies", "async,teleport"],
        vec!["frobnicate"],
    ] {
        expect_exit_2(failsim().args(&args));
    }
}

// ----- the rest of docs/errors.md --------------------------------------------

/// `failsim ARGS...` run in `dir`: exit 2, and stderr holds every needle.
fn refuses_in(dir: &std::path::Path, args: &[&str], needles: &[&str]) -> String {
    let stderr = expect_exit_2(failsim().current_dir(dir).args(args));
    for n in needles {
        assert!(stderr.contains(n), "{args:?}: expected `{n}` in: {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn json_syntax_error() {
    let text = "{\n  \"name\": \"j\",\n  \"regions\": [{\"name\": \"r\" \"zones\": [\"a\"]}]\n}\n";
    rejects(
        "syntax.json",
        text,
        &["syntax.json:3:28", "expected `,` or `}`"],
    );
}

#[test]
fn fraction_out_of_range() {
    let text = format!("{BASE}[backups]\ncorrupt = \"150%\"\n");
    rejects(
        "fraction.toml",
        &text,
        &[
            "fraction.toml:15:11",
            "field `backups.corrupt`",
            "`150%`: must lie between 0 and 1 (0% and 100%)",
        ],
    );
}

#[test]
fn unknown_replication_mode() {
    let text = format!(
        "{BASE}\n[[database.nodes]]\nname = \"db2\"\nzone = \"b\"\nrole = \"replica\"\nreplication = \"synchronous\"\n"
    );
    rejects(
        "mode.toml",
        &text,
        &[
            "mode.toml:19:1",
            "field `database.nodes[1].replication`",
            "unknown replication mode `synchronous`",
            "help: use one of: async, semi-sync, sync, delayed",
        ],
    );
}

#[test]
fn unknown_logical_recovery_mode() {
    let text = format!(
        "{BASE}[faults]\naccidental_delete = {{ mttf = \"3y\", detect = \"1h\", recovery = \"undo\" }}\n\
         disk_loss = {{ mttf = \"3y\", recovery = \"rollback\" }}\n\
         [[events]]\nat = \"1d\"\nfault = \"accidental-delete\"\nrecovery = \"revert\"\n\
         [[events]]\nat = \"2d\"\nfault = \"db-crash\"\nrecovery = \"rollback\"\n\
         [[migrations]]\nversion = \"1\"\nat = \"3d\"\neffect = \"destructive\"\nrecovery = \"in-place\"\n"
    );
    rejects(
        "recovery.toml",
        &text,
        &[
            "recovery.toml:16:28: field `faults.disk_loss.recovery`: `recovery` does not apply to this fault",
            "recovery.toml:15:51: field `faults.accidental_delete.recovery`: unknown recovery mode `undo`",
            "help: use side-restore (restore a copy beside the database and copy the damaged rows back) or rollback (roll the whole database back in place)",
            "recovery.toml:20:1: field `events[0].recovery`: unknown recovery mode `revert`",
            "recovery.toml:24:1: field `events[1].recovery`: `recovery` applies to accidental deletes only",
            "recovery.toml:29:1: field `migrations[0].recovery`: unknown recovery mode `in-place`",
        ],
    );
}

#[test]
fn a_distribution_with_the_wrong_parameters() {
    let text = format!(
        "{BASE}[database]\nrestart = {{ dist = \"lognormal\", median = \"1m\", mean = \"2m\" }}\n\
         [faults]\ndisk_loss = {{ afr = \"1%\", mttf = \"50y\" }}\n"
    );
    rejects(
        "dist.toml",
        &text,
        &[
            "dist.toml:15:1: field `database.restart`: a log-normal distribution needs `median` and `p95`",
            "dist.toml:17:1: field `faults.disk_loss`: give either `mttf` or `afr`, not both",
        ],
    );
}

#[test]
fn a_scheduled_fault_without_its_duration() {
    let text = format!("{BASE}[[events]]\nat = \"1d\"\nfault = \"zone-outage\"\ntarget = \"a\"\n");
    rejects(
        "duration.toml",
        &text,
        &[
            "duration.toml:14:1",
            "field `events[0].duration`",
            "a zone-outage needs a `duration`",
        ],
    );
}

#[test]
fn unknown_strategies_and_strategies_a_scenario_cannot_build() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    refuses_in(
        d,
        &["compare", "--strategies", "async,teleport"],
        &[
            "error: unknown strategy `teleport`: use one of none, backup-only, async,",
            "optionally followed by +backup, +pitr",
        ],
    );
    refuses_in(
        d,
        &["explain", "--strategy", "quorum"],
        &["error: unknown strategy `quorum`"],
    );
    refuses_in(
        d,
        &["compare", "--strategies", "async,async"],
        &["error: strategy `async` is listed twice"],
    );
    // A cross-region design needs a second region.
    std::fs::write(
        d.join("one.toml"),
        BASE.replace("[[regions]]\nname = \"west\"\nzones = [\"w\"]\n", ""),
    )
    .unwrap();
    refuses_in(
        d,
        &["compare", "one.toml", "--strategies", "pilot-light"],
        &["error: strategy `pilot-light` needs a second region reachable from the primary's"],
    );
}

#[test]
fn bad_command_line_values_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (args, message) in [
        (
            &["run", "--trials", "0"][..],
            "error: --trials must be at least 1",
        ),
        (
            &["explain", "--trials", "0"],
            "error: --trials must be at least 1",
        ),
        (
            &["run", "--threads", "0"],
            "error: --threads 0: give 1 to 256",
        ),
        (
            &["run", "--shard", "1/x"],
            "error: --shard `1/x`: write I/N with 0 <= I < N, e.g. --shard 0/8 for the first of eight shards",
        ),
        (
            &["run", "--shard", "0/4", "--trials", "2"],
            "error: --shard 0/4: more shards than trials (2)",
        ),
        (
            &["run", "--shard", "0/2"],
            "error: --shard writes partial results: give --json PATH for them",
        ),
        (
            &[
                "sweep",
                "ecommerce",
                "--shard",
                "0/2",
                "--set",
                "replication.lag=1s",
            ],
            "error: --shard applies to run and compare, not sweep",
        ),
        (
            &["report", "--shard", "0/2"],
            "error: --shard applies to run and compare; a report needs every trial in one run",
        ),
        (
            &["sweep", "ecommerce", "--set", "replication.lag"],
            "error: --set `replication.lag`: write PATH=V1,V2,... e.g. replication.lag=100ms,1s,10s",
        ),
        (
            &["sweep", "ecommerce", "--set", "database.nodes[9].zone=a"],
            "error: --set database.nodes[9].zone: index 9 is out of range (the list has 2)",
        ),
        (
            &["sweep", "ecommerce", "--set", "replication.lag=fast"],
            "field `replication.lag`: `fast` is not a duration: expected a number with a unit",
        ),
        (
            &["migrations", "nothere", "--start", "soon"],
            "error: --start: `soon` is not a duration: expected a number with a unit",
        ),
        (
            &["frobnicate"],
            "error: unrecognized subcommand 'frobnicate'",
        ),
        (
            &["run", "--frob"],
            "error: unexpected argument '--frob' found",
        ),
    ] {
        refuses_in(d, args, &[message]);
    }
    let knob: Vec<String> = (0..101).map(|i| format!("{i}s")).collect();
    let lag = format!("replication.lag={}", knob.join(","));
    let rate = format!("workload.writes_per_sec={}", knob[..100].join(","));
    refuses_in(
        d,
        &["sweep", "ecommerce", "--set", &lag, "--set", &rate],
        &["error: the grid has 10100 points; at most 10,000 are allowed"],
    );
}

#[test]
fn merge_refuses_what_is_not_one_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shard = |name: &str, spec: &str, trials: &str| {
        expect_success(failsim().current_dir(d).args([
            "run", "--trials", trials, "--quiet", "--shard", spec, "--json", name,
        ]));
    };
    shard("a0.json", "0/2", "20");
    shard("a1.json", "1/2", "20");
    shard("b1.json", "1/2", "30");
    shard("c0.json", "0/3", "30");
    std::fs::write(d.join("notes.json"), "{\"kind\": \"notes\"}").unwrap();
    refuses_in(
        d,
        &["merge", "nothere.json"],
        &["error: nothere.json: cannot read: No such file or directory"],
    );
    refuses_in(
        d,
        &["merge", "notes.json"],
        &["error: notes.json: not a partial result of `--shard`"],
    );
    refuses_in(
        d,
        &["merge", "a0.json", "b1.json"],
        &[
            "error: b1.json: this shard comes from a different run (scenario, strategies, seed, trials or version differ)",
        ],
    );
    refuses_in(
        d,
        &["merge", "a0.json", "a1.json", "a1.json"],
        &["error: a shard is given twice"],
    );
    refuses_in(d, &["merge", "a1.json"], &["error: shards missing: 0/2"]);
    shard("c1.json", "1/2", "30");
    refuses_in(
        d,
        &["merge", "c0.json", "c1.json"],
        &[
            "error: c1.json: field `shard`: cut into 2 parts, and c0.json into 3: the shards were cut into different numbers of parts",
        ],
    );
}

#[test]
fn migration_folders_and_changelogs_that_cannot_be_read() {
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations");
    let d = fixtures.as_path();
    refuses_in(
        d,
        &["migrations", "flyway-duplicate"],
        &[
            "error: Found more than one migration with version 2: flyway-duplicate/V2.0__add_notes.sql and flyway-duplicate/V2__add_status.sql (Flyway compares versions numerically; give one of them a new version)",
        ],
    );
    refuses_in(
        d,
        &["migrations", "flyway-malformed"],
        &[
            "error: flyway-malformed/V2_add_status.sql: not a valid Flyway migration name: there is no `__` (two underscores) between the version and the description; rename it to V2__add_status.sql",
        ],
    );
    refuses_in(
        d,
        &["migrations", "liquibase/no-header.sql"],
        &[
            "error: liquibase/no-header.sql: not a Flyway folder nor a Liquibase formatted SQL changelog",
        ],
    );
    refuses_in(
        d,
        &["migrations", "liquibase/bad-changeset.sql"],
        &["error: liquibase/bad-changeset.sql:6: expected `--changeset <author>:<id>`"],
    );
    refuses_in(
        d,
        &["migrations", "liquibase/duplicate-id.sql"],
        &["error: liquibase/duplicate-id.sql:6: duplicate changeset alice:1 (first at line 3)"],
    );
    refuses_in(
        d,
        &["migrations", "nothere"],
        &["error: cannot read nothere: No such file or directory"],
    );
}

#[test]
fn validate_counts_the_invalid_files() {
    let good = fixture("good.toml", BASE);
    let bad = good.dir.path().join("bad.toml");
    std::fs::write(&bad, "name = \"x\"\n").unwrap();
    let stderr = expect_exit_2(failsim().arg("validate").arg(&good.path).arg(&bad));
    assert!(
        stderr.contains("error: 1 of 2 files are invalid"),
        "{stderr}"
    );
}
