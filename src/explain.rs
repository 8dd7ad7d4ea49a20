//! `failsim explain`: one trial told as a story in plain English.
//!
//! The engine records what happened as [`Record`]s, each tagged with the
//! incident it belongs to. This module turns them into prose a learner can
//! follow:
//!
//! ```text
//!   setting     what the system is: API pool, primary, replicas, backups
//!   lines       one paragraph per incident that cost something or changed
//!               the system (time of the fault, then "After 70 s, ..."),
//!               ending with its cost: rejected writes and lost writes
//!   routine     incidents that cost nothing, counted per kind
//!   summary     what a candidate could say in an interview, with this
//!               trial's numbers
//! ```
//!
//! Every number in the story comes from the records or the trial's totals;
//! nothing is re-simulated. Each paragraph carries its lost writes and
//! downtime as numbers too, so tests (and the JSON) can check that the
//! prose adds up to the trial's metrics.
//!
//! Some records come from the engine without an incident (a repair noted
//! after the handler cleared its context); [`attribute`] gives each to the
//! incident it closes, so a paragraph tells its incident to the end.

pub use crate::format::{format_availability, format_count};
use crate::format::{format_bytes, format_latency, pct_prose};
use crate::scenario::{
    FailoverMode, FaultKind, MigrationEffect, NodeId, ReplicationMode, Scenario, SyncDown,
};
use crate::sim::{Happening, Record, TrialOutcome};
use crate::units::{DAY, Micros, YEAR, clock, human_duration};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Why writes stay rejected after a failover under `sync_on_replica_down = "block"`.
const SYNC_BLOCKS: &str = "the new primary has no sync replica left to confirm them, and this design blocks writes rather than take them unprotected";

/// One trial, told.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Story {
    pub scenario: String,
    pub strategy: String,
    pub trial: u64,
    /// What the system is, before anything happens.
    pub setting: String,
    /// The incidents worth telling, in order, then the routine ones rolled up.
    pub lines: Vec<StoryLine>,
    /// A few sentences with this trial's numbers, to say in an interview.
    pub summary: String,
}

/// One paragraph of the story.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoryLine {
    /// Simulated time the paragraph starts at; `None` for a roll-up of
    /// routine incidents.
    #[serde(rename = "at_us")]
    pub at: Option<Micros>,
    /// `at` as `day 31 04:12:09`.
    pub clock: Option<String>,
    /// The incident told (index into the trial's incidents), if one.
    pub incident: Option<usize>,
    pub text: String,
    /// Acknowledged writes this paragraph reports lost.
    pub lost_writes: u64,
    /// Time with writes rejected that this paragraph reports, microseconds.
    #[serde(rename = "downtime_us")]
    pub downtime: Micros,
}

/// The plural of a write noun: `order` -> `orders`, `entry` -> `entries`.
pub fn plural(noun: &str) -> String {
    let consonant_y = noun.ends_with('y')
        && !noun.ends_with("ay")
        && !noun.ends_with("ey")
        && !noun.ends_with("oy")
        && !noun.ends_with("uy");
    if consonant_y {
        format!("{}ies", &noun[..noun.len() - 1])
    } else if noun.ends_with('s')
        || noun.ends_with('x')
        || noun.ends_with("ch")
        || noun.ends_with("sh")
    {
        format!("{noun}es")
    } else {
        format!("{noun}s")
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn count_of(n: usize, one: &str, many: &str) -> String {
    match n {
        1 => format!("one {one}"),
        _ => format!("{n} {many}"),
    }
}

fn ordinal_days(t: Micros) -> String {
    if t.is_multiple_of(DAY) {
        match t / DAY {
            1 => "daily".into(),
            7 => "weekly".into(),
            d => format!("every {d} days"),
        }
    } else {
        format!("every {}", span(t))
    }
}

/// A configured span in words, exact when it is a whole number of units:
/// `35 days`, `1 day`, `4 h`, `5 min`, `10 s`; else as [`human_duration`].
pub fn span(t: Micros) -> String {
    use crate::units::{HOUR, MINUTE, SECOND};
    let whole = |unit: Micros| t > 0 && t.is_multiple_of(unit);
    if whole(DAY) {
        match t / DAY {
            1 => "1 day".into(),
            d => format!("{d} days"),
        }
    } else if whole(HOUR) {
        format!("{} h", t / HOUR)
    } else if whole(MINUTE) {
        format!("{} min", t / MINUTE)
    } else if whole(SECOND) {
        format!("{} s", t / SECOND)
    } else {
        human_duration(t)
    }
}

/// `a` or `an` before a word.
pub fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

/// The incident each record belongs to.
///
/// The engine tags most records with their incident. A few arrive without
/// one (the handler of a repair clears its context before the consequence
/// is noted); each is given to the incident it closes:
/// - `Up` of a component goes with the incident that took it down (or
///   started rebuilding it);
/// - `WritesResumed` goes with the incident whose `WritesStopped` it ends
///   (always, so that an outage is told in one paragraph), and an untagged
///   `WritesStopped` with the incident of the `WritesResumed` that ends it;
/// - anything else untagged goes with a record of the same instant just
///   before it, if that one has an incident.
pub fn attribute(records: &[Record]) -> Vec<Option<usize>> {
    // The WritesResumed that ends each WritesStopped.
    let mut resume_of = vec![None; records.len()];
    let mut open: Option<usize> = None;
    for (i, r) in records.iter().enumerate() {
        match r.what {
            Happening::WritesStopped { .. } => open = Some(i),
            Happening::WritesResumed { .. } => {
                if let Some(s) = open.take() {
                    resume_of[s] = Some(i);
                }
            }
            _ => {}
        }
    }
    let mut out: Vec<Option<usize>> = vec![None; records.len()];
    let mut downed: BTreeMap<String, Option<usize>> = BTreeMap::new();
    let mut stop_owner: Option<Option<usize>> = None;
    for (i, r) in records.iter().enumerate() {
        let same_instant = || {
            (i > 0 && records[i - 1].at == r.at)
                .then(|| out[i - 1])
                .flatten()
        };
        let inc = match &r.what {
            Happening::WritesResumed { .. } => match stop_owner.take() {
                Some(Some(o)) => Some(o),
                _ => r.incident.or_else(same_instant),
            },
            Happening::WritesStopped { .. } => r
                .incident
                .or_else(|| resume_of[i].and_then(|k| records[k].incident))
                .or_else(same_instant),
            Happening::Up { component } => r
                .incident
                .or_else(|| downed.get(component).copied().flatten())
                .or_else(same_instant),
            _ => r.incident.or_else(same_instant),
        };
        out[i] = inc;
        match &r.what {
            Happening::Down { component, .. } => {
                downed.insert(component.clone(), inc);
            }
            Happening::Rebuilding { node, .. } => {
                downed.insert(node.clone(), inc);
            }
            Happening::Up { component } => {
                downed.remove(component);
            }
            Happening::WritesStopped { .. } => stop_owner = Some(inc),
            _ => {}
        }
    }
    out
}

/// Who is primary and how each node replicates, before a record.
#[derive(Clone, Debug)]
struct Cast {
    primary: NodeId,
    mode: Vec<ReplicationMode>,
    active: Vec<bool>,
}

/// What is down before a record: node names, `zone X`, `region X`,
/// `network A <-> B`, `api-K`.
#[derive(Clone, Debug, Default)]
struct World {
    down: BTreeSet<String>,
}

/// How a lost write came to be lost, for the summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum LossKind {
    Failover,
    Restore,
    Gone,
    SplitBrain,
}

struct Loss {
    kind: LossKind,
    lost: u64,
    /// Round trip between the old and the new primary (failovers).
    rtt: Option<Micros>,
    /// The promoted replica did not hold every acknowledged write by design
    /// (async, delayed, semi-sync fallen back).
    behind_by_design: bool,
    /// The loss followed a logical corruption (delete, destructive migration).
    logical: bool,
}

/// Tells one recorded trial. `outcome` must come from a run with recording
/// on (`Engine::run_trial(seed, trial, true)`); `strategy` is the name the
/// story gives the design (e.g. `async`, or the scenario's own mode).
pub fn narrate(sc: &Scenario, outcome: &TrialOutcome, strategy: &str) -> Story {
    let n = Narrator::new(sc, outcome);
    let mut lines = n.incident_lines();
    let routine = n.routine_lines();
    lines.extend(routine);
    Story {
        scenario: sc.name.clone(),
        strategy: strategy.to_string(),
        trial: outcome.trial,
        setting: n.setting(),
        summary: n.summary(&lines),
        lines,
    }
}

struct Narrator<'a> {
    sc: &'a Scenario,
    o: &'a TrialOutcome,
    rec: &'a [Record],
    owner: Vec<Option<usize>>,
    cast: Vec<Cast>,
    world: Vec<World>,
    noun: String,
    nouns: String,
}

