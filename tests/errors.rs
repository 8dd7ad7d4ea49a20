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
    rejects(
        "zero.toml",
        &text,
        &["zero.toml:15", "faults.disk_loss.mttf", "longer than zero"],
    );
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
