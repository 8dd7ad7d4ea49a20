//! Wiring: command-line arguments in, files and terminal out. The only
//! module that touches standard output, standard error and the file system
//! on the user's behalf.

use crate::cli::{
    Cli, Command, Common, CompareArgs, Exports, MergeArgs, RunArgs, SweepArgs, ValidateArgs,
};
use crate::error::{Error, Result};
use crate::knob::{self, parse_set, set_raw};
use crate::library;
use crate::montecarlo::{self, Arm};
use crate::output;
use crate::output::tables::Printed;
use crate::results::{self, RunResults, SweepPoint, SweepResults};
use crate::scenario::{self, Format, Scenario, validate::check_run_size};
use crate::shard;
use crate::strategy;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;

pub use crate::error::UserError;

fn user(msg: impl Into<String>) -> Error {
    Error::user(msg)
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(a) => cmd_run(a),
        Command::Compare(a) => cmd_compare(a),
        Command::Sweep(a) => cmd_sweep(a),
        Command::Merge(a) => cmd_merge(a),
        Command::Report(a) => cmd_report(a),
        Command::Validate(a) => cmd_validate(a),
        Command::Migrations(a) => cmd_migrations(a),
        Command::Lessons => cmd_lessons(),
        Command::Explain(a) => cmd_explain(a),
        Command::Diagram(a) => cmd_diagram(a),
        Command::Serve(a) => cmd_serve(a),
        Command::Completions(a) => extras::completions(a.shell),
        Command::Man => extras::man(),
    }
}

mod extras;
mod source;

pub use source::{Loaded, STDIN_LABEL, load, load_as};

/// The most worker threads `--threads` accepts: each costs a stack and
/// per-thread buffers (about 240 KB), and more than the machine's cores
/// only add memory (docs/scaling.md).
pub const THREADS_MAX: usize = 256;

fn apply_common(sc: &mut Scenario, c: &Common) -> Result<()> {
    if let Some(s) = c.seed {
        sc.seed = s;
    }
    if let Some(t) = c.trials {
        if t == 0 {
            return Err(user("--trials must be at least 1"));
        }
        if let Err(e) = check_run_size(t, sc.horizon) {
            return Err(user(format!("--trials: {e}")));
        }
        sc.trials = t;
    }
    if let Some(n) = c.threads {
        if n == 0 || n > THREADS_MAX {
            return Err(user(format!(
                "--threads {n}: give 1 to {THREADS_MAX} (results do not depend on it; more threads than cores only cost memory)"
            )));
        }
        // Ignore the error of a second initialization (tests call run twice).
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    if let Some(p) = &c.json {
        output::check_writable(p)?;
    }
    Ok(())
}

/// The trials a process runs, and which shard (I, N) they are, if any.
type ShardPlan = (std::ops::Range<u64>, Option<(u64, u64)>);

/// Shard `I/N`: the trial range this process runs, 0 <= I < N.
fn shard_range(spec: Option<&str>, trials: u64) -> Result<ShardPlan> {
    let Some(spec) = spec else {
        return Ok((0..trials, None));
    };
    let bad = || {
        user(format!(
            "--shard `{spec}`: write I/N with 0 <= I < N, e.g. --shard 0/8 for the first of eight shards"
        ))
    };
    let (i, n) = spec.split_once('/').ok_or_else(bad)?;
    let (i, n): (u64, u64) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i >= n {
        return Err(bad());
    }
    if n > trials {
        return Err(user(format!(
            "--shard {spec}: more shards than trials ({trials})"
        )));
    }
    let start = trials * i / n;
    let end = trials * (i + 1) / n;
    Ok((start..end, Some((i, n))))
}

fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    // `wide_bar` takes what the line leaves of the terminal's width, so the
    // line never wraps; the rate is whole trials a second, grouped.
    pb.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed} {wide_bar} {human_pos}/{human_len} trials, {rate}, ETA {eta}",
        )
        .expect("valid template")
        .with_key(
            "rate",
            |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&rate_text(s.per_sec()));
            },
        ),
    );
    pb
}

/// A progress bar's rate: `12,876 trials/s`.
pub fn rate_text(per_sec: f64) -> String {
    let whole = if per_sec.is_finite() && per_sec > 0.0 {
        per_sec.round() as u64
    } else {
        0
    };
    format!("{} trials/s", crate::format::format_count(whole))
}