/// One group of records told together.
enum Group {
    Incident(usize, Vec<usize>),
    Loose(Vec<usize>),
}

impl<'a> Narrator<'a> {
    fn new(sc: &'a Scenario, o: &'a TrialOutcome) -> Self {
        let rec = &o.records[..];
        let owner = attribute(rec);
        let mut cast = Cast {
            primary: sc.initial_primary(),
            mode: sc.nodes.iter().map(|n| n.mode).collect(),
            active: sc.nodes.iter().map(|n| n.active).collect(),
        };
        let mut world = World::default();
        let mut casts = Vec::with_capacity(rec.len());
        let mut worlds = Vec::with_capacity(rec.len());
        let node = |name: &str| sc.nodes.iter().position(|x| x.name == name);
        for r in rec {
            casts.push(cast.clone());
            worlds.push(world.clone());
            match &r.what {
                Happening::Promoted { from, to, .. } => {
                    if let (Some(f), Some(t)) = (node(from), node(to)) {
                        cast.mode[f] = cast.mode[t];
                        cast.active[f] = cast.active[t];
                        cast.primary = t;
                        world.down.insert(from.clone());
                    }
                }
                Happening::Restored { how, .. } if how.contains("promoted") => {
                    // A delayed replica replayed and promoted: the record
                    // names it only in its text.
                    if let Some(t) = sc.nodes.iter().position(|x| {
                        how.split_whitespace()
                            .any(|w| w.trim_matches(|c: char| c == ',') == x.name)
                    }) {
                        let f = cast.primary;
                        cast.mode[f] = cast.mode[t];
                        cast.active[f] = cast.active[t];
                        cast.primary = t;
                    }
                }
                Happening::Down { component, .. } => {
                    world.down.insert(component.clone());
                }
                Happening::Rebuilding { node, .. } => {
                    world.down.insert(node.clone());
                }
                Happening::Up { component } => {
                    world.down.remove(component);
                }
                _ => {}
            }
        }
        let noun = sc.workload.write_noun.clone();
        Narrator {
            sc,
            o,
            rec,
            owner,
            cast: casts,
            world: worlds,
            nouns: plural(&noun),
            noun,
        }
    }

    fn node(&self, name: &str) -> Option<NodeId> {
        self.sc.nodes.iter().position(|x| x.name == name)
    }

    fn multi_region(&self) -> bool {
        self.sc.regions.len() > 1
    }

    fn zone_name(&self, z: usize) -> String {
        let zone = &self.sc.zones[z];
        if self.multi_region() {
            format!(
                "zone {} of region {}",
                zone.name, self.sc.regions[zone.region].name
            )
        } else {
            format!("zone {}", zone.name)
        }
    }

    /// `the primary db1`, `the async replica db2`.
    fn node_role(&self, n: NodeId, cast: &Cast) -> String {
        let name = &self.sc.nodes[n].name;
        if n == cast.primary {
            format!("the primary {name}")
        } else {
            let mode = match cast.mode[n] {
                ReplicationMode::None => "",
                m => m.name(),
            };
            let kind = if cast.active[n] {
                "replica"
            } else {
                "standby replica"
            };
            if mode.is_empty() {
                format!("the {kind} {name}")
            } else {
                format!("the {mode} {kind} {name}")
            }
        }
    }

    /// `the primary db1 (zone us-east-1a)`.
    fn node_placed(&self, n: NodeId, cast: &Cast) -> String {
        let z = self.sc.nodes[n].zone;
        let home = self.sc.zones[self.sc.nodes[self.sc.initial_primary()].zone].region;
        let zone = &self.sc.zones[z];
        if zone.region == home {
            format!("{} in zone {}", self.node_role(n, cast), zone.name)
        } else {
            format!(
                "{} in zone {} of region {}",
                self.node_role(n, cast),
                zone.name,
                self.sc.regions[zone.region].name
            )
        }
    }

    /// The database nodes and API servers inside a set of zones.
    fn contents(&self, zones: &[usize], cast: &Cast) -> Vec<String> {
        let mut items: Vec<String> = Vec::new();
        let mut nodes: Vec<NodeId> = (0..self.sc.nodes.len())
            .filter(|&n| zones.contains(&self.sc.nodes[n].zone))
            .collect();
        nodes.sort_by_key(|&n| (n != cast.primary, n));
        for n in nodes {
            items.push(self.node_role(n, cast));
        }
        if let Some(api) = &self.sc.api {
            let k = api.servers.iter().filter(|z| zones.contains(z)).count();
            if k == api.servers.len() && k > 1 {
                items.push(format!("all {k} API servers"));
            } else if k > 0 {
                items.push(format!(
                    "{} of the {} API servers",
                    if k == 1 { "one".into() } else { k.to_string() },
                    api.servers.len()
                ));
            }
        }
        items
    }

