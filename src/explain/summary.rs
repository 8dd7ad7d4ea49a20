//! The summary: the design, every loss of the trial, and what to say
//! about it in an interview.

use super::phrases::{article_n, capitalize, count_of, join_and, ordinal_days, span};
use super::{Loss, LossKind, Narrator, StoryLine};
use crate::format::{format_availability, format_count};
use crate::scenario::{FaultKind, ReplicationMode};
use crate::sim::Happening;
use crate::units::{YEAR, human_duration};
use std::collections::{BTreeMap, BTreeSet};

impl Narrator<'_> {
    pub(super) fn design(&self) -> String {
        let sc = self.sc;
        let p = sc.initial_primary();
        let pz = sc.nodes[p].zone;
        let pr = sc.zones[pz].region;
        let replicas: Vec<String> = sc
            .nodes
            .iter()
            .enumerate()
            .filter(|(n, _)| *n != p)
            .map(|(_, node)| {
                let place = if node.zone == pz {
                    "in the same zone".to_string()
                } else if sc.zones[node.zone].region == pr {
                    "in another zone".to_string()
                } else {
                    format!("in {}", sc.regions[sc.zones[node.zone].region].name)
                };
                format!(
                    "a{} {} replica {place}",
                    article_n(node.mode.name()),
                    node.mode.name()
                )
            })
            .collect();
        let repl = if replicas.is_empty() {
            "a single database and no replica".to_string()
        } else {
            join_and(&replicas)
        };
        let backups = match &sc.backups {
            Some(b) => {
                let mut t = format!("{} full", ordinal_days(b.full_every));
                if let Some(i) = b.incremental_every {
                    t.push_str(&format!(" and {} incremental", ordinal_days(i)));
                }
                t.push_str(" backups");
                if b.log_archive.is_some() {
                    t.push_str(" with point-in-time recovery");
                }
                t
            }
            None => "no backups".to_string(),
        };
        format!("{repl}, and {backups}")
    }

    /// Every loss of the trial, from the records.
    pub(super) fn losses(&self) -> Vec<Loss> {
        let mut out = Vec::new();
        for (k, r) in self.rec.iter().enumerate() {
            let logical = self.owner[k].is_some_and(|i| {
                matches!(
                    self.o.incidents[i].cause,
                    FaultKind::AccidentalDelete | FaultKind::Migration
                )
            });
            let loss = |kind, lost| Loss {
                kind,
                lost,
                rtt: None,
                behind_by_design: false,
                logical,
                incident: self.owner[k],
                side: false,
            };
            match &r.what {
                Happening::Promoted {
                    from,
                    to,
                    window,
                    lost_writes,
                } => {
                    let (f, t) = (self.node(from), self.node(to));
                    let rtt = match (f, t) {
                        (Some(f), Some(t)) => self.sc.node_rtt(f, t),
                        _ => None,
                    };
                    let mode = t.map(|t| self.cast[k].mode[t]);
                    out.push(Loss {
                        rtt,
                        behind_by_design: *window > 0
                            || matches!(
                                mode,
                                Some(ReplicationMode::Async | ReplicationMode::Delayed)
                            ),
                        ..loss(LossKind::Failover, *lost_writes)
                    });
                }
                Happening::Restored {
                    lost_writes, how, ..
                } => out.push(Loss {
                    side: how.is_side_restore(),
                    ..loss(LossKind::Restore, *lost_writes)
                }),
                Happening::DataLost { lost_writes, .. } => {
                    out.push(loss(LossKind::Gone, *lost_writes))
                }
                Happening::Reconciled { diverged_writes } => {
                    out.push(loss(LossKind::SplitBrain, *diverged_writes))
                }
                _ => {}
            }
        }
        out
    }

    pub(super) fn summary(&self, lines: &[StoryLine]) -> String {
        let o = self.o;
        let nouns = &self.nouns;
        let period = if o.horizon == YEAR {
            "this simulated year".to_string()
        } else {
            format!("these {} of simulated time", span(o.horizon))
        };
        let told = lines.iter().filter(|l| l.incident.is_some()).count();
        let total = o.incidents.len();
        let mut s = format!(
            "With {}, {period} saw {} ({} worth telling).",
            self.design(),
            count_of(total, "incident", "incidents"),
            told
        );
        if o.records.is_empty() && total > 0 {
            s.push_str(" (This trial was run without recording, so no incident is told.)");
        }
        let down = if o.downtime == 0 {
            format!(" {} were never rejected", capitalize(nouns))
        } else {
            let stops = lines
                .iter()
                .filter(|l| l.downtime > 0 && l.incident.is_some())
                .count();
            format!(
                " {} were rejected for {} in total{} (availability {})",
                capitalize(nouns),
                human_duration(o.downtime),
                if stops > 0 {
                    format!(", in {}", count_of(stops, "incident", "incidents"))
                } else {
                    String::new()
                },
                format_availability(o.availability())
            )
        };
        let losses = self.losses();
        let lost = if o.lost_writes == 0 {
            format!("no acknowledged {} was lost", self.noun)
        } else {
            let by: BTreeMap<LossKind, (usize, u64)> =
                losses
                    .iter()
                    .filter(|l| l.lost > 0)
                    .fold(BTreeMap::new(), |mut m, l| {
                        let e = m.entry(l.kind).or_insert((0, 0));
                        e.0 += 1;
                        e.1 += l.lost;
                        m
                    });
            let name = |k: LossKind, n: usize| -> String {
                match k {
                    LossKind::Failover => count_of(n, "failover", "failovers"),
                    LossKind::Restore => count_of(n, "restore", "restores"),
                    LossKind::Gone => count_of(n, "unrecoverable loss", "unrecoverable losses"),
                    LossKind::SplitBrain => count_of(n, "split brain", "split brains"),
                }
            };
            let how = if by.len() == 1 {
                let (k, (n, _)) = by.iter().next().expect("one");
                if *n == 1 {
                    format!(", all in {}", name(*k, 1))
                } else {
                    format!(", in {}", name(*k, *n))
                }
            } else {
                let parts: Vec<String> = by
                    .iter()
                    .map(|(k, (n, l))| format!("{} in {}", format_count(*l), name(*k, *n)))
                    .collect();
                format!(" ({})", join_and(&parts))
            };
            format!(
                "{} acknowledged {} {} lost{how}",
                format_count(o.lost_writes),
                self.nouns_for(o.lost_writes),
                if o.lost_writes == 1 { "was" } else { "were" }
            )
        };
        s.push_str(&format!("{down}, and {lost}."));
        for c in self.counterfactuals(&losses, lines) {
            s.push(' ');
            s.push_str(&c);
        }
        s
    }

    /// When most of the downtime went to waiting out a zone or region
    /// outage that held every copy, what would have shortened it.
    pub(super) fn waiting(&self, lines: &[StoryLine]) -> Option<String> {
        let waited: BTreeSet<usize> = self
            .rec
            .iter()
            .zip(&self.owner)
            .filter_map(|(r, o)| match &r.what {
                Happening::RecoveryPlanned { how, .. } if how.is_wait() => *o,
                _ => None,
            })
            .collect();
        let mut total = 0;
        let mut kinds: BTreeSet<FaultKind> = BTreeSet::new();
        let mut targets: BTreeMap<String, usize> = BTreeMap::new();
        for l in lines {
            let Some(i) = l.incident else { continue };
            let inc = &self.o.incidents[i];
            if waited.contains(&i)
                && matches!(inc.cause, FaultKind::ZoneOutage | FaultKind::RegionOutage)
            {
                total += l.downtime;
                kinds.insert(inc.cause);
                *targets.entry(inc.target.to_string()).or_default() += 1;
            }
        }
        if total == 0 || total * 2 < self.o.downtime {
            return None;
        }
        let n: usize = targets.values().sum();
        let names: Vec<String> = targets.keys().cloned().collect();
        let region = kinds.contains(&FaultKind::RegionOutage);
        let what = if region {
            count_of(n, "region outage", "region outages")
        } else {
            count_of(n, "zone outage", "zone outages")
        };
        let fix = if region {
            if self.multi_region() {
                "A standby in another region, with API servers beside it, would have turned each wait into a failover an operator decides"
            } else {
                "Only a second region could have shortened it"
            }
        } else {
            "A replica in another zone would have turned each wait into a failover of a minute or two"
        };
        Some(format!(
            "{} of the downtime went to waiting out {what} ({}) that held every copy of the data. {fix}.",
            human_duration(total),
            join_and(&names)
        ))
    }
}
