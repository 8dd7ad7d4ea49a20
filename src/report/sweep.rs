//! Charts and a short report of a sweep (`failsim sweep ... --out DIR`):
//! each metric against each knob, one line per strategy (and per setting
//! of the other knobs, for a grid).
//!
//! A knob's values are plotted as numbers when every value reads as one
//! kind: plain numbers; durations (`100ms`, `4h`, shown in one unit chosen
//! from the largest); sizes (`500GB`); percentages (`1.5%`). Otherwise
//! they are categories, placed at 0, 1, 2, ... in the order given and
//! named in the axis label.

use super::doc::{Block, Doc, b, c, t};
use super::{Figure, Meta, ReportFile};
use crate::charts::{self, ChartError, LineChart, Series};
use crate::format::{format_availability_nines, format_grouped, pct_table};
use crate::output;
use crate::results::{StrategyResult, SweepResults};
use crate::units::{parse_duration, parse_fraction, parse_size};

/// How a knob's values sit on an axis.
#[derive(Clone, Debug, PartialEq)]
pub struct KnobAxis {
    /// Axis label, with the unit.
    pub label: String,
    /// The position of each value, in the order given.
    pub values: Vec<(String, f64)>,
    /// True when the values are categories, not numbers.
    pub categorical: bool,
}

/// Places the values of knob `name` on an axis (see the module docs).
pub fn knob_axis(name: &str, values: &[String]) -> KnobAxis {
    let all = |f: &dyn Fn(&str) -> Option<f64>| -> Option<Vec<f64>> {
        values.iter().map(|v| f(v)).collect()
    };
    let numbered = |label: String, xs: Vec<f64>| KnobAxis {
        label,
        values: values.iter().cloned().zip(xs).collect(),
        categorical: false,
    };
    if let Some(xs) = all(&|v| v.trim().parse::<f64>().ok().filter(|x| x.is_finite())) {
        return numbered(name.to_string(), xs);
    }
    if let Some(xs) = all(&|v| parse_duration(v).ok().map(|d| d.0 as f64 / 1e6)) {
        let max = xs.iter().copied().fold(0.0, f64::max);
        let (unit, f) = if max < 1.0 {
            ("ms", 1e-3)
        } else if max < 120.0 {
            ("s", 1.0)
        } else if max < 7200.0 {
            ("min", 60.0)
        } else if max < 2.0 * 86_400.0 {
            ("h", 3600.0)
        } else {
            ("days", 86_400.0)
        };
        return numbered(
            format!("{name} ({unit})"),
            xs.iter().map(|x| x / f).collect(),
        );
    }
    if let Some(xs) = all(&|v| parse_size(v).ok().map(|s| s.0 as f64)) {
        let max = xs.iter().copied().fold(0.0, f64::max);
        let (unit, f) = [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)]
            .into_iter()
            .find(|(_, f)| max >= *f)
            .unwrap_or(("B", 1.0));
        return numbered(
            format!("{name} ({unit})"),
            xs.iter().map(|x| x / f).collect(),
        );
    }
    if let Some(xs) = all(&|v| {
        if v.trim().ends_with('%') {
            parse_fraction(v).ok().map(|f| f.0 * 100.0)
        } else {
            None
        }
    }) {
        return numbered(format!("{name} (%)"), xs);
    }
    let named: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{i} = {v}"))
        .collect();
    let mut label = format!("{name}: {}", named.join(", "));
    if label.chars().count() > 90 {
        label = format!("{name} (value number, in the order given)");
    }
    KnobAxis {
        label,
        values: values
            .iter()
            .enumerate()
            .map(|(i, v)| (v.clone(), i as f64))
            .collect(),
        categorical: true,
    }
}

/// A metric the sweep charts show.
struct Metric {
    stem: &'static str,
    title: &'static str,
    y_label: &'static str,
    value: fn(&StrategyResult) -> f64,
}

