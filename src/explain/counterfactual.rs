//! What would have prevented or shortened this trial's losses.

use super::{Loss, LossKind, Narrator, StoryLine};
use crate::format::{format_count, format_latency};

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
