//! The story of one trial as a Gantt chart: the records a trial keeps when
//! asked (`Engine::run_trial(.., record = true)`) turned into lanes,
//! markers and shaded loss windows for [`crate::charts::timeline_chart`].
//!
//! Lanes, top to bottom:
//!
//! - **writes**: down while the write path refuses writes
//!   (`WritesStopped` .. `WritesResumed`), degraded while writes go on
//!   without the protection they were configured with (`Degraded` ..
//!   `Protected`);
//! - **API servers**, grouped: degraded while some server is down (crashed,
//!   or its zone or region is out), down while fewer than `min_healthy`
//!   are left;
//! - **each database node**: down while its process, disk, zone or region
//!   is down; rebuilding while re-seeded from the primary; restoring while
//!   the primary is being restored from backups (from the moment the
//!   restore is planned until the data is back);
//! - each **zone**, **region** and **network link** that failed in the
//!   trial (the others are left out);
//! - **full backups**, when the scenario takes them: a marker where one was
//!   due and a primary was up to take it. The engine computes backups from
//!   their schedule rather than as events, and so do we; incrementals are
//!   not drawn (a daily marker would fill the lane).
//!
//! Markers: a fault on the lane it hit, a failover on the node promoted, a
//! restore where it started. Loss windows come from `Promoted`, `Restored`
//! and `DataLost` records that lost writes: the window is the span of
//! acknowledged writes that were lost, ending when the failure that lost
//! them was handled (the matching `RecoveryPlanned`), or at the fault.
//! Writes diverged by a split brain are shaded from the split to the
//! reconciliation.

use crate::charts::{
    EventKind, IntervalState, TimelineChart, TimelineEvent, TimelineInterval, TimelineRow,
};
use crate::scenario::{Role, Scenario};
use crate::sim::{Component, Happening, TrialOutcome};
use crate::units::Micros;
use std::collections::BTreeMap;

/// One trial chosen to be told, and what happened in it.
#[derive(Clone, Debug)]
pub struct Story {
    /// The strategy it ran under (the scenario as written).
    pub strategy: String,
    /// Trial index.
    pub trial: u64,
    /// How many trials it was chosen from (the first N).
    pub searched: u64,
    /// The outcome, with records.
    pub outcome: TrialOutcome,
}

type Span = (Micros, Micros);

fn secs(t: Micros) -> f64 {
    t as f64 / 1e6
}

