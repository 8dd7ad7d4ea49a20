//! What the terminal tables hold: their titles, rows and the lines under
//! them, as [`Grid`]s that [`super::layout`] fits to the width, and the
//! same numbers as Markdown and CSV. A row added here is laid out, split
//! and exported like the others.

use super::layout::{self, Align, Cell, Grid};
use crate::format::{format_availability_nines, format_grouped, format_nines, pct_table};
use crate::results::{RunResults, StrategyResult, SweepResults};
use crate::stats::Summary;

/// A table as printed: a title line, the grid, and lines of prose under it.
pub struct Printed {
    pub title: String,
    pub grid: Grid,
    pub notes: String,
}

impl Printed {
    /// For a terminal (or a file) `width` characters wide.
    pub fn text(&self, width: usize) -> String {
        format!(
            "{}{}{}",
            layout::wrap_lines(&self.title, width),
            layout::render(&self.grid, width),
            layout::wrap_lines(&self.notes, width)
        )
    }

    /// As Markdown: the title as a paragraph, the table, the notes.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "{}\n\n{}",
            self.title.trim_end(),
            layout::markdown(&self.grid)
        );
        if !self.notes.is_empty() {
            out.push('\n');
            for line in self.notes.lines() {
                // One paragraph a line, as the terminal shows them.
                out.push_str(line);
                out.push_str("\n\n");
            }
            out.pop();
        }
        out
    }
}

fn right(text: String) -> Cell {
    Cell::atom(text)
}

// ----- run -------------------------------------------------------------------

/// How a number is written in a cell.
type Formatter = fn(f64) -> String;

/// The rows of the `run` table: a label and the summary it shows.
fn run_rows(r: &RunResults) -> Vec<(String, &Summary, Formatter)> {
    let m = &r.strategies[0].metrics;
    let noun = &r.write_noun;
    vec![
        (
            format!("lost {noun}s per trial"),
            &m.lost_writes,
            format_grouped,
        ),
        (
            "downtime per trial (s)".into(),
            &m.downtime_seconds,
            format_grouped,
        ),
        (
            "availability per trial".into(),
            &m.availability,
            format_availability_nines,
        ),
        (
            "RPO per incident (s)".into(),
            &m.rpo_seconds,
            format_grouped,
        ),
        (
            "RTO per incident (s)".into(),
            &m.rto_seconds,
            format_grouped,
        ),
    ]
}

/// `run`: one strategy, every metric.
pub fn run_printed(r: &RunResults) -> Printed {
    let s = &r.strategies[0];
    let mut g = Grid::default();
    g.key(Cell::atom("metric"));
    for h in ["mean", "95% CI of mean", "p50", "p95", "p99", "max"] {
        g.value(Cell::atom(h), Align::Right);
    }
    for (label, v, f) in run_rows(r) {
        g.row(vec![
            Cell::prose(label),
            right(f(v.mean)),
            right(format!("{} – {}", f(v.ci95[0]), f(v.ci95[1]))),
            right(f(v.p50)),
            right(f(v.p95)),
            right(f(v.p99)),
            right(f(v.max)),
        ]);
    }
    Printed {
        title: format!(
            "{} — {} trials of {}, seed {}, strategy {}\n",
            r.scenario,
            format_grouped(r.trials as f64),
            crate::units::format_duration(r.horizon_seconds * 1_000_000),
            r.seed,
            s.strategy
        ),
        grid: g,
        notes: headline(s, &r.write_noun, r.trials),
    }
}

/// The table `run` prints, fitted to the terminal.
pub fn run_table(r: &RunResults) -> String {
    run_printed(r).text(layout::width())
}

/// Two lines of plain English under a table.
fn headline(s: &StrategyResult, noun: &str, trials: u64) -> String {
    let mut out = format!(
        "data loss in {} of trials (95% CI {} – {}); {} lost {noun}s per year on average\n\
         availability {} ({:.1} nines), {} min of write downtime per year; {} incidents ({:.1} per trial)\n",
        pct_table(s.p_data_loss),
        pct_table(s.p_data_loss_ci95[0]),
        pct_table(s.p_data_loss_ci95[1]),
        format_grouped(s.lost_writes_per_year),
        format_availability_nines(s.metrics.availability.mean),
        s.availability_nines,
        format_grouped(s.downtime_minutes_per_year),
        format_grouped(s.incidents as f64),
        s.incidents as f64 / trials.max(1) as f64,
    );
    if s.write_latency_added_ms > 0.0 {
        out.push_str(&format!(
            "every write waits {} ms longer for replication\n",
            format_grouped(s.write_latency_added_ms)
        ));
    }
    if let Some(v) = &s.policy {
        let parts: Vec<String> = v
            .iter()
            .map(|v| format!("{} {}", v.disruption.name(), v.verdict))
            .collect();
        out.push_str(&format!(
            "policy (p{}): {}\n",
            v.first().map(|v| v.percentile).unwrap_or(95.0),
            parts.join(", ")
        ));
    }
    out
}