pub use crate::shard::{PARTIAL_KIND, Partial};

/// Simulates every arm and writes what was asked for.
fn simulate(
    loaded: &Loaded,
    arms: &[Arm],
    common: &Common,
    exports: &Exports,
    printed: fn(&RunResults) -> Printed,
) -> Result<Option<RunResults>> {
    let sc = &loaded.scenario;
    let (range, shard) = shard_range(common.shard.as_deref(), sc.trials)?;
    if shard.is_some() && common.json.is_none() {
        return Err(user(
            "--shard writes partial results: give --json PATH for them",
        ));
    }
    let pb = progress_bar(
        (range.end - range.start) * arms.len() as u64 / arms.len().max(1) as u64,
        common.quiet,
    );
    let partials = montecarlo::run(arms, sc.seed, range.clone(), &|n| pb.inc(n))?;
    pb.finish_and_clear();
    if let Some(shard) = shard {
        let mut header = results::build(sc, sc.seed, sc.trials, &[]);
        header.strategies.clear();
        let part = Partial {
            kind: PARTIAL_KIND.into(),
            version: results::VERSION.into(),
            scenario_digest: shard::digest(&loaded.text, arms),
            text_digest: shard::text_digest(&loaded.text),
            shard,
            trial_range: (range.start, range.end),
            header,
            horizon_us: sc.horizon,
            policy: sc.policy.clone(),
            partials,
        };
        let path = common.json.clone().ok_or_else(|| {
            Error::internal("writing a shard", "--shard without --json is refused above")
        })?;
        output::write_atomic(&path, &output::to_json(&part))?;
        if !common.quiet {
            output::eprint(&format!(
                "shard {}/{}: trials {}..{} written to {}; combine all shards with `failsim merge`\n",
                shard.0,
                shard.1,
                range.start,
                range.end,
                path.display()
            ));
        }
        return Ok(None);
    }
    let r = results::build(sc, sc.seed, sc.trials, &partials);
    if let Some(path) = &common.json {
        output::write_atomic(path, &output::to_json(&r))?;
    }
    let table = printed(&r);
    if let Some(p) = &exports.csv {
        output::write_atomic(p, output::csv(&r).as_bytes())?;
    }
    if let Some(p) = &exports.markdown {
        output::write_atomic(p, table.markdown().as_bytes())?;
    }
    if !common.quiet && !data_on_stdout(common, exports) {
        output::print(&table.text(output::layout::width()))?;
    }
    Ok(Some(r))
}

/// Whether an output flag sends data to standard output: then no table is
/// printed there, so what arrives is the data alone.
fn data_on_stdout(common: &Common, exports: &Exports) -> bool {
    [&common.json, &exports.csv, &exports.markdown]
        .iter()
        .any(|p| output::is_stdout(p.as_deref()))
}

/// Refuses, before any work, exports that cannot be written, that go to
/// one place twice, or that a shard cannot give.
fn check_exports(common: &Common, exports: &Exports) -> Result<()> {
    for (flag, p) in [("--csv", &exports.csv), ("--markdown", &exports.markdown)] {
        if let Some(p) = p {
            output::check_writable(p)?;
            if common.shard.is_some() {
                return Err(user(format!(
                    "{flag} does not apply with --shard: a shard writes partial results as JSON; merge them with `failsim merge --json`"
                )));
            }
        }
    }
    output::check_distinct(&[
        ("--json", common.json.as_deref()),
        ("--csv", exports.csv.as_deref()),
        ("--markdown", exports.markdown.as_deref()),
    ])?;
    Ok(())
}

fn cmd_run(a: RunArgs) -> Result<()> {
    let mut loaded = load_as(a.scenario.as_deref(), a.common.format)?;
    apply_common(&mut loaded.scenario, &a.common)?;
    check_exports(&a.common, &a.exports)?;
    let arms = vec![Arm {
        name: strategy::own_name(&loaded.scenario),
        scenario: loaded.scenario.clone(),
    }];
    simulate(
        &loaded,
        &arms,
        &a.common,
        &a.exports,
        output::tables::run_printed,
    )?;
    Ok(())
}

