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
