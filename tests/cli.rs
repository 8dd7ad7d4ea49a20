//! The command line as a user meets it: completions and the man page,
//! "did you mean", tables that fit 80 columns, exports, standard output
//! kept for results, and a scenario read from standard input.

mod common;

use clap::CommandFactory;
use common::failsim;
use std::io::Write;
use std::process::Output;

const ECOMMERCE: &str = include_str!("../scenarios/ecommerce.toml");

fn stdout_of(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr_of(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(args: &[&str], columns: &str) -> String {
    let o = failsim()
        .args(args)
        .env("COLUMNS", columns)
        .output()
        .unwrap();
    assert!(o.status.success(), "{args:?}: {}", stderr_of(&o));
    stdout_of(&o)
}

fn refused(args: &[&str]) -> String {
    let o = failsim().args(args).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout_of(&o));
    stderr_of(&o)
}

// ----- completions and the man page -------------------------------------------

fn shell_parses(shell: &str, check: &[&str]) {
    let script = ok(&["completions", shell], "80");
    assert!(script.contains("failsim"), "{script}");
    let Ok(status) = std::process::Command::new(check[0])
        .arg("--version")
        .output()
    else {
        eprintln!("skipped: {} is not installed", check[0]);
        return;
    };
    assert!(status.status.success());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("failsim.{shell}"));
    std::fs::write(&path, &script).unwrap();
    let o = std::process::Command::new(check[0])
        .args(&check[1..])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{shell} refuses the script: {}",
        stderr_of(&o)
    );
}

#[test]
fn the_bash_completion_script_parses() {
    shell_parses("bash", &["bash", "-n"]);
}

#[test]
fn the_zsh_completion_script_parses_if_zsh_is_installed() {
    shell_parses("zsh", &["zsh", "-n"]);
}

#[test]
fn the_fish_completion_script_parses_if_fish_is_installed() {
    shell_parses("fish", &["fish", "--no-execute"]);
}

#[test]
fn the_powershell_script_names_every_command() {
    let script = ok(&["completions", "powershell"], "80");
    for sub in failsim::cli::Cli::command().get_subcommands() {
        assert!(script.contains(sub.get_name()), "{}", sub.get_name());
    }
}

#[test]
fn the_man_page_is_roff_and_has_every_command() {
    let page = ok(&["man"], "80");
    assert!(page.starts_with(".ie") || page.starts_with(".TH"), "{page}");
    assert!(page.contains(".TH failsim 1"), "{page}");
    for sub in failsim::cli::Cli::command().get_subcommands() {
        let heading = format!(".SH \"FAILSIM {}\"", sub.get_name().to_uppercase());
        assert!(page.contains(&heading), "no section {heading}");
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                let flag = format!("\\-\\-{}", long.replace('-', "\\-"));
                assert!(page.contains(&flag), "{}: {flag} missing", sub.get_name());
            }
        }
    }
}

// ----- did you mean -----------------------------------------------------------

#[test]
fn a_mistyped_strategy_gets_the_nearest_name_and_the_full_list() {
    let err = refused(&["compare", "--strategies", "asycn,sync", "--trials", "10"]);
    assert!(err.contains("did you mean `async`?"), "{err}");
    assert!(err.contains("backup-only"), "the full list is kept: {err}");
    let err = refused(&["compare", "--strategies", "async+bakup", "--trials", "10"]);
    assert!(err.contains("did you mean `async+backup`?"), "{err}");
}

#[test]
fn a_mistyped_built_in_scenario_gets_the_nearest_name() {
    let err = refused(&["run", "ecommerse"]);
    assert!(err.contains("did you mean `ecommerce`?"), "{err}");
    assert!(err.contains("built in: "), "{err}");
}

#[test]
fn a_mistyped_scenario_field_gets_the_nearest_field() {
    let f = common::fixture("s.toml", &ECOMMERCE.replacen("trials =", "trails =", 1));
    let err = refused(&["run", f.path.to_str().unwrap()]);
    assert!(err.contains("unknown field `trails`"), "{err}");
    assert!(err.contains("help: did you mean `trials`?"), "{err}");
}

