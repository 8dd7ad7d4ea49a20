//! Findings: plain-English sentences computed from the results.
//!
//! Every number a finding quotes is a field of `results.json`, named by its
//! JSON pointer and formatted by a [`Style`], so a test can check each
//! sentence against the file it summarizes: the value at the pointer must be
//! the value quoted, and its formatting must appear in the text.

use crate::format::{
    format_availability_nines, format_count_words, format_seconds_words, pct_table,
};
use crate::results::{RunResults, StrategyResult};
use crate::units::YEAR;
use serde::Serialize;

/// One sentence (or a few) about the results, with the numbers it quotes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// A few words naming the answer, for "At a glance"
    /// (e.g. "Lost the least data: sync").
    pub headline: Option<String>,
    pub text: String,
    pub quotes: Vec<Quote>,
}

/// A number a finding quotes: where it comes from and how it is written.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quote {
    /// JSON pointer into `results.json`, e.g. `/strategies/2/p_data_loss`.
    pub field: String,
    pub value: f64,
    pub style: Style,
}

/// How a quoted number is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Style {
    /// `8,213`, `3.20`, and `12.5 billion` from a billion up ([`format_grouped`](crate::format::format_grouped)
    /// below that; [`format_count_words`]).
    Count,
    /// A fraction as a percentage: `3.1%` ([`pct_table`]).
    Percent,
    /// Availability with enough digits to tell nines apart ([`format_availability_nines`]).
    Availability,
    /// One decimal: `3.7` (nines).
    OneDecimal,
    /// Seconds, in the largest unit that keeps them readable: `41 s`,
    /// `6.3 h`, `4.00 years`.
    Seconds,
}

impl Style {
    /// The text of `value` in this style.
    pub fn format(self, value: f64) -> String {
        match self {
            Style::Count => format_count_words(value),
            Style::Percent => pct_table(value),
            Style::Availability => format_availability_nines(value),
            Style::OneDecimal => format!("{value:.1}"),
            Style::Seconds => format_seconds_words(value),
        }
    }
}

/// Collects the quotes of one finding while its text is written.
struct Quoting<'a> {
    r: &'a RunResults,
    quotes: Vec<Quote>,
}

impl<'a> Quoting<'a> {
    fn new(r: &'a RunResults) -> Self {
        Quoting {
            r,
            quotes: Vec::new(),
        }
    }

    /// Quotes `value`, found at `field`; returns its text.
    fn q(&mut self, field: String, value: f64, style: Style) -> String {
        self.quotes.push(Quote {
            field,
            value,
            style,
        });
        style.format(value)
    }

    /// Quotes a field of strategy `i`, e.g. `("p_data_loss", 0.03)`.
    fn s(&mut self, i: usize, path: &str, value: f64, style: Style) -> String {
        self.q(format!("/strategies/{i}/{path}"), value, style)
    }

    fn trials(&mut self) -> String {
        let t = self.r.trials as f64;
        self.q("/trials".into(), t, Style::Count)
    }

    fn done(self, headline: Option<String>, text: String) -> Finding {
        Finding {
            headline,
            text,
            quotes: self.quotes,
        }
    }
}

/// Words for the results' period: one trial is one simulated year when the
/// horizon is a year.
struct Period {
    /// "simulated years" or "trials".
    many: &'static str,
    /// "the worst year" or "the worst trial".
    worst: &'static str,
}

fn period(r: &RunResults) -> Period {
    if r.horizon_seconds * 1_000_000 == YEAR {
        Period {
            many: "simulated years",
            worst: "the worst year",
        }
    } else {
        Period {
            many: "trials",
            worst: "the worst trial",
        }
    }
}

/// "a", "a and b", "a, b and c".
fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Indices of the strategies with the smallest `key`, and of the largest.
fn extremes(r: &RunResults, key: impl Fn(&StrategyResult) -> f64) -> (Vec<usize>, usize) {
    let values: Vec<f64> = r.strategies.iter().map(&key).collect();
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let best = (0..values.len()).filter(|&i| values[i] == min).collect();
    let worst = (0..values.len())
        .max_by(|&a, &b| values[a].total_cmp(&values[b]).then(b.cmp(&a)))
        .unwrap_or(0);
    (best, worst)
}

