//! `failsim report`: the comparison of strategies as charts and a report
//! people would rather look at than read.
//!
//! ```text
//!   simulate ──▶ Simulated ──render──▶ Report { files: [ReportFile] } ──write_dir──▶ DIR/
//!   (trials,      (results,             (report.html, report.md,         (temp folder beside
//!    one story)    partials, story)      results.json, *.svg, *.png)      DIR, renamed in)
//! ```
//!
//! Everything but [`write_dir`] is pure: it returns the files' contents,
//! and nothing touches the disk until every file exists in memory. The
//! numbers come from the same run `failsim compare` makes with the same
//! arguments, and `results.json` holds exactly the bytes `compare --json`
//! writes; the findings quote fields of that file (see [`findings`]).
//!
//! docs/reports.md describes the files, the charts and the cost model.

pub mod cost;
pub mod doc;
mod figures;
pub mod findings;
pub mod html;
pub mod markdown;
pub mod sweep;
pub mod timeline;

use crate::charts::{Chart, ChartError};
use crate::format::{
    format_availability_nines, format_bytes_grouped, format_count_words, format_duration,
    format_grouped, format_nines, format_seconds_words, pct_table,
};
use crate::montecarlo::{self, Arm, StrategyPartial};
use crate::output::{self, OutputError};
use crate::results::{self, RunResults};
use crate::scenario::{Backups, FailoverMode, Recurring, Role, Scenario};
use crate::sim::Engine;
use crate::strategy;
use crate::units::{Micros, YEAR};
use doc::{Block, Doc, Inline, b, c, t};
use findings::Finding;
use std::collections::BTreeMap;
use std::path::Path;

pub use figures::{cdf_points, figures};
pub use timeline::Story;

/// The timeline shows the most eventful of at most this many first trials.
pub const STORY_SEARCH: u64 = 500;

/// What a report is made from: the run's results and partial sums, and
/// one trial told in full.
#[derive(Clone, Debug)]
pub struct Simulated {
    pub results: RunResults,
    pub partials: Vec<StrategyPartial>,
    pub story: Story,
}

/// Runs every arm over the scenario's trials (common random numbers, as
/// `compare` does), then finds the most eventful of the first
/// [`STORY_SEARCH`] trials of the scenario as written and runs it again
/// with recording on.
pub fn simulate(
    sc: &Scenario,
    arms: &[Arm],
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Simulated, crate::error::Error> {
    let partials = montecarlo::run(arms, sc.seed, 0..sc.trials, progress)?;
    let results = results::build(sc, sc.seed, sc.trials, &partials);
    let own = Arm {
        name: strategy::own_name(sc),
        scenario: sc.clone(),
    };
    let searched = sc.trials.min(STORY_SEARCH);
    let trial = montecarlo::most_eventful(&own, sc.seed, 0..searched);
    let outcome = Engine::new(sc).run_trial(sc.seed, trial, true);
    Ok(Simulated {
        results,
        partials,
        story: Story {
            strategy: own.name,
            trial,
            searched,
            outcome,
        },
    })
}

/// What the report says about where it came from.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    /// The scenario as the user named it (file path or built-in name).
    pub label: String,
    /// The command line that makes this report again.
    pub command: String,
}

/// One file of a report, by its path inside the report folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A rendered report: its files, and the findings it states.
#[derive(Clone, Debug)]
pub struct Report {
    pub files: Vec<ReportFile>,
    /// The two answers at the top: least data lost, least downtime.
    pub glance: Vec<Finding>,
    pub findings: Vec<Finding>,
}

/// A chart with its place in the report.
pub struct Figure {
    /// File name without extension.
    pub stem: String,
    pub title: String,
    /// How to read it (not what it shows: the findings say that).
    pub caption: String,
    pub chart: Chart,
}

