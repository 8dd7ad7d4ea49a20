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
use crate::scenario::{NodeId, ReplicationMode, Scenario, SyncDown};
use crate::sim::{Component, Happening, Record, RecoveryHow, TrialOutcome};
use crate::units::{Micros, clock};
use serde::Serialize;
use std::collections::BTreeSet;

mod attribution;
mod counterfactual;
mod incidents;
mod paragraph;
mod phrases;
mod routine;
mod sentences;
mod setting;
mod summary;

pub use attribution::attribute;
pub use phrases::{article, ordinal_days, plural, span};

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
    down: BTreeSet<Component>,
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
    /// The incident it belongs to.
    incident: Option<usize>,
    /// A restore done beside the live database (side restore), not a
    /// rollback in place.
    side: bool,
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
                Happening::SplitBrain { new, .. } => {
                    // The far side's primary serves from here on.
                    if let Some(t) = node(new) {
                        cast.primary = t;
                    }
                }
                Happening::Promoted { from, to, .. } => {
                    if let (Some(f), Some(t)) = (node(from), node(to)) {
                        cast.mode[f] = cast.mode[t];
                        cast.active[f] = cast.active[t];
                        cast.primary = t;
                        world.down.insert(Component::Node(from.clone()));
                    }
                }
                Happening::Restored {
                    how: RecoveryHow::DelayedReplica { replica },
                    ..
                } => {
                    // A delayed replica replayed and promoted.
                    if let Some(t) = node(replica) {
                        let f = cast.primary;
                        cast.mode[f] = cast.mode[t];
                        cast.active[f] = cast.active[t];
                        cast.primary = t;
                    }
                }
                Happening::Down { component, .. } => {
                    world.down.insert(component.clone());
                }
                Happening::Rebuilding { node, .. } | Happening::Rewinding { node, .. } => {
                    world.down.insert(Component::Node(node.clone()));
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
        if w.down.contains(&Component::Region(region.clone())) {
            Some(format!("{name} is in region {region}, which is down too"))
        } else if w.down.contains(&Component::Zone(zone.name.clone())) {
            Some(format!(
                "{name} is in zone {}, which is down too",
                zone.name
            ))
        } else if w.down.contains(&Component::Node(name.clone())) {
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
                !w.down.contains(&Component::Api(format!("api-{k}")))
                    && !w.down.contains(&Component::Zone(zone.name.clone()))
                    && !w.down.contains(&Component::Region(
                        self.sc.regions[zone.region].name.clone(),
                    ))
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
            if w.down.contains(&Component::Region(r.clone())) {
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
        use crate::sim::DownReason;
        use crate::units::{SECOND, human_duration};
        let told = |w: DownReason| human_duration(w.announced());
        assert_eq!(
            told(DownReason::ProcessCrash {
                restart_in: 21 * SECOND
            }),
            "21 s"
        );
        assert_eq!(
            told(DownReason::DiskLost {
                new_disk_in: 1800 * SECOND
            }),
            "30.0 min"
        );
        assert_eq!(
            told(DownReason::RegionOutage {
                lasts: 7920 * SECOND,
                destroyed: true
            }),
            "2.2 h"
        );
    }
}
