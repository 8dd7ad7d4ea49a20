//! Input an adversarial or careless user gives: shard files edited by hand,
//! `--set` arguments that are not fields, paths that never end, schedules
//! that would take forever. Each is refused up front with exit 2 and a
//! message naming the file or argument and the field; nothing panics.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The small scenario of tests/errors.rs.
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

/// Runs failsim with `args`; returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = failsim().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts exit 2 without a panic, and every needle in stderr.
fn refused(args: &[&str], needles: &[&str]) -> String {
    let (code, _, stderr) = run(args);
    assert_eq!(code, Some(2), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for n in needles {
        assert!(stderr.contains(n), "expected `{n}` in: {stderr}");
    }
    stderr
}

// ----- sweep --set ------------------------------------------------------------

#[test]
fn a_switch_set_by_sweep_takes_only_true_or_false() {
    let f = fixture(
        "fence.toml",
        &format!("{BASE}[failover]\nfencing = false\n"),
    );
    let path = f.path.to_str().unwrap();
    for bad in ["True", "yes", "1"] {
        refused(
            &[
                "sweep",
                path,
                "--set",
                &format!("failover.fencing={bad}"),
                "-q",
            ],
            &[
                &format!("--set failover.fencing={bad}"),
                "is a switch: write true or false",
            ],
        );
    }
    let (code, _, stderr) = run(&[
        "sweep",
        path,
        "--set",
        "failover.fencing=true,false",
        "--trials",
        "5",
        "-q",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn a_set_path_of_sixty_thousand_parts_is_refused_at_once() {
    let path = vec!["a"; 60_000].join(".");
    let stderr = refused(
        &["sweep", "ecommerce", "--set", &format!("{path}=1"), "-q"],
        &["the field path is 119999 bytes; field paths are at most 256"],
    );
    assert!(stderr.len() < 1000, "the message quotes the path whole");
    let deep = vec!["a"; 20].join(".");
    refused(
        &["sweep", "ecommerce", "--set", &format!("{deep}=1"), "-q"],
        &["the field path has 20 steps; no scenario field is more than 16 deep"],
    );
}

#[test]
fn a_set_path_stops_at_the_first_step_that_is_not_a_field() {
    refused(
        &["sweep", "ecommerce", "--set", "a.a.a=1", "-q"],
        &["--set a.a.a: unknown field `a`"],
    );
    refused(
        &["sweep", "ecommerce", "--set", "failover.nope.x=1", "-q"],
        &[
            "--set failover.nope.x: unknown field `nope`",
            "inside `failover`",
        ],
    );
}

#[test]
fn set_errors_name_the_argument_not_a_line_of_an_internal_rendering() {
    let stderr = refused(
        &["sweep", "ecommerce", "--set", "replication.lag=fast", "-q"],
        &["with --set replication.lag=fast: field `replication.lag`"],
    );
    assert!(
        stderr.contains("replication.lag=fast: field"),
        "no line number of the JSON rendering: {stderr}"
    );
    // A value that parses but fails validation: no line either.
    let stderr = refused(
        &["sweep", "ecommerce", "--set", "api.min_healthy=1000", "-q"],
        &["with --set api.min_healthy=1000: field `api"],
    );
    assert!(stderr.contains("api.min_healthy=1000: field"), "{stderr}");
}

// ----- threads ------------------------------------------------------------------

#[test]
fn threads_beyond_the_documented_maximum_are_refused() {
    for n in ["10000", "18446744073709551615", "257", "0"] {
        refused(
            &["run", "--trials", "1", "--threads", n, "-q"],
            &[&format!("--threads {n}: give 1 to 256")],
        );
    }
}

// ----- files ---------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_scenario_path_that_never_ends_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("zero.toml");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let link = link.to_str().unwrap();
    refused(
        &["validate", link],
        &[link, "holds more than 16 MiB (or never ends)"],
    );
    refused(
        &["run", link, "-q"],
        &[link, "holds more than 16 MiB (or never ends)"],
    );
}

#[test]
fn a_duplicate_toml_key_is_named_with_its_table() {
    let f = fixture("dup.toml", &format!("{BASE}zone = \"b\"\n"));
    let stderr = refused(&["validate", f.path.to_str().unwrap()], &[]);
    assert!(
        stderr.contains(
            "dup.toml:14:1: field `database.nodes[0].zone`: duplicate key `zone` in `database.nodes[0]`"
        ),
        "{stderr}"
    );
    let f = fixture(
        "dup-top.toml",
        &BASE.replace("name = \"x\"", "name = \"x\"\nname = \"y\""),
    );
    refused(
        &["validate", f.path.to_str().unwrap()],
        &["dup-top.toml:2:1: field `name`: duplicate key `name`"],
    );
}

#[test]
fn a_scenario_with_a_byte_order_mark_is_read() {
    let json = r#"{"name": "x", "regions": [{"name": "east", "zones": ["a"]}],
        "database": {"nodes": [{"name": "db1", "zone": "a", "role": "primary"}]}}"#;
    for (name, text) in [("bom.json", json), ("bom.toml", BASE)] {
        let f = fixture(name, &format!("\u{feff}{text}"));
        let (code, stdout, stderr) = run(&["validate", f.path.to_str().unwrap()]);
        assert_eq!(code, Some(0), "{name}: {stderr}");
        assert!(stdout.contains(": ok (x:"), "{stdout}");
    }
}

#[test]
fn migrations_spaced_past_the_longest_horizon_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.toml");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations/flyway-good");
    let (src, out_s) = (src.to_str().unwrap(), out.to_str().unwrap());
    refused(
        &["migrations", src, "--toml", out_s, "--spacing", "10000y"],
        &[
            "--spacing 10000y",
            "past the longest horizon a scenario accepts (1000y)",
        ],
    );
    refused(
        &["migrations", src, "--toml", out_s, "--start", "2000y"],
        &["--start 2000y"],
    );
    assert!(!out.exists());
    // The classification alone has no times: the spacing does not matter.
    let (code, _, stderr) = run(&["migrations", src, "--spacing", "10000y"]);
    assert_eq!(code, Some(0), "{stderr}");
}