const METRICS: &[Metric] = &[
    Metric {
        stem: "p-data-loss",
        title: "Chance of losing writes",
        y_label: "P(data loss) per trial (%)",
        value: |s| s.p_data_loss * 100.0,
    },
    Metric {
        stem: "lost-writes",
        title: "Lost writes per year",
        y_label: "lost writes per year (mean)",
        value: |s| s.lost_writes_per_year,
    },
    Metric {
        stem: "downtime",
        title: "Downtime per year",
        y_label: "write downtime per year (min)",
        value: |s| s.downtime_minutes_per_year,
    },
    Metric {
        stem: "rto-p95",
        title: "RTO, 95th percentile",
        y_label: "RTO per incident, p95 (s)",
        value: |s| s.metrics.rto_seconds.p95,
    },
];

/// A file-name-safe form of a knob path.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Every chart of a sweep.
pub fn figures(r: &SweepResults) -> Result<Vec<Figure>, ChartError> {
    let mut out = Vec::new();
    let noun = r
        .points
        .first()
        .map_or("write".to_string(), |p| p.results.write_noun.clone());
    let words = |s: &str| s.replace("writes", &format!("{noun}s"));
    for knob in &r.knobs {
        let mut values: Vec<String> = Vec::new();
        for p in &r.points {
            if let Some(v) = p.settings.get(knob)
                && !values.contains(v)
            {
                values.push(v.clone());
            }
        }
        let axis = knob_axis(knob, &values);
        let x_of = |v: &str| axis.values.iter().find(|(s, _)| s == v).map(|x| x.1);
        for m in METRICS {
            // One series per strategy and setting of the other knobs.
            let mut series: Vec<Series> = Vec::new();
            for p in &r.points {
                let Some(x) = p.settings.get(knob).and_then(|v| x_of(v)) else {
                    continue;
                };
                let others: Vec<String> = p
                    .settings
                    .iter()
                    .filter(|(k, _)| *k != knob)
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                for s in &p.results.strategies {
                    let mut name = s.strategy.clone();
                    if !others.is_empty() {
                        name = format!("{name}, {}", others.join(", "));
                    }
                    let y = (m.value)(s);
                    match series.iter_mut().find(|x| x.name == name) {
                        Some(se) => se.points.push((x, y)),
                        None => series.push(Series {
                            name,
                            points: vec![(x, y)],
                        }),
                    }
                }
            }
            for s in &mut series {
                s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
            }
            let stem = format!("{}-{}", slug(knob), m.stem);
            out.push(Figure {
                stem,
                title: format!("{} against {knob}", words(m.title)),
                caption: format!(
                    "{} for each value of {knob}{}, one line per strategy{}.",
                    words(m.y_label),
                    if axis.categorical {
                        " (the values are categories, placed in the order given)"
                    } else {
                        ""
                    },
                    if r.knobs.len() > 1 {
                        " and setting of the other knobs"
                    } else {
                        ""
                    }
                ),
                chart: charts::line_chart(&LineChart {
                    title: format!("{} against {knob}", words(m.title)),
                    x_label: axis.label.clone(),
                    y_label: words(m.y_label),
                    x_log: if axis.categorical { Some(false) } else { None },
                    y_log: None,
                    series,
                })?,
            });
        }
    }
    Ok(out)
}

/// The sweep's table: one row per point and strategy.
fn table(r: &SweepResults) -> Block {
    let mut header: Vec<String> = r.knobs.clone();
    header.extend(
        [
            "strategy",
            "P(data loss)",
            "lost writes/yr",
            "RPO p99 (s)",
            "RTO p95 (s)",
            "downtime (min/yr)",
            "availability",
            "latency added (ms)",
        ]
        .map(String::from),
    );
    let mut rows = Vec::new();
    for p in &r.points {
        for s in &p.results.strategies {
            let mut row: Vec<String> = r
                .knobs
                .iter()
                .map(|k| p.settings.get(k).cloned().unwrap_or_default())
                .collect();
            row.push(s.strategy.clone());
            row.push(pct_table(s.p_data_loss));
            row.push(format_grouped(s.lost_writes_per_year));
            row.push(format_grouped(s.metrics.rpo_seconds.p99));
            row.push(format_grouped(s.metrics.rto_seconds.p95));
            row.push(format_grouped(s.downtime_minutes_per_year));
            row.push(format_availability_nines(s.metrics.availability.mean));
            row.push(format_grouped(s.write_latency_added_ms));
            rows.push(row);
        }
    }
    Block::Table { header, rows }
}