/// Builds one arm per strategy name.
pub fn arms_for(sc: &Scenario, names: &[String]) -> Result<Vec<Arm>> {
    let mut arms = Vec::new();
    for n in names {
        let n = n.trim();
        if arms.iter().any(|a: &Arm| a.name == n) {
            return Err(user(format!("strategy `{n}` is listed twice")));
        }
        arms.push(Arm {
            name: n.to_string(),
            scenario: strategy::apply(sc, n)?,
        });
    }
    if arms.is_empty() {
        return Err(user("--strategies needs at least one strategy"));
    }
    Ok(arms)
}

fn cmd_compare(a: CompareArgs) -> Result<()> {
    let mut loaded = load_as(a.scenario.as_deref(), a.common.format)?;
    apply_common(&mut loaded.scenario, &a.common)?;
    let names: Vec<String> = a.strategies.clone().unwrap_or_else(|| {
        strategy::DEFAULT_SET
            .iter()
            .map(|s| s.to_string())
            .collect()
    });
    let arms = arms_for(&loaded.scenario, &names)?;
    check_exports(&a.common, &a.exports)?;
    simulate(
        &loaded,
        &arms,
        &a.common,
        &a.exports,
        output::tables::compare_printed,
    )?;
    Ok(())
}

fn cmd_merge(a: MergeArgs) -> Result<()> {
    if let Some(p) = &a.json {
        output::check_writable(p)?;
    }
    let r = shard::merge_files(&a.parts)?;
    if let Some(path) = &a.json {
        output::write_atomic(path, &output::to_json(&r))?;
    }
    if !a.quiet && a.json.as_deref().is_none_or(|p| p.as_os_str() != "-") {
        let table = if r.strategies.len() == 1 {
            output::run_table(&r)
        } else {
            output::compare_table(&r)
        };
        output::print(&table)?;
    }
    Ok(())
}

fn cmd_migrations(a: crate::cli::MigrationsArgs) -> Result<()> {
    let duration = |flag: &str, v: &str| -> Result<std::time::Duration> {
        crate::units::parse_duration(v)
            .map(|d| std::time::Duration::from_micros(d.0))
            .map_err(|e| user(format!("--{flag}: {e}")))
    };
    let (start, spacing) = (
        duration("start", &a.start)?,
        duration("spacing", &a.spacing)?,
    );
    for p in [&a.toml, &a.json].into_iter().flatten() {
        output::check_writable(p)?;
    }
    output::check_distinct(&[("--toml", a.toml.as_deref()), ("--json", a.json.as_deref())])?;
    let set = crate::migrations::read_path(&a.path)?;
    if a.toml.is_some() {
        check_migration_times(&a.start, start, &a.spacing, spacing, set.migrations.len())?;
    }
    if let Some(p) = &a.toml {
        output::write_atomic(
            p,
            crate::migrations::to_scenario_toml(&set, start, spacing).as_bytes(),
        )?;
    }
    if let Some(p) = &a.json {
        output::write_atomic(p, &output::to_json(&set))?;
    }
    let to_stdout = |p: &Option<std::path::PathBuf>| output::is_stdout(p.as_deref());
    if !to_stdout(&a.toml) && !to_stdout(&a.json) {
        output::print(&crate::migrations::render_text(&set))?;
    }
    Ok(())
}

/// Refuses `--start` and `--spacing` that put a migration past the
/// longest horizon a scenario accepts: its `at` would be refused.
fn check_migration_times(
    start_arg: &str,
    start: std::time::Duration,
    spacing_arg: &str,
    spacing: std::time::Duration,
    count: usize,
) -> Result<()> {
    use crate::scenario::validate::HORIZON_MAX;
    let steps = count.saturating_sub(1) as u128;
    let last = start.as_micros() + spacing.as_micros() * steps;
    if last >= u128::from(HORIZON_MAX) {
        let flags = if steps > 0 && spacing.as_micros() > 0 {
            format!("--start {start_arg} --spacing {spacing_arg}")
        } else {
            format!("--start {start_arg}")
        };
        let year = u128::from(crate::units::YEAR);
        return Err(user(format!(
            "{flags}: the last of {count} migrations would run {} simulated years in, at or past the longest horizon a scenario accepts ({}y); use a smaller --start or --spacing",
            last / year,
            u128::from(HORIZON_MAX) / year
        )));
    }
    Ok(())
}

