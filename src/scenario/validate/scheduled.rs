//! Scheduled faults: `[[events]]` at fixed times, each with the target
//! and the fields its kind takes.

use super::database::Nodes;
use super::topology::Topology;
use super::{Checker, EVENTS_MAX};
use crate::scenario::model::{ApiPool, FaultKind, Network, ScheduledFault, Target};
use crate::scenario::raw::RawScenario;
use crate::units::{HOUR, Micros};

/// `[[events]]`: every scheduled fault, its target resolved.
pub(super) fn events(
    c: &mut Checker,
    raw: &RawScenario,
    horizon: Micros,
    api: &Option<ApiPool>,
    db: &Nodes,
    topo: &Topology,
    network: &Network,
) -> Vec<ScheduledFault> {
    let (nodes, node_index, replica_count) = (&db.nodes, &db.node_index, db.replica_count);
    if raw.events.len() > EVENTS_MAX {
        c.err("events", format!("more than {EVENTS_MAX} scheduled events"));
    }
    let mut events = Vec::new();
    for (i, e) in raw.events.iter().enumerate().take(EVENTS_MAX) {
        let path = format!("events[{i}]");
        let Some(kind) = FaultKind::SCHEDULABLE
            .iter()
            .find(|(n, _)| *n == e.fault)
            .map(|(_, k)| *k)
        else {
            let names: Vec<&str> = FaultKind::SCHEDULABLE.iter().map(|(n, _)| *n).collect();
            c.err_help(
                format!("{path}.fault"),
                format!("unknown fault `{}`", e.fault),
                format!("use one of: {}", names.join(", ")),
            );
            continue;
        };
        if e.at.0 >= horizon {
            c.err_help(
                format!("{path}.at"),
                "this event is at or after the end of the horizon and would never happen",
                "move it earlier or lengthen `horizon`",
            );
        }
        let target_path = format!("{path}.target");
        let target = match kind {
            FaultKind::ApiCrash if api.is_none() => {
                c.err_help(
                    &target_path,
                    "an api-crash needs an API pool, and the scenario has no [api] section",
                    "add [api] with servers = N",
                );
                Target::ApiServer(0)
            }
            FaultKind::ApiCrash => match e.target.as_deref() {
                None | Some("api") => Target::ApiServer(0),
                Some(t) => match t.strip_prefix("api-").and_then(|k| k.parse::<usize>().ok()) {
                    Some(k) if api.as_ref().is_some_and(|a| k < a.servers.len()) => {
                        Target::ApiServer(k)
                    }
                    _ => {
                        c.err_help(&target_path, format!("there is no API server `{t}`"), "API servers are named api-0, api-1, ... (or just \"api\" for the first)");
                        Target::ApiServer(0)
                    }
                },
            },
            FaultKind::DbCrash | FaultKind::DiskLoss => match e.target.as_deref() {
                None | Some("primary") => Target::Primary,
                Some("replica") if replica_count == 0 => {
                    c.err(
                        &target_path,
                        "target \"replica\" but the scenario has no replica",
                    );
                    Target::Replica
                }
                Some("replica") => Target::Replica,
                Some(t) => match node_index.get(t) {
                    Some(&n) => Target::Node(n),
                    None => {
                        let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
                        c.err_help(
                            &target_path,
                            format!("there is no database node `{t}`"),
                            format!(
                                "use \"primary\", \"replica\" or a node name: {}",
                                names.join(", ")
                            ),
                        );
                        Target::Primary
                    }
                },
            },
            FaultKind::ZoneOutage => match e.target.as_deref() {
                Some(t) => topo
                    .find_zone(c, &target_path, t)
                    .map(Target::Zone)
                    .unwrap_or(Target::System),
                None => {
                    c.err(&target_path, "a zone outage needs a target zone");
                    Target::System
                }
            },
            FaultKind::RegionOutage => match e.target.as_deref() {
                Some(t) => topo
                    .find_region(c, &target_path, t)
                    .map(Target::Region)
                    .unwrap_or(Target::System),
                None => {
                    c.err(&target_path, "a region outage needs a target region");
                    Target::System
                }
            },
            FaultKind::Partition => match e.between.as_deref() {
                Some([a, b]) => {
                    let ra = topo.find_region(c, &format!("{path}.between[0]"), a);
                    let rb = topo.find_region(c, &format!("{path}.between[1]"), b);
                    match (ra, rb) {
                        (Some(a), Some(b)) if a != b && network.region_rtt(a, b).is_none() => {
                            c.err_help(
                                format!("{path}.between"),
                                "these regions have no network link, so there is nothing to partition",
                                "add [[network.links]] between them, or set network.rtt_cross_region",
                            );
                            Target::System
                        }
                        (Some(a), Some(b)) if a != b => Target::RegionPair(a, b),
                        (Some(_), Some(_)) => {
                            c.err(
                                format!("{path}.between"),
                                "a partition separates two different regions",
                            );
                            Target::System
                        }
                        _ => Target::System,
                    }
                }
                _ => {
                    c.err_help(
                        format!("{path}.between"),
                        "a partition needs `between` with two regions",
                        "between = [\"us-east\", \"us-west\"]",
                    );
                    Target::System
                }
            },
            FaultKind::AccidentalDelete
            | FaultKind::BackupFailure
            | FaultKind::Migration
            | FaultKind::Switchover => {
                if let Some(t) = &e.target {
                    c.err(
                        &target_path,
                        format!(
                            "`{}` hits the data set as a whole; remove target `{t}`",
                            e.fault
                        ),
                    );
                }
                Target::System
            }
        };
        if e.between.is_some() && kind != FaultKind::Partition {
            c.err(
                format!("{path}.between"),
                "`between` applies to partitions only",
            );
        }
        let needs_duration = matches!(
            kind,
            FaultKind::ZoneOutage | FaultKind::RegionOutage | FaultKind::Partition
        );
        let duration = match (e.duration, needs_duration) {
            (Some(d), true) => c.nonzero_duration(&format!("{path}.duration"), d.0),
            (None, true) => {
                c.err(
                    format!("{path}.duration"),
                    format!("a {} needs a `duration`", e.fault),
                );
                HOUR
            }
            (Some(_), false) => {
                c.err(
                    format!("{path}.duration"),
                    format!("`duration` does not apply to {}", e.fault),
                );
                0
            }
            (None, false) => 0,
        };
        if e.destroys_data.is_some() && kind != FaultKind::RegionOutage {
            c.err(
                format!("{path}.destroys_data"),
                "`destroys_data` applies to region outages only",
            );
        }
        let is_delete = kind == FaultKind::AccidentalDelete;
        if !is_delete && e.detect.is_some() {
            c.err(
                format!("{path}.detect"),
                "`detect` applies to accidental deletes only",
            );
        }
        if !is_delete && e.share.is_some() {
            c.err(
                format!("{path}.share"),
                "`share` applies to accidental deletes only",
            );
        }
        if !is_delete && e.recovery.is_some() {
            c.err(
                format!("{path}.recovery"),
                "`recovery` applies to accidental deletes only",
            );
        }
        let recovery = c.recovery(&format!("{path}.recovery"), e.recovery.as_ref());
        let until = match (kind, e.until) {
            (FaultKind::BackupFailure, _) if raw.backups.is_none() => {
                c.err_help(
                    format!("{path}.fault"),
                    "a backup-failure needs backups, and the scenario has no [backups] section",
                    "add [backups], or remove this event",
                );
                0
            }
            (FaultKind::BackupFailure, Some(u)) if u.0 > e.at.0 => u.0,
            (FaultKind::BackupFailure, Some(_)) => {
                c.err(format!("{path}.until"), "`until` must be after `at`");
                e.at.0
            }
            (FaultKind::BackupFailure, None) => {
                c.err_help(format!("{path}.until"), "a backup-failure needs `until`: backups taken between `at` and `until` are silently bad", "until = \"30d\"");
                e.at.0
            }
            (_, Some(_)) => {
                c.err(
                    format!("{path}.until"),
                    "`until` applies to backup-failure only",
                );
                0
            }
            (_, None) => 0,
        };
        events.push(ScheduledFault {
            at: e.at.0,
            kind,
            target,
            duration,
            destroys_data: e.destroys_data.unwrap_or(false),
            detect: e.detect.map(|d| d.0).unwrap_or(HOUR),
            share: e.share.map(|s| s.0).unwrap_or(1.0),
            recovery,
            until,
            note: e.note.clone(),
        });
    }
    events
}