fn names<'r>(r: &'r RunResults, idx: &[usize]) -> Vec<&'r str> {
    idx.iter()
        .map(|&i| r.strategies[i].strategy.as_str())
        .collect()
}

/// The two answers a first-time reader looks for: which strategy lost the
/// least data, and which was down the least.
pub fn at_a_glance(r: &RunResults) -> Vec<Finding> {
    if r.strategies.is_empty() {
        return Vec::new();
    }
    vec![least_lost(r), least_down(r)]
}

fn least_lost(r: &RunResults) -> Finding {
    let noun = &r.write_noun;
    let p = period(r);
    let mut q = Quoting::new(r);
    let (best, worst) = extremes(r, |s| s.lost_writes_per_year);
    let best_names = and_list(&names(r, &best));
    let b = best[0];
    let sb = &r.strategies[b];
    let mut text;
    if sb.lost_writes_per_year == 0.0 {
        text = format!(
            "{best_names} lost no acknowledged {noun}s in any of the {} {}.",
            q.trials(),
            p.many
        );
    } else {
        let subject = if best.len() > 1 {
            format!("{best_names} tied for the fewest lost {noun}s")
        } else {
            format!("{best_names} lost the fewest {noun}s")
        };
        text = format!(
            "{subject}: {} per year on average, with some loss in {} of {}.",
            q.s(
                b,
                "lost_writes_per_year",
                sb.lost_writes_per_year,
                Style::Count
            ),
            q.s(b, "p_data_loss", sb.p_data_loss, Style::Percent),
            p.many
        );
        // The mean is dominated by rare disasters; the chance of losing
        // anything at all may rank the strategies differently.
        let (safest, _) = extremes(r, |s| s.p_data_loss);
        if !safest.contains(&b) {
            let k = safest[0];
            let verb = if safest.len() > 1 { "were" } else { "was" };
            text.push_str(&format!(
                " {} {verb} the least likely to lose any: {} of {}.",
                and_list(&names(r, &safest)),
                q.s(
                    k,
                    "p_data_loss",
                    r.strategies[k].p_data_loss,
                    Style::Percent
                ),
                p.many
            ));
        }
    }
    let sw = &r.strategies[worst];
    if !best.contains(&worst) && sw.lost_writes_per_year > 0.0 {
        text.push_str(&format!(
            " {} lost the most: {} per year.",
            sw.strategy,
            q.s(
                worst,
                "lost_writes_per_year",
                sw.lost_writes_per_year,
                Style::Count
            )
        ));
    }
    q.done(Some(format!("Lost the least data: {best_names}")), text)
}

fn least_down(r: &RunResults) -> Finding {
    let mut q = Quoting::new(r);
    let (best, worst) = extremes(r, |s| s.downtime_minutes_per_year);
    let best_names = and_list(&names(r, &best));
    let b = best[0];
    let sb = &r.strategies[b];
    let mut text = if sb.downtime_minutes_per_year == 0.0 {
        format!("{best_names} never refused a write.")
    } else {
        let subject = if best.len() > 1 {
            format!("{best_names} tied for the least downtime")
        } else {
            format!("{best_names} was down the least")
        };
        format!(
            "{subject}: writes were refused {} minutes per year on average (availability {}, {} nines).",
            q.s(
                b,
                "downtime_minutes_per_year",
                sb.downtime_minutes_per_year,
                Style::Count
            ),
            q.s(
                b,
                "metrics/availability/mean",
                sb.metrics.availability.mean,
                Style::Availability
            ),
            q.s(
                b,
                "availability_nines",
                sb.availability_nines,
                Style::OneDecimal
            ),
        )
    };
    let sw = &r.strategies[worst];
    if !best.contains(&worst) && sw.downtime_minutes_per_year > 0.0 {
        text.push_str(&format!(
            " {} was down the most: {} minutes per year.",
            sw.strategy,
            q.s(
                worst,
                "downtime_minutes_per_year",
                sw.downtime_minutes_per_year,
                Style::Count
            )
        ));
    }
    q.done(Some(format!("Down the least: {best_names}")), text)
}

