//! The report's figures: downtime and loss distributions per design, the
//! nines marked, and the cost-against-risk scatter.

use super::{Figure, Simulated, cost, timeline};
use crate::charts::{
    self, CdfChart, ChartError, PercentileChart, PercentileSeries, ScatterChart, ScatterPoint,
    Series,
};
use crate::format::format_duration;
use crate::montecarlo::Arm;
use crate::results::{self, RunResults};
use crate::scenario::Scenario;
use crate::stats::Accumulator;
use crate::units::YEAR;

/// Minutes of downtime per year at each availability worth marking.
const NINES: &[(f64, &str)] = &[
    (5256.0, "99% (5,256 min/yr)"),
    (525.6, "99.9% (525.6 min/yr)"),
    (52.56, "99.99% (52.56 min/yr)"),
    (5.256, "99.999% (5.256 min/yr)"),
    (0.5256, "99.9999% (31.5 s/yr)"),
];

/// Points `(x, fraction of observations <= x)` of an accumulator's
/// distribution, scaled by `scale`: every rank for small counts, else a
/// grid of 400 quantiles plus every rank (or a fine grid) in the top 1%.
pub fn cdf_points(acc: &Accumulator, scale: f64) -> Vec<(f64, f64)> {
    let n = acc.count();
    if n == 0 {
        return Vec::new();
    }
    let mut qs: Vec<f64> = if n <= 400 {
        (1..=n).map(|k| k as f64 / n as f64).collect()
    } else {
        let mut v: Vec<f64> = (1..=400).map(|k| f64::from(k) / 400.0).collect();
        if n <= 20_000 {
            let from = (n as f64 * 0.99).floor() as u64;
            v.extend((from..=n).map(|k| k as f64 / n as f64));
        } else {
            v.extend((0..=200).map(|k| 0.99 + f64::from(k) * 0.01 / 200.0));
        }
        v
    };
    qs.retain(|q| (0.0..=1.0).contains(q));
    qs.sort_by(f64::total_cmp);
    qs.dedup();
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(qs.len());
    for q in qs {
        let x = acc.quantile(q) * scale;
        match out.last_mut() {
            Some(last) if last.0 == x => last.1 = q,
            _ => out.push((x, q)),
        }
    }
    out
}

fn percentile_series(
    r: &RunResults,
    pick: fn(&results::Metrics) -> &crate::stats::Summary,
) -> Vec<PercentileSeries> {
    r.strategies
        .iter()
        .map(|s| {
            let m = pick(&s.metrics);
            PercentileSeries {
                name: s.strategy.clone(),
                mean: m.mean,
                p50: m.p50,
                p95: m.p95,
                p99: m.p99,
                max: m.max,
            }
        })
        .collect()
}

