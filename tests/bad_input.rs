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
    let stderr = expect_exit_2(failsim().arg("validate").arg(&f.path));
    let out_path = f.dir.path().join("out.json");
    let run_err = expect_exit_2(
        failsim()
            .arg("run")
            .arg(&f.path)
            .arg("--json")
            .arg(&out_path),
    );
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
        let stderr = expect_exit_2(failsim().args(&args));
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
    expect_success(failsim().arg("validate").arg(&f.path));
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

#[test]
fn impossible_topologies() {
    let cases: &[(&str, String, &[&str])] = &[
        (
            "nolink.toml",
            format!(
                "{BASE}\n[[database.nodes]]\nname = \"far\"\nzone = \"w\"\nrole = \"replica\"\n"
            ),
            &[
                "nolink.toml:17:1",
                "field `database.nodes[1].zone`",
                "async replica `far` in region `west` has no network route to the primary's region `east`",
                "add [[network.links]] between = [\"east\", \"west\"]",
            ],
        ),
        (
            "twozones.toml",
            BASE.replace("zones = [\"w\"]", "zones = [\"w\", \"a\"]"),
            &[
                "twozones.toml:8:15",
                "field `regions[1].zones[1]`",
                "zone `a` is defined twice",
            ],
        ),
        (
            "minover.toml",
            format!("{BASE}[api]\nservers = 2\nmin_healthy = 3\n"),
            &[
                "minover.toml:16:1",
                "field `api.min_healthy`",
                "3 healthy servers needed but only 2 exist",
            ],
        ),
        (
            "minzero.toml",
            format!("{BASE}[api]\nservers = 2\nmin_healthy = 0\n"),
            &[
                "minzero.toml:16:1",
                "field `api.min_healthy`",
                "must be at least 1",
            ],
        ),
        (
            "selflink.toml",
            format!("{BASE}[[network.links]]\nbetween = [\"east\", \"east\"]\nrtt = \"1ms\"\n"),
            &[
                "selflink.toml:15:1",
                "field `network.links[0].between`",
                "a link joins two different regions",
            ],
        ),
        (
            "copynowhere.toml",
            format!("{BASE}[backups]\ncopy_to = [\"mars\"]\n"),
            &[
                "copynowhere.toml:15:12",
                "field `backups.copy_to[0]`",
                "there is no region `mars`",
                "regions defined: east, west",
            ],
        ),
        (
            "incr.toml",
            format!("{BASE}[backups]\nfull_every = \"1d\"\nincremental_every = \"7d\"\n"),
            &[
                "incr.toml:16:1",
                "field `backups.incremental_every`",
                "incrementals must be at least as frequent as full backups",
            ],
        ),
    ];
    for (name, text, needles) in cases {
        refused(name, text.as_bytes(), needles);
    }
}

const SHORT: &str = "name = \"x\"\nhorizon = \"30d\"";

#[test]
fn migrations_and_events_out_of_place() {
    let head = BASE.replace("name = \"x\"", SHORT);
    refused(
        "dup.toml",
        format!(
            "{head}[[migrations]]\nversion = \"1\"\nat = \"1d\"\neffect = \"online\"\n\
             [[migrations]]\nversion = \"1\"\nat = \"2d\"\neffect = \"online\"\n"
        )
        .as_bytes(),
        &[
            "dup.toml:20:1",
            "field `migrations[1].version`",
            "version `1` is used twice (also migrations[0])",
        ],
    );
    refused(
        "late.toml",
        format!("{head}[[migrations]]\nversion = \"1\"\nat = \"30d\"\neffect = \"online\"\n")
            .as_bytes(),
        &[
            "late.toml:17:1",
            "field `migrations[0].at`",
            "at or after the end of the horizon",
        ],
    );
    refused(
        "event.toml",
        format!("{head}[[events]]\nat = \"31d\"\nfault = \"db-crash\"\n").as_bytes(),
        &[
            "event.toml:16:1",
            "field `events[0].at`",
            "at or after the end of the horizon and would never happen",
        ],
    );
}

#[test]
fn a_horizon_of_a_million_years() {
    let text = BASE.replace("name = \"x\"", "name = \"x\"\nhorizon = \"1000000y\"");
    refused(
        "eon.toml",
        text.as_bytes(),
        &[
            "eon.toml:2:11",
            "field `horizon`",
            "`1000000y` is longer than the 10,000 years failsim can simulate",
        ],
    );
    // Under the duration limit but over the horizon's.
    let text = BASE.replace("name = \"x\"", "name = \"x\"\nhorizon = \"5000y\"");
    refused(
        "long.toml",
        text.as_bytes(),
        &[
            "long.toml:2:1",
            "a horizon longer than 1000 years is refused",
        ],
    );
}

#[test]
fn a_file_over_16_mib_is_not_read() {
    let mut text = BASE.as_bytes().to_vec();
    text.extend(b"# ");
    text.extend(std::iter::repeat_n(b'x', 17 * 1024 * 1024));
    text.push(b'\n');
    refused(
        "huge.toml",
        &text,
        &["the file is 17825953 bytes; scenario files are limited to 16 MiB"],
    );
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let depth = 100_000;
    let text = format!(
        "name = \"x\"\nfoo = {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    refused(
        "deep.toml",
        text.as_bytes(),
        &["deep.toml:2:", "cannot recurse further"],
    );
    let text = format!(
        "{{\"name\": \"x\", \"regions\": {}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    refused("deep.json", text.as_bytes(), &["deep.json:1:"]);
}

#[test]
fn an_output_path_whose_folder_is_a_file() {
    let f = fixture("s.toml", BASE);
    let out = f.path.join("out.json");
    let stderr = expect_exit_2(failsim().arg("run").arg(&f.path).arg("--json").arg(&out));
    assert!(stderr.contains("s.toml is not a folder"), "{stderr}");
}

#[test]
fn an_unknown_backup_method() {
    refused(
        "method.toml",
        &with("[backups]\nmethod = \"logical\"\n"),
        &[
            "method.toml:15:",
            "backups.method",
            "unknown backup method `logical`",
        ],
    );
}

#[test]
fn a_bad_archive_copy_delay() {
    refused(
        "archive-delay.toml",
        &with("[backups]\ncopy_to = [\"west\"]\narchive_copy_delay = \"-5m\"\n"),
        &["archive-delay.toml:16:", "backups.archive_copy_delay"],
    );
}

#[test]
fn a_uniform_law_with_max_below_min() {
    refused(
        "uniform.toml",
        &with("[backups]\nprovision = { dist = \"uniform\", min = \"20m\", max = \"5m\" }\n"),
        &[
            "uniform.toml:15:",
            "backups.provision.max",
            "`max` must not be smaller than `min`",
        ],
    );
    // A negative bound is not a duration.
    refused(
        "uniform-neg.toml",
        &with("[backups]\nprovision = { dist = \"uniform\", min = \"-1m\", max = \"5m\" }\n"),
        &["uniform-neg.toml:15:", "backups.provision"],
    );
}
