//! What an adversarial or careless user broke before: a report that
//! deleted the user's files, panics on a full or closed standard output,
//! names that injected HTML into `diagram`, a refusal that came after the
//! simulation, and outputs that collided. Each test is named for the
//! behaviour that holds now.

mod common;
use common::*;
use std::io::Read;
use std::path::Path;
use std::process::{Command as Process, Stdio};

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

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_refused(out: &std::process::Output, needles: &[&str]) -> String {
    let err = stderr_of(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks `{n}`: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn report_into(scenario: &Path, dir: &Path) -> std::process::Output {
    failsim()
        .arg("report")
        .arg(scenario)
        .args([
            "--trials",
            "20",
            "--strategies",
            "none,async",
            "--quiet",
            "--out",
        ])
        .arg(dir)
        .output()
        .unwrap()
}

// ----- 1. a report never deletes what failsim did not write -------------------

#[test]
fn a_report_refuses_a_folder_of_the_users_files_and_leaves_them() {
    let f = fixture("s.toml", BASE);
    let dir = f.dir.path().join("site");
    std::fs::create_dir(&dir).unwrap();
    for (name, text) in [
        ("README.md", "my notes"),
        ("config.json", "{}"),
        ("index.html", "<p>mine</p>"),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let out = report_into(&f.path, &dir);
    assert_refused(&out, &["which failsim did not write there"]);
    assert_eq!(names(&dir), ["README.md", "config.json", "index.html"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("README.md")).unwrap(),
        "my notes"
    );
}

#[test]
fn a_report_replaces_its_own_report_but_not_one_a_user_added_to() {
    let f = fixture("s.toml", BASE);
    let dir = f.dir.path().join("rep");
    let first = report_into(&f.path, &dir);
    assert!(first.status.success(), "{}", stderr_of(&first));
    let marker = std::fs::read_to_string(dir.join(".failsim-report")).unwrap();
    for name in names(&dir) {
        assert!(
            name == ".failsim-report" || marker.lines().any(|l| l == name),
            "{name} is not listed in the marker:\n{marker}"
        );
    }
    // Its own previous report is replaced.
    let again = report_into(&f.path, &dir);
    assert!(again.status.success(), "{}", stderr_of(&again));
    // A file the user put there since (even one named like a chart) is not.
    std::fs::write(dir.join("notes.md"), "keep me").unwrap();
    let out = report_into(&f.path, &dir);
    assert_refused(&out, &["notes.md"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.md")).unwrap(),
        "keep me"
    );
    assert!(dir.join("report.html").exists());
}

#[test]
fn a_folder_without_the_marker_is_replaced_only_if_every_file_is_a_report_name() {
    let f = fixture("s.toml", BASE);
    let dir = f.dir.path().join("old");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("report.md"), "an older report").unwrap();
    std::fs::write(dir.join("timeline.svg"), "<svg/>").unwrap();
    let out = report_into(&f.path, &dir);
    assert!(out.status.success(), "{}", stderr_of(&out));
    // One more file, with an extension a report writes but not its name.
    std::fs::remove_file(dir.join(".failsim-report")).unwrap();
    std::fs::write(dir.join("diagram.png"), "mine").unwrap();
    let out = report_into(&f.path, &dir);
    assert_refused(&out, &["diagram.png"]);
    assert!(dir.join("diagram.png").exists());
}

/// The process id of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = Process::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn temporary_folders_left_by_a_killed_report_are_removed_by_the_next() {
    let f = fixture("s.toml", BASE);
    let parent = f.dir.path();
    // Left by a killed run: failsim's name, its marker, a process gone.
    let stale = parent.join(format!(".rep.new-{}-AbC123", dead_pid()));
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join(".failsim-report"), "# Written by failsim.\n").unwrap();
    std::fs::write(stale.join("report.md"), "half a report").unwrap();
    // Not recognisably failsim's, or still being written: left alone.
    let unmarked = parent.join(format!(".rep.new-{}-XyZ789", dead_pid()));
    std::fs::create_dir(&unmarked).unwrap();
    std::fs::write(unmarked.join("mine.txt"), "mine").unwrap();
    let running = parent.join(format!(".rep.new-{}-QrS456", std::process::id()));
    std::fs::create_dir(&running).unwrap();
    std::fs::write(running.join(".failsim-report"), "# Written by failsim.\n").unwrap();

    let out = report_into(&f.path, &parent.join("rep"));
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(!stale.exists(), "the stale folder is still there");
    assert!(unmarked.join("mine.txt").exists());
    assert!(running.exists());
    let left: Vec<String> = names(parent)
        .into_iter()
        .filter(|n| n.starts_with(".rep."))
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

// ----- 4. a full or closed standard output ------------------------------------

fn dev_full() -> Stdio {
    Stdio::from(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap(),
    )
}

#[test]
fn a_full_standard_output_is_exit_2_with_a_message_not_a_panic() {
    let f = fixture("s.toml", BASE);
    let s = f.path.to_str().unwrap();
    let migrations =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations/flyway-good");
    let rep = f.dir.path().join("rep");
    let commands: Vec<Vec<&str>> = vec![
        vec!["run", s, "--trials", "10"],
        vec!["run", s, "--trials", "10", "--json", "-"],
        vec!["compare", s, "--trials", "10", "--strategies", "none,async"],
        vec![
            "compare",
            s,
            "--trials",
            "10",
            "--strategies",
            "none",
            "--csv",
            "-",
        ],
        vec!["sweep", s, "--trials", "10", "--set", "seed=1,2"],
        vec!["validate", s],
        vec!["lessons"],
        vec!["explain", s, "--trials", "10"],
        vec!["diagram", s],
        vec!["migrations", migrations.to_str().unwrap()],
        vec![
            "report",
            s,
            "--trials",
            "10",
            "--strategies",
            "none",
            "--out",
            rep.to_str().unwrap(),
        ],
    ];
    for args in commands {
        let out = Process::new(assert_cmd::cargo::cargo_bin!("failsim"))
            .args(&args)
            .stdout(dev_full())
            .output()
            .unwrap();
        let err = assert_refused(&out, &["standard output", "No space left on device"]);
        assert!(err.starts_with("error: "), "{args:?}: {err}");
    }
}

/// Runs failsim with its standard output a pipe whose reading end is closed
/// before failsim writes, and returns its exit status and standard error.
fn into_closed_pipe(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Process::new(assert_cmd::cargo::cargo_bin!("failsim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (child.wait().unwrap().code(), err)
}

#[test]
fn a_closed_pipe_ends_failsim_quietly_with_status_0() {
    // More output than a pipe buffers (64 KiB), so a write must fail even
    // if failsim got some out before the reader closed.
    let dir = tempfile::tempdir().unwrap();
    for i in 1..=1500 {
        std::fs::write(
            dir.path().join(format!("V{i}__add_table_number_{i}.sql")),
            format!("CREATE TABLE t{i} (id bigint primary key, note text);\n"),
        )
        .unwrap();
    }
    let (code, err) = into_closed_pipe(&["migrations", dir.path().to_str().unwrap()]);
    assert_eq!((code, err.as_str()), (Some(0), ""));
    let f = fixture("s.toml", BASE);
    for args in [
        vec!["explain", f.path.to_str().unwrap(), "--trials", "10"],
        vec!["lessons"],
        vec![
            "run",
            f.path.to_str().unwrap(),
            "--trials",
            "10",
            "--json",
            "-",
        ],
    ] {
        let (code, err) = into_closed_pipe(&args);
        assert_eq!((code, err.as_str()), (Some(0), ""), "{args:?}");
    }
}

// ----- 5. names cannot inject into diagram's Markdown ---------------------------

#[test]
fn diagram_escapes_names_in_markdown_and_mermaid() {
    let text = BASE
        .replace(
            "name = \"x\"",
            "name = \"<script>alert(1)</script> *bold* [link](http://x)\"",
        )
        .replace(
            "name = \"db1\"",
            // A line break in a name is refused at validation (a control
            // character); the fence and the tag stay, to be escaped.
            "name = \"db1 ``` <img src=x onerror=alert(1)>\\\"]\"",
        )
        .replace("name = \"east\"", "name = \"east#quot; & <b>\"");
    let f = fixture("s.toml", &text);
    let out = failsim().arg("diagram").arg(&f.path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = String::from_utf8(out.stdout).unwrap();
    for bad in ["<script", "<img", "<b>", "*bold*", "[link]", "#quot; &"] {
        assert!(!md.contains(bad), "`{bad}` is in the output:\n{md}");
    }
    assert!(
        md.contains(
            "## Topology of &lt;script&gt;alert(1)&lt;/script&gt; \\*bold\\* \\[link\\](http://x)"
        ),
        "{md}"
    );
    // Exactly the two fences opened and closed, and no line the names made.
    let fences = md.lines().filter(|l| l.starts_with("```")).count();
    assert_eq!(fences, 4, "{md}");
    assert!(
        md.contains("db1 #96;#96;#96; #60;img src=x onerror=alert(1)#62;#quot;]<br/>primary"),
        "{md}"
    );
    assert!(md.contains("region east#35;quot; #38; #60;b#62;"), "{md}");
    // In the sequence diagram too.
    assert!(
        md.contains(
            "participant P as primary db1 #96;#96;#96; #60;img src=x onerror=alert(1)#62;']"
        ),
        "{md}"
    );
}

// ----- 6. every argument is checked before simulating ---------------------------

#[test]
fn a_shard_without_json_is_refused_before_simulating() {
    // A hundred million trials: refused after simulating, this would not end.
    let f = fixture(
        "s.toml",
        &BASE.replace("name = \"x\"", "name = \"x\"\nhorizon = \"1h\""),
    );
    let out = failsim()
        .arg("run")
        .arg(&f.path)
        .args(["--trials", "100000000", "--shard", "0/2"])
        .output()
        .unwrap();
    assert_refused(&out, &["--shard writes partial results: give --json PATH"]);
}

#[test]
fn a_bad_value_at_the_last_sweep_point_is_refused_before_the_first_runs() {
    let f = fixture(
        "s.toml",
        &BASE.replace("name = \"x\"", "name = \"x\"\nhorizon = \"1h\""),
    );
    let out = failsim()
        .args(["sweep", f.path.to_str().unwrap(), "--trials", "100000000"])
        .args(["--set", "horizon=1h,banana"])
        .output()
        .unwrap();
    assert_refused(&out, &["banana"]);
}

#[test]
fn report_and_sweep_do_not_offer_shard_in_their_help() {
    for cmd in ["report", "sweep"] {
        let out = failsim().args([cmd, "--help"]).output().unwrap();
        assert!(out.status.success());
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(!help.contains("--shard"), "{cmd}: {help}");
    }
    for cmd in ["run", "compare"] {
        let out = failsim().args([cmd, "--help"]).output().unwrap();
        assert!(String::from_utf8(out.stdout).unwrap().contains("--shard"));
    }
    // Still refused with a reason when given.
    let f = fixture("s.toml", BASE);
    let out = failsim()
        .args(["report", f.path.to_str().unwrap(), "--shard", "0/2"])
        .output()
        .unwrap();
    assert_refused(&out, &["a report needs every trial"]);
    let out = failsim()
        .args([
            "sweep",
            f.path.to_str().unwrap(),
            "--set",
            "seed=1",
            "--shard",
            "0/2",
        ])
        .output()
        .unwrap();
    assert_refused(&out, &["not sweep"]);
}

// ----- 8. two outputs never go to one place -------------------------------------

#[test]
fn csv_on_standard_output_is_all_that_goes_there() {
    let f = fixture("s.toml", BASE);
    let out = failsim()
        .args(["compare", f.path.to_str().unwrap(), "--trials", "10"])
        .args(["--strategies", "none,async", "--csv", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("strategy,metric,unit,"), "{csv}");
    for line in csv.lines() {
        assert_eq!(line.split(',').count(), 10, "not a CSV row: {line}");
    }
}

#[test]
fn two_outputs_to_one_destination_are_refused_before_simulating() {
    let f = fixture(
        "s.toml",
        &BASE.replace("name = \"x\"", "name = \"x\"\nhorizon = \"1h\""),
    );
    let s = f.path.to_str().unwrap();
    let same = f.dir.path().join("out.txt");
    let same = same.to_str().unwrap();
    let dotted = format!("{}/./out.txt", f.dir.path().display());
    // Refused before any work (migrations does not simulate).
    let migrations =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations/flyway-good");
    let out = failsim()
        .arg("migrations")
        .arg(&migrations)
        .args(["--toml", same, "--json", same])
        .output()
        .unwrap();
    assert_refused(&out, &["given to both --toml and --json"]);
    assert!(!Path::new(same).exists());
    // A hundred million trials: refused only after simulating, these would not end.
    let big = ["--trials", "100000000"];
    for (args, flags) in [
        (
            vec!["compare", s, "--csv", "-", "--json", "-"],
            "standard output",
        ),
        (vec!["compare", s, "--csv", same, "--json", same], same),
        (
            vec!["compare", s, "--csv", same, "--json", &dotted],
            "out.txt",
        ),
    ] {
        let out = failsim().args(&args).args(big).output().unwrap();
        assert_refused(&out, &[flags, "given to both --json and --csv"]);
        assert!(!Path::new(same).exists());
    }
    // JSON into the folder a report replaces whole.
    let rep = f.dir.path().join("rep");
    std::fs::create_dir(&rep).unwrap();
    let inside = rep.join("numbers.json");
    let out = failsim()
        .args(["report", s])
        .args(big)
        .arg("--out")
        .arg(&rep)
        .arg("--json")
        .arg(&inside)
        .output()
        .unwrap();
    assert_refused(&out, &["at or inside the --out folder"]);
    assert!(names(&rep).is_empty());
    // JSON in the place of the folder, not there yet.
    let rep2 = f.dir.path().join("rep2");
    let out = failsim()
        .args(["sweep", s, "--set", "seed=1"])
        .args(big)
        .arg("--out")
        .arg(&rep2)
        .arg("--json")
        .arg(&rep2)
        .output()
        .unwrap();
    assert_refused(&out, &["at or inside the --out folder"]);
    assert!(!rep2.exists());
}

#[test]
fn sweep_json_on_standard_output_is_all_that_goes_there() {
    let f = fixture("s.toml", BASE);
    let rep = f.dir.path().join("rep");
    let out = failsim()
        .args(["sweep", f.path.to_str().unwrap(), "--trials", "10"])
        .args(["--set", "seed=1,2", "--json", "-", "--out"])
        .arg(&rep)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON alone");
    assert_eq!(doc["points"].as_array().map(Vec::len), Some(2));
    assert!(rep.join("report.html").exists());
}

#[test]
fn a_report_marker_that_cannot_be_read_is_refused_and_the_folder_left() {
    let f = fixture(
        "s.toml",
        &BASE.replace("name = \"x\"", "name = \"x\"\nhorizon = \"1h\""),
    );
    let rep = f.dir.path().join("rep");
    std::fs::create_dir(&rep).unwrap();
    // Not UTF-8, so it cannot be read as the list of a report's files.
    std::fs::write(rep.join(".failsim-report"), b"\xff\xfe\n").unwrap();
    std::fs::write(rep.join("report.md"), "mine\n").unwrap();
    let out = failsim()
        .args(["report", f.path.to_str().unwrap(), "--trials", "10"])
        .arg("--out")
        .arg(&rep)
        .output()
        .unwrap();
    assert_refused(
        &out,
        &["rep: cannot read .failsim-report: stream did not contain valid UTF-8"],
    );
    assert_eq!(names(&rep), [".failsim-report", "report.md"]);
    assert_eq!(std::fs::read(rep.join("report.md")).unwrap(), b"mine\n");
}

#[test]
fn csv_with_a_shard_is_refused_before_simulating() {
    let f = fixture(
        "s.toml",
        &BASE.replace("name = \"x\"", "name = \"x\"\nhorizon = \"1h\""),
    );
    let csv = f.dir.path().join("out.csv");
    let part = f.dir.path().join("part.json");
    // A hundred million trials: refused only after simulating, this would not end.
    let out = failsim()
        .args(["compare", f.path.to_str().unwrap(), "--trials", "100000000"])
        .args(["--shard", "0/2", "--csv"])
        .arg(&csv)
        .arg("--json")
        .arg(&part)
        .output()
        .unwrap();
    assert_refused(
        &out,
        &[
            "--csv does not apply with --shard: a shard writes partial results as JSON; merge them with `failsim merge --json`",
        ],
    );
    assert!(!csv.exists() && !part.exists());
}

#[cfg(target_os = "linux")]
#[test]
fn an_output_file_on_a_full_device_is_exit_2_with_the_system_error() {
    let f = fixture("s.toml", BASE);
    let s = f.path.to_str().unwrap();
    for args in [
        vec!["run", s, "--trials", "10", "--quiet", "--json", "/dev/full"],
        vec!["diagram", s, "--out", "/dev/full"],
    ] {
        let out = failsim().args(&args).output().unwrap();
        assert_refused(
            &out,
            &["error: /dev/full: cannot write: No space left on device (os error 28)"],
        );
    }
}