/// Every chart of the report.
pub fn figures(sc: &Scenario, arms: &[Arm], sim: &Simulated) -> Result<Vec<Figure>, ChartError> {
    let r = &sim.results;
    let noun = &r.write_noun;
    let mut out = Vec::new();

    out.push(Figure {
        stem: "rpo-by-strategy".into(),
        title: "RPO by strategy".into(),
        caption: format!(
            "For each strategy, the span of acknowledged {noun}s lost per incident, in seconds: bars at the median (p50), \
             95th and 99th percentile and the worst incident (max); the black line is the mean. Most incidents lose nothing, \
             so the median is often zero; the tail is what a strategy is for. The axis turns logarithmic when the values span decades.{}",
            if r.strategies.iter().any(|s| s.metrics.rpo_seconds.max >= 1e5) {
                " For scale: 100k s is 1.2 days, 1M s is 11.6 days, 100M s is 3.2 years."
            } else {
                ""
            }
        ),
        chart: charts::percentile_chart(&PercentileChart {
            title: "RPO: acknowledged writes lost per incident".into(),
            x_label: "strategy".into(),
            y_label: format!("span of {noun}s lost (s)"),
            log_scale: None,
            series: percentile_series(r, |m| &m.rpo_seconds),
        })?,
    });

    out.push(Figure {
        stem: "rto-by-strategy".into(),
        title: "RTO by strategy".into(),
        caption: "For each strategy, the time from a fault until writes were accepted again, per incident, in seconds \
                  (zero when the fault never stopped writes): bars at p50, p95, p99 and the worst incident; the black line is the mean."
            .into(),
        chart: charts::percentile_chart(&PercentileChart {
            title: "RTO: time until writes are accepted again".into(),
            x_label: "strategy".into(),
            y_label: "time to recover (s)".into(),
            log_scale: None,
            series: percentile_series(r, |m| &m.rto_seconds),
        })?,
    });

    out.push(Figure {
        stem: "tradeoff-latency".into(),
        title: "Trade-off: write latency against lost writes".into(),
        caption: format!(
            "One point per strategy: the round trip it adds to every write (replication waits) against the {noun}s it lost \
             per year on average. Lower is safer, further left is faster; the best trade-offs sit in the lower left."
        ),
        chart: charts::scatter_chart(&ScatterChart {
            title: format!("Write latency against lost {noun}s"),
            x_label: "write latency added (ms)".into(),
            y_label: format!("lost {noun}s per year (mean)"),
            x_log: None,
            y_log: None,
            points: r
                .strategies
                .iter()
                .map(|s| ScatterPoint {
                    name: s.strategy.clone(),
                    x: s.write_latency_added_ms,
                    y: s.lost_writes_per_year,
                })
                .collect(),
        })?,
    });

    let costs: Vec<Option<cost::MonthlyCost>> =
        arms.iter().map(|a| cost::monthly(&a.scenario)).collect();
    if costs.iter().all(Option::is_some) && !costs.is_empty() {
        let currency = costs[0]
            .as_ref()
            .map(|c| c.currency.clone())
            .unwrap_or_default();
        out.push(Figure {
            stem: "tradeoff-cost".into(),
            title: "Trade-off: monthly cost against lost writes".into(),
            caption: format!(
                "One point per strategy: its monthly cost under the scenario's [costs] prices (database nodes, backup storage \
                 and data copied across regions; see docs/reports.md for the model) against the {noun}s it lost per year on average."
            ),
            chart: charts::scatter_chart(&ScatterChart {
                title: format!("Monthly cost against lost {noun}s"),
                x_label: format!("monthly cost ({currency})"),
                y_label: format!("lost {noun}s per year (mean)"),
                x_log: None,
                y_log: None,
                points: r
                    .strategies
                    .iter()
                    .zip(&costs)
                    .map(|(s, c)| ScatterPoint {
                        name: s.strategy.clone(),
                        x: c.as_ref().map_or(f64::NAN, |c| c.total),
                        y: s.lost_writes_per_year,
                    })
                    .collect(),
            })?,
        });
    }

    let years = sc.horizon as f64 / YEAR as f64;
    let per_year = 1e-6 / 60.0 / years;
    let series: Vec<Series> = sim
        .partials
        .iter()
        .map(|p| Series {
            name: p.strategy.clone(),
            points: cdf_points(&p.downtime, per_year),
        })
        .collect();
    let xs: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .filter(|x| *x > 0.0)
        .collect();
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(0.0, f64::max);
    let mut markers: Vec<(f64, String)> = NINES
        .iter()
        .filter(|(m, _)| *m >= lo / 3.0 && *m <= hi * 3.0)
        .map(|(m, l)| (*m, l.to_string()))
        .collect();
    if markers.is_empty() && hi > 0.0 {
        let mid = (lo * hi).sqrt();
        if let Some((m, l)) = NINES
            .iter()
            .min_by(|a, b| (a.0 / mid).ln().abs().total_cmp(&(b.0 / mid).ln().abs()))
        {
            markers.push((*m, l.to_string()));
        }
    }
    let one_year = sc.horizon == YEAR;
    out.push(Figure {
        stem: "downtime-cdf".into(),
        title: "Downtime per year".into(),
        caption: format!(
            "For each strategy, the share of simulated {} (y) whose write downtime was at most x minutes{}. \
             Curves further left and higher are better. Dashed lines mark availability targets: a year under the 99.99% line \
             was down less than 52.56 minutes.",
            if one_year { "years" } else { "trials" },
            if one_year {
                String::new()
            } else {
                format!(
                    " (each trial lasts {}; its downtime is scaled to a year)",
                    format_duration(sc.horizon)
                )
            }
        ),
        chart: charts::cdf_chart(&CdfChart {
            title: "Write downtime per year, across trials".into(),
            x_label: if one_year {
                "write downtime in the year (min)".into()
            } else {
                "write downtime, scaled to a year (min/yr)".into()
            },
            y_label: format!("fraction of {}", if one_year { "years" } else { "trials" }),
            x_log: None,
            series,
            markers,
        })?,
    });

    let story = &sim.story;
    out.push(Figure {
        stem: "timeline".into(),
        title: format!("One trial told: trial {}", story.trial),
        caption: format!(
            "The most eventful of the first {} trials of the scenario as written ({}): the most lost {noun}s first, then the most \
             downtime, then the most incidents. Each lane is a component; grey means up, colours mark other states. Markers show \
             faults, failovers, backups and restores; shaded bands are the spans of acknowledged {noun}s that were lost. \
             Short events are widened to stay visible at the scale of the whole trial.",
            story.searched, story.strategy
        ),
        chart: charts::timeline_chart(&timeline::chart(sc, story))?,
    });
    Ok(out)
}
