//! Helpers shared by the integration tests.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::PathBuf;

/// The failsim binary, with colours off.
pub fn failsim() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("failsim"));
    c.env("NO_COLOR", "1");
    c
}

/// A temporary folder holding one scenario file; kept alive by the guard.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn fixture(name: &str, text: &str) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write fixture");
    Fixture { dir, path }
}

/// A small one-region world: the head of a scenario, to which tests append
/// nodes, replication, backups and events.
pub const WORLD: &str = r#"
name = "test"
seed = 7
trials = 200
horizon = "30d"

[workload]
writes_per_sec = 100
write_size = "1KB"
data_size = "10GB"
history = "30d"

[[regions]]
name = "east"
zones = ["east-a", "east-b", "east-c"]

[[regions]]
name = "west"
zones = ["west-a"]

[[network.links]]
between = ["east", "west"]
rtt = "70ms"
"#;

pub const PRIMARY: &str = r#"
[[database.nodes]]
name = "db1"
zone = "east-a"
role = "primary"
"#;

pub const REPLICA: &str = r#"
[[database.nodes]]
name = "db2"
zone = "east-b"
role = "replica"
"#;

/// Runs `cmd`, asserts it exits 0 (its standard error in the message if
/// not), and returns its output.
pub fn expect_success(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs `cmd`, asserts it exits 0, and parses its standard output as JSON.
pub fn expect_json(cmd: &mut Command) -> serde_json::Value {
    let out = expect_success(cmd);
    serde_json::from_slice(&out.stdout).expect("valid JSON on standard output")
}

/// Runs `cmd`, asserts it exits 2 (the user's input is wrong), and returns
/// its standard error.
pub fn expect_exit_2(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(2),
        "exit status of {cmd:?}; stderr: {stderr}"
    );
    stderr
}

/// Runs a scenario text and returns the parsed JSON results.
pub fn run_json(text: &str, extra: &[&str]) -> serde_json::Value {
    let f = fixture("s.toml", text);
    expect_json(
        failsim()
            .arg("run")
            .arg(&f.path)
            .args(["--json", "-", "--quiet"])
            .args(extra),
    )
}

/// The first strategy's entry of a results document.
pub fn first(v: &serde_json::Value) -> &serde_json::Value {
    &v["strategies"][0]
}

pub fn metric(v: &serde_json::Value, name: &str, stat: &str) -> f64 {
    first(v)["metrics"][name][stat].as_f64().expect("number")
}
