//! What would have prevented or shortened this trial's losses.

use super::phrases::{capitalize, count_of, join_and};
use super::{Loss, LossKind, Narrator, StoryLine};
use crate::format::{format_count, format_latency};
use crate::scenario::{FaultKind, ReplicationMode, Role};
use crate::units::human_duration;

impl Narrator<'_> {
    pub(super) fn counterfactuals(&self, losses: &[Loss], lines: &[StoryLine]) -> Vec<String> {
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
            let fix = self.logical_fix(losses);
            let replicated = self.sc.nodes.iter().any(|n| n.role == Role::Replica);
            out.push(if replicated {
                format!(
                    "A replica is not a backup: the damage reached every copy within its lag; {fix}."
                )
            } else {
                format!("{}.", capitalize(&fix))
            });
        }
        let restore: Vec<&Loss> = losses
            .iter()
            .filter(|l| l.kind == LossKind::Restore && !l.logical && l.lost > 0)
            .collect();
        if !restore.is_empty() {
            out.push(self.restore_fix(&restore));
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

    /// What would have saved the rows logical damage cost, from what the
    /// scenario has: backups, a log archive, delayed replicas.
    fn logical_fix(&self, losses: &[Loss]) -> String {
        let delay = self
            .sc
            .nodes
            .iter()
            .any(|n| n.role == Role::Replica && n.mode == ReplicationMode::Delayed)
            .then_some(self.sc.replication.delay);
        let backups = self.sc.backups.as_ref();
        let pitr = backups.is_some_and(|b| b.log_archive.is_some());
        let logical = |k: LossKind| {
            losses
                .iter()
                .any(|l| l.logical && l.kind == k && l.lost > 0)
        };
        if logical(LossKind::Gone) {
            // No clean copy predated the damage.
            return match (backups, delay) {
                (None, None) => {
                    "only a backup, a log archive or a delayed replica could have brought the rows back".into()
                }
                (None, Some(d)) => format!(
                    "the delayed replica had applied it too, since it was noticed after the replica's {} delay; a longer delay or a backup would have brought the rows back",
                    human_duration(d)
                ),
                (Some(b), _) => format!(
                    "no backup kept predated it (retention {}); a longer retention would have held a clean copy",
                    human_duration(b.retention)
                ),
            };
        }
        let rollback = losses
            .iter()
            .any(|l| l.logical && l.kind == LossKind::Restore && l.lost > 0 && !l.side);
        if rollback {
            return "restoring the clean copy beside the live database and copying the damaged rows back (a side restore) would have kept every write since the damage".into();
        }
        if pitr || delay.is_some() {
            "only the damaged rows written between the newest clean point and the damage were lost; a shorter archive interval would have narrowed that gap".into()
        } else {
            "point-in-time recovery (a log archive) would have restored to just before the damage instead of to the last backup".into()
        }
    }

    /// What would have turned the restores into failovers, from what the
    /// scenario has: replicas, their zones and regions, and what failed.
    fn restore_fix(&self, restores: &[&Loss]) -> String {
        let primary = self
            .sc
            .nodes
            .iter()
            .position(|n| n.role == Role::Primary)
            .unwrap_or(0);
        let home_zone = self.sc.nodes[primary].zone;
        let home_region = self.sc.zones[home_zone].region;
        let replicas: Vec<usize> = (0..self.sc.nodes.len()).filter(|&n| n != primary).collect();
        let region_of = |n: usize| self.sc.zones[self.sc.nodes[n].zone].region;
        let cause_region = restores.iter().any(|l| {
            l.incident
                .is_some_and(|i| self.o.incidents[i].cause == FaultKind::RegionOutage)
        });
        let cause_zone = restores.iter().any(|l| {
            l.incident
                .is_some_and(|i| self.o.incidents[i].cause == FaultKind::ZoneOutage)
        });
        let each = if restores.len() == 1 {
            "the restore"
        } else {
            "each restore"
        };
        if cause_region {
            return if !replicas.iter().any(|&n| region_of(n) != home_region) {
                if self.multi_region() {
                    format!(
                        "A replica in another region would have turned {each} into a failover an operator decides, losing at most its lag."
                    )
                } else {
                    "Only a copy in a second region could have saved the data a region took with it.".into()
                }
            } else {
                format!(
                    "The replica in another region could not take over; a second one there would have turned {each} into a failover, losing at most its lag."
                )
            };
        }
        if replicas.is_empty() {
            return format!(
                "A replica in another zone would have turned {each} into a failover of a minute or two, losing at most its lag."
            );
        }
        if cause_zone && !replicas.iter().any(|&n| self.sc.nodes[n].zone != home_zone) {
            return format!(
                "A replica in another zone would have turned {each} into a failover of a minute or two, losing at most its lag."
            );
        }
        let names: Vec<String> = replicas
            .iter()
            .map(|&n| self.sc.nodes[n].name.clone())
            .collect();
        format!(
            "The scenario had {} ({}), but none could take over when the primary's copy went; one more replica would have turned {each} into a failover, losing at most its lag.",
            count_of(replicas.len(), "replica", "replicas"),
            join_and(&names)
        )
    }
}