fn cmd_validate(a: ValidateArgs) -> Result<()> {
    let mut failed = 0;
    for f in &a.files {
        match scenario::load(f) {
            Ok(sc) => output::print(&format!(
                "{}: ok ({}: {} regions, {} database nodes, {} scheduled events)\n",
                f.display(),
                sc.name,
                sc.regions.len(),
                sc.nodes.len(),
                sc.events.len()
            ))?,
            Err(e) => {
                output::eprint(&format!("{e}\n"));
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(user(format!(
            "{failed} of {} files are invalid",
            a.files.len()
        )));
    }
    Ok(())
}

// ----- sweep ---------------------------------------------------------------

fn cmd_sweep(a: SweepArgs) -> Result<()> {
    let loaded = load_as(Some(&a.scenario), a.common.format)?;
    if a.common.shard.is_some() {
        return Err(user("--shard applies to run and compare, not sweep"));
    }
    check_exports(&a.common, &a.exports)?;
    if let Some(dir) = &a.out {
        crate::report::check_out_dir(dir)?;
        check_outside(a.common.json.as_deref(), dir)?;
    }
    let knobs: Vec<(String, Vec<String>)> =
        a.set.iter().map(|s| parse_set(s)).collect::<Result<_>>()?;
    let points: usize = knobs.iter().map(|k| k.1.len()).product();
    if points > 10_000 {
        return Err(user(format!(
            "the grid has {points} points; at most 10,000 are allowed"
        )));
    }
    let mut probe = loaded.scenario.clone();
    apply_common(&mut probe, &a.common)?;
    // Every combination, first knob slowest.
    let mut combos: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for (path, values) in &knobs {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                values.iter().map(move |v| {
                    let mut c = c.clone();
                    c.push((path.clone(), v.clone()));
                    c
                })
            })
            .collect();
    }
    // Every point is built and checked before any is simulated: a bad value
    // at the last point is refused at once, not after the others ran.
    let mut planned = Vec::new();
    for combo in &combos {
        let mut raw = loaded.raw.clone();
        for (path, value) in combo {
            raw = set_raw(&raw, path, value, &loaded.label)?;
        }
        let label: Vec<String> = combo.iter().map(|(p, v)| format!("{p}={v}")).collect();
        let file = format!("{} with --set {}", loaded.label, label.join(" "));
        // The file validated as written, so every problem is the knobs'.
        let mut sc = scenario::check(&raw, "", &file, Format::Json).map_err(knob::unplaced)?;
        apply_common(&mut sc, &a.common)?;
        let arms = match &a.strategies {
            Some(names) => arms_for(&sc, names)?,
            None => vec![Arm {
                name: strategy::own_name(&sc),
                scenario: sc.clone(),
            }],
        };
        planned.push((combo, sc, arms));
    }
    let mut out = Vec::new();
    for (combo, sc, arms) in planned {
        let pb = progress_bar(sc.trials, a.common.quiet);
        let partials = montecarlo::run(&arms, sc.seed, 0..sc.trials, &|n| pb.inc(n))?;
        pb.finish_and_clear();
        out.push(SweepPoint {
            settings: combo.iter().cloned().collect(),
            results: results::build(&sc, sc.seed, sc.trials, &partials),
        });
    }
    let r = SweepResults {
        version: results::VERSION.into(),
        scenario: loaded.scenario.name.clone(),
        knobs: knobs.iter().map(|k| k.0.clone()).collect(),
        points: out,
    };
    if let Some(p) = &a.common.json {
        output::write_atomic(p, &output::to_json(&r))?;
    }
    let table = output::tables::sweep_printed(&r);
    if let Some(p) = &a.exports.csv {
        output::write_atomic(p, output::sweep_csv(&r).as_bytes())?;
    }
    if let Some(p) = &a.exports.markdown {
        output::write_atomic(p, table.markdown().as_bytes())?;
    }
    if !a.common.quiet && !data_on_stdout(&a.common, &a.exports) {
        output::print(&table.text(output::layout::width()))?;
    }
    if let Some(dir) = &a.out {
        write_sweep_report(&a, &loaded, &r, dir)?;
    }
    Ok(())
}

// ----- report --------------------------------------------------------------

/// A scenario name made safe as one folder name.
fn folder_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('.').to_string();
    if s.is_empty() { "scenario".into() } else { s }
}

