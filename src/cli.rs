//! The command line: clap definitions only. Nothing here runs a
//! simulation; [`crate::app`] turns these into work.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  failsim run                              the built-in e-commerce scenario
  failsim run scenarios/ecommerce.toml --trials 10000 --json results.json
  failsim compare --strategies none,backup-only,async,sync,async+backup
  failsim sweep scenarios/ecommerce.toml --set replication.lag=100ms,1s,10s
  failsim report --trials 1000             charts and a report in reports/ecommerce/
  failsim validate scenarios/*.toml
  cat my.toml | failsim run -              a scenario on standard input
  failsim completions bash > ~/.local/share/bash-completion/completions/failsim

Exit status: 0 success, 1 internal error, 2 invalid input (scenario or arguments).";

#[derive(Debug, Parser)]
#[command(
    name = "failsim",
    version,
    about = "Simulates the failures that hit a web application's data tier, and measures what users lose.",
    long_about = "failsim simulates crashes, disk losses, zone and region outages, partitions, accidental deletes \
and bad migrations against a scenario's API servers, databases, replication and backups, and measures \
lost acknowledged writes (RPO), time down (RTO) and availability.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario as written.
    Run(RunArgs),
    /// Simulate the same trials under several strategies, side by side.
    Compare(CompareArgs),
    /// Move one or more knobs over values and see how the metrics follow.
    Sweep(SweepArgs),
    /// Combine the partial results of `--shard` runs into the whole run.
    Merge(MergeArgs),
    /// Compare strategies and write charts and a report (HTML, Markdown, JSON).
    Report(ReportArgs),
    /// Check scenario files without simulating.
    Validate(ValidateArgs),
    /// Read a Flyway folder or a Liquibase SQL changelog and classify each migration.
    Migrations(MigrationsArgs),
    /// List the built-in scenarios, the lesson each teaches and the command that shows it.
    Lessons,
    /// Tell one trial as a story in plain English, with its numbers.
    Explain(ExplainArgs),
    /// Mermaid diagrams of the topology and the write path, as Markdown.
    Diagram(DiagramArgs),
    /// A live playground in the browser: move a knob, see what it changes.
    Serve(ServeArgs),
    /// Print a shell completion script (bash, zsh, fish or powershell) to standard output.
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to standard output: `failsim man | man -l -`.
    Man,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Install (one of):
  failsim completions bash > ~/.local/share/bash-completion/completions/failsim
  failsim completions zsh > ~/.zfunc/_failsim      (with fpath+=~/.zfunc before compinit)
  failsim completions fish > ~/.config/fish/completions/failsim.fish
  failsim completions powershell >> $PROFILE")]
pub struct CompletionsArgs {
    /// The shell to write the script for.
    pub shell: clap_complete::Shell,
}

/// The format of a scenario read from standard input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Toml,
    Json,
}

/// The table of results written to files, beside the terminal's.
#[derive(Debug, Args, Clone, Default)]
pub struct Exports {
    /// Also write one CSV row per strategy and metric to PATH (`-` for standard output).
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,
    /// Also write the table as Markdown to PATH (`-` for standard output).
    #[arg(long, visible_alias = "md", value_name = "PATH")]
    pub markdown: Option<PathBuf>,
}

/// Flags every simulating command shares.
#[derive(Debug, Args, Clone)]
pub struct Common {
    /// Master seed; overrides the scenario's `seed`.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Number of trials (simulated horizons); overrides the scenario's `trials`.
    #[arg(long)]
    pub trials: Option<u64>,
    /// Write the results as JSON to PATH (`-` for standard output).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Run only share I of N of the trials (e.g. 2/8) and write partial
    /// results for `failsim merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// No progress bar and no table.
    #[arg(long, short)]
    pub quiet: bool,
    /// Format of a scenario read from standard input (`-`); default: JSON if it starts with `{`, else TOML.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (.toml or .json), `-` for standard input, or built-in name; default: the built-in e-commerce shop.
    pub scenario: Option<String>,
    #[command(flatten)]
    pub exports: Exports,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario file (.toml or .json), `-` for standard input, or built-in name; default: the built-in e-commerce shop.
    pub scenario: Option<String>,
    /// Comma-separated strategies (default: none,backup-only,async,semi-sync,sync,delayed,async+backup).
    /// Bases: none, backup-only, async, semi-sync, sync, delayed; modifiers: +backup, +pitr, +delayed;
    /// presets: backup-and-restore, pilot-light, warm-standby, hot-standby, active-active.
    #[arg(long, value_delimiter = ',')]
    pub strategies: Option<Vec<String>>,
    #[command(flatten)]
    pub exports: Exports,
    #[command(flatten)]
    pub common: Common,
}

// `--shard` is shared through `Common` but refused here (every point needs
// all its trials): hidden from the help, and refused with a reason if given.
#[derive(Debug, Args)]
#[command(mut_arg("shard", |a| a.hide(true)))]
pub struct SweepArgs {
    /// Scenario file (.toml or .json), `-` for standard input, or built-in name.
    pub scenario: String,
    /// A field path and the values to try, e.g. replication.lag=100ms,1s,10s. Repeat for a grid.
    #[arg(long = "set", value_name = "PATH=V1,V2,...", required = true)]
    pub set: Vec<String>,
    /// Strategies to run at each point (default: the scenario as written).
    #[arg(long, value_delimiter = ',')]
    pub strategies: Option<Vec<String>>,
    /// Also write charts of each metric against each knob, and a report, into the folder DIR.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub exports: Exports,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Partial result files written by `--shard I/N` runs.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Write the merged results as JSON to PATH (`-` for standard output).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// No table.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct MigrationsArgs {
    /// A Flyway folder (V1__init.sql, ...) or a Liquibase formatted-SQL changelog file.
    pub path: PathBuf,
    // The help text is given as an attribute: in a doc comment, rustdoc
    // would read `[[migrations]]` as a link.
    #[arg(
        long,
        value_name = "PATH",
        help = "Write the migrations as [[migrations]] entries for a scenario to PATH (`-` for standard output)"
    )]
    pub toml: Option<PathBuf>,
    /// Simulated time at which the first migration runs (with --toml).
    #[arg(long, default_value = "30d")]
    pub start: String,
    /// Simulated time between migrations (with --toml).
    #[arg(long, default_value = "1d")]
    pub spacing: String,
    /// Write the classification as JSON to PATH (`-` for standard output).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files to check.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  failsim explain                                  the most eventful year of the e-commerce shop
  failsim explain --strategy sync                  the same year with a sync replica
  failsim explain scenarios/ecommerce.toml --trial 7 --json story.json")]
pub struct ExplainArgs {
    /// Scenario file (.toml or .json), `-` for standard input, or built-in name; default: the built-in e-commerce shop.
    pub scenario: Option<String>,
    /// The trial to tell (default: the most eventful of the scenario's trials).
    #[arg(long, value_name = "K")]
    pub trial: Option<u64>,
    /// Tell the trial under this strategy (default: the scenario as written).
    #[arg(long, value_name = "S")]
    pub strategy: Option<String>,
    /// Master seed; overrides the scenario's `seed`.
    #[arg(long)]
    pub seed: Option<u64>,
    /// How many trials to search for the most eventful one (default: the scenario's `trials`).
    #[arg(long)]
    pub trials: Option<u64>,
    /// Also write the events, the story and the trial's totals as JSON to PATH (`-`: standard output only).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  failsim diagram                                  the e-commerce shop as written
  failsim diagram --strategy hot-standby --out hot-standby.md")]
pub struct DiagramArgs {
    /// Scenario file (.toml or .json), `-` for standard input, or built-in name; default: the built-in e-commerce shop.
    pub scenario: Option<String>,
    /// Draw the scenario under this strategy (default: the scenario as written).
    #[arg(long, value_name = "S")]
    pub strategy: Option<String>,
    /// Write the Markdown to PATH instead of standard output.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

/// `failsim report`: the same run as `compare`, written as a folder of
/// charts and a report. `--json PATH` also writes the results there;
/// `--shard` does not apply (a report needs every trial): hidden from the
/// help, and refused with a reason if given.
#[derive(Debug, Args)]
#[command(mut_arg("shard", |a| a.hide(true)))]
pub struct ReportArgs {
    /// Scenario file (.toml or .json), `-` for standard input, or built-in name; default: the built-in e-commerce shop.
    pub scenario: Option<String>,
    /// Comma-separated strategies, as for `compare` (default: none,backup-only,async,semi-sync,sync,delayed,async+backup).
    #[arg(long, value_delimiter = ',')]
    pub strategies: Option<Vec<String>>,
    // As an attribute: in a doc comment, rustdoc would read `<scenario
    // name>` as an HTML tag.
    #[arg(
        long,
        value_name = "DIR",
        help = "Folder to write the report into (default: reports/<scenario name>). An existing report there is \
                replaced only once the new one is complete; a folder holding other files is refused"
    )]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  failsim serve                                    the e-commerce shop on http://127.0.0.1:7878/
  failsim serve scenarios/failover.toml --port 0   any free port (the address is printed)")]
pub struct ServeArgs {
    /// Scenario file (.toml or .json) or built-in name; default: the built-in e-commerce shop.
    pub scenario: Option<String>,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 7878)]
    pub port: u16,
    /// Address to listen on: loopback by default, so only this machine can reach it.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Open the page in the desktop's browser.
    #[arg(long)]
    pub open: bool,
}
