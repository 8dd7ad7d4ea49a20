//! The bad inputs of docs/errors.md that tests/errors.rs does not already
//! cover: each is refused up front with exit status 2, a message naming
//! the file (and the field and line where there is one), and nothing
//! written.

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

/// Runs `validate FILE` and `run FILE --json OUT`; both must exit 2 with
/// every needle in stderr, name the file, and write nothing.
fn refused(name: &str, text: &[u8], needles: &[&str]) -> String {
    let f = fixture(name, "");
    std::fs::write(&f.path, text).unwrap();
    let v = failsim().arg("validate").arg(&f.path).output().unwrap();
    let stderr = String::from_utf8_lossy(&v.stderr).to_string();
    assert_eq!(v.status.code(), Some(2), "validate {name}: {stderr}");
    let out_path = f.dir.path().join("out.json");
    let r = failsim()
        .arg("run")
        .arg(&f.path)
        .arg("--json")
        .arg(&out_path)
        .output()
        .unwrap();
    let run_err = String::from_utf8_lossy(&r.stderr).to_string();
    assert_eq!(r.status.code(), Some(2), "run {name}: {run_err}");
    assert!(!out_path.exists(), "nothing may be written on failure");
    for s in [&stderr, &run_err] {
        assert!(s.contains(name), "the message should name the file: {s}");
        assert!(!s.contains("panicked"), "{s}");
        for n in needles {
            assert!(s.contains(n), "expected `{n}` in: {s}");
        }
    }
    stderr
}

fn with(extra: &str) -> Vec<u8> {
    format!("{BASE}{extra}").into_bytes()
}

#[test]
fn a_backup_copy_to_its_own_region() {
    refused(
        "copy-home.toml",
        &with("[backups]\nregion = \"east\"\ncopy_to = [\"east\"]\n"),
        &[
            "copy-home.toml:16:12",
            "backups.copy_to[0]",
            "already stored in `east`",
        ],
    );
    // The default region is the primary's.
    refused(
        "copy-default.toml",
        &with("[backups]\ncopy_to = [\"west\", \"east\"]\n"),
        &["backups.copy_to[1]", "already stored in `east`"],
    );
    refused(
        "copy-twice.toml",
        &with("[backups]\ncopy_to = [\"west\", \"west\"]\n"),
        &["backups.copy_to[1]", "`west` is listed twice"],
    );
}

#[test]
fn more_simulated_time_than_a_run_accepts() {
    // 400,000 trials of 1000 years: the exact statistics would overflow
    // (this panicked before it was refused) and the run would take days.
    let text = BASE.replace(
        "name = \"x\"",
        "name = \"x\"\nhorizon = \"1000y\"\ntrials = 400000",
    );
    refused(
        "long.toml",
        text.as_bytes(),
        &[
            "long.toml:3:1",
            "field `trials`",
            "400000 trials of 1000y is 400000000 simulated years",
        ],
    );
    // The same limit holds for --trials.
    let text = BASE.replace("name = \"x\"", "name = \"x\"\nhorizon = \"1000y\"");
    let f = fixture("h.toml", &text);
    let out = failsim()
        .arg("run")
        .arg(&f.path)
        .args(["--trials", "200000", "--json", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--trials: 200000 trials of 1000y is 200000000 simulated years"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn too_many_trials_sharded_or_not() {
    for args in [
        vec!["run", "--trials", "1000000000000"],
        vec!["run", "--trials", "200000000", "--shard", "0/4"],
    ] {
        let out = failsim().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(
                "more than failsim accepts (100000000), in one process or split with --shard"
            ),
            "{stderr}"
        );
    }
    let text = BASE.replace("name = \"x\"", "name = \"x\"\ntrials = 1000000000000");
    refused(
        "trials.toml",
        text.as_bytes(),
        &[
            "trials.toml:2:1",
            "field `trials`",
            "more than failsim accepts",
        ],
    );
}

#[test]
fn more_writes_than_failsim_counts() {
    // 10^12 writes/s panicked in the statistics; 10^300 lost nothing at
    // all (the Poisson draw gave up). Both are refused now.
    for (rate, needle) in [
        (
            "1e12",
            "1e12 writes/s over the history and the horizon is 6.3e19 writes",
        ),
        ("1e300", "is more than 1e300 writes"),
    ] {
        let text = format!("{BASE}[workload]\nwrites_per_sec = {rate}\n");
        refused(
            "rate.toml",
            text.as_bytes(),
            &[
                "rate.toml:15:1",
                "field `workload.writes_per_sec`",
                needle,
                "accepts at most 1e14",
            ],
        );
    }
    // A million writes a second, with a year of history, is fine.
    let text = format!("{BASE}[workload]\nwrites_per_sec = 1e6\nhistory = \"1y\"\n");
    let f = fixture("big.toml", &text);
    failsim().arg("validate").arg(&f.path).assert().success();
}

#[test]
fn wrong_types_are_named_in_words() {
    for (name, text, needle) in [
        (
            "neg.toml",
            BASE.replace("name = \"x\"", "name = \"x\"\ntrials = -5"),
            "neg.toml:2:10: field `trials`: invalid value: integer `-5`, expected a whole number (0 or more)",
        ),
        (
            "servers.toml",
            format!("{BASE}[api]\nservers = \"many\"\n"),
            "field `api.servers`: invalid type: string \"many\", expected a whole number (0 or more)",
        ),
        (
            "rate.toml",
            format!("{BASE}[workload]\nwrites_per_sec = \"fast\"\n"),
            "field `workload.writes_per_sec`: invalid type: string \"fast\", expected a number",
        ),
        (
            "zones.toml",
            BASE.replace("zones = [\"w\"]", "zones = \"w\""),
            "zones.toml:8:9: field `regions[1].zones`: invalid type: string \"w\", expected a list",
        ),
    ] {
        let stderr = refused(name, text.as_bytes(), &[needle]);
        assert!(
            !stderr.contains("u64") && !stderr.contains("f64"),
            "{stderr}"
        );
    }
    refused(
        "n.json",
        br#"{"name": "x", "trials": "3"}"#,
        &["n.json:1:27: field `trials`", "expected a whole number"],
    );
}

#[test]
fn json_with_trailing_garbage() {
    refused(
        "trailing.json",
        br#"{"name": "x", "regions": [{"name": "e", "zones": ["a"]}], "database": {"nodes": [{"name": "p", "zone": "a", "role": "primary"}]}} trailing garbage"#,
        &[
            "trailing.json:1:131",
            "trailing characters after the scenario: a JSON scenario file holds one object",
        ],
    );
}