// ----- backups -------------------------------------------------------------------

#[test]
fn backup_schedules_a_restore_would_walk_forever_are_refused() {
    let plan = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/backup-plan.toml"),
    )
    .unwrap();
    let inc = plan.replace("incremental_every = \"1d\"", "incremental_every = \"1us\"");
    assert_ne!(inc, plan);
    let f = fixture("inc.toml", &inc);
    refused(
        &["run", f.path.to_str().unwrap(), "-q"],
        &[
            "field `backups.incremental_every`",
            "604800000000 incrementals between two full backups; at most 100000",
        ],
    );
    let full: String = plan
        .lines()
        .filter(|l| !l.starts_with("incremental_every"))
        .map(|l| {
            if l.starts_with("full_every") {
                "full_every = \"1us\"".to_string()
            } else if l.starts_with("data_size") {
                "data_size = \"1PB\"".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let f = fixture("full.toml", &full);
    refused(
        &["validate", f.path.to_str().unwrap()],
        &["field `backups.full_every`", "at most 100000 are simulated"],
    );
    // Through --set too.
    refused(
        &[
            "sweep",
            "backup-plan",
            "--set",
            "backups.incremental_every=1us",
            "-q",
        ],
        &["field `backups.incremental_every`"],
    );
}

// ----- merge ---------------------------------------------------------------------

/// Three shard files of one small run, in a temporary folder.
fn shards() -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = (0..3)
        .map(|i| {
            let p = dir.path().join(format!("s{i}.json"));
            let (code, _, stderr) = run(&[
                "compare",
                "--strategies",
                "none,async,sync",
                "--trials",
                "30",
                "--shard",
                &format!("{i}/3"),
                "--json",
                p.to_str().unwrap(),
                "-q",
            ]);
            assert_eq!(code, Some(0), "{stderr}");
            p
        })
        .collect();
    (dir, files)
}

/// Merges the shards with shard 1 edited by `edit`; asserts the refusal.
fn merge_refuses(files: &[PathBuf], edit: impl Fn(&mut Value), needles: &[&str]) {
    let mut v: Value = serde_json::from_slice(&std::fs::read(&files[1]).unwrap()).unwrap();
    edit(&mut v);
    let bad = files[1].with_file_name("edited.json");
    std::fs::write(&bad, serde_json::to_vec(&v).unwrap()).unwrap();
    let args: Vec<&str> = ["merge", files[0].to_str().unwrap(), bad.to_str().unwrap()]
        .into_iter()
        .chain([files[2].to_str().unwrap()])
        .collect();
    let mut all = vec!["edited.json"];
    all.extend_from_slice(needles);
    refused(&args, &all);
}

#[test]
fn merge_checks_each_shard_against_its_digest_range_and_version() {
    let (_dir, files) = shards();
    let (code, _, stderr) = run(&[
        "merge",
        files[0].to_str().unwrap(),
        files[1].to_str().unwrap(),
        files[2].to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(code, Some(0), "untouched shards merge: {stderr}");
    merge_refuses(
        &files,
        |v| {
            v["partials"].as_array_mut().unwrap().pop();
        },
        &["field `partials`: the strategies are not the ones this shard ran"],
    );
    merge_refuses(
        &files,
        |v| v["version"] = "0.0.1".into(),
        &["field `version`: written by failsim 0.0.1"],
    );
    merge_refuses(
        &files,
        |v| v["trial_range"] = serde_json::json!([10, 25]),
        &["field `trial_range`: [10, 25], but shard 1/3 of 30 trials is [10, 20]"],
    );
    merge_refuses(
        &files,
        |v| v["partials"][0]["trials"] = 11.into(),
        &["field `partials[0].trials`: 11 trials"],
    );
}

#[test]
fn merge_refuses_tampered_numbers_without_panicking() {
    let (_dir, files) = shards();
    merge_refuses(
        &files,
        |v| v["partials"][0]["lost_writes"]["count"] = u64::MAX.into(),
        &["field `partials[0].lost_writes`: count is 18446744073709551615"],
    );
    merge_refuses(
        &files,
        |v| v["shard"] = serde_json::json!([0, 1u64 << 63]),
        &["field `shard`: [0, 9223372036854775808] is not shard I of N"],
    );
    merge_refuses(
        &files,
        |v| v["header"]["trials"] = (u64::MAX - 1).into(),
        &["field `header.trials`"],
    );
    for q in [1e308, -5.0] {
        merge_refuses(
            &files,
            |v| v["policy"] = serde_json::json!({"percentile": q, "targets": {}}),
            &["field `policy.percentile`", "is outside (0, 100]"],
        );
    }
    merge_refuses(
        &files,
        |v| {
            let a = &mut v["partials"][0]["downtime"];
            a["min"] = 5.into();
            a["max"] = 1.into();
        },
        &["field `partials[0].downtime`: min (5) is greater than max (1)"],
    );
    // Consistent within each file, overflowing only when added up.
    let mut big: Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    big["partials"][0]["engine_events"] = u64::MAX.into();
    std::fs::write(&files[0], serde_json::to_vec(&big).unwrap()).unwrap();
    refused(
        &[
            "merge",
            files[0].to_str().unwrap(),
            files[1].to_str().unwrap(),
            files[2].to_str().unwrap(),
        ],
        &["`engine_events` overflows when the shards are added"],
    );
}

#[test]
fn a_merge_input_over_64_mib_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let large = dir.path().join("large.json");
    // Sparse: 65 MiB long without writing them.
    std::fs::File::create(&large)
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();
    let large = large.to_str().unwrap();
    let needle = "holds more than 64 MiB (or never ends): not a partial result of `--shard`";
    refused(&["merge", large], &[large, needle]);
    #[cfg(unix)]
    {
        let endless = dir.path().join("endless.json");
        std::os::unix::fs::symlink("/dev/zero", &endless).unwrap();
        let endless = endless.to_str().unwrap();
        refused(&["merge", endless], &[endless, needle]);
    }
}

// ----- arithmetic that wrapped, trials that stopped short ---------------------

#[test]
fn a_night_multiplier_beyond_its_bound_is_refused() {
    let text = format!("{BASE}[operators]\nnight_multiplier = 1e12\n");
    let line = text
        .lines()
        .position(|l| l.starts_with("night_multiplier"))
        .unwrap()
        + 1;
    let f = fixture("night.toml", &text);
    refused(
        &["validate", f.path.to_str().unwrap()],
        &[
            &format!("night.toml:{line}:"),
            "operators.night_multiplier",
            "at most 100",
        ],
    );
}

#[test]
fn an_operator_response_longer_than_time_itself_leaves_the_primary_down() {
    // 10,000 years times 100 at night is more microseconds than 64 bits
    // hold: the response wrapped to "at once" (RTO of seconds, 99.998%).
    // Now it saturates: nobody comes, and the write path stays down from
    // the loss at 01:00 on day 2 to the horizon.
    let text = format!(
        "{}{PRIMARY}{REPLICA}[failover]\nmode = \"manual\"\n\
         [operators]\nresponse = \"10000y\"\nnight_multiplier = 100\n\
         [[events]]\nat = \"1d1h\"\nfault = \"disk-loss\"\ntarget = \"primary\"\n",
        WORLD.replace("trials = 200", "trials = 2")
    );
    let v = run_json(&text, &[]);
    let down = metric(&v, "downtime_seconds", "mean");
    assert!(
        down >= (29.0 * 24.0 - 1.0) * 3600.0,
        "down {down} s of a 30-day horizon"
    );
}

#[test]
fn rates_that_would_exhaust_a_trial_are_refused_up_front() {
    // 1 ms between crashes, 1 ms to restart, over a day: 86 million
    // crashes. A trial used to stop at 50 million events and count the
    // rest as up (availability 0.71 where the truth is 0.5).
    let f = fixture(
        "busy.toml",
        &format!(
            "{}[database]\nrestart = \"1ms\"\n[faults]\ndb_crash = {{ mttf = \"1ms\" }}\n",
            BASE.replace("name = \"x\"", "name = \"x\"\nhorizon = \"1d\"")
        ),
    );
    let path = f.path.to_str().unwrap();
    for cmd in ["validate", "run"] {
        refused(
            &[cmd, path],
            &[
                "busy.toml:",
                "faults.db_crash",
                "events",
                "at most 5,000,000",
            ],
        );
    }
}

// ----- names ------------------------------------------------------------------

#[test]
fn control_characters_in_names_are_refused_without_being_echoed() {
    let cases = [
        (
            BASE.replace("name = \"x\"", "name = \"x\\u001b]0;owned\\u0007\""),
            "`name`",
        ),
        (
            BASE.replace("name = \"east\"", "name = \"ea\\u0000st\""),
            "regions[0].name",
        ),
        (
            BASE.replace("zones = [\"a\", \"b\"]", "zones = [\"a\\r\", \"b\"]"),
            "regions[0].zones[0]",
        ),
        (
            BASE.replace("name = \"db1\"", "name = \"db\\u009b1\""),
            "database.nodes[0].name",
        ),
        (
            format!(
                "{BASE}[[events]]\nat = \"1d\"\nfault = \"db-crash\"\ntarget = \"db1\"\nnote = \"\\u001b[2J\"\n"
            ),
            "events[0].note",
        ),
        (
            format!(
                "{BASE}[[migrations]]\nversion = \"1\\u001b\"\ndescription = \"x\"\nat = \"1d\"\neffect = \"online\"\n"
            ),
            "migrations[0].version",
        ),
    ];
    for (text, path) in &cases {
        let f = fixture("names.toml", text);
        let p = f.path.to_str().unwrap();
        for cmd in [&["validate", p][..], &["run", p], &["explain", p]] {
            let stderr = refused(cmd, &["names.toml:", path, "control character"]);
            assert!(
                !stderr.contains('\u{1b}') && !stderr.contains('\0') && !stderr.contains('\u{9b}'),
                "the control character reached the terminal: {stderr:?}"
            );
        }
    }
    // Line breaks and tabs stay allowed in free text.
    let f = fixture(
        "free.toml",
        &BASE.replace(
            "name = \"x\"",
            "name = \"x\"\ndescription = \"two\\nlines\\tand a tab\"",
        ),
    );
    expect_success(failsim().arg("validate").arg(&f.path));
}

// ----- contradictions and silent no-ops ---------------------------------------

#[test]
fn duplicate_network_links_are_refused_in_either_order() {
    for second in [r#"["east", "west"]"#, r#"["west", "east"]"#] {
        let f = fixture(
            "links.toml",
            &format!(
                "{BASE}[[network.links]]\nbetween = [\"east\", \"west\"]\nrtt = \"10ms\"\n\
                 [[network.links]]\nbetween = {second}\nrtt = \"90ms\"\n"
            ),
        );
        refused(
            &["validate", f.path.to_str().unwrap()],
            &[
                "links.toml:",
                "network.links[1].between",
                "network.links[0] already joins",
            ],
        );
    }
}

#[test]
fn a_first_backup_past_the_horizon_is_refused() {
    let f = fixture(
        "late.toml",
        &format!("{BASE}[backups]\nfirst_at = \"400d\"\n"),
    );
    refused(
        &["validate", f.path.to_str().unwrap()],
        &[
            "late.toml:",
            "backups.first_at",
            "no backup would ever be taken",
        ],
    );
    // Inside the horizon it is accepted.
    let f = fixture(
        "early.toml",
        &format!("{BASE}[backups]\nfirst_at = \"300d\"\n"),
    );
    expect_success(failsim().arg("validate").arg(&f.path));
}

#[test]
fn an_unterminated_sql_string_is_warned_about_with_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("V1__ok.sql"), "CREATE TABLE t (id int);\n").unwrap();
    std::fs::write(
        dir.path().join("V2__open.sql"),
        "INSERT INTO t VALUES (1);\nINSERT INTO t VALUES ('oops);\nDROP TABLE t;\n",
    )
    .unwrap();
    let out = expect_success(failsim().arg("migrations").arg(dir.path()));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("V2__open.sql: line 2"), "{all}");
    assert!(all.contains("never closed"), "{all}");
    assert!(!all.contains("V1__ok.sql: line"), "{all}");
    // The same in a Liquibase changelog: the line is the file's.
    let log = dir.path().join("changelog.sql");
    std::fs::write(
        &log,
        "--liquibase formatted sql\n\n--changeset a:1\nCREATE TABLE u (id int);\nSELECT $$never;\n",
    )
    .unwrap();
    let out = expect_success(failsim().arg("migrations").arg(&log));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("changelog.sql: line 5"), "{all}");
}

