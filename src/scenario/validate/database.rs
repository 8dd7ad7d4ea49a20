//! The database nodes: their zones, roles and replication modes, and how
//! the database is operated (restart, disk replacement, rebuild).

use super::topology::Topology;
use super::{Checker, NODES_MAX, lognormal};
use crate::scenario::model::{DatabaseOps, Node, NodeId, ReplicationMode, Role};
use crate::scenario::raw::RawScenario;
use crate::units::{HOUR, MINUTE, SECOND};
use std::collections::BTreeMap;

/// The nodes as declared, with what later sections look up in them.
pub(super) struct Nodes {
    pub(super) nodes: Vec<Node>,
    pub(super) node_index: BTreeMap<String, NodeId>,
    /// How many nodes the file marks `role = "replica"`.
    pub(super) replica_count: usize,
    /// The nodes with the primary role, in order (one in a valid file).
    pub(super) primaries: Vec<usize>,
}

/// `[[database.nodes]]`: each node, then the checks across nodes (one
/// primary; the scenario's replication mode agrees with its replicas).
/// `rmode` is the scenario-wide `replication.mode`, if given.
pub(super) fn nodes(
    c: &mut Checker,
    raw: &RawScenario,
    topo: &Topology,
    rmode: Option<ReplicationMode>,
) -> Nodes {
    let mut nodes = Vec::new();
    let mut node_index: BTreeMap<String, NodeId> = BTreeMap::new();
    if raw.database.nodes.is_empty() {
        c.err_help(
            "database.nodes",
            "the scenario needs a database: at least one node with role = \"primary\"",
            "[[database.nodes]]\nname = \"db1\"\nzone = \"us-east-1a\"\nrole = \"primary\"",
        );
    }
    if raw.database.nodes.len() > NODES_MAX {
        c.err(
            "database.nodes",
            format!("more than {NODES_MAX} database nodes"),
        );
    }
    let replica_count = raw
        .database
        .nodes
        .iter()
        .filter(|n| n.role == "replica")
        .count();
    for (i, n) in raw.database.nodes.iter().enumerate() {
        let path = format!("database.nodes[{i}]");
        if node_index.insert(n.name.clone(), i).is_some() {
            c.err(
                format!("{path}.name"),
                format!("node `{}` is defined twice", n.name),
            );
        }
        let zone = topo
            .find_zone(c, &format!("{path}.zone"), &n.zone)
            .unwrap_or(0);
        let role = match n.role.as_str() {
            "primary" => Role::Primary,
            "replica" => Role::Replica,
            other => {
                c.err_help(
                    format!("{path}.role"),
                    format!("unknown role `{other}`"),
                    "use \"primary\" or \"replica\"",
                );
                Role::Replica
            }
        };
        let active = match n.mode.as_deref() {
            None | Some("active") => true,
            Some("standby") => false,
            Some(other) => {
                c.err_help(
                    format!("{path}.mode"),
                    format!("unknown replica mode `{other}`"),
                    "use \"active\" (serves reads) or \"standby\"",
                );
                true
            }
        };
        let mode = match (&n.replication, role) {
            (Some(_), Role::Primary) => {
                c.err(
                    format!("{path}.replication"),
                    "a primary does not replicate from anyone; set `replication` on replicas",
                );
                ReplicationMode::None
            }
            (Some(s), Role::Replica) => match ReplicationMode::parse(s) {
                Some(ReplicationMode::None) => {
                    c.err(
                        format!("{path}.replication"),
                        "a replica with replication \"none\" is not a replica",
                    );
                    ReplicationMode::Async
                }
                Some(m) => m,
                None => {
                    c.err_help(
                        format!("{path}.replication"),
                        format!("unknown replication mode `{s}`"),
                        "use one of: async, semi-sync, sync, delayed",
                    );
                    ReplicationMode::Async
                }
            },
            (None, Role::Replica) => match rmode {
                Some(ReplicationMode::None) | None => ReplicationMode::Async,
                Some(m) => m,
            },
            (None, Role::Primary) => ReplicationMode::None,
        };
        nodes.push(Node {
            name: n.name.clone(),
            zone,
            role,
            active,
            mode,
        });
    }
    let primaries: Vec<usize> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.role == Role::Primary)
        .map(|(i, _)| i)
        .collect();
    match primaries.len() {
        0 if !nodes.is_empty() => c.err_help(
            "database.nodes",
            "no node has role = \"primary\"",
            "mark exactly one node as the primary",
        ),
        1 | 0 => {}
        _ => c.err(
            format!("database.nodes[{}].role", primaries[1]),
            format!(
                "two primaries: `{}` and `{}`; a scenario starts with exactly one",
                nodes[primaries[0]].name, nodes[primaries[1]].name
            ),
        ),
    }
    if rmode == Some(ReplicationMode::None) && replica_count > 0 {
        c.err_help(
            "replication.mode",
            format!("replication mode \"none\" but the scenario has {replica_count} replica(s)"),
            "remove the replicas, or choose async, semi-sync, sync or delayed",
        );
    }
    if rmode.is_some_and(|m| m != ReplicationMode::None) && replica_count == 0 {
        c.err_help(
            "replication.mode",
            format!(
                "replication mode `{}` needs at least one replica",
                rmode.unwrap().name()
            ),
            "add a [[database.nodes]] with role = \"replica\", or set mode = \"none\"",
        );
    }
    Nodes {
        nodes,
        node_index,
        replica_count,
        primaries,
    }
}

/// `[database]` timings: restart, disk replacement, rebuild throughput.
pub(super) fn ops(c: &mut Checker, raw: &RawScenario) -> DatabaseOps {
    DatabaseOps {
        // Crash recovery: Aurora restarts in < 60 s in most cases (Aurora FAQ).
        restart: c.dist_or(
            "database.restart",
            &raw.database.restart,
            lognormal(45 * SECOND, 3 * MINUTE),
        ),
        disk_replace: c.dist_or(
            "database.disk_replace",
            &raw.database.disk_replace,
            lognormal(30 * MINUTE, 4 * HOUR),
        ),
        // pg_basebackup: 300-500 MiB/s (postgres.ai, 2025-11-05).
        rebuild_throughput: raw
            .database
            .rebuild_throughput
            .map(|t| t.0)
            .unwrap_or(300e6),
        // pg_rewind copies the blocks changed since the fork over the same
        // connection a re-seed uses: the pg_basebackup rate above, applied
        // to the divergent tail only (PostgreSQL docs, "pg_rewind").
        rewind_throughput: match raw.database.rewind_throughput {
            Some(t) => c.positive("database.rewind_throughput", t.0),
            None => 300e6,
        },
        repair_crews: raw.database.repair_crews.map(|n| {
            if n < 1 || n > u32::MAX as i64 {
                c.err_help(
                    "database.repair_crews",
                    format!("must be a whole number of at least 1, found {n}"),
                    "remove repair_crews for no limit, or give 1 or more",
                );
            }
            n.clamp(1, u32::MAX as i64) as u32
        }),
        // Copying damaged rows back from a side restore: managed table-level
        // point-in-time recovery writes back at 20 MB/s on average (Huawei
        // Cloud RDS, "Restoring Tables to a Point in Time").
        copy_back_throughput: match raw.database.copy_back_throughput {
            Some(t) => c.positive("database.copy_back_throughput", t.0),
            None => 20e6,
        },
    }
}