#[test]
fn a_mistyped_value_gets_the_nearest_value() {
    let err = refused(&[
        "sweep",
        "ecommerce",
        "--set",
        "failover.mode=automatc",
        "--trials",
        "10",
    ]);
    assert!(err.contains("did you mean `automatic`?"), "{err}");
}

#[test]
fn a_mistyped_set_path_gets_the_nearest_field() {
    let err = refused(&[
        "sweep",
        "ecommerce",
        "--set",
        "failover.mod=manual",
        "--trials",
        "10",
    ]);
    assert!(err.contains("unknown field `mod`"), "{err}");
    assert!(err.contains("did you mean `mode`?"), "{err}");
}

// ----- tables at 80 columns ---------------------------------------------------

/// The cells of the data rows of every table in `text`: value cells only
/// (`skip` key columns left out: their labels may wrap).
fn data_cells(text: &str, skip: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_body = false;
    for line in text.lines() {
        if line.starts_with('╞') {
            in_body = true;
            continue;
        }
        if line.starts_with('└') {
            in_body = false;
        }
        if in_body && line.starts_with('│') {
            let inner = line.trim_start_matches('│').trim_end_matches('│');
            for cell in inner.split('┆').skip(skip) {
                let cell = cell.trim();
                if cell.chars().any(|c| c.is_ascii_digit()) && !cell.contains(':') {
                    out.push(cell.to_string());
                }
            }
        }
    }
    out
}

fn fits(args: &[&str], skip: usize) {
    let wide = ok(args, "1000");
    let cells = data_cells(&wide, skip);
    assert!(cells.len() > 5, "{wide}");
    for columns in ["80", "60"] {
        let width: usize = columns.parse().unwrap();
        let narrow = ok(args, columns);
        for line in narrow.lines() {
            assert!(
                line.chars().count() <= width,
                "{args:?} at {width}: a line of {} characters:\n{narrow}",
                line.chars().count()
            );
        }
        for c in &cells {
            assert!(
                narrow.contains(c.as_str()),
                "{args:?} at {width}: `{c}` is split:\n{narrow}"
            );
        }
    }
}

#[test]
fn the_run_table_fits_80_columns_with_every_number_whole() {
    fits(&["run", "--trials", "200"], 1);
}

#[test]
fn the_compare_table_fits_80_columns_with_every_number_whole() {
    fits(&["compare", "--trials", "200"], 1);
}

#[test]
fn the_sweep_table_fits_80_columns_with_every_number_whole() {
    fits(
        &[
            "sweep",
            "ecommerce",
            "--set",
            "replication.lag=100ms,10s",
            "--set",
            "failover.mode=automatic,manual",
            "--strategies",
            "async,sync",
            "--trials",
            "100",
        ],
        0,
    );
}

#[test]
fn without_a_terminal_or_columns_tables_are_80_wide() {
    let o = failsim()
        .args(["compare", "--trials", "100"])
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    let text = stdout_of(&o);
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert!(text.lines().any(|l| l.chars().count() > 60), "{text}");
}

#[test]
fn the_progress_rate_is_whole_trials_a_second_grouped() {
    assert_eq!(failsim::app::rate_text(12_875.969_1), "12,876 trials/s");
    assert_eq!(failsim::app::rate_text(f64::NAN), "0 trials/s");
}

// ----- exports and standard output ----------------------------------------------

#[test]
fn run_and_sweep_write_csv_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    let md = dir.path().join("r.md");
    let out = ok(
        &[
            "run",
            "--trials",
            "50",
            "--csv",
            csv.to_str().unwrap(),
            "--md",
            md.to_str().unwrap(),
        ],
        "80",
    );
    assert!(out.contains("metric"), "the table is still printed: {out}");
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        csv_text.starts_with("strategy,metric,unit,mean,"),
        "{csv_text}"
    );
    assert!(csv_text.contains("async,lost_writes,"), "{csv_text}");
    let md_text = std::fs::read_to_string(&md).unwrap();
    assert!(md_text.contains("| metric | mean |"), "{md_text}");
    assert!(md_text.contains("|---|---:|"), "{md_text}");

    let csv = ok(
        &[
            "sweep",
            "ecommerce",
            "--set",
            "replication.lag=100ms,1s",
            "--trials",
            "30",
            "--csv",
            "-",
        ],
        "80",
    );
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("replication.lag,strategy,metric,unit,mean,ci95_low,ci95_high,p50,p95,p99,max")
    );
    assert!(
        lines.all(|l| l.starts_with("100ms,") || l.starts_with("1s,")),
        "{csv}"
    );
}