/// Refuses `--json` into the `--out` folder: the folder is replaced whole,
/// and a file there that a report does not write blocks the next report.
fn check_outside(json: Option<&Path>, dir: &Path) -> Result<()> {
    let Some(json) = json.filter(|p| p.as_os_str() != "-") else {
        return Ok(());
    };
    let parent = match json.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let same = |a: &Path, b: &Path| match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    // The folder itself too: the report would take its place first.
    if same(parent, dir) || same(json, dir) {
        return Err(user(format!(
            "--json {}: at or inside the --out folder {}, which the report replaces whole; write the JSON elsewhere \
             (the folder holds the numbers as JSON already)",
            json.display(),
            dir.display()
        )));
    }
    Ok(())
}

fn cmd_report(a: crate::cli::ReportArgs) -> Result<()> {
    if a.common.shard.is_some() {
        return Err(user(
            "--shard applies to run and compare; a report needs every trial in one run",
        ));
    }
    let mut loaded = load_as(a.scenario.as_deref(), a.common.format)?;
    apply_common(&mut loaded.scenario, &a.common)?;
    let names: Vec<String> = a.strategies.clone().unwrap_or_else(|| {
        strategy::DEFAULT_SET
            .iter()
            .map(|s| s.to_string())
            .collect()
    });
    let arms = arms_for(&loaded.scenario, &names)?;
    let sc = &loaded.scenario;
    let dir = a
        .out
        .clone()
        .unwrap_or_else(|| Path::new("reports").join(folder_name(&sc.name)));
    crate::report::check_out_dir(&dir)?;
    check_outside(a.common.json.as_deref(), &dir)?;
    let mut command = String::from("failsim report");
    if let Some(s) = &a.scenario {
        command.push_str(&format!(" {s}"));
    }
    if let Some(s) = &a.strategies {
        command.push_str(&format!(" --strategies {}", s.join(",")));
    }
    command.push_str(&format!(" --seed {} --trials {}", sc.seed, sc.trials));
    let meta = crate::report::Meta {
        label: loaded.label.clone(),
        command,
    };
    let pb = progress_bar(sc.trials, a.common.quiet);
    let sim = crate::report::simulate(sc, &arms, &|n| pb.inc(n))?;
    pb.finish_and_clear();
    let report = crate::report::render(sc, &arms, &sim, &meta)
        .map_err(|e| Error::chart("drawing the report", e))?;
    crate::report::write_dir(&dir, &report.files)?;
    if let Some(p) = &a.common.json {
        output::write_atomic(p, &output::to_json(&sim.results))?;
    }
    let json_on_stdout = output::is_stdout(a.common.json.as_deref());
    if !a.common.quiet && !json_on_stdout {
        output::print(&output::compare_table(&sim.results))?;
        for f in &report.glance {
            output::print(&format!("{}\n", f.text))?;
        }
        // On standard error, as every "written to": standard output
        // carries results only.
        output::eprint(&format!(
            "report written to {} ({} files: report.html, report.md, results.json and the charts)\n",
            dir.display(),
            report.files.len()
        ));
    }
    Ok(())
}

fn write_sweep_report(a: &SweepArgs, loaded: &Loaded, r: &SweepResults, dir: &Path) -> Result<()> {
    let mut command = format!("failsim sweep {}", a.scenario);
    for s in &a.set {
        command.push_str(&format!(" --set {s}"));
    }
    if let Some(s) = &a.strategies {
        command.push_str(&format!(" --strategies {}", s.join(",")));
    }
    if let Some(s) = a.common.seed {
        command.push_str(&format!(" --seed {s}"));
    }
    if let Some(t) = a.common.trials {
        command.push_str(&format!(" --trials {t}"));
    }
    let meta = crate::report::Meta {
        label: loaded.label.clone(),
        command,
    };
    let files = crate::report::sweep::render(r, &meta)
        .map_err(|e| Error::chart("drawing the sweep's charts", e))?;
    crate::report::write_dir(dir, &files)?;
    let json_on_stdout = output::is_stdout(a.common.json.as_deref());
    if !a.common.quiet && !json_on_stdout {
        output::eprint(&format!(
            "sweep charts and report written to {}\n",
            dir.display()
        ));
    }
    Ok(())
}

// ----- lessons -------------------------------------------------------------