    fn zone_of(&self, name: &str) -> Option<usize> {
        self.sc.zones.iter().position(|z| z.name == name)
    }

    fn region_of(&self, name: &str) -> Option<usize> {
        self.sc.regions.iter().position(|r| r.name == name)
    }

    /// Whether a node can serve, as far as the records tell.
    fn unusable_why(&self, n: NodeId, w: &World) -> Option<String> {
        let name = &self.sc.nodes[n].name;
        let z = self.sc.nodes[n].zone;
        let zone = &self.sc.zones[z];
        let region = &self.sc.regions[zone.region].name;
        if w.down.contains(&format!("region {region}")) {
            Some(format!("{name} is in region {region}, which is down too"))
        } else if w.down.contains(&format!("zone {}", zone.name)) {
            Some(format!(
                "{name} is in zone {}, which is down too",
                zone.name
            ))
        } else if w.down.contains(name) {
            Some(format!("{name} is down too"))
        } else {
            None
        }
    }

    /// Whether writes block while no sync replica can confirm them.
    fn sync_blocks(&self) -> bool {
        self.sc.replication.sync_on_replica_down == SyncDown::Block
            && self
                .sc
                .nodes
                .iter()
                .any(|n| n.mode == ReplicationMode::Sync)
    }

    /// Why writes stay rejected after a promotion, if the records tell.
    fn still_blocked(&self, w: &World) -> Option<String> {
        let Some(api) = self.sc.api.as_ref() else {
            return self.sync_blocks().then(|| SYNC_BLOCKS.to_string());
        };
        let up = api
            .servers
            .iter()
            .enumerate()
            .filter(|&(k, &z)| {
                let zone = &self.sc.zones[z];
                !w.down.contains(&format!("api-{k}"))
                    && !w.down.contains(&format!("zone {}", zone.name))
                    && !w
                        .down
                        .contains(&format!("region {}", self.sc.regions[zone.region].name))
            })
            .count() as u32;
        if up >= api.min_healthy {
            return self.sync_blocks().then(|| SYNC_BLOCKS.to_string());
        }
        let regions: BTreeSet<usize> = api
            .servers
            .iter()
            .map(|&z| self.sc.zones[z].region)
            .collect();
        if regions.len() == 1 {
            let r = &self.sc.regions[*regions.iter().next().expect("one")].name;
            if w.down.contains(&format!("region {r}")) {
                return Some(format!(
                    "every API server is in {r}, which is still down (a database without application servers beside it cannot take {})",
                    self.nouns
                ));
            }
        }
        Some(format!(
            "only {up} of the {} API servers are up, and {} are needed",
            api.servers.len(),
            api.min_healthy
        ))
    }