// ----- compare ---------------------------------------------------------------

/// A row of the `compare` table: its label, and each strategy's cell.
pub struct CompareRow<'a> {
    pub label: String,
    pub cell: Box<dyn Fn(&StrategyResult) -> Cell + 'a>,
}

fn number_row<'a>(
    label: impl Into<String>,
    f: impl Fn(&StrategyResult) -> String + 'a,
) -> CompareRow<'a> {
    CompareRow {
        label: label.into(),
        cell: Box::new(move |s| Cell::atom(f(s))),
    }
}

/// The rows of the `compare` table, in order. Add a row here; the layout
/// and the Markdown export follow.
pub fn compare_rows(r: &RunResults) -> Vec<CompareRow<'_>> {
    let noun = &r.write_noun;
    let mut rows = vec![
        number_row("write latency added (ms)", |s| {
            format_grouped(s.write_latency_added_ms)
        }),
        number_row("P(data loss) per trial", |s| pct_table(s.p_data_loss)),
        number_row(format!("lost {noun}s per trial, mean"), |s| {
            format_grouped(s.metrics.lost_writes.mean)
        }),
        number_row(format!("lost {noun}s per trial, p99"), |s| {
            format_grouped(s.metrics.lost_writes.p99)
        }),
        number_row(format!("lost {noun}s per trial, max"), |s| {
            format_grouped(s.metrics.lost_writes.max)
        }),
        number_row("RPO per incident, p99 (s)", |s| {
            format_grouped(s.metrics.rpo_seconds.p99)
        }),
        number_row("RPO per incident, max (s)", |s| {
            format_grouped(s.metrics.rpo_seconds.max)
        }),
        number_row("RTO per incident, p95 (s)", |s| {
            format_grouped(s.metrics.rto_seconds.p95)
        }),
        number_row("RTO per incident, max (s)", |s| {
            format_grouped(s.metrics.rto_seconds.max)
        }),
        number_row("downtime per year (min)", |s| {
            format_grouped(s.downtime_minutes_per_year)
        }),
        number_row("availability (mean)", |s| {
            format_availability_nines(s.metrics.availability.mean)
        }),
        number_row("nines", |s| format_nines(s.availability_nines)),
    ];
    if r.strategies.iter().any(|s| s.policy.is_some()) {
        rows.push(CompareRow {
            label: "policy".into(),
            cell: Box::new(|s| Cell::prose(policy_cell(s))),
        });
    }
    rows
}

fn policy_cell(s: &StrategyResult) -> String {
    let Some(v) = &s.policy else {
        return "-".into();
    };
    let which = |verdict: &str| -> Vec<&str> {
        v.iter()
            .filter(|v| v.verdict == verdict)
            .map(|v| v.disruption.name())
            .collect()
    };
    let (breached, untested) = (which("breached"), which("untested"));
    match (breached.is_empty(), untested.is_empty()) {
        (false, _) => format!("breached: {}", breached.join(", ")),
        (true, true) => "met".into(),
        (true, false) => format!("met (untested: {})", untested.join(", ")),
    }
}

/// `compare`: strategies side by side.
pub fn compare_printed(r: &RunResults) -> Printed {
    let mut g = Grid::default();
    g.key(Cell::atom("metric"));
    for s in &r.strategies {
        g.value(Cell::atom(s.strategy.as_str()), Align::Right);
    }
    for row in compare_rows(r) {
        let mut cells = vec![Cell::prose(row.label)];
        cells.extend(r.strategies.iter().map(|s| (row.cell)(s)));
        g.row(cells);
    }
    Printed {
        title: format!(
            "{} — {} trials of {}, seed {}; every strategy sees the same failures\n",
            r.scenario,
            format_grouped(r.trials as f64),
            crate::units::format_duration(r.horizon_seconds * 1_000_000),
            r.seed,
        ),
        grid: g,
        notes: String::new(),
    }
}

/// The table `compare` prints, fitted to the terminal.
pub fn compare_table(r: &RunResults) -> String {
    compare_printed(r).text(layout::width())
}