/// One line per built-in scenario: its name, the lesson it proves (the
/// scenario's own `lesson` field) and the command that shows it.
fn cmd_lessons() -> Result<()> {
    use std::fmt::Write as _;
    let mut out = String::from(
        "Built-in scenarios: run any of them by name, or copy scenarios/NAME.toml and edit it.\n",
    );
    for (name, text) in library::BUILTIN {
        let label = format!("scenarios/{name}.toml (built in)");
        // A built-in that does not parse is our bug, not the user's.
        let sc = scenario::parse(text, &label, Format::Toml)
            .map_err(|e| Error::internal(&format!("built-in scenario {name} is invalid"), e))?;
        let lesson = sc.lesson.as_deref().unwrap_or("(no lesson given)");
        let _ = write!(
            out,
            "\n{name}\n  {lesson}\n  $ {}\n",
            library::lesson_command(name)
        );
    }
    output::print(&out)?;
    Ok(())
}

// ----- explain and diagram ---------------------------------------------------

/// A scenario with a strategy applied (none: as written), and the name the
/// design goes by.
fn scenario_with_strategy(arg: Option<&str>, name: Option<&str>) -> Result<(Scenario, String)> {
    let sc = load(arg)?.scenario;
    match name.map(str::trim) {
        Some(n) => Ok((strategy::apply(&sc, n)?, n.to_string())),
        None => {
            let own = strategy::own_name(&sc);
            Ok((sc, own))
        }
    }
}

fn cmd_explain(a: crate::cli::ExplainArgs) -> Result<()> {
    use crate::explain;
    if let Some(p) = &a.json {
        output::check_writable(p)?;
    }
    let (mut sc, name) = scenario_with_strategy(a.scenario.as_deref(), a.strategy.as_deref())?;
    if let Some(s) = a.seed {
        sc.seed = s;
    }
    if let Some(t) = a.trials {
        if t == 0 {
            return Err(user("--trials must be at least 1"));
        }
        if let Err(e) = check_run_size(t, sc.horizon) {
            return Err(user(format!("--trials: {e}")));
        }
        sc.trials = t;
    }
    let (trial, chosen) = match a.trial {
        Some(k) => (k, "given".to_string()),
        None => {
            let arm = Arm {
                name: name.clone(),
                scenario: sc.clone(),
            };
            (
                montecarlo::most_eventful(&arm, sc.seed, 0..sc.trials),
                format!("most eventful of {}", sc.trials),
            )
        }
    };
    let engine = crate::sim::Engine::new(&sc);
    let outcome = engine.run_trial(sc.seed, trial, true);
    if engine.reached_cap(&outcome) {
        return Err(user(format!(
            "trial {trial} reached {} events before the horizon, the most one trial may take; the rest of it would be told as up. Its faults and repairs come too often for the horizon: make failures rarer, repairs longer, or the horizon shorter",
            crate::format::format_count(crate::sim::engine::EVENT_CAP)
        )));
    }
    let story = explain::narrate(&sc, &outcome, &name);
    let to_stdout = output::is_stdout(a.json.as_deref());
    if let Some(p) = &a.json {
        let doc = explain::explained(&sc, &outcome, &story, sc.seed, chosen.clone());
        output::write_atomic(p, &output::to_json(&doc))?;
    }
    if !to_stdout {
        let how = if a.trial.is_some() {
            String::new()
        } else {
            format!(", the {chosen} trials")
        };
        let title = format!(
            "Trial {trial} of {} under {name} (seed {}{how})",
            sc.name, sc.seed
        );
        output::print(&explain::to_text(&story, &title))?;
    }
    Ok(())
}

fn cmd_diagram(a: crate::cli::DiagramArgs) -> Result<()> {
    if let Some(p) = &a.out {
        output::check_writable(p)?;
    }
    let (sc, name) = scenario_with_strategy(a.scenario.as_deref(), a.strategy.as_deref())?;
    let md = crate::diagram::markdown(&sc, &name);
    match &a.out {
        Some(p) => output::write_atomic(p, md.as_bytes())?,
        None => output::print(&md)?,
    }
    Ok(())
}

fn cmd_serve(a: crate::cli::ServeArgs) -> Result<()> {
    let loaded = load(a.scenario.as_deref())?;
    let base = crate::serve::base(&loaded.label, &loaded.text, loaded.format)?;
    crate::serve::run(base, &a.bind, a.port, a.open)
}