/// Runs and renders in one call.
pub fn build(
    sc: &Scenario,
    arms: &[Arm],
    meta: &Meta,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Report, crate::error::Error> {
    render(sc, arms, &simulate(sc, arms, progress)?, meta)
        .map_err(|e| crate::error::Error::chart("drawing the report", e))
}

/// Every file of the report, in memory.
pub fn render(
    sc: &Scenario,
    arms: &[Arm],
    sim: &Simulated,
    meta: &Meta,
) -> Result<Report, ChartError> {
    let r = &sim.results;
    let figures = figures(sc, arms, sim)?;
    let glance = findings::at_a_glance(r);
    let all = findings::findings(r);
    let doc = document(sc, arms, sim, meta, &figures, &glance, &all);
    let files = bundle(&doc, figures, "results.json", output::to_json(r));
    Ok(Report {
        files,
        glance,
        findings: all,
    })
}

/// The files of a rendered document: the page, its Markdown twin, the
/// numbers as JSON, and every chart as SVG and PNG.
pub(crate) fn bundle(
    doc: &Doc,
    figures: Vec<Figure>,
    json_name: &str,
    json: Vec<u8>,
) -> Vec<ReportFile> {
    let charts: BTreeMap<String, &Chart> =
        figures.iter().map(|f| (f.stem.clone(), &f.chart)).collect();
    let mut files = vec![
        ReportFile {
            path: "report.html".into(),
            bytes: html::render(doc, &charts).into_bytes(),
        },
        ReportFile {
            path: "report.md".into(),
            bytes: markdown::render(doc).into_bytes(),
        },
        ReportFile {
            path: json_name.into(),
            bytes: json,
        },
    ];
    for f in figures {
        files.push(ReportFile {
            path: format!("{}.svg", f.stem),
            bytes: f.chart.svg.into_bytes(),
        });
        files.push(ReportFile {
            path: format!("{}.png", f.stem),
            bytes: f.chart.png,
        });
    }
    files
}

// ----- the document ----------------------------------------------------------

fn strategy_words(name: &str) -> String {
    let mut parts = name.split('+');
    let base = parts.next().unwrap_or_default();
    let mut out = strategy::CATALOG
        .iter()
        .find(|(n, _)| *n == base)
        .map(|(_, d)| d.to_string())
        .unwrap_or_default();
    for m in parts {
        out.push_str(match m {
            "backup" => "; plus the scenario's backups",
            "pitr" => "; plus backups with point-in-time recovery",
            "delayed" => "; plus a delayed replica",
            _ => "",
        });
    }
    out
}

/// "365d" for people: "one year", "30 days", "6 h".
fn horizon_words(h: Micros) -> String {
    if h == YEAR {
        "one year".into()
    } else {
        format_seconds_words(h as f64 / 1e6)
    }
}

fn fault_words(name: &str, r: &Recurring, per: &str) -> String {
    let mut s = format!(
        "{name}: one every {} on average{per}",
        format_seconds_words(r.time_to_failure.mean() / 1e6)
    );
    if let Some(d) = &r.duration {
        s.push_str(&format!(
            ", lasting {} on average",
            format_seconds_words(d.mean() / 1e6)
        ));
    }
    if r.destroys_data > 0.0 {
        s.push_str(&format!(
            ", destroying the data in {} of them",
            pct_table(r.destroys_data)
        ));
    }
    s
}

fn backup_words(sc: &Scenario, b: &Backups) -> String {
    let mut s = format!("full every {}", format_duration(b.full_every));
    if let Some(i) = b.incremental_every {
        s.push_str(&format!(", incremental every {}", format_duration(i)));
    }
    s.push_str(&format!(
        ", kept {}, stored in {}",
        format_duration(b.retention),
        sc.regions[b.region].name
    ));
    if !b.copy_to.is_empty() {
        let to: Vec<&str> = b
            .copy_to
            .iter()
            .map(|&r| sc.regions[r].name.as_str())
            .collect();
        s.push_str(&format!(" and copied to {}", to.join(", ")));
    }
    if b.log_archive.is_some() {
        s.push_str("; log archived for point-in-time recovery");
    }
    if b.corrupt > 0.0 {
        s.push_str(&format!(
            "; {} of backups silently corrupt",
            pct_table(b.corrupt)
        ));
    }
    s
}

fn scenario_items(sc: &Scenario, r: &RunResults, meta: &Meta) -> Vec<Vec<Inline>> {
    let noun = &sc.workload.write_noun;
    let mut items = vec![
        vec![
            b("Run:"),
            t(format!(
                " {} trials of {} each, seed {}, from ",
                format_grouped(r.trials as f64),
                horizon_words(sc.horizon),
                r.seed
            )),
            c(&meta.label),
            t("."),
        ],
        vec![
            b("Workload:"),
            t(format!(
                " {} {noun}s per second; {} of data.",
                format_grouped(sc.workload.writes_per_sec),
                format_bytes_grouped(sc.workload.data_size)
            )),
        ],
    ];
    let regions: Vec<String> = sc
        .regions
        .iter()
        .map(|reg| {
            let zones: Vec<&str> = reg
                .zones
                .iter()
                .map(|&z| sc.zones[z].name.as_str())
                .collect();
            format!("{} ({})", reg.name, zones.join(", "))
        })
        .collect();
    items.push(vec![b("Regions:"), t(format!(" {}.", regions.join("; ")))]);
    if let Some(api) = &sc.api {
        items.push(vec![
            b("API servers:"),
            t(format!(
                " {}, of which {} must be healthy to take writes.",
                api.servers.len(),
                api.min_healthy
            )),
        ]);
    }
    let nodes: Vec<String> = sc
        .nodes
        .iter()
        .map(|n| {
            let role = match n.role {
                Role::Primary => "primary".to_string(),
                Role::Replica => format!(
                    "{} replica, {}",
                    n.mode.name(),
                    if n.active { "active" } else { "standby" }
                ),
            };
            format!("{} ({role}, in {})", n.name, sc.zones[n.zone].name)
        })
        .collect();
    items.push(vec![b("Database:"), t(format!(" {}.", nodes.join("; ")))]);
    let failover = match sc.failover.mode {
        FailoverMode::Automatic => "automatic",
        FailoverMode::Manual => "manual (an operator decides)",
        FailoverMode::None => "none",
    };
    items.push(vec![
        b("Replication and failover:"),
        t(format!(
            " {} replication; {failover} failover{}.",
            sc.replication.mode.name(),
            if sc.failover.cross_region {
                ", across regions too"
            } else {
                ""
            }
        )),
    ]);
    items.push(vec![
        b("Backups:"),
        t(match &sc.backups {
            Some(bk) => format!(" {}.", backup_words(sc, bk)),
            None => " none.".into(),
        }),
    ]);
    let f = &sc.faults;
    let mut faults = Vec::new();
    let mut add = |name: &str, r: &Option<Recurring>, per: &str| {
        if let Some(r) = r {
            faults.push(fault_words(name, r, per));
        }
    };
    add("API server crash", &f.api_crash, " per server");
    add("database crash", &f.db_crash, " per node");
    add("disk loss", &f.disk_loss, " per disk");
    add("zone outage", &f.zone_outage, " per zone");
    add("region outage", &f.region_outage, " per region");
    add("network partition", &f.partition, " per pair of regions");
    add("accidental delete", &f.accidental_delete, "");
    if !faults.is_empty() {
        items.push(vec![b("Faults:"), t(format!(" {}.", faults.join("; ")))]);
    }
    if !sc.events.is_empty() || !sc.migrations.is_empty() {
        items.push(vec![
            b("Scheduled:"),
            t(format!(
                " {} fault(s) and {} schema migration(s) at fixed times.",
                sc.events.len(),
                sc.migrations.len()
            )),
        ]);
    }
    items
}

/// The comparison table: one row per metric, one column per strategy.
pub fn comparison_table(r: &RunResults) -> Block {
    let noun = &r.write_noun;
    let mut header = vec!["metric".to_string()];
    header.extend(r.strategies.iter().map(|s| s.strategy.clone()));
    type Cell = fn(&results::StrategyResult) -> String;
    let metrics: Vec<(String, Cell)> = vec![
        ("write latency added (ms)".into(), |s| {
            format_grouped(s.write_latency_added_ms)
        }),
        ("P(data loss) per trial".into(), |s| {
            pct_table(s.p_data_loss)
        }),
        (format!("lost {noun}s per year, mean"), |s| {
            format_count_words(s.lost_writes_per_year)
        }),
        (format!("lost {noun}s per trial, p99"), |s| {
            format_count_words(s.metrics.lost_writes.p99)
        }),
        (format!("lost {noun}s per trial, max"), |s| {
            format_count_words(s.metrics.lost_writes.max)
        }),
        ("RPO per incident, p99 (s)".into(), |s| {
            format_grouped(s.metrics.rpo_seconds.p99)
        }),
        ("RPO per incident, max (s)".into(), |s| {
            format_grouped(s.metrics.rpo_seconds.max)
        }),
        ("RTO per incident, p95 (s)".into(), |s| {
            format_grouped(s.metrics.rto_seconds.p95)
        }),
        ("RTO per incident, max (s)".into(), |s| {
            format_grouped(s.metrics.rto_seconds.max)
        }),
        ("downtime per year (min)".into(), |s| {
            format_grouped(s.downtime_minutes_per_year)
        }),
        ("availability (mean)".into(), |s| {
            format_availability_nines(s.metrics.availability.mean)
        }),
        ("nines".into(), |s| format_nines(s.availability_nines)),
        ("incidents".into(), |s| format_grouped(s.incidents as f64)),
    ];
    let mut rows: Vec<Vec<String>> = metrics
        .iter()
        .map(|(label, f)| {
            let mut row = vec![label.clone()];
            row.extend(r.strategies.iter().map(f));
            row
        })
        .collect();
    if r.strategies.iter().any(|s| s.policy.is_some()) {
        let mut row = vec!["policy".to_string()];
        row.extend(r.strategies.iter().map(|s| match &s.policy {
            Some(v) => {
                let breached: Vec<&str> = v
                    .iter()
                    .filter(|v| v.verdict == "breached")
                    .map(|v| v.disruption.name())
                    .collect();
                if breached.is_empty() {
                    "met".into()
                } else {
                    format!("breached: {}", breached.join(", "))
                }
            }
            None => "-".into(),
        }));
        rows.push(row);
    }
    Block::Table { header, rows }
}

fn document(
    sc: &Scenario,
    arms: &[Arm],
    sim: &Simulated,
    meta: &Meta,
    figures: &[Figure],
    glance: &[Finding],
    all: &[Finding],
) -> Doc {
    let r = &sim.results;
    let mut blocks = vec![
        Block::Heading("At a glance".into()),
        Block::Glance(glance.to_vec()),
    ];
    let mut intro = vec![];
    if !sc.description.is_empty() {
        intro.push(t(format!("{} ", sc.description)));
    }
    if let Some(lesson) = &sc.lesson {
        intro.push(t(format!("{lesson} ")));
    }
    intro.push(t(
        "Every strategy below saw the same faults at the same moments (common random numbers), so the differences come from \
         the strategy, not from luck.",
    ));
    blocks.push(Block::Heading("The scenario".into()));
    blocks.push(Block::Para(intro));
    blocks.push(Block::Bullets(scenario_items(sc, r, meta)));
    blocks.push(Block::Para(vec![t("Strategies compared:")]));
    blocks.push(Block::Bullets(
        arms.iter()
            .map(|a| vec![b(&a.name), t(format!(": {}.", strategy_words(&a.name)))])
            .collect(),
    ));
    blocks.push(Block::Heading("Comparison".into()));
    blocks.push(Block::Para(vec![t(
        "RPO and RTO are per incident; lost writes and downtime are per trial; availability is 1 - downtime / horizon.",
    )]));
    blocks.push(comparison_table(r));
    blocks.push(Block::Heading("Findings".into()));
    blocks.push(Block::Findings(all.to_vec()));
    blocks.push(Block::Heading("Charts".into()));
    for f in figures {
        blocks.push(Block::Figure {
            stem: f.stem.clone(),
            title: f.title.clone(),
            caption: f.caption.clone(),
        });
    }
    Doc {
        title: format!("failsim report: {}", r.scenario),
        subtitle: format!(
            "{} strategies, {} trials of {} each, seed {}",
            r.strategies.len(),
            format_grouped(r.trials as f64),
            horizon_words(sc.horizon),
            r.seed
        ),
        blocks,
        footer: vec![
            t(format!("Made by failsim {} with ", r.version)),
            c(&meta.command),
            t(
                ". The same command, scenario, seed and version give the same numbers; results.json beside this page holds them all.",
            ),
        ],
    }
}

// ----- writing ---------------------------------------------------------------

fn out_err(path: &Path, message: impl Into<String>) -> OutputError {
    OutputError {
        path: path.display().to_string(),
        message: message.into(),
        source: None,
    }
}

/// The file every report folder holds: it says failsim wrote the folder,
/// and names every file it wrote there. Only a folder whose every file is
/// named in it is replaced.
pub const MARKER: &str = ".failsim-report";

/// The files `failsim report` writes, by name: a folder written before
/// reports carried [`MARKER`] is replaced if it holds nothing else.
const REPORT_NAMES: &[&str] = &[
    "report.html",
    "report.md",
    "results.json",
    "rpo-by-strategy.svg",
    "rpo-by-strategy.png",
    "rto-by-strategy.svg",
    "rto-by-strategy.png",
    "tradeoff-latency.svg",
    "tradeoff-latency.png",
    "tradeoff-cost.svg",
    "tradeoff-cost.png",
    "downtime-cdf.svg",
    "downtime-cdf.png",
    "timeline.svg",
    "timeline.png",
];

fn marker_text(files: &[ReportFile]) -> String {
    let mut names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    names.sort_unstable();
    let mut out = String::from(
        "# Written by failsim. The next report written to this folder replaces it whole;\n\
         # a folder holding any file not listed here is refused, never deleted.\n",
    );
    for n in names {
        out.push_str(n);
        out.push('\n');
    }
    out
}

/// The file names a marker lists.
fn marker_names(text: &str) -> std::collections::BTreeSet<String> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Checks, before any work, that `dir` can take a report: it is absent,
/// empty, or holds nothing but a report failsim wrote: every file is named
/// in its [`MARKER`] (or, with no marker, is one `report` writes by name).
pub fn check_out_dir(dir: &Path) -> Result<(), OutputError> {
    if dir.as_os_str().is_empty() || dir.parent().is_none() {
        return Err(out_err(
            dir,
            "give a folder for the report, e.g. reports/mine",
        ));
    }
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(out_err(dir, format!("cannot read: {e}"))),
        Ok(m) if !m.is_dir() => Err(out_err(
            dir,
            "exists and is not a folder; give a folder for the report",
        )),
        Ok(_) => {
            let marker = dir.join(MARKER);
            let listed = match std::fs::symlink_metadata(&marker) {
                Ok(m) if m.is_file() => Some(marker_names(
                    &std::fs::read_to_string(&marker)
                        .map_err(|e| out_err(dir, format!("cannot read {MARKER}: {e}")))?,
                )),
                _ => None,
            };
            let entries =
                std::fs::read_dir(dir).map_err(|e| out_err(dir, format!("cannot read: {e}")))?;
            for entry in entries {
                let entry = entry.map_err(|e| out_err(dir, format!("cannot read: {e}")))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let is_file = entry.file_type().is_ok_and(|t| t.is_file());
                let ours = match &listed {
                    Some(names) => name == MARKER || names.contains(&name),
                    None => REPORT_NAMES.contains(&name.as_str()),
                };
                if !is_file || !ours {
                    return Err(out_err(
                        dir,
                        format!(
                            "holds `{name}`, which failsim did not write there; a folder is replaced only when it holds \
                             nothing but a previous report. Choose another --out or move it away"
                        ),
                    ));
                }
            }
            Ok(())
        }
    }
}

