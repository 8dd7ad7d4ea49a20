//! Replication: the scenario-wide mode, every replica's route to the
//! primary, and the lag, delay and fallback settings.

use super::database::Nodes;
use super::topology::Topology;
use super::{Checker, default_lag};
use crate::scenario::model::{Network, Replication, ReplicationMode, Role, SyncDown};
use crate::scenario::raw::RawScenario;
use crate::units::{HOUR, SECOND};

/// `replication.mode`, if given and known.
pub(super) fn mode(c: &mut Checker, raw: &RawScenario) -> Option<ReplicationMode> {
    match raw.replication.mode.as_deref() {
        None => None,
        Some(s) => match ReplicationMode::parse(s) {
            Some(m) => Some(m),
            None => {
                c.err_help(
                    "replication.mode",
                    format!("unknown replication mode `{s}`"),
                    "use one of: none, async, semi-sync, sync, delayed",
                );
                None
            }
        },
    }
}

/// Every replica needs a route to the primary.
pub(super) fn check_routes(c: &mut Checker, db: &Nodes, topo: &Topology, network: &Network) {
    let (nodes, primaries) = (&db.nodes, &db.primaries);
    let (zones, regions) = (&topo.zones, &topo.regions);
    if let Some(&p) = primaries.first() {
        let pr = zones.get(nodes[p].zone).map(|z| z.region);
        for (i, n) in nodes.iter().enumerate() {
            if n.role != Role::Replica {
                continue;
            }
            let r = zones.get(n.zone).map(|z| z.region);
            if let (Some(pr), Some(r)) = (pr, r)
                && pr != r
                && network.region_rtt(pr, r).is_none()
            {
                c.err_help(
                    format!("database.nodes[{i}].zone"),
                    format!("{} replica `{}` in region `{}` has no network route to the primary's region `{}`", n.mode.name(), n.name, regions[r].name, regions[pr].name),
                    format!("add [[network.links]] between = [\"{}\", \"{}\"] with an rtt, or set network.rtt_cross_region", regions[pr].name, regions[r].name),
                );
            }
        }
    }
}

/// `[replication]`: its mode (async when replicas exist and none is
/// named), lag, delay, semi-sync timeout and replay throughput.
pub(super) fn replication(
    c: &mut Checker,
    raw: &RawScenario,
    rmode: Option<ReplicationMode>,
    db: &Nodes,
) -> Replication {
    let (nodes, replica_count) = (&db.nodes, db.replica_count);
    let own_mode = rmode.unwrap_or(if replica_count > 0 {
        ReplicationMode::Async
    } else {
        ReplicationMode::None
    });
    let replication = Replication {
        mode: own_mode,
        lag: c.dist_or("replication.lag", &raw.replication.lag, default_lag()),
        delay: raw.replication.delay.map(|d| d.0).unwrap_or(HOUR),
        semi_sync_timeout: raw
            .replication
            .semi_sync_timeout
            .map(|d| d.0)
            .unwrap_or(10 * SECOND),
        sync_on_replica_down: match raw.replication.sync_on_replica_down.as_deref() {
            None | Some("block") => SyncDown::Block,
            Some("degrade") => SyncDown::Degrade,
            Some(other) => {
                c.err_help(
                    "replication.sync_on_replica_down",
                    format!("unknown choice `{other}`"),
                    "use \"block\" (writes wait) or \"degrade\" (continue as async)",
                );
                SyncDown::Block
            }
        },
        replay_throughput: raw
            .replication
            .replay_throughput
            .map(|t| t.0)
            .unwrap_or(50e6),
    };
    if nodes.iter().any(|n| n.mode == ReplicationMode::Delayed) && replication.delay == 0 {
        c.err(
            "replication.delay",
            "a delayed replica needs a delay longer than zero",
        );
    }
    replication
}
