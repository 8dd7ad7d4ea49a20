//! What the scenario is judged against: recovery targets and costs.

use super::Checker;
use crate::scenario::model::{Costs, Disruption, Policy, PolicyTarget};
use crate::scenario::raw::RawScenario;
use std::collections::BTreeMap;

/// `[policy]`: the percentile and the RTO/RPO target per disruption.
pub(super) fn policy(c: &mut Checker, raw: &RawScenario) -> Option<Policy> {
    raw.policy.as_ref().map(|p| {
        let percentile = p.percentile.unwrap_or(95.0);
        if !(percentile > 0.0 && percentile <= 100.0) {
            c.err("policy.percentile", "must lie in (0, 100], e.g. 95 or 99");
        }
        let mut targets = BTreeMap::new();
        for (d, t) in [
            (Disruption::Software, &p.software),
            (Disruption::Hardware, &p.hardware),
            (Disruption::Zone, &p.zone),
            (Disruption::Region, &p.region),
            (Disruption::Human, &p.human),
        ] {
            if let Some(t) = t {
                if t.rto.is_none() && t.rpo.is_none() {
                    c.err(
                        format!("policy.{}", d.name()),
                        "a target needs `rto`, `rpo` or both",
                    );
                }
                targets.insert(
                    d,
                    PolicyTarget {
                        rto: t.rto.map(|x| x.0),
                        rpo: t.rpo.map(|x| x.0),
                    },
                );
            }
        }
        Policy {
            percentile,
            targets,
        }
    })
}

/// `[costs]`: prices per node, backup storage and cross-region transfer.
pub(super) fn costs(c: &mut Checker, raw: &RawScenario) -> Option<Costs> {
    raw.costs.as_ref().map(|k| Costs {
        node_per_month: c.non_negative("costs.node_per_month", k.node_per_month.unwrap_or(0.0)),
        backup_storage_per_gb_month: c.non_negative(
            "costs.backup_storage_per_gb_month",
            k.backup_storage_per_gb_month.unwrap_or(0.0),
        ),
        cross_region_transfer_per_gb: c.non_negative(
            "costs.cross_region_transfer_per_gb",
            k.cross_region_transfer_per_gb.unwrap_or(0.0),
        ),
        currency: k.currency.clone().unwrap_or_else(|| "USD".into()),
    })
}
