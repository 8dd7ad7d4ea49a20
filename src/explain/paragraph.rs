//! One incident told: the fault, what the system did, and the recovery.

use super::Narrator;
use super::phrases::{capitalize, how_prose, join_and, lower_first};
use crate::format::{format_count, pct_prose};
use crate::scenario::{FaultKind, MigrationEffect};
use crate::sim::{Component, DownReason, Happening, RecoveryHow};
use crate::units::{Micros, human_duration};
use std::collections::BTreeSet;

impl Narrator<'_> {
    /// The first `Down` of `component` among `idxs`.
    fn down_why(&self, idxs: &[usize], component: &Component) -> Option<&DownReason> {
        idxs.iter().find_map(|&i| match &self.rec[i].what {
            Happening::Down { component: c, why } if c == component => Some(why),
            _ => None,
        })
    }

    /// The duration the `Down` of `component` announces (its restart, new
    /// disk or outage), told: `21 s`.
    fn announced(&self, idxs: &[usize], component: Component) -> Option<String> {
        self.down_why(idxs, &component)
            .map(|w| human_duration(w.announced()))
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
                    .announced(idxs, Component::Api(target.to_string()))
                    .map(|d| format!("; the orchestrator replaces it in {d}"))
                    .unwrap_or_default();
                format!("API server {target} crashes{t}.")
            }
            FaultKind::DbCrash => match self.node(target) {
                Some(n) => {
                    let t = self
                        .announced(idxs, Component::Node(target.to_string()))
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
                        .announced(idxs, Component::Node(target.to_string()))
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
                    .announced(idxs, Component::Zone(target.to_string()))
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
                let why = self.down_why(idxs, &Component::Region(target.to_string()));
                let d = why
                    .map(|w| format!(" for {}", human_duration(w.announced())))
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
                if why.is_some_and(DownReason::destroys_data) {
                    s.push_str(
                        " Worse, its data center is destroyed: every disk and backup in it is gone.",
                    );
                }
                s
            }
            FaultKind::Partition => {
                let d = self
                    .announced(idxs, Component::Network(target.to_string()))
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
            // The engine writes the whole sentence (failback.rs).
            FaultKind::Switchover => note
                .clone()
                .unwrap_or_else(|| format!("A planned switchover moves the primary to {target}.")),
        };
        if let Some(note) = note
            && !matches!(kind, FaultKind::Migration | FaultKind::Switchover)
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

    /// One incident (or a loose group of records), told.
    pub(super) fn paragraph(&self, idxs: &[usize]) -> String {
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
                        if let Happening::Down { component, .. } = &self.rec[j].what
                            && component.name() == target
                        {
                            merged.insert(j);
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
                    why.prose()
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
                    if let RecoveryHow::Failover { to, .. } = how {
                        pending_failover = Some(to.clone());
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
                } if how.is_side_restore() => {
                    let lost = if *lost_writes > 0 {
                        format!(
                            " The {} damaged {} written in the {} before the damage are in no clean copy: they are lost.",
                            format_count(*lost_writes),
                            self.nouns_for(*lost_writes),
                            human_duration(*window),
                        )
                    } else {
                        format!(" No acknowledged {} is lost.", self.noun)
                    };
                    Some(format!(
                        "The {} is done: the damaged rows are back in the live database, beside every {} written since.{lost}",
                        how_prose(how),
                        self.noun
                    ))
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
                        how_prose(how),
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
                Happening::Degraded { why } => Some(format!("Protection drops: {}.", why.prose())),
                Happening::Protected { why } => {
                    Some(format!("Protection is back: {}.", why.prose()))
                }
                Happening::Rebuilding { node, ready_in } => {
                    // The source is the primary serving now; the cast can
                    // lag a split brain's promotion, so never name the node
                    // being re-seeded as its own source.
                    let p = &self.sc.nodes[cast.primary].name;
                    let p = if p == node {
                        self.rec[..=k]
                            .iter()
                            .rev()
                            .find_map(|r| match &r.what {
                                Happening::SplitBrain { old, new } if old == node => Some(new),
                                Happening::Promoted { from, to, .. } if from == node => Some(to),
                                _ => None,
                            })
                            .unwrap_or(p)
                    } else {
                        p
                    };
                    Some(format!(
                        "{node} is re-seeded from the primary {p} as a replica, a full copy that takes {}.",
                        human_duration(*ready_in)
                    ))
                }
                Happening::Rewinding { node, ready_in } => {
                    let p = &self.sc.nodes[cast.primary].name;
                    Some(format!(
                        "{node} still holds its data, so it is rewound to the primary {p}'s history (pg_rewind) rather than copied in full: the writes it holds that the primary lacks are undone, which takes {}.",
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
                Happening::Reconciled { diverged_writes } => {
                    // Said once: the network's return may already have
                    // said it heals.
                    let healed = idxs.iter().any(|&j| {
                        self.rec[j].at == r.at
                            && matches!(
                                &self.rec[j].what,
                                Happening::Up {
                                    component: Component::Network(_)
                                }
                            )
                    });
                    Some(format!(
                        "{}The {} {} the deposed primary accepted on its own conflict with the new primary's history and are thrown away.",
                        if healed { "" } else { "The network heals. " },
                        format_count(*diverged_writes),
                        self.nouns_for(*diverged_writes)
                    ))
                }
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
}