/// Sorted, merged union of spans.
fn union(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_unstable();
    let mut out: Vec<Span> = Vec::new();
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

fn contains(spans: &[Span], t: Micros) -> bool {
    spans.iter().any(|&(s, e)| s <= t && t < e)
}

/// Opens and closes spans by what they are of (a component, a state of
/// the write path).
struct Spans<K> {
    open: BTreeMap<K, Micros>,
    done: BTreeMap<K, Vec<Span>>,
}

impl<K> Default for Spans<K> {
    fn default() -> Self {
        Spans {
            open: BTreeMap::new(),
            done: BTreeMap::new(),
        }
    }
}

impl<K: Ord + Clone> Spans<K> {
    fn open(&mut self, key: &K, at: Micros) {
        if !self.open.contains_key(key) {
            self.open.insert(key.clone(), at);
        }
    }
    fn close(&mut self, key: &K, at: Micros) {
        if let Some(s) = self.open.remove(key) {
            self.done.entry(key.clone()).or_default().push((s, at));
        }
    }
    fn finish(&mut self, horizon: Micros) {
        for (key, s) in std::mem::take(&mut self.open) {
            self.done.entry(key).or_default().push((s, horizon));
        }
    }
    fn get(&self, key: &K) -> Vec<Span> {
        self.done.get(key).cloned().unwrap_or_default()
    }
}

/// Spans where at least `k` of `lists` overlap.
fn overlap_at_least(lists: &[Vec<Span>], k: usize) -> Vec<Span> {
    let mut edges: Vec<(Micros, i64)> = Vec::new();
    for l in lists {
        for &(s, e) in l {
            if e > s {
                edges.push((s, 1));
                edges.push((e, -1));
            }
        }
    }
    edges.sort_unstable();
    let mut out = Vec::new();
    let mut count = 0i64;
    let mut since = None;
    let mut i = 0;
    while i < edges.len() {
        let t = edges[i].0;
        while i < edges.len() && edges[i].0 == t {
            count += edges[i].1;
            i += 1;
        }
        let on = count >= k as i64;
        match (on, since) {
            (true, None) => since = Some(t),
            (false, Some(s)) => {
                out.push((s, t));
                since = None;
            }
            _ => {}
        }
    }
    out
}

fn intervals(spans: &[Span], state: IntervalState) -> Vec<TimelineInterval> {
    spans
        .iter()
        .map(|&(s, e)| TimelineInterval {
            start_s: secs(s),
            end_s: secs(e),
            state,
        })
        .collect()
}

/// The timeline chart of one trial of `sc`.
pub fn chart(sc: &Scenario, story: &Story) -> TimelineChart {
    let o = &story.outcome;
    let horizon = o.horizon.max(sc.horizon);
    let records = &o.records;

    // Pass 1: spans by component, and who is primary when.
    let mut downs: Spans<Component> = Spans::default();
    let mut rebuilds: Spans<Component> = Spans::default();
    let mut writes: Spans<&str> = Spans::default();
    let mut primaries: Vec<(Micros, String)> =
        vec![(0, sc.nodes[sc.initial_primary()].name.clone())];
    let mut restores: Vec<(String, Span)> = Vec::new();
    let mut failovers: Vec<(String, Micros)> = Vec::new();
    let mut losses: Vec<Span> = Vec::new();
    let mut split_since: Option<Micros> = None;
    let primary_at = |primaries: &[(Micros, String)], t: Micros| -> String {
        primaries
            .iter()
            .rev()
            .find(|(since, _)| *since <= t)
            .map(|p| p.1.clone())
            .unwrap_or_default()
    };
    // The moment the failure behind record `k` was handled: the latest
    // recovery planned for the same incident, else the fault itself.
    let handled_at = |k: usize| -> Micros {
        let r = &records[k];
        records[..k]
            .iter()
            .rev()
            .find(|p| {
                matches!(p.what, Happening::RecoveryPlanned { .. }) && p.incident == r.incident
            })
            .map(|p| p.at)
            .or_else(|| r.incident.and_then(|i| o.incidents.get(i)).map(|i| i.at))
            .unwrap_or(r.at)
    };
    for (k, r) in records.iter().enumerate() {
        match &r.what {
            Happening::Down { component, .. } => downs.open(component, r.at),
            Happening::Up { component } => {
                downs.close(component, r.at);
                rebuilds.close(component, r.at);
            }
            Happening::Rebuilding { node, .. } | Happening::Rewinding { node, .. } => {
                rebuilds.open(&Component::Node(node.clone()), r.at)
            }
            Happening::WritesStopped { .. } => writes.open(&"down", r.at),
            Happening::WritesResumed { .. } => writes.close(&"down", r.at),
            Happening::Degraded { .. } => writes.open(&"degraded", r.at),
            Happening::Protected { .. } => writes.close(&"degraded", r.at),
            Happening::Promoted {
                to,
                window,
                lost_writes,
                ..
            } => {
                failovers.push((to.clone(), r.at));
                primaries.push((r.at, to.clone()));
                if *lost_writes > 0 {
                    let end = handled_at(k);
                    losses.push((end.saturating_sub(*window), end));
                }
            }
            Happening::SplitBrain { new, .. } => {
                failovers.push((new.clone(), r.at));
                primaries.push((r.at, new.clone()));
                split_since = Some(r.at);
            }
            Happening::Reconciled { diverged_writes } => {
                if let Some(s) = split_since.take()
                    && *diverged_writes > 0
                {
                    losses.push((s, r.at));
                }
            }
            Happening::Restored {
                how,
                window,
                lost_writes,
                ..
            } => {
                let planned = records[..k].iter().rev().find(
                    |p| matches!(&p.what, Happening::RecoveryPlanned { how: h, .. } if h == how),
                );
                let start = planned.map_or(r.at, |p| p.at);
                restores.push((primary_at(&primaries, start), (start, r.at)));
                if *lost_writes > 0 {
                    let end = handled_at(k);
                    losses.push((end.saturating_sub(*window), end));
                }
            }
            Happening::DataLost {
                lost_writes,
                window,
                ..
            } if *lost_writes > 0 => {
                let end = handled_at(k);
                losses.push((end.saturating_sub(*window), end));
            }
            _ => {}
        }
    }
    downs.finish(horizon);
    rebuilds.finish(horizon);
    writes.finish(horizon);

    let mut rows: Vec<TimelineRow> = Vec::new();
    let mut row_of: BTreeMap<String, usize> = BTreeMap::new();
    let mut push_row = |rows: &mut Vec<TimelineRow>,
                        name: String,
                        keys: &[String],
                        intervals: Vec<TimelineInterval>| {
        for k in keys {
            row_of.insert(k.clone(), rows.len());
        }
        rows.push(TimelineRow { name, intervals });
    };

    // Writes.
    let mut w = intervals(&writes.get(&"degraded"), IntervalState::Degraded);
    w.extend(intervals(&writes.get(&"down"), IntervalState::Down));
    push_row(&mut rows, "writes accepted".into(), &["data set".into()], w);

    let zone_name = |z: usize| Component::Zone(sc.zones[z].name.clone());
    let region_name = |z: usize| Component::Region(sc.regions[sc.zones[z].region].name.clone());
    let place_down = |z: usize| -> Vec<Span> {
        let mut v = downs.get(&zone_name(z));
        v.extend(downs.get(&region_name(z)));
        v
    };

    // API servers, grouped.
    if let Some(api) = &sc.api {
        let servers: Vec<Vec<Span>> = api
            .servers
            .iter()
            .enumerate()
            .map(|(k, &z)| {
                let mut v = downs.get(&Component::Api(format!("api-{k}")));
                v.extend(place_down(z));
                union(v)
            })
            .collect();
        let n = servers.len();
        let need = api.min_healthy as usize;
        let mut iv = intervals(&overlap_at_least(&servers, 1), IntervalState::Degraded);
        if need > 0 && need <= n {
            iv.extend(intervals(
                &overlap_at_least(&servers, n - need + 1),
                IntervalState::Down,
            ));
        }
        let keys: Vec<String> = (0..n).map(|k| format!("api-{k}")).collect();
        push_row(
            &mut rows,
            format!("API servers ({n}, {need} needed)"),
            &keys,
            iv,
        );
    }

    // Database nodes.
    let mut node_down: BTreeMap<String, Vec<Span>> = BTreeMap::new();
    for (i, n) in sc.nodes.iter().enumerate() {
        let mut d = downs.get(&Component::Node(n.name.clone()));
        d.extend(place_down(n.zone));
        let d = union(d);
        let mut iv = intervals(&d, IntervalState::Down);
        iv.extend(intervals(
            &rebuilds.get(&Component::Node(n.name.clone())),
            IntervalState::Rebuilding,
        ));
        let restoring: Vec<Span> = restores
            .iter()
            .filter(|(who, _)| *who == n.name)
            .map(|r| r.1)
            .collect();
        iv.extend(intervals(&restoring, IntervalState::Restoring));
        let role = if i == sc.initial_primary() || n.role == Role::Primary {
            "primary".to_string()
        } else {
            format!("{} replica", n.mode.name())
        };
        node_down.insert(n.name.clone(), d);
        push_row(
            &mut rows,
            format!("{} ({role} at start)", n.name),
            std::slice::from_ref(&n.name),
            iv,
        );
    }

    // Places and links that failed.
    let places = |c: &&Component| matches!(c, Component::Zone(_));
    let regions = |c: &&Component| matches!(c, Component::Region(_));
    let links = |c: &&Component| matches!(c, Component::Network(_));
    let failed: Vec<Component> = [places, regions, links]
        .iter()
        .flat_map(|kind| downs.done.keys().filter(kind).cloned().collect::<Vec<_>>())
        .collect();
    for c in failed {
        let spans = union(downs.get(&c));
        let name = c.to_string();
        push_row(
            &mut rows,
            name.clone(),
            &[c.name().to_string(), name],
            intervals(&spans, IntervalState::Down),
        );
    }

    let mut events: Vec<TimelineEvent> = Vec::new();
    // Full backups that had a primary to take them.
    if let Some(b) = &sc.backups {
        let row = rows.len();
        push_row(
            &mut rows,
            "full backups".into(),
            &["backups".into()],
            vec![],
        );
        let mut at = b.first_at;
        while at < horizon && events.len() < 1000 {
            let p = primary_at(&primaries, at);
            if !node_down.get(&p).is_some_and(|d| contains(d, at)) {
                events.push(TimelineEvent {
                    row,
                    at_s: secs(at),
                    kind: EventKind::BackupTaken,
                });
            }
            at += b.full_every.max(1);
        }
    }

    for r in records {
        if let Happening::Fault { target, .. } = &r.what {
            let row = row_of.get(target).copied().unwrap_or(0);
            events.push(TimelineEvent {
                row,
                at_s: secs(r.at),
                kind: EventKind::Crash,
            });
        }
    }
    for (to, at) in &failovers {
        if let Some(&row) = row_of.get(to) {
            events.push(TimelineEvent {
                row,
                at_s: secs(*at),
                kind: EventKind::Failover,
            });
        }
    }
    for (who, (start, _)) in &restores {
        if let Some(&row) = row_of.get(who) {
            events.push(TimelineEvent {
                row,
                at_s: secs(*start),
                kind: EventKind::RestoreStarted,
            });
        }
    }

    TimelineChart {
        title: format!(
            "Trial {}, the most eventful of the first {} ({} as written)",
            story.trial, story.searched, story.strategy
        ),
        rows,
        events,
        loss_windows: union(losses)
            .into_iter()
            .map(|(s, e)| (secs(s), secs(e)))
            .collect(),
        horizon_s: Some(secs(horizon)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_merges_overlaps() {
        assert_eq!(union(vec![(5, 9), (1, 3), (2, 4)]), vec![(1, 4), (5, 9)]);
    }

    #[test]
    fn overlap_counts_concurrent_spans() {
        let lists = vec![vec![(0, 10)], vec![(5, 20)], vec![(8, 9)]];
        assert_eq!(overlap_at_least(&lists, 1), vec![(0, 20)]);
        assert_eq!(overlap_at_least(&lists, 2), vec![(5, 10)]);
        assert_eq!(overlap_at_least(&lists, 3), vec![(8, 9)]);
    }
}
