//! The records grouped into incidents, what each group cost, and which
//! incidents are worth a paragraph.

use super::{Group, Narrator, StoryLine};
use crate::scenario::FaultKind;
use crate::sim::Happening;
use crate::units::{Micros, clock};
use std::collections::BTreeMap;

impl Narrator<'_> {
    /// The records grouped: one group per incident (in order of its first
    /// record), and the records of no incident grouped by instant.
    pub(super) fn groups(&self) -> Vec<Group> {
        let mut by_incident: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        let mut order: Vec<(usize, Option<usize>)> = Vec::new();
        let mut loose: Vec<Vec<usize>> = Vec::new();
        for (i, r) in self.rec.iter().enumerate() {
            match self.owner[i] {
                Some(k) => {
                    let e = by_incident.entry(k).or_default();
                    if e.is_empty() {
                        order.push((i, Some(k)));
                    }
                    e.push(i);
                }
                None => {
                    let joins = loose
                        .last()
                        .and_then(|g| g.last())
                        .is_some_and(|&j| j + 1 == i && self.rec[j].at == r.at);
                    if joins {
                        loose.last_mut().expect("checked").push(i);
                    } else {
                        order.push((i, None));
                        loose.push(vec![i]);
                    }
                }
            }
        }
        let mut loose = loose.into_iter();
        order
            .into_iter()
            .map(|(_, k)| match k {
                Some(k) => Group::Incident(k, by_incident.remove(&k).unwrap_or_default()),
                None => Group::Loose(loose.next().unwrap_or_default()),
            })
            .collect()
    }

    /// Downtime reported by a group: every outage it started (paired with
    /// the WritesResumed that ends it, or the horizon).
    pub(super) fn downtime_of(&self, idxs: &[usize]) -> (Micros, bool) {
        let mut total = 0;
        let mut open_at_end = false;
        for &i in idxs {
            if let Happening::WritesStopped { .. } = self.rec[i].what {
                let end = self.rec[i + 1..].iter().find_map(|r| match r.what {
                    Happening::WritesResumed { after } => Some(after),
                    _ => None,
                });
                match end {
                    Some(after) => total += after,
                    None => {
                        open_at_end = true;
                        total += self.o.horizon.saturating_sub(self.rec[i].at);
                    }
                }
            }
        }
        (total, open_at_end)
    }

    pub(super) fn lost_of(&self, idxs: &[usize]) -> u64 {
        idxs.iter()
            .map(|&i| match &self.rec[i].what {
                Happening::Promoted { lost_writes, .. }
                | Happening::Restored { lost_writes, .. }
                | Happening::DataLost { lost_writes, .. } => *lost_writes,
                Happening::Reconciled { diverged_writes } => *diverged_writes,
                _ => 0,
            })
            .sum()
    }

    pub(super) fn is_routine(&self, inc: usize, idxs: &[usize]) -> bool {
        let i = &self.o.incidents[inc];
        let quiet_kind = matches!(
            i.cause,
            FaultKind::ApiCrash
                | FaultKind::DbCrash
                | FaultKind::ZoneOutage
                | FaultKind::RegionOutage
                | FaultKind::Partition
        );
        let eventful = idxs.iter().any(|&k| match &self.rec[k].what {
            Happening::Down { why, .. } => why.destroys_data(),
            Happening::Fault { .. } | Happening::Up { .. } => false,
            _ => true,
        });
        quiet_kind
            && !eventful
            && i.lost_writes == 0
            && i.rto == 0
            && i.diverged_writes == 0
            && self.lost_of(idxs) == 0
    }

    pub(super) fn incident_lines(&self) -> Vec<StoryLine> {
        let mut out = Vec::new();
        for g in self.groups() {
            let (inc, idxs) = match &g {
                Group::Incident(k, v) => (Some(*k), v),
                Group::Loose(v) => (None, v),
            };
            if idxs.is_empty() {
                continue;
            }
            if let Some(k) = inc
                && self.is_routine(k, idxs)
            {
                continue;
            }
            if inc.is_none() && self.loose_is_routine(idxs) {
                continue;
            }
            let at = self.rec[idxs[0]].at;
            let text = self.paragraph(idxs);
            let (downtime, _) = self.downtime_of(idxs);
            out.push(StoryLine {
                at: Some(at),
                clock: Some(clock(at)),
                incident: inc,
                text,
                lost_writes: self.lost_of(idxs),
                downtime,
            });
        }
        out
    }

    /// Loose records that say nothing on their own (a component back up).
    fn loose_is_routine(&self, idxs: &[usize]) -> bool {
        idxs.iter().all(|&i| {
            matches!(self.rec[i].what, Happening::Up { .. })
                || matches!(&self.rec[i].what, Happening::Migration { effect, .. } if effect == "online")
        })
    }
}