/// Everything else worth saying: one finding per strategy, what backups
/// add to a replica, and the policy verdicts.
pub fn findings(r: &RunResults) -> Vec<Finding> {
    let mut out: Vec<Finding> = (0..r.strategies.len())
        .map(|i| per_strategy(r, i))
        .collect();
    out.extend(backup_pairs(r));
    out.extend((0..r.strategies.len()).filter_map(|i| policy(r, i)));
    out
}

fn per_strategy(r: &RunResults, i: usize) -> Finding {
    let s = &r.strategies[i];
    let noun = &r.write_noun;
    let p = period(r);
    let mut q = Quoting::new(r);
    let mut text = format!("{}: ", s.strategy);
    if s.p_data_loss == 0.0 {
        text.push_str(&format!(
            "no acknowledged {noun} was lost in {} {}.",
            q.trials(),
            p.many
        ));
    } else {
        text.push_str(&format!(
            "{noun}s were lost in {} of {} ({} per year on average); {} lost {} {noun}s, and the worst single incident lost {} of {noun}s.",
            q.s(i, "p_data_loss", s.p_data_loss, Style::Percent),
            p.many,
            q.s(i, "lost_writes_per_year", s.lost_writes_per_year, Style::Count),
            p.worst,
            q.s(i, "metrics/lost_writes/max", s.metrics.lost_writes.max, Style::Count),
            q.s(i, "metrics/rpo_seconds/max", s.metrics.rpo_seconds.max, Style::Seconds),
        ));
        let top = s
            .by_cause
            .iter()
            .enumerate()
            .filter(|(_, c)| c.lost_writes > 0)
            .max_by_key(|(k, c)| (c.lost_writes, std::cmp::Reverse(*k)));
        if let Some((k, c)) = top {
            text.push_str(&format!(
                " The largest share was lost to {} incidents: {} {noun}s over all {}.",
                c.cause.name(),
                q.s(
                    i,
                    &format!("by_cause/{k}/lost_writes"),
                    c.lost_writes as f64,
                    Style::Count
                ),
                p.many
            ));
        }
    }
    let rto = &s.metrics.rto_seconds;
    if s.downtime_minutes_per_year == 0.0 {
        text.push_str(" Writes were never refused.");
    } else {
        text.push_str(&format!(
            " Writes were refused {} minutes per year on average (availability {});",
            q.s(
                i,
                "downtime_minutes_per_year",
                s.downtime_minutes_per_year,
                Style::Count
            ),
            q.s(
                i,
                "metrics/availability/mean",
                s.metrics.availability.mean,
                Style::Availability
            ),
        ));
        if rto.p95 == 0.0 {
            text.push_str(&format!(
                " fewer than one incident in twenty stopped writes, and the longest stop lasted {}.",
                q.s(i, "metrics/rto_seconds/max", rto.max, Style::Seconds)
            ));
        } else if rto.p50 == 0.0 {
            text.push_str(&format!(
                " most incidents never stopped writes, 95% were over within {}, and the longest stop lasted {}.",
                q.s(i, "metrics/rto_seconds/p95", rto.p95, Style::Seconds),
                q.s(i, "metrics/rto_seconds/max", rto.max, Style::Seconds)
            ));
        } else {
            text.push_str(&format!(
                " half of the incidents were over within {}, 95% within {}, and the longest stop lasted {}.",
                q.s(i, "metrics/rto_seconds/p50", rto.p50, Style::Seconds),
                q.s(i, "metrics/rto_seconds/p95", rto.p95, Style::Seconds),
                q.s(i, "metrics/rto_seconds/max", rto.max, Style::Seconds)
            ));
        }
    }
    if s.write_latency_added_ms > 0.0 {
        text.push_str(&format!(
            " Every write waits {} ms longer for replication.",
            q.s(
                i,
                "write_latency_added_ms",
                s.write_latency_added_ms,
                Style::Count
            )
        ));
    }
    q.done(None, text)
}