// ----- sweep -----------------------------------------------------------------

/// The value columns of the `sweep` table: a header and each cell.
/// A strategy's cell in one column.
type Column = fn(&StrategyResult) -> String;

fn sweep_columns() -> Vec<(&'static str, Column)> {
    vec![
        ("P(data loss)", |s| pct_table(s.p_data_loss)),
        ("lost/yr", |s| format_grouped(s.lost_writes_per_year)),
        ("RPO p99 (s)", |s| format_grouped(s.metrics.rpo_seconds.p99)),
        ("RTO p95 (s)", |s| format_grouped(s.metrics.rto_seconds.p95)),
        ("downtime (min/yr)", |s| {
            format_grouped(s.downtime_minutes_per_year)
        }),
        ("availability", |s| {
            format_availability_nines(s.metrics.availability.mean)
        }),
        ("latency added (ms)", |s| {
            format_grouped(s.write_latency_added_ms)
        }),
    ]
}

/// `sweep`: one row per point and strategy.
pub fn sweep_printed(r: &SweepResults) -> Printed {
    let mut g = Grid::default();
    for k in &r.knobs {
        g.key(Cell::atom(k.as_str()));
    }
    g.key(Cell::atom("strategy"));
    let columns = sweep_columns();
    for (h, _) in &columns {
        g.value(Cell::prose(*h), Align::Right);
    }
    for p in &r.points {
        for s in &p.results.strategies {
            let mut row: Vec<Cell> = r
                .knobs
                .iter()
                .map(|k| Cell::atom(p.settings.get(k).cloned().unwrap_or_default()))
                .collect();
            row.push(Cell::atom(s.strategy.as_str()));
            row.extend(columns.iter().map(|(_, f)| Cell::atom(f(s))));
            g.row(row);
        }
    }
    Printed {
        title: format!("{} — sweep of {}\n", r.scenario, r.knobs.join(" × ")),
        grid: g,
        notes: String::new(),
    }
}

/// The table `sweep` prints, fitted to the terminal.
pub fn sweep_table(r: &SweepResults) -> String {
    sweep_printed(r).text(layout::width())
}

// ----- CSV -------------------------------------------------------------------

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

const CSV_COLUMNS: &str = "strategy,metric,unit,mean,ci95_low,ci95_high,p50,p95,p99,max";

/// A strategy's CSV rows, each after `lead` (the fields before them).
fn strategy_rows(out: &mut String, lead: &str, s: &StrategyResult) {
    let m = &s.metrics;
    let name = field(&s.strategy);
    for (metric, unit, v) in [
        ("lost_writes", "writes per trial", &m.lost_writes),
        ("downtime_seconds", "seconds per trial", &m.downtime_seconds),
        ("availability", "fraction per trial", &m.availability),
        ("rpo_seconds", "seconds per incident", &m.rpo_seconds),
        ("rto_seconds", "seconds per incident", &m.rto_seconds),
    ] {
        out.push_str(&format!(
            "{lead}{name},{metric},{unit},{},{},{},{},{},{},{}\n",
            v.mean, v.ci95[0], v.ci95[1], v.p50, v.p95, v.p99, v.max
        ));
    }
    out.push_str(&format!(
        "{lead}{name},p_data_loss,fraction of trials,{},{},{},,,,\n",
        s.p_data_loss, s.p_data_loss_ci95[0], s.p_data_loss_ci95[1]
    ));
    out.push_str(&format!(
        "{lead}{name},write_latency_added_ms,milliseconds,{},,,,,,\n",
        s.write_latency_added_ms
    ));
}

/// One CSV row per strategy and metric (`run`, `compare`).
pub fn csv(r: &RunResults) -> String {
    let mut out = format!("{CSV_COLUMNS}\n");
    for s in &r.strategies {
        strategy_rows(&mut out, "", s);
    }
    out
}

/// One CSV row per sweep point, strategy and metric: the knobs' values
/// first, one column each.
pub fn sweep_csv(r: &SweepResults) -> String {
    let mut out: String = r.knobs.iter().map(|k| format!("{},", field(k))).collect();
    out.push_str(CSV_COLUMNS);
    out.push('\n');
    for p in &r.points {
        let lead: String = r
            .knobs
            .iter()
            .map(|k| format!("{},", field(p.settings.get(k).map_or("", String::as_str))))
            .collect();
        for s in &p.results.strategies {
            strategy_rows(&mut out, &lead, s);
        }
    }
    out
}