/// Every file of a sweep report: `sweep.json` (what `sweep --json`
/// writes), `report.html`, `report.md` and each chart as SVG and PNG.
pub fn render(r: &SweepResults, meta: &Meta) -> Result<Vec<ReportFile>, ChartError> {
    let figures = figures(r)?;
    let first = r.points.first().map(|p| &p.results);
    let mut blocks = vec![
        Block::Heading("The sweep".into()),
        Block::Para(vec![
            t("Scenario "),
            c(&meta.label),
            t(", with "),
            b(r.knobs.join(" × ")),
            t(format!(
                " set to each value in turn: {} points{}. Every point runs the same trials (the same seed), so the lines move with the knob, not with luck.",
                r.points.len(),
                first.map_or(String::new(), |f| format!(
                    ", {} trials each, seed {}",
                    format_grouped(f.trials as f64),
                    f.seed
                ))
            )),
        ]),
        Block::Heading("Results".into()),
        table(r),
        Block::Heading("Charts".into()),
    ];
    for f in &figures {
        blocks.push(Block::Figure {
            stem: f.stem.clone(),
            title: f.title.clone(),
            caption: f.caption.clone(),
        });
    }
    let doc = Doc {
        title: format!("failsim sweep: {}", r.scenario),
        subtitle: format!(
            "{} against {}",
            "RPO, RTO and availability",
            r.knobs.join(", ")
        ),
        blocks,
        footer: vec![
            t(format!("Made by failsim {} with ", r.version)),
            c(&meta.command),
            t(". sweep.json beside this page holds every number."),
        ],
    };
    Ok(super::bundle(
        &doc,
        figures,
        "sweep.json",
        output::to_json(r),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn durations_are_numbers_in_one_unit() {
        let a = knob_axis("replication.lag", &v(&["100ms", "1s", "10s"]));
        assert!(!a.categorical);
        assert_eq!(a.label, "replication.lag (s)");
        assert_eq!(a.values[0].1, 0.1);
        assert_eq!(a.values[2].1, 10.0);
        let a = knob_axis("backups.full_every", &v(&["1d", "7d"]));
        assert_eq!(a.label, "backups.full_every (days)");
        assert_eq!(a.values[1].1, 7.0);
    }

    #[test]
    fn sizes_numbers_and_percentages() {
        let a = knob_axis("workload.data_size", &v(&["100GB", "1TB"]));
        assert_eq!(a.label, "workload.data_size (TB)");
        assert_eq!(a.values[0].1, 0.1);
        let a = knob_axis("api.servers", &v(&["2", "4"]));
        assert_eq!(a.label, "api.servers");
        assert_eq!(a.values[1].1, 4.0);
        let a = knob_axis("backups.corrupt", &v(&["0.5%", "5%"]));
        assert_eq!(a.label, "backups.corrupt (%)");
        assert_eq!(a.values[1].1, 5.0);
    }

    #[test]
    fn anything_else_is_categories() {
        let a = knob_axis("replication.mode", &v(&["async", "sync"]));
        assert!(a.categorical);
        assert_eq!(a.label, "replication.mode: 0 = async, 1 = sync");
        assert_eq!(a.values[1], ("sync".to_string(), 1.0));
    }

    #[test]
    fn slugs_are_file_names() {
        assert_eq!(slug("database.nodes[1].zone"), "database-nodes-1-zone");
    }
}