/// "A good system has both": for each strategy X compared beside
/// X+backup, what the backups changed.
fn backup_pairs(r: &RunResults) -> Vec<Finding> {
    let noun = &r.write_noun;
    let mut out = Vec::new();
    for (i, a) in r.strategies.iter().enumerate() {
        let with = format!("{}+backup", a.strategy);
        let Some(j) = r.strategies.iter().position(|s| s.strategy == with) else {
            continue;
        };
        let b = &r.strategies[j];
        if a.lost_writes_per_year == b.lost_writes_per_year {
            continue;
        }
        let mut q = Quoting::new(r);
        let verb = if b.lost_writes_per_year < a.lost_writes_per_year {
            "fell"
        } else {
            "rose"
        };
        let text = format!(
            "Backups on top of {}: lost {noun}s {verb} from {} to {} per year on average, and the worst single incident went from {} to {} of {noun}s lost. A replica copies mistakes as fast as it copies data; a backup taken before the mistake does not.",
            a.strategy,
            q.s(
                i,
                "lost_writes_per_year",
                a.lost_writes_per_year,
                Style::Count
            ),
            q.s(
                j,
                "lost_writes_per_year",
                b.lost_writes_per_year,
                Style::Count
            ),
            q.s(
                i,
                "metrics/rpo_seconds/max",
                a.metrics.rpo_seconds.max,
                Style::Seconds
            ),
            q.s(
                j,
                "metrics/rpo_seconds/max",
                b.metrics.rpo_seconds.max,
                Style::Seconds
            ),
        );
        out.push(q.done(None, text));
    }
    out
}

/// The policy verdicts of strategy `i`, with the numbers of each breach.
fn policy(r: &RunResults, i: usize) -> Option<Finding> {
    let s = &r.strategies[i];
    let verdicts = s.policy.as_ref()?;
    let first = verdicts.first()?;
    let mut q = Quoting::new(r);
    let met: Vec<&str> = verdicts
        .iter()
        .filter(|v| v.verdict == "met")
        .map(|v| v.disruption.name())
        .collect();
    let mut text = format!(
        "Policy, {} (targets must hold at the {}th percentile of incidents): ",
        s.strategy,
        q.s(i, "policy/0/percentile", first.percentile, Style::Count)
    );
    let mut parts = Vec::new();
    if !met.is_empty() {
        parts.push(format!("meets the {} targets", and_list(&met)));
    }
    for (k, v) in verdicts.iter().enumerate() {
        if v.verdict != "breached" {
            continue;
        }
        let mut misses = Vec::new();
        if let (Some(false), Some(t)) = (v.rto_met, v.rto_target_seconds) {
            misses.push(format!(
                "RTO {} against {}",
                q.s(
                    i,
                    &format!("policy/{k}/rto_seconds_at_percentile"),
                    v.rto_seconds_at_percentile,
                    Style::Seconds
                ),
                q.s(
                    i,
                    &format!("policy/{k}/rto_target_seconds"),
                    t,
                    Style::Seconds
                )
            ));
        }
        if let (Some(false), Some(t)) = (v.rpo_met, v.rpo_target_seconds) {
            misses.push(format!(
                "RPO {} against {}",
                q.s(
                    i,
                    &format!("policy/{k}/rpo_seconds_at_percentile"),
                    v.rpo_seconds_at_percentile,
                    Style::Seconds
                ),
                q.s(
                    i,
                    &format!("policy/{k}/rpo_target_seconds"),
                    t,
                    Style::Seconds
                )
            ));
        }
        parts.push(format!(
            "breaches the {} target ({})",
            v.disruption.name(),
            misses.join(", ")
        ));
    }
    let untested: Vec<&str> = verdicts
        .iter()
        .filter(|v| v.verdict == "untested")
        .map(|v| v.disruption.name())
        .collect();
    if !untested.is_empty() {
        parts.push(format!("had no {} incident to test", untested.join(" or ")));
    }
    text.push_str(&parts.join("; "));
    text.push('.');
    Some(q.done(None, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_english() {
        assert_eq!(and_list(&["a"]), "a");
        assert_eq!(and_list(&["a", "b"]), "a and b");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
    }
}