/// Removes the temporary folders that reports into `dir` left behind when
/// killed: named `.{name}.new-{pid}-...`, holding a [`MARKER`], and made by
/// a process that is gone. Anything else is left alone. Best effort: the
/// report being written does not depend on it.
fn remove_stale(parent: &Path, name: &str) {
    let prefix = format!(".{name}.new-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let Some(pid) = rest
            .split_once('-')
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let path = entry.path();
        let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        let marked = std::fs::symlink_metadata(path.join(MARKER)).is_ok_and(|m| m.is_file());
        if is_dir && marked && pid != std::process::id() && !alive(pid) {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Whether a process is running. Where that cannot be told (no /proc), it
/// is taken to be, so nothing is removed.
fn alive(pid: u32) -> bool {
    if !Path::new("/proc/self").exists() {
        return true;
    }
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Writes `files` as the folder `dir`, all or nothing.
///
/// The files go into a new temporary folder beside `dir` (same parent, so
/// the final rename stays on one file system), each synced to disk. Then,
/// if `dir` exists (it must hold nothing but a previous report; see
/// [`check_out_dir`]), it is renamed aside into a second temporary folder,
/// the new folder is renamed to `dir`, and the old one is deleted. If the
/// second rename fails, the old report is put back. On any error the
/// temporary folders are removed, so a failure leaves `dir` as it was and
/// nothing else behind. Between the two renames `dir` is briefly absent;
/// a crash exactly then leaves the old report in a hidden folder beside it.
/// The new folder holds [`MARKER`], written first; a temporary folder left
/// by a killed run is removed by the next run into the same `dir`.
pub fn write_dir(dir: &Path, files: &[ReportFile]) -> Result<(), OutputError> {
    check_out_dir(dir)?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent).map_err(|e| {
        out_err(
            dir,
            format!("cannot create the folder {}: {e}", parent.display()),
        )
    })?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    remove_stale(parent, &name);
    let prefix = format!(".{name}.new-{}-", std::process::id());
    let tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .tempdir_in(parent)
        .map_err(|e| out_err(dir, format!("cannot write in {}: {e}", parent.display())))?;
    // The marker goes in first, so that a folder left by a killed run is
    // recognisably failsim's (see `remove_stale`).
    std::fs::write(tmp.path().join(MARKER), marker_text(files))
        .map_err(|e| out_err(dir, format!("cannot write {MARKER}: {e}")))?;
    for f in files {
        let rel = Path::new(&f.path);
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(out_err(
                dir,
                format!("refusing to write `{}` outside the report", f.path),
            ));
        }
        let path = tmp.path().join(rel);
        let write = || -> std::io::Result<()> {
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p)?;
            }
            let mut file = std::fs::File::create(&path)?;
            std::io::Write::write_all(&mut file, &f.bytes)?;
            file.sync_all()
        };
        write().map_err(|e| out_err(dir, format!("cannot write {}: {e}", f.path)))?;
    }
    if dir.exists() {
        let aside = tempfile::Builder::new()
            .prefix(&format!(".{name}.old-"))
            .tempdir_in(parent)
            .map_err(|e| out_err(dir, format!("cannot write in {}: {e}", parent.display())))?;
        let old = aside.path().join("previous");
        std::fs::rename(dir, &old)
            .map_err(|e| out_err(dir, format!("cannot move the previous report aside: {e}")))?;
        if let Err(e) = std::fs::rename(tmp.path(), dir) {
            let back = std::fs::rename(&old, dir);
            if back.is_err() {
                // Never delete the only copy of the previous report.
                let _ = aside.keep();
            }
            return Err(out_err(
                dir,
                format!(
                    "cannot move the new report into place: {e}{}",
                    if back.is_err() {
                        format!("; the previous report is in {}", old.display())
                    } else {
                        String::new()
                    }
                ),
            ));
        }
        // The new folder is in place: its temporary name is gone.
        let _ = tmp.keep();
        // Deleting the previous report is best effort: the new one is complete.
        drop(aside);
    } else {
        std::fs::rename(tmp.path(), dir)
            .map_err(|e| out_err(dir, format!("cannot move the report into place: {e}")))?;
        let _ = tmp.keep();
    }
    Ok(())
}