    /// The records grouped: one group per incident (in order of its first
    /// record), and the records of no incident grouped by instant.
    fn groups(&self) -> Vec<Group> {
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
    fn downtime_of(&self, idxs: &[usize]) -> (Micros, bool) {
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

    fn lost_of(&self, idxs: &[usize]) -> u64 {
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

    fn is_routine(&self, inc: usize, idxs: &[usize]) -> bool {
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
            Happening::Down { why, .. } => why.contains("destroyed") || why.starts_with("disk"),
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

    fn incident_lines(&self) -> Vec<StoryLine> {
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

    /// The duration a `why` announces: `restarts in 21 s` -> `21 s`.
    fn announced(why: &str) -> Option<String> {
        why.split("; ").find_map(|seg| {
            [" in ", " for "].iter().find_map(|k| {
                let (_, rest) = seg.rsplit_once(k)?;
                rest.starts_with(|c: char| c.is_ascii_digit())
                    .then(|| rest.to_string())
            })
        })
    }

    /// The first `Down` of `component` among `idxs` at or after position `from`.
    fn down_why(&self, idxs: &[usize], component: &str) -> Option<String> {
        idxs.iter().find_map(|&i| match &self.rec[i].what {
            Happening::Down { component: c, why } if c == component => Some(why.clone()),
            _ => None,
        })
    }

    fn fault_sentence(
        &self,
        kind: FaultKind,
        target: &str,
        note: &Option<String>,
        k: usize,
        idxs: &[usize],
    ) -> String {
        let cast = &self.cast[k];
        let at = self.rec[k].at;
        let mut s = match kind {
            FaultKind::ApiCrash => {
                let t = self
                    .down_why(idxs, target)
                    .and_then(|w| Self::announced(&w))
                    .map(|d| format!("; the orchestrator replaces it in {d}"))
                    .unwrap_or_default();
                format!("API server {target} crashes{t}.")
            }
            FaultKind::DbCrash => match self.node(target) {
                Some(n) => {
                    let t = self
                        .down_why(idxs, target)
                        .and_then(|w| Self::announced(&w))
                        .map(|d| format!(" It restarts by itself in {d}, its data intact on disk."))
                        .unwrap_or_default();
                    format!(
                        "The database process of {} crashes.{t}",
                        self.node_placed(n, cast)
                    )
                }
                None => format!("The database {target} crashes."),
            },
            FaultKind::DiskLoss => match self.node(target) {
                Some(n) => {
                    let t = self
                        .down_why(idxs, target)
                        .and_then(|w| Self::announced(&w))
                        .map(|d| format!(" A new disk takes {d} to arrive."))
                        .unwrap_or_default();
                    format!(
                        "The disk of {} fails: that copy of the data is gone for good.{t}",
                        self.node_placed(n, cast)
                    )
                }
                None => format!("The disk of {target} fails."),
            },
            FaultKind::ZoneOutage => {
                let d = self
                    .down_why(idxs, &format!("zone {target}"))
                    .and_then(|w| Self::announced(&w))
                    .map(|d| format!(" for {d}"))
                    .unwrap_or_default();
                let (place, inside) = match self.zone_of(target) {
                    Some(z) => {
                        let region = &self.sc.regions[self.sc.zones[z].region];
                        (
                            if region.zones.len() == 1 {
                                format!(
                                    "Zone {target}, the only data center of region {},",
                                    region.name
                                )
                            } else {
                                format!(
                                    "Zone {target}, one of the {} data centers of region {},",
                                    region.zones.len(),
                                    region.name
                                )
                            },
                            self.contents(&[z], cast),
                        )
                    }
                    None => (format!("Zone {target}"), Vec::new()),
                };
                let place = if place.ends_with(',') && inside.is_empty() {
                    place.trim_end_matches(',').to_string()
                } else {
                    place
                };
                if inside.is_empty() {
                    format!("{place} goes dark{d}; it runs none of the databases or API servers.")
                } else {
                    format!("{place} goes dark{d}, taking down {}.", join_and(&inside))
                }
            }
            FaultKind::RegionOutage => {
                let why = self.down_why(idxs, &format!("region {target}"));
                let d = why
                    .as_deref()
                    .and_then(Self::announced)
                    .map(|d| format!(" for {d}"))
                    .unwrap_or_default();
                let mut inside = match self.region_of(target) {
                    Some(r) => self.contents(&self.sc.regions[r].zones.clone(), cast),
                    None => Vec::new(),
                };
                if let (Some(b), Some(r)) = (&self.sc.backups, self.region_of(target)) {
                    if b.region == r {
                        inside.push("the backups".into());
                    } else if b.copy_to.contains(&r) {
                        inside.push("the backup copies".into());
                    }
                }
                let mut s = if inside.is_empty() {
                    format!("Region {target} goes down{d}; nothing of the system runs there.")
                } else {
                    format!("Region {target} goes down{d}, with {}.", join_and(&inside))
                };
                if why.is_some_and(|w| w.contains("destroyed")) {
                    s.push_str(
                        " Worse, its data center is destroyed: every disk and backup in it is gone.",
                    );
                }
                s
            }
            FaultKind::Partition => {
                let d = self
                    .down_why(idxs, &format!("network {target}"))
                    .and_then(|w| Self::announced(&w))
                    .map(|d| format!(" for {d}"))
                    .unwrap_or_default();
                let pair = target.replace(" <-> ", " and ");
                format!("The network between {pair} is cut{d}.")
            }
            FaultKind::AccidentalDelete => {
                let share = self.delete_share(at);
                let what = share
                    .map(|s| format!(" {} of the rows", pct_prose(s)))
                    .unwrap_or_else(|| " rows".into());
                if self.sc.nodes.len() > 1 {
                    format!(
                        "Someone deletes{what} by mistake. To the database a delete is an ordinary write, so it reaches every replica within its lag."
                    )
                } else {
                    format!(
                        "Someone deletes{what} by mistake. To the database a delete is an ordinary write."
                    )
                }
            }
            FaultKind::BackupFailure => "Backups start failing silently.".to_string(),
            FaultKind::Migration => {
                // Told with the Migration record that follows.
                String::new()
            }
        };
        if let Some(note) = note
            && kind != FaultKind::Migration
        {
            if kind == FaultKind::BackupFailure {
                s = format!("Backups start failing silently: {note}.");
            } else {
                s.push_str(&format!(" (Scenario note: {note}.)"));
            }
        }
        s
    }

    fn delete_share(&self, at: Micros) -> Option<f64> {
        self.sc
            .events
            .iter()
            .find(|e| e.at == at && e.kind == FaultKind::AccidentalDelete)
            .map(|e| e.share)
            .or_else(|| self.sc.faults.accidental_delete.as_ref().map(|f| f.share))
    }

    fn migration_sentence(&self, version: &str, description: &str, effect: &str) -> String {
        let m = self.sc.migrations.iter().find(|m| m.version == version);
        let what = if description.is_empty() {
            format!("Schema migration V{version} runs")
        } else {
            format!("Schema migration V{version} ({description}) runs")
        };
        let how = match m.map(|m| &m.effect) {
            Some(MigrationEffect::Online) => "online, without blocking writes".to_string(),
            Some(MigrationEffect::Locking { lock }) => format!(
                "and locks its table for {}: {} wait behind the lock",
                human_duration(*lock),
                self.nouns
            ),
            Some(MigrationEffect::Failing { rollback, .. }) => format!(
                "and fails halfway, leaving the schema locked until it is {}",
                if *rollback {
                    "rolled back"
                } else {
                    "repaired by hand"
                }
            ),
            Some(MigrationEffect::Destructive { share, .. }) => format!(
                "and destroys data ({} of the rows); the change replicates like any write",
                pct_prose(*share)
            ),
            None => format!("({effect})"),
        };
        format!("{what} {how}.")
    }

    fn failover_target(how: &str) -> Option<&str> {
        let (_, rest) = how.split_once("failover to ")?;
        Some(rest.split(" (").next().unwrap_or(rest))
    }

    /// One incident (or a loose group of records), told.
    fn paragraph(&self, idxs: &[usize]) -> String {
        let t0 = self.rec[idxs[0]].at;
        // (time, order within an instant, sentence): a fault is told first,
        // then whether writes stop, then the rest; a resumption before the
        // housekeeping that follows it.
        let mut out: Vec<(Micros, u8, String)> = Vec::new();
        let mut merged: BTreeSet<usize> = BTreeSet::new();
        let mut logical = false;
        let mut pending_failover: Option<String> = None;
        let mut last: Option<&Happening> = None;
        for (pos, &k) in idxs.iter().enumerate() {
            let r = &self.rec[k];
            if merged.contains(&k) || last == Some(&r.what) {
                continue;
            }
            last = Some(&r.what);
            let cast = &self.cast[k];
            let world = &self.world[k];
            let same_instant_rest: Vec<usize> = idxs[pos + 1..]
                .iter()
                .copied()
                .take_while(|&j| self.rec[j].at == r.at)
                .collect();
            let s: Option<String> = match &r.what {
                Happening::Fault { kind, target, note } => {
                    // The Down records the fault itself causes are part of it.
                    for &j in &same_instant_rest {
                        if let Happening::Down { component, .. } = &self.rec[j].what {
                            let own = component == target
                                || component == &format!("zone {target}")
                                || component == &format!("region {target}")
                                || component == &format!("network {target}");
                            if own {
                                merged.insert(j);
                            }
                        }
                    }
                    if *kind == FaultKind::Migration {
                        None
                    } else {
                        Some(self.fault_sentence(*kind, target, note, k, idxs))
                    }
                }
                Happening::Migration {
                    version,
                    description,
                    effect,
                } => Some(self.migration_sentence(version, description, effect)),
                Happening::Down { component, why } => {
                    Some(self.down_sentence(component, why, cast))
                }
                Happening::Up { component } => {
                    self.up_sentence(component, cast, &pending_failover, idxs, k)
                }
                Happening::WritesStopped { why } => Some(format!(
                    "{} are rejected: {}.",
                    capitalize(&self.nouns),
                    why.replace("; ", ", ")
                )),
                Happening::WritesResumed { after } => Some(if r.at - after == t0 {
                    format!("{} are accepted again.", capitalize(&self.nouns))
                } else {
                    format!(
                        "{} are accepted again, {} after they stopped.",
                        capitalize(&self.nouns),
                        human_duration(*after)
                    )
                }),
                Happening::RecoveryPlanned {
                    how,
                    ready_in,
                    window,
                } => {
                    if how.contains("failover to ") {
                        pending_failover = Self::failover_target(how).map(str::to_string);
                    }
                    Some(self.plan_sentence(how, *ready_in, *window, logical, cast, world))
                }
                Happening::Promoted {
                    from,
                    to,
                    window,
                    lost_writes,
                } => {
                    pending_failover = None;
                    Some(self.promoted_sentence(from, to, *window, *lost_writes, k, idxs))
                }
                Happening::Restored {
                    how,
                    window,
                    lost_writes,
                    corrupt_tried: _,
                } => {
                    let lost = if *lost_writes > 0 {
                        format!(
                            " The {} acknowledged {} of the last {} before {} {} lost.",
                            format_count(*lost_writes),
                            self.nouns_for(*lost_writes),
                            human_duration(*window),
                            if logical {
                                "the damage was noticed"
                            } else {
                                "the failure"
                            },
                            if *lost_writes == 1 { "is" } else { "are" }
                        )
                    } else {
                        format!(" No acknowledged {} is lost.", self.noun)
                    };
                    Some(format!(
                        "The {} is done: the data is back as it was {} earlier.{lost}",
                        strip_recovery_noun(how),
                        human_duration(*window)
                    ))
                }
                Happening::DataLost {
                    lost_writes,
                    window: _,
                    why,
                } => Some(format!(
                    "{}. {} acknowledged {} are gone for good.",
                    capitalize(why),
                    format_count(*lost_writes),
                    self.nouns_for(*lost_writes)
                )),
                Happening::Degraded { why } => Some(format!(
                    "Protection drops: {}.",
                    why.replacen(": ", ", so ", 1)
                )),
                Happening::Protected { why } => Some(format!(
                    "Protection is back: {}.",
                    why.replacen(": ", ", so ", 1)
                )),
                Happening::Rebuilding { node, ready_in } => {
                    let p = &self.sc.nodes[cast.primary].name;
                    Some(format!(
                        "{node} is re-seeded from the primary {p} as a replica, a full copy that takes {}.",
                        human_duration(*ready_in)
                    ))
                }
                Happening::Detected { what, after: _ } => {
                    logical = true;
                    Some(format!("Someone notices the damage done by {what}."))
                }
                Happening::SplitBrain { old, new } => Some(format!(
                    "The far side sees {old} vanish and promotes {new}, but {old} was never fenced off: both accept {}. Split brain.",
                    self.nouns
                )),
                Happening::Reconciled { diverged_writes } => Some(format!(
                    "The network heals. The {} {} the deposed primary accepted on its own conflict with the new primary's history and are thrown away.",
                    format_count(*diverged_writes),
                    self.nouns_for(*diverged_writes)
                )),
            };
            if let Some(s) = s
                && !s.is_empty()
            {
                let promoted_now = idxs.iter().any(|&j| {
                    self.rec[j].at == r.at && matches!(self.rec[j].what, Happening::Promoted { .. })
                });
                let order = match r.what {
                    Happening::Fault { .. }
                    | Happening::Migration { .. }
                    | Happening::Detected { .. } => 0,
                    Happening::Down { .. } => 1,
                    Happening::Degraded { .. } if promoted_now => 4,
                    Happening::Degraded { .. } => 2,
                    Happening::WritesStopped { .. } => 2,
                    Happening::Promoted { .. }
                    | Happening::Restored { .. }
                    | Happening::DataLost { .. } => 3,
                    Happening::WritesResumed { .. } => 5,
                    _ => 6,
                };
                out.push((r.at, order, s));
            }
        }
        out.sort_by_key(|x| (x.0, x.1));
        let mut text: Vec<String> = Vec::new();
        let mut instant = t0;
        for (at, _, s) in out {
            if at > instant {
                instant = at;
                text.push(format!(
                    "After {}, {}",
                    human_duration(at - t0),
                    lower_first(&s)
                ));
            } else {
                text.push(s);
            }
        }
        text.push(self.cost_sentence(idxs));
        text.join(" ")
    }

    fn nouns_for(&self, n: u64) -> &str {
        if n == 1 { &self.noun } else { &self.nouns }
    }

    fn cost_sentence(&self, idxs: &[usize]) -> String {
        let lost = self.lost_of(idxs);
        let (down, open) = self.downtime_of(idxs);
        let lost_s = if lost == 0 {
            format!("no {} lost", self.noun)
        } else {
            format!(
                "{} acknowledged {} lost",
                format_count(lost),
                self.nouns_for(lost)
            )
        };
        let down_s = if down == 0 {
            format!("{} never stopped", self.nouns)
        } else if open {
            format!(
                "{} with {} rejected, still so when the trial ended",
                human_duration(down),
                self.nouns
            )
        } else {
            format!("{} with {} rejected", human_duration(down), self.nouns)
        };
        format!("Cost: {down_s}, {lost_s}.")
    }

    fn down_sentence(&self, component: &str, why: &str, cast: &Cast) -> String {
        let why = why.replace("; ", ", ");
        match self.node(component) {
            Some(n) if why.starts_with("disk lost") => format!(
                "{} loses its disk ({why}).",
                capitalize(&self.node_role(n, cast))
            ),
            Some(n) => format!("{} is down ({why}).", capitalize(&self.node_role(n, cast))),
            None => format!("{} is down ({why}).", capitalize(component)),
        }
    }

    fn up_sentence(
        &self,
        component: &str,
        cast: &Cast,
        pending_failover: &Option<String>,
        idxs: &[usize],
        k: usize,
    ) -> Option<String> {
        if let Some(rest) = component.strip_prefix("zone ") {
            return Some(format!("Zone {rest} is back."));
        }
        if let Some(rest) = component.strip_prefix("region ") {
            return Some(format!("Region {rest} is back."));
        }
        if component.starts_with("network ") {
            return Some("The network heals.".into());
        }
        if component.starts_with("api-") {
            return Some(format!("API server {component} is back."));
        }
        let n = self.node(component)?;
        let rebuilt = idxs.iter().take_while(|&&j| j < k).any(|&j| {
            matches!(&self.rec[j].what, Happening::Rebuilding { node, .. } if node == component)
        });
        if rebuilt {
            return Some(format!(
                "{component} has caught up and protects the data again as a replica."
            ));
        }
        let restored_now = idxs.iter().any(|&j| {
            self.rec[j].at == self.rec[k].at
                && matches!(self.rec[j].what, Happening::Restored { .. })
        });
        if n == cast.primary && restored_now {
            // The restore's own sentence says the primary is back.
            return None;
        }
        if n == cast.primary {
            if pending_failover.is_some() {
                return Some(format!(
                    "{component} is running again, but the failover is already under way."
                ));
            }
            return Some(format!("The primary {component} is running again."));
        }
        Some(format!(
            "{} is running again and catches up on the log.",
            capitalize(&self.node_role(n, cast))
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn plan_sentence(
        &self,
        how: &str,
        ready_in: Micros,
        window: Option<Micros>,
        logical: bool,
        cast: &Cast,
        world: &World,
    ) -> String {
        let p = cast.primary;
        let pname = &self.sc.nodes[p].name;
        if how.starts_with("wait") {
            let replicas: Vec<NodeId> = (0..self.sc.nodes.len()).filter(|&n| n != p).collect();
            let back = format!("in {}", human_duration(ready_in));
            if self.sc.failover.mode == FailoverMode::None || replicas.is_empty() {
                let why = if replicas.is_empty() {
                    "There is no replica to take over"
                } else {
                    "Failover is not configured"
                };
                return format!("{why}, so everything waits for {pname} to come back, {back}.");
            }
            let blocked: Vec<String> = replicas
                .iter()
                .map(|&n| self.unusable_why(n, world))
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default();
            if !blocked.is_empty() {
                return format!(
                    "No replica can take over ({}), so everything waits for {pname} to come back, {back}.",
                    join_and(&blocked)
                );
            }
            let who = if self.sc.failover.mode == FailoverMode::Automatic {
                "the failure detector would promote a replica"
            } else {
                "an operator could promote a replica"
            };
            return format!(
                "{pname} will be back {back}, sooner than {who}, so {} simply wait for it.",
                self.nouns
            );
        }
        if let Some(to) = Self::failover_target(how) {
            let to_desc = self
                .node(to)
                .map(|n| self.node_placed(n, cast))
                .unwrap_or_else(|| to.to_string());
            return if how.starts_with("automatic") {
                format!(
                    "The failure detector gives up on {pname} and promotes {to_desc}; that takes {}.",
                    human_duration(ready_in)
                )
            } else {
                format!(
                    "Nothing fails over to it automatically: an operator is paged to promote {to_desc}. With the response time, that takes {}.",
                    human_duration(ready_in)
                )
            };
        }
        if how.starts_with("no copy survives") {
            return format!(
                "No replica and no backup holds the data: once a new disk arrives, the database starts again, empty. That takes {}.",
                human_duration(ready_in)
            );
        }
        if how.starts_with("delayed replica") {
            return format!(
                "The way back: the {how}, rolling the data back to {} before this moment; that takes {}, with writes stopped.",
                human_duration(window.unwrap_or(0)),
                human_duration(ready_in)
            );
        }
        let back = window
            .map(|w| {
                if logical {
                    format!(
                        " It rolls the data back to {} before this moment: every {} since is given up.",
                        human_duration(w),
                        self.noun
                    )
                } else {
                    format!(
                        " It brings the data back to {} before the failure.",
                        human_duration(w)
                    )
                }
            })
            .unwrap_or_default();
        format!(
            "The data must come from backups: a {}.{back} Paging an operator, provisioning a machine and restoring take {}.",
            strip_recovery_noun(how),
            human_duration(ready_in)
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn promoted_sentence(
        &self,
        from: &str,
        to: &str,
        window: Micros,
        lost: u64,
        k: usize,
        idxs: &[usize],
    ) -> String {
        let mut s = if lost > 0 {
            format!(
                "{to} is the new primary. It was {} behind {from}, so the {} acknowledged {} of that gap {} lost.",
                human_duration(window),
                format_count(lost),
                self.nouns_for(lost),
                if lost == 1 { "is" } else { "are" }
            )
        } else if window == 0 {
            format!(
                "{to} is the new primary. It had every acknowledged {}, so nothing is lost.",
                self.noun
            )
        } else {
            format!(
                "{to} is the new primary. It was {} behind {from}, but no acknowledged {} fell in that gap.",
                human_duration(window),
                self.noun
            )
        };
        // Writes still rejected after the promotion?
        let resumed_now = idxs.iter().any(|&j| {
            self.rec[j].at == self.rec[k].at
                && matches!(self.rec[j].what, Happening::WritesResumed { .. })
        });
        let stopped_before = idxs
            .iter()
            .take_while(|&&j| j < k)
            .any(|&j| matches!(self.rec[j].what, Happening::WritesStopped { .. }));
        if stopped_before
            && !resumed_now
            && let Some(why) = self.still_blocked(&self.world[k])
        {
            s.push_str(&format!(" But {} are still rejected: {why}.", self.nouns));
        }
        s
    }

    /// Routine incidents, counted per kind.
    fn routine_lines(&self) -> Vec<StoryLine> {
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

    // ----- the setting ----------------------------------------------------

    fn setting(&self) -> String {
        let sc = self.sc;
        let cast = Cast {
            primary: sc.initial_primary(),
            mode: sc.nodes.iter().map(|n| n.mode).collect(),
            active: sc.nodes.iter().map(|n| n.active).collect(),
        };
        let p = cast.primary;
        let pz = sc.nodes[p].zone;
        let pr = sc.zones[pz].region;
        let mut s: Vec<String> = Vec::new();
        let wps = sc.workload.writes_per_sec;
        let rate = if wps.fract() == 0.0 {
            format!("{wps:.0}")
        } else {
            format!("{wps}")
        };
        match &sc.api {
            Some(api) => {
                let zones: BTreeSet<usize> = api.servers.iter().copied().collect();
                let names: Vec<String> = zones.iter().map(|&z| sc.zones[z].name.clone()).collect();
                s.push(format!(
                    "Clients send about {rate} {} a second through a load balancer to {} stateless API servers in {} {}; at least {} must be healthy for {} to be accepted.",
                    self.nouns,
                    api.servers.len(),
                    if names.len() == 1 { "zone" } else { "zones" },
                    join_and(&names),
                    api.min_healthy,
                    self.nouns
                ));
            }
            None => s.push(format!(
                "Clients send about {rate} {} a second straight to the database.",
                self.nouns
            )),
        }
        s.push(format!(
            "Every write goes to the primary database {} in {}, which holds the authoritative copy of the data ({}).",
            sc.nodes[p].name,
            self.zone_name(pz),
            format_bytes(sc.workload.data_size)
        ));
        for (n, node) in sc.nodes.iter().enumerate() {
            if n == p {
                continue;
            }
            let z = node.zone;
            let place = if z == pz {
                format!("in the same zone, {}", sc.zones[z].name)
            } else if sc.zones[z].region == pr {
                format!(
                    "in zone {}, another data center of the same region",
                    sc.zones[z].name
                )
            } else {
                format!(
                    "in zone {} of region {}",
                    sc.zones[z].name, sc.regions[sc.zones[z].region].name
                )
            };
            let rtt = sc
                .node_rtt(p, n)
                .map(|r| format!(", {} away (round trip)", format_latency(r)))
                .unwrap_or_default();
            let how = match node.mode {
                ReplicationMode::Async => format!(
                    "is an async replica: the primary acknowledges each {} first and ships it afterwards, so the replica runs typically {} behind",
                    self.noun,
                    human_duration(sc.replication.lag.median() as Micros)
                ),
                ReplicationMode::SemiSync => format!(
                    "is a semi-sync replica: a {} is acknowledged only once it has received it, unless it fails to answer within {} and the primary falls back to async",
                    self.noun,
                    span(sc.replication.semi_sync_timeout)
                ),
                ReplicationMode::Sync => format!(
                    "is a sync replica: a {} is acknowledged only once it is on the replica's disk too; if no sync replica can answer, writes {}",
                    self.noun,
                    match sc.replication.sync_on_replica_down {
                        SyncDown::Block => "block",
                        SyncDown::Degrade => "continue unprotected",
                    }
                ),
                ReplicationMode::Delayed => format!(
                    "is a delayed replica: it receives the log at once but applies it {} late, so a mistake can be stopped before it lands there",
                    span(sc.replication.delay)
                ),
                ReplicationMode::None => "does not replicate".to_string(),
            };
            let reads = if node.active {
                "; it serves reads, so its cache is warm if promoted"
            } else {
                "; it is a standby that serves nothing until promoted"
            };
            s.push(format!(
                "The replica {} sits {place}{rtt}. It {how}{reads}.",
                node.name
            ));
        }
        if sc.nodes.len() == 1 {
            s.push("There is no replica.".into());
        } else {
            let fo = &sc.failover;
            s.push(match fo.mode {
                FailoverMode::Automatic => format!(
                    "If the primary fails, a failure detector notices within about {} and promotes the most up-to-date replica automatically{}; the promotion itself takes about {}.",
                    human_duration(fo.detection.median() as Micros),
                    if fo.cross_region {
                        ", in any region"
                    } else if self.multi_region() {
                        ", within the region (moving to another region is an operator's decision)"
                    } else {
                        ""
                    },
                    human_duration(fo.promotion.median() as Micros)
                ),
                FailoverMode::Manual => format!(
                    "Failover is manual: an on-call operator, about {} away{}, promotes a replica.",
                    human_duration(sc.operators.response.median() as Micros),
                    if sc.operators.night_multiplier > 1.0 {
                        " (slower at night)"
                    } else {
                        ""
                    }
                ),
                FailoverMode::None => format!(
                    "Nothing fails over: while the primary is down, {} wait for it.",
                    self.nouns
                ),
            });
        }
        match &sc.backups {
            Some(b) => {
                let mut t = format!("Backups: a full one {}", ordinal_days(b.full_every));
                if let Some(i) = b.incremental_every {
                    t.push_str(&format!(" and an incremental {}", ordinal_days(i)));
                }
                t.push_str(&format!(
                    ", kept {}, stored in {}",
                    span(b.retention),
                    sc.regions[b.region].name
                ));
                if !b.copy_to.is_empty() {
                    let names: Vec<String> = b
                        .copy_to
                        .iter()
                        .map(|&r| sc.regions[r].name.clone())
                        .collect();
                    t.push_str(&format!(" and copied to {}", join_and(&names)));
                }
                let restore = sc.workload.data_size / b.restore_throughput * 1e6;
                t.push_str(&format!(
                    "; restoring the whole database takes about {}",
                    human_duration(restore as Micros)
                ));
                match &b.log_archive {
                    Some(a) => t.push_str(&format!(
                        ". The write-ahead log is archived every {}, so a restore can reach within {} of a failure (point-in-time recovery).",
                        span(a.interval),
                        span(a.interval)
                    )),
                    None => t.push_str(&format!(
                        ". There is no log archive: a restore brings back the last backup, and every {} since is lost.",
                        self.noun
                    )),
                }
                s.push(t);
            }
            None => s.push("There are no backups.".into()),
        }
        s.join(" ")
    }

    // ----- the summary ----------------------------------------------------

    fn design(&self) -> String {
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
    fn losses(&self) -> Vec<Loss> {
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
                Happening::Restored { lost_writes, .. } => {
                    out.push(loss(LossKind::Restore, *lost_writes))
                }
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

    fn summary(&self, lines: &[StoryLine]) -> String {
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
                "{} acknowledged {} were lost{how}",
                format_count(o.lost_writes),
                self.nouns_for(o.lost_writes)
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
    fn waiting(&self, lines: &[StoryLine]) -> Option<String> {
        let waited: BTreeSet<usize> = self
            .rec
            .iter()
            .zip(&self.owner)
            .filter_map(|(r, o)| match &r.what {
                Happening::RecoveryPlanned { how, .. } if how.starts_with("wait") => *o,
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

    fn counterfactuals(&self, losses: &[Loss], lines: &[StoryLine]) -> Vec<String> {
        let mut out = Vec::new();
        let failover_loss: u64 = losses
            .iter()
            .filter(|l| l.kind == LossKind::Failover && l.behind_by_design)
            .map(|l| l.lost)
            .sum();
        if failover_loss > 0 {
            let rtt = losses
                .iter()
                .filter(|l| l.kind == LossKind::Failover && l.lost > 0)
                .filter_map(|l| l.rtt)
                .max();
            out.push(match rtt {
                Some(r) => format!(
                    "A sync replica would have lost none of the {} {} lost in failovers, at the cost of about {} on every write.",
                    format_count(failover_loss),
                    self.nouns_for(failover_loss),
                    format_latency(r)
                ),
                None => format!(
                    "A sync replica would have lost none of the {} {} lost in failovers.",
                    format_count(failover_loss),
                    self.nouns_for(failover_loss)
                ),
            });
        }
        let logical: u64 = losses.iter().filter(|l| l.logical).map(|l| l.lost).sum();
        if logical > 0 {
            let fix = match &self.sc.backups {
                None => "only a backup or a delayed replica could have rolled it back",
                Some(b) if b.log_archive.is_none() => {
                    "point-in-time recovery would have rolled back to just before the damage instead of to the last backup"
                }
                Some(_) => {
                    "a delayed replica or a faster detection would have shrunk what had to be rolled back"
                }
            };
            out.push(format!(
                "A replica is not a backup: the damage reached every copy within its lag; {fix}."
            ));
        }
        let restore: u64 = losses
            .iter()
            .filter(|l| l.kind == LossKind::Restore && !l.logical)
            .map(|l| l.lost)
            .sum();
        if restore > 0 {
            out.push(
                "A replica in another zone would have turned each restore into a failover of a minute or two, losing at most its lag."
                    .to_string(),
            );
        }
        let gone: u64 = losses
            .iter()
            .filter(|l| l.kind == LossKind::Gone && !l.logical)
            .map(|l| l.lost)
            .sum();
        if gone > 0 {
            out.push("Any replica or backup would have saved them.".to_string());
        }
        if losses
            .iter()
            .any(|l| l.kind == LossKind::SplitBrain && l.lost > 0)
        {
            out.push(
                "Fencing the old primary (a lease it must renew) would have prevented the split brain."
                    .to_string(),
            );
        }
        if let Some(w) = self.waiting(lines) {
            out.push(w);
        }
        if out.is_empty() && self.o.downtime == 0 && self.o.lost_writes == 0 {
            out.push(if lines.iter().any(|l| l.incident.is_some()) {
                "The protections held.".to_string()
            } else {
                "A quiet trial: nothing put the protections to the test.".to_string()
            });
        }
        out
    }
}

/// Wraps `text` to `width` columns, every line after the first indented by
/// `indent` spaces (the first line's prefix is the caller's).
fn wrap(text: &str, first: usize, indent: usize, width: usize) -> String {
    let mut out = String::new();
    let mut col = first;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if col > indent.max(first) && col + 1 + len > width {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
        } else if !out.is_empty() {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += len;
    }
    out
}

/// The story as terminal text: a title, the setting, the incidents with
/// their clock times, the routine ones, and the summary.
pub fn to_text(story: &Story, title: &str) -> String {
    const WIDTH: usize = 88;
    const INDENT: usize = 2;
    let clock_width = story
        .lines
        .iter()
        .filter_map(|l| l.clock.as_ref().map(|c| c.len()))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    out.push_str(title);
    out.push_str("\n\nThe system\n  ");
    out.push_str(&wrap(&story.setting, INDENT, INDENT, WIDTH));
    out.push_str("\n\nWhat happened\n");
    let told: Vec<&StoryLine> = story.lines.iter().filter(|l| l.at.is_some()).collect();
    if told.is_empty() {
        out.push_str("  Nothing worth telling: no incident cost anything.\n");
    }
    for l in told {
        let c = l.clock.clone().unwrap_or_default();
        let lead = INDENT + clock_width + 2;
        out.push_str(&format!("  {c:<clock_width$}  "));
        out.push_str(&wrap(&l.text, lead, lead, WIDTH));
        out.push_str("\n\n");
    }
    let routine: Vec<&StoryLine> = story.lines.iter().filter(|l| l.at.is_none()).collect();
    if !routine.is_empty() {
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str("Routine, at no cost\n");
        for l in routine {
            out.push_str("  - ");
            out.push_str(&wrap(&l.text, INDENT + 2, INDENT + 2, WIDTH));
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str("In short\n  ");
    out.push_str(&wrap(&story.summary, INDENT, INDENT, WIDTH));
    out.push('\n');
    out
}

/// The trial's totals, as `--json` gives them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Totals {
    pub incidents: usize,
    pub writes_acknowledged: u64,
    pub lost_writes: u64,
    pub diverged_writes: u64,
    pub downtime_seconds: f64,
    pub availability: f64,
}

/// One engine record, with the incident the story gives it.
#[derive(Clone, Debug, Serialize)]
pub struct RecordOut<'a> {
    pub at_us: Micros,
    pub clock: String,
    /// The incident the story tells it in (see [`attribute`]).
    pub incident: Option<usize>,
    #[serde(flatten)]
    pub what: &'a Happening,
}

/// The document `failsim explain --json` writes.
#[derive(Clone, Debug, Serialize)]
pub struct Explained<'a> {
    pub version: &'static str,
    pub scenario: &'a str,
    pub strategy: &'a str,
    pub seed: u64,
    pub trial: u64,
    /// `given`, or `most eventful of N` when the trial was chosen.
    pub chosen: String,
    pub write_noun: &'a str,
    pub horizon_seconds: f64,
    pub totals: Totals,
    pub incidents: &'a [crate::sim::Incident],
    pub story: &'a Story,
    /// Times in microseconds, as the engine records them.
    pub records: Vec<RecordOut<'a>>,
}

/// Builds the `--json` document of a told trial.
pub fn explained<'a>(
    sc: &'a Scenario,
    outcome: &'a TrialOutcome,
    story: &'a Story,
    seed: u64,
    chosen: String,
) -> Explained<'a> {
    let owner = attribute(&outcome.records);
    Explained {
        version: crate::results::VERSION,
        scenario: &sc.name,
        strategy: &story.strategy,
        seed,
        trial: outcome.trial,
        chosen,
        write_noun: &sc.workload.write_noun,
        horizon_seconds: crate::units::secs(outcome.horizon),
        totals: Totals {
            incidents: outcome.incidents.len(),
            writes_acknowledged: outcome.writes_acknowledged,
            lost_writes: outcome.lost_writes,
            diverged_writes: outcome.diverged_writes,
            downtime_seconds: crate::units::secs(outcome.downtime),
            availability: outcome.availability(),
        },
        incidents: &outcome.incidents,
        story,
        records: outcome
            .records
            .iter()
            .zip(owner)
            .map(|(r, incident)| RecordOut {
                at_us: r.at,
                clock: clock(r.at),
                incident,
                what: &r.what,
            })
            .collect(),
    }
}

fn article_n(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "n"
    } else {
        ""
    }
}

/// Lowers the first letter of a sentence that follows "After X, ", unless
/// the sentence starts with a name or an acronym (`db1`, `API`).
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.next()) {
        (Some(f), Some(g)) if f.is_uppercase() && g.is_lowercase() => {
            f.to_lowercase().collect::<String>() + &s[f.len_utf8()..]
        }
        _ => s.to_string(),
    }
}

/// `restore of the full backup + 1 incremental(s)` reads fine after "a";
/// `point-in-time recovery (...)` too. Kept as one place to adjust.
fn strip_recovery_noun(how: &str) -> String {
    how.replace("incremental(s)", "incrementals")
        .replace("+ 1 incrementals", "+ 1 incremental")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_lost_write_takes_a_singular_verb() {
        let sc = crate::scenario::parse(
            crate::library::builtin(crate::library::DEFAULT).unwrap(),
            "ecommerce.toml",
            crate::scenario::Format::Toml,
        )
        .unwrap();
        let o = TrialOutcome::default();
        let n = Narrator::new(&sc, &o);
        let one = n.promoted_sentence("db1", "db2", 20_000, 1, 0, &[]);
        assert!(
            one.contains("the 1 acknowledged order of that gap is lost"),
            "{one}"
        );
        let two = n.promoted_sentence("db1", "db2", 40_000, 2, 0, &[]);
        assert!(
            two.contains("the 2 acknowledged orders of that gap are lost"),
            "{two}"
        );
    }

    #[test]
    fn nouns_take_their_plural() {
        assert_eq!(plural("order"), "orders");
        assert_eq!(plural("entry"), "entries");
        assert_eq!(plural("day"), "days");
        assert_eq!(plural("batch"), "batches");
    }

    #[test]
    fn announced_durations_are_read_from_the_reason() {
        assert_eq!(
            Narrator::announced("process crashed; restarts in 21 s").as_deref(),
            Some("21 s")
        );
        assert_eq!(
            Narrator::announced("disk lost: its copy of the data is gone; new disk in 30 min")
                .as_deref(),
            Some("30 min")
        );
        assert_eq!(
            Narrator::announced(
                "region outage for 2.2 h; the data center is destroyed with every disk and backup in it"
            )
            .as_deref(),
            Some("2.2 h")
        );
    }
}
