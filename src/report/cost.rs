//! A deliberately simple monthly cost model, for the cost axis of the
//! trade-off chart. It is only drawn when the scenario has a `[costs]`
//! table; docs/reports.md states the model for readers of the report.
//!
//! ```text
//! monthly cost = database nodes          x node_per_month
//!              + backup storage (GB)     x backup_storage_per_gb_month
//!              + cross-region copy (GB)  x cross_region_transfer_per_gb
//! ```
//!
//! - **database nodes**: every primary and replica the strategy runs. API
//!   servers are left out: they are the same under every strategy except
//!   `active-active`, which spreads them over regions.
//! - **backup storage**: what retention keeps, in every region holding a
//!   copy: `ceil(retention / full_every)` full backups of the data size,
//!   `retention / incremental_every` incrementals of the writes in one
//!   interval, and, with point-in-time recovery, the log of the writes in
//!   the retention window.
//! - **cross-region copy**: what leaves the primary's region in a month:
//!   every backup and archived log copied to another region, and the log
//!   streamed to each replica in another region.
//!
//! A month is a twelfth of a 365-day year. Sizes are SI gigabytes (10⁹
//! bytes), as cloud price lists count them.

use crate::scenario::{Role, Scenario};
use crate::units::{SECOND, YEAR};

/// Seconds in the model's month.
const MONTH_S: f64 = (YEAR / 12 / SECOND) as f64;
const GB: f64 = 1e9;

/// The parts of one strategy's monthly cost, in the scenario's currency.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthlyCost {
    pub nodes: usize,
    pub backup_storage_gb: f64,
    pub cross_region_gb: f64,
    pub total: f64,
    pub currency: String,
}

/// The monthly cost of running `sc` (a scenario a strategy has built), or
/// `None` when the scenario states no prices.
pub fn monthly(sc: &Scenario) -> Option<MonthlyCost> {
    let prices = sc.costs.as_ref()?;
    let w = &sc.workload;
    let log_per_s = w.writes_per_sec * w.write_size;
    let primary_region = sc.region_of_node(sc.initial_primary());
    let mut storage = 0.0;
    let mut copied = 0.0;
    if let Some(b) = &sc.backups {
        let retention_s = b.retention as f64 / SECOND as f64;
        let fulls_kept = b.retention.div_ceil(b.full_every.max(1)).max(1) as f64;
        let mut kept = fulls_kept * w.data_size;
        let mut per_month = MONTH_S / (b.full_every as f64 / SECOND as f64) * w.data_size;
        if let Some(every) = b.incremental_every {
            let every_s = every as f64 / SECOND as f64;
            let incremental = log_per_s * every_s;
            kept += (retention_s / every_s).floor() * incremental;
            per_month += MONTH_S / every_s * incremental;
        }
        if b.log_archive.is_some() {
            kept += log_per_s * retention_s;
            per_month += log_per_s * MONTH_S;
        }
        let copies_elsewhere = b.copy_to.iter().filter(|&&r| r != b.region).count() as f64;
        storage = kept * (1.0 + copies_elsewhere);
        let stored_away = if b.region != primary_region { 1.0 } else { 0.0 };
        copied += per_month * (copies_elsewhere + stored_away);
    }
    let far_replicas = sc
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, n)| n.role == Role::Replica && sc.region_of_node(*i) != primary_region)
        .count() as f64;
    copied += far_replicas * log_per_s * MONTH_S;
    let (storage_gb, copied_gb) = (storage / GB, copied / GB);
    let nodes = sc.nodes.len();
    Some(MonthlyCost {
        nodes,
        backup_storage_gb: storage_gb,
        cross_region_gb: copied_gb,
        total: nodes as f64 * prices.node_per_month
            + storage_gb * prices.backup_storage_per_gb_month
            + copied_gb * prices.cross_region_transfer_per_gb,
        currency: prices.currency.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Format, parse};

    const BASE: &str = r#"
name = "c"
horizon = "30d"
[workload]
writes_per_sec = 100
write_size = "1KB"
data_size = "100GB"
[[regions]]
name = "east"
zones = ["east-a", "east-b"]
[[regions]]
name = "west"
zones = ["west-a"]
[[network.links]]
between = ["east", "west"]
rtt = "70ms"
[[database.nodes]]
name = "db1"
zone = "east-a"
role = "primary"
[[database.nodes]]
name = "db2"
zone = "west-a"
role = "replica"
"#;

    #[test]
    fn no_prices_no_cost() {
        let sc = parse(BASE, "c.toml", Format::Toml).expect("valid");
        assert_eq!(monthly(&sc), None);
    }

    #[test]
    fn nodes_storage_and_transfer_add_up() {
        let text = format!(
            "{BASE}
[backups]
full_every = \"7d\"
incremental_every = \"1d\"
retention = \"14d\"
region = \"east\"
copy_to = [\"west\"]
[costs]
node_per_month = 100.0
backup_storage_per_gb_month = 0.02
cross_region_transfer_per_gb = 0.01
currency = \"EUR\"
"
        );
        let sc = parse(&text, "c.toml", Format::Toml).expect("valid");
        let c = monthly(&sc).expect("priced");
        assert_eq!(c.nodes, 2);
        // Two fulls of 100 GB and 14 incrementals of 8.64 GB, in two regions.
        let kept = 2.0 * 100.0 + 14.0 * 8.64;
        assert!((c.backup_storage_gb - 2.0 * kept).abs() < 1e-6, "{c:?}");
        // Copies to west, plus the log streamed to db2 in west.
        let month_days = 365.0 / 12.0;
        let copied = month_days / 7.0 * 100.0 + month_days * 8.64 + month_days * 8.64;
        assert!((c.cross_region_gb - copied).abs() < 1e-6, "{c:?}");
        let total = 200.0 + c.backup_storage_gb * 0.02 + c.cross_region_gb * 0.01;
        assert!((c.total - total).abs() < 1e-9);
        assert_eq!(c.currency, "EUR");
    }
}
