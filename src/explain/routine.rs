//! Routine incidents (those that cost nothing), counted per kind.

use super::phrases::{capitalize, count_of};
use super::{Group, Narrator, StoryLine};
use crate::scenario::FaultKind;
use crate::sim::Happening;
use crate::units::{Micros, human_duration};
use std::collections::BTreeMap;

impl Narrator<'_> {
    /// Routine incidents, counted per kind.
    pub(super) fn routine_lines(&self) -> Vec<StoryLine> {
        // kind -> (count, targets, shortest, longest)
        let mut kinds: BTreeMap<FaultKind, (usize, BTreeMap<String, usize>, Micros, Micros)> =
            BTreeMap::new();
        for g in self.groups() {
            let Group::Incident(k, idxs) = g else {
                continue;
            };
            if !self.is_routine(k, &idxs) {
                continue;
            }
            let inc = &self.o.incidents[k];
            // Duration: from the fault's Down to the matching Up.
            let span = idxs.iter().find_map(|&i| match &self.rec[i].what {
                Happening::Down { component, .. } => {
                    idxs.iter().find_map(|&j| match &self.rec[j].what {
                        Happening::Up { component: c } if c == component && j > i => {
                            Some(self.rec[j].at - self.rec[i].at)
                        }
                        _ => None,
                    })
                }
                _ => None,
            });
            let e = kinds
                .entry(inc.cause)
                .or_insert((0, BTreeMap::new(), Micros::MAX, 0));
            e.0 += 1;
            *e.1.entry(inc.target.to_string()).or_default() += 1;
            if let Some(d) = span {
                e.2 = e.2.min(d);
                e.3 = e.3.max(d);
            }
        }
        // ", 26 s to 36 s": the shortest and longest, when known.
        let range = |lo: Micros, hi: Micros| -> String {
            if lo == Micros::MAX {
                String::new()
            } else if human_duration(lo) == human_duration(hi) {
                format!(", {}", human_duration(lo))
            } else {
                format!(", {} to {}", human_duration(lo), human_duration(hi))
            }
        };
        let targets = |t: &BTreeMap<String, usize>| -> String {
            let v: Vec<String> = t
                .iter()
                .map(|(name, n)| {
                    if *n > 1 {
                        format!("{name} ×{n}")
                    } else {
                        name.clone()
                    }
                })
                .collect();
            v.join(", ")
        };
        let mut out = Vec::new();
        for (kind, (n, t, lo, hi)) in kinds {
            let r = range(lo, hi);
            let text = match kind {
                FaultKind::ApiCrash => {
                    let (m, total) = self
                        .sc
                        .api
                        .as_ref()
                        .map(|a| (a.min_healthy, a.servers.len()))
                        .unwrap_or((0, 0));
                    let back = if r.is_empty() {
                        String::new()
                    } else {
                        format!(" (down{r})").replace("(down, ", "(down ")
                    };
                    format!(
                        "{}{back} cost nothing: the pool of {total} always kept the {m} healthy servers it needs, and an API server holds no data.",
                        count_of(n, "API server crash", "API server crashes"),
                    )
                }
                FaultKind::DbCrash => format!(
                    "{} of a replica ({}{r}) cost nothing: {} with its data and caught up, while the primary kept taking {}.",
                    count_of(n, "crash", "crashes"),
                    targets(&t),
                    if n == 1 {
                        "it restarted"
                    } else {
                        "each restarted"
                    },
                    self.nouns
                ),
                FaultKind::ZoneOutage => format!(
                    "{} ({}{r}) cost nothing: {} the primary, and enough API servers stayed up.",
                    count_of(n, "zone outage", "zone outages"),
                    targets(&t),
                    if n == 1 {
                        "it did not hold"
                    } else {
                        "none held"
                    }
                ),
                FaultKind::RegionOutage => format!(
                    "{} ({}{r}) cost nothing: the primary was elsewhere.",
                    count_of(n, "region outage", "region outages"),
                    targets(&t)
                ),
                FaultKind::Partition => format!(
                    "{} ({}{r}) cost nothing: {} kept flowing, and replicas caught up once the link was back.",
                    count_of(n, "network partition", "network partitions"),
                    targets(&t).replace(" <-> ", "–"),
                    self.nouns
                ),
                other => format!("{} {} incidents cost nothing.", n, other.name()),
            };
            out.push(StoryLine {
                at: None,
                clock: None,
                incident: None,
                text: capitalize(&text),
                lost_writes: 0,
                downtime: 0,
            });
        }
        out
    }
}