#[cfg(unix)]
#[test]
fn a_changelog_that_never_ends_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("changelog.sql");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    refused(
        &["migrations", link.to_str().unwrap()],
        &["changelog.sql", "16 MiB"],
    );
}

#[cfg(target_os = "linux")]
#[test]
fn validate_with_a_full_standard_error_exits_2_without_panicking() {
    let f = fixture("bad.toml", &format!("{BASE}mtbf = \"3d\"\n"));
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin!("failsim"))
        .arg("validate")
        .arg(&f.path)
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

/// A restore that would take longer than time itself (1 PB at 1 B/s):
/// its duration saturates instead of wrapping, so the database stays down
/// from the disk loss on day 10 to the end of the 30-day horizon, not a
/// few minutes. Sums of durations in recovery planning once wrapped.
#[test]
fn a_restore_longer_than_time_itself_leaves_the_database_down() {
    let f = fixture(
        "huge.toml",
        r#"name = "huge"
horizon = "30d"
trials = 3
[workload]
writes_per_sec = 10
data_size = "1PB"
[[regions]]
name = "r"
zones = ["a"]
[[database.nodes]]
name = "db1"
zone = "a"
role = "primary"
[backups]
full_every = "7d"
first_at = "1h"
throughput = "100GB/s"
restore_throughput = "1B/s"
[[events]]
at = "10d"
fault = "disk-loss"
target = "db1"
"#,
    );
    let v = expect_json(
        failsim()
            .arg("run")
            .arg(&f.path)
            .args(["--json", "-", "--quiet"]),
    );
    let a = v["strategies"][0]["metrics"]["availability"]["mean"]
        .as_f64()
        .expect("availability");
    assert!((a - 1.0 / 3.0).abs() < 1e-9, "availability {a}");
}