#[test]
fn data_on_standard_output_comes_alone() {
    let md = ok(&["compare", "--trials", "30", "--markdown", "-"], "80");
    assert!(!md.contains('┆'), "no terminal table in the data: {md}");
    assert!(md.contains("| metric | none |"), "{md}");
    let csv = ok(&["run", "--trials", "30", "--csv", "-"], "80");
    assert!(csv.starts_with("strategy,metric,"), "{csv}");
    let err = refused(&["run", "--trials", "30", "--csv", "-", "--md", "-"]);
    assert!(err.contains("given to both --csv and --markdown"), "{err}");
}

#[test]
fn written_to_messages_go_to_standard_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rep");
    let o = failsim()
        .args(["report", "--trials", "30", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert!(!stdout_of(&o).contains("written to"), "{}", stdout_of(&o));
    assert!(
        stderr_of(&o).contains("report written to"),
        "{}",
        stderr_of(&o)
    );
}

// ----- standard input -------------------------------------------------------------

fn with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("failsim"))
        .args(args)
        .env("COLUMNS", "80")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_scenario_is_read_from_standard_input_as_toml_or_json() {
    let toml = with_stdin(&["run", "-", "--trials", "30", "--json", "-"], ECOMMERCE);
    assert!(toml.status.success(), "{}", stderr_of(&toml));
    let value: serde_json::Value = toml::from_str(ECOMMERCE).unwrap();
    let json_text = serde_json::to_string(&value).unwrap();
    let json = with_stdin(&["run", "-", "--trials", "30", "--json", "-"], &json_text);
    assert!(json.status.success(), "{}", stderr_of(&json));
    assert_eq!(toml.stdout, json.stdout, "the same scenario either way");
    let forced = with_stdin(
        &[
            "run", "-", "--format", "json", "--trials", "30", "--json", "-",
        ],
        &json_text,
    );
    assert_eq!(forced.stdout, json.stdout);
    let err = refused(&["run", "ecommerce", "--format", "json"]);
    assert!(
        err.contains("--format applies to a scenario read from standard input"),
        "{err}"
    );
}

#[test]
fn errors_in_a_scenario_on_standard_input_name_stdin() {
    let o = with_stdin(
        &["run", "-"],
        &ECOMMERCE.replacen("trials =", "trails =", 1),
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr_of(&o);
    assert!(err.contains("<stdin>:"), "{err}");
    assert!(err.contains("did you mean `trials`?"), "{err}");
    let o = with_stdin(&["run", "-", "--format", "toml"], "{\"name\": 1}");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr_of(&o).starts_with("error: <stdin>"),
        "{}",
        stderr_of(&o)
    );
}

#[test]
fn standard_input_is_bounded_and_must_be_utf8() {
    let big = "a".repeat(16 * 1024 * 1024 + 10);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("failsim"))
        .args(["run", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // failsim may stop reading once past the limit: a broken pipe here is fine.
    let _ = child.stdin.take().unwrap().write_all(big.as_bytes());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr_of(&o).contains("<stdin>: standard input holds more than 16 MiB"),
        "{}",
        stderr_of(&o)
    );
    let o = with_stdin(&["run", "-"], "\u{feff}");
    assert_eq!(o.status.code(), Some(2), "{}", stderr_of(&o));
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("failsim"))
        .args(["run", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"\xff\xfe").unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr_of(&o).contains("<stdin>: standard input is not valid UTF-8 text"),
        "{}",
        stderr_of(&o)
    );
}

#[test]
fn markdown_with_a_shard_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("out.md");
    let part = dir.path().join("p.json");
    let err = refused(&[
        "run",
        "--md",
        md.to_str().unwrap(),
        "--shard",
        "0/2",
        "--json",
        part.to_str().unwrap(),
    ]);
    assert!(
        err.contains("--markdown does not apply with --shard"),
        "{err}"
    );
    assert!(!part.exists(), "refused before simulating");
}
