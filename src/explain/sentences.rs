//! The sentences a paragraph is made of: cost, a component down and up
//! again, the recovery plan, a promotion.

use super::phrases::{capitalize, how_prose, join_and};
use super::{Cast, Narrator, World};
use crate::format::format_count;
use crate::scenario::{FailoverMode, NodeId};
use crate::sim::{Component, DownReason, Happening, RecoveryHow};
use crate::units::{Micros, human_duration};

impl Narrator<'_> {
    pub(super) fn nouns_for(&self, n: u64) -> &str {
        if n == 1 { &self.noun } else { &self.nouns }
    }

    pub(super) fn cost_sentence(&self, idxs: &[usize]) -> String {
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

    pub(super) fn down_sentence(
        &self,
        component: &Component,
        why: &DownReason,
        cast: &Cast,
    ) -> String {
        let node = match component {
            Component::Node(name) => self.node(name),
            _ => None,
        };
        let said = why.prose();
        match node {
            Some(n) if matches!(why, DownReason::DiskLost { .. }) => format!(
                "{} loses its disk ({said}).",
                capitalize(&self.node_role(n, cast))
            ),
            Some(n) => format!("{} is down ({said}).", capitalize(&self.node_role(n, cast))),
            None => format!("{} is down ({said}).", capitalize(&component.to_string())),
        }
    }

    pub(super) fn up_sentence(
        &self,
        component: &Component,
        cast: &Cast,
        pending_failover: &Option<String>,
        idxs: &[usize],
        k: usize,
    ) -> Option<String> {
        let component = match component {
            Component::Zone(z) => return Some(format!("Zone {z} is back.")),
            Component::Region(r) => return Some(format!("Region {r} is back.")),
            Component::Network(_) => return Some("The network heals.".into()),
            Component::Api(a) => return Some(format!("API server {a} is back.")),
            Component::Node(name) => name,
        };
        let n = self.node(component)?;
        let rebuilt = idxs.iter().take_while(|&&j| j < k).any(|&j| {
            matches!(&self.rec[j].what, Happening::Rebuilding { node, .. } | Happening::Rewinding { node, .. } if node == component)
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
    pub(super) fn plan_sentence(
        &self,
        how: &RecoveryHow,
        ready_in: Micros,
        window: Option<Micros>,
        logical: bool,
        cast: &Cast,
        world: &World,
    ) -> String {
        let p = cast.primary;
        let pname = &self.sc.nodes[p].name;
        if how.is_wait() {
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
            // Whether a replica could take over is the engine's decision
            // (`candidate`); the records only tell why none could.
            let promotable = matches!(how, RecoveryHow::WaitPrimary { candidate: Some(_) });
            let blocked: Vec<String> = if promotable {
                Vec::new()
            } else {
                replicas
                    .iter()
                    .map(|&n| self.unusable_why(n, world))
                    .collect::<Option<Vec<_>>>()
                    .unwrap_or_default()
            };
            if !blocked.is_empty() {
                return format!(
                    "No replica can take over ({}), so everything waits for {pname} to come back, {back}.",
                    join_and(&blocked)
                );
            }
            let who = if self.sc.failover.mode == FailoverMode::Automatic {
                "a failover by the failure detector"
            } else {
                "an operator's failover"
            };
            let grace = match self.sc.failover.primary_start_timeout {
                0 => String::new(),
                t => format!(
                    " (a crashed primary is also given {} to restart in place)",
                    human_duration(t)
                ),
            };
            return format!(
                "{pname} will be back {back}, before {who} could be done{grace}, so {} simply wait for it.",
                self.nouns
            );
        }
        if let RecoveryHow::Failover { automatic, to } = how {
            let to_desc = self
                .node(to)
                .map(|n| self.node_placed(n, cast))
                .unwrap_or_else(|| to.to_string());
            return if *automatic {
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
        if *how == RecoveryHow::StartEmpty {
            return format!(
                "No replica and no backup holds the data: once a new disk arrives, the database starts again, empty. That takes {}.",
                human_duration(ready_in)
            );
        }
        if let RecoveryHow::SideRestore(_) | RecoveryHow::SideRestoreFromDelayed { .. } = how {
            let gap = match window {
                Some(w) if w > 0 => format!(
                    " Only the damaged rows written in the {} before the damage are in no clean copy.",
                    human_duration(w)
                ),
                _ => String::new(),
            };
            return format!(
                "The way back is a {}: the newest clean copy from before the damage is restored beside the live database and the damaged rows are copied back. {} keep flowing and every {} written since the damage is kept.{gap} Paging an operator, restoring and copying back take {}.",
                how_prose(how),
                capitalize(&self.nouns),
                self.noun,
                human_duration(ready_in)
            );
        }
        if let RecoveryHow::DelayedReplica { .. } = how {
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
            how_prose(how),
            human_duration(ready_in)
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn promoted_sentence(
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
}
