//! Strategies: named transformations of a scenario's topology, so that one
//! file can be compared under every data-protection design.
//!
//! A name is a base, optionally followed by modifiers:
//!
//! ```text
//!   none | backup-only | async | semi-sync | sync | delayed      (base)
//!   +backup   keep (or add) the backup schedule
//!   +pitr     backups plus continuous log archiving (point-in-time recovery)
//!   +delayed  add a delayed replica beside the others
//!   +pre-migration-backup  a snapshot just before every schema migration
//!   +rollback every migration has a tested rollback script
//! ```
//!
//! and the disaster-recovery tiers are presets built from the same pieces:
//! `backup-and-restore`, `pilot-light`, `warm-standby`, `hot-standby`,
//! `active-active`. Every transformation keeps node names stable, so the
//! same trial draws the same failure times under every strategy.
//! docs/strategies.md describes each one.

use crate::dist::Dist;
use crate::scenario::{
    ApiPool, Backups, FailoverMode, LogArchive, Node, RegionId, ReplicationMode, Role, Scenario,
    ZoneId,
};
use crate::units::{DAY, HOUR, MINUTE};
use std::fmt;

/// The strategies `compare` runs when none are named.
pub const DEFAULT_SET: &[&str] = &[
    "none",
    "backup-only",
    "async",
    "semi-sync",
    "sync",
    "delayed",
    "async+backup",
];

/// Every base and preset, with what it builds (for `--help` and errors).
pub const CATALOG: &[(&str, &str)] = &[
    ("none", "one database, no replica, no backup"),
    (
        "backup-only",
        "one database and the backup schedule, no replica",
    ),
    (
        "async",
        "replicas receive the log after the primary acknowledges",
    ),
    (
        "semi-sync",
        "a write is acknowledged once one replica has it; falls back to async after a timeout",
    ),
    (
        "sync",
        "a write is acknowledged once the synchronous replica has it",
    ),
    ("delayed", "replicas apply the log after a fixed delay"),
    (
        "backup-and-restore",
        "DR tier: backups copied to a second region, no replica",
    ),
    (
        "pilot-light",
        "DR tier: an async standby in a second region, promoted by hand, plus backups",
    ),
    (
        "warm-standby",
        "DR tier: a local async replica with automatic failover, an active replica in a second region promoted by hand, plus backups",
    ),
    (
        "hot-standby",
        "DR tier: a local sync replica, an async replica in a second region, automatic failover across regions, backups with point-in-time recovery",
    ),
    (
        "active-active",
        "DR tier: API servers and replicas in every region, automatic cross-region failover, backups with point-in-time recovery",
    ),
];

/// A strategy that cannot be built from this scenario, or an unknown name.
#[derive(Clone, Debug, PartialEq)]
pub struct StrategyError(pub String);

impl fmt::Display for StrategyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StrategyError {}

/// The name `run` reports the scenario under: its own replication mode.
pub fn own_name(sc: &Scenario) -> String {
    sc.replication.mode.name().to_string()
}

/// Builds the scenario a strategy describes.
pub fn apply(sc: &Scenario, name: &str) -> Result<Scenario, StrategyError> {
    let mut parts = name.split('+');
    let base = parts.next().unwrap_or_default();
    let mut out = sc.clone();
    match base {
        "none" => {
            keep_primary_only(&mut out);
            out.backups = None;
        }
        "backup-only" => {
            keep_primary_only(&mut out);
            ensure_backups(&mut out);
        }
        "async" | "semi-sync" | "sync" | "delayed" => {
            let mode = ReplicationMode::parse(base).expect("listed above");
            ensure_local_replica(&mut out);
            for n in out.nodes.iter_mut().filter(|n| n.role == Role::Replica) {
                n.mode = mode;
            }
            out.replication.mode = mode;
            if out.failover.mode == FailoverMode::None {
                out.failover.mode = FailoverMode::Automatic;
            }
            out.backups = None;
        }
        "backup-and-restore" => {
            keep_primary_only(&mut out);
            ensure_backups(&mut out);
            let far = second_region(&out, name)?;
            add_copy(&mut out, far);
        }
        "pilot-light" => {
            keep_primary_only(&mut out);
            let far = second_region(&out, name)?;
            add_replica(&mut out, far, ReplicationMode::Async, false)?;
            out.failover.mode = FailoverMode::Manual;
            out.failover.cross_region = false;
            // The standby's compute is off: provisioning it is the warm-up.
            out.failover.standby_warmup =
                Dist::lognormal_median_p95(15.0 * MINUTE as f64, HOUR as f64);
            ensure_backups(&mut out);
            add_copy(&mut out, far);
            out.replication.mode = ReplicationMode::Async;
        }
        "warm-standby" => {
            keep_primary_only(&mut out);
            ensure_local_replica(&mut out);
            let far = second_region(&out, name)?;
            add_replica(&mut out, far, ReplicationMode::Async, true)?;
            out.failover.mode = FailoverMode::Automatic;
            out.failover.cross_region = false;
            ensure_backups(&mut out);
            add_copy(&mut out, far);
            out.replication.mode = ReplicationMode::Async;
        }
        "hot-standby" | "active-active" => {
            keep_primary_only(&mut out);
            ensure_local_replica(&mut out);
            for n in out.nodes.iter_mut().filter(|n| n.role == Role::Replica) {
                n.mode = ReplicationMode::Sync;
            }
            let far = second_region(&out, name)?;
            let pr = out.zones[out.nodes[out.initial_primary()].zone].region;
            add_replica(&mut out, far, ReplicationMode::Async, true)?;
            out.failover.mode = FailoverMode::Automatic;
            out.failover.cross_region = true;
            // Both tiers claim the second region takes over: it needs the
            // API capacity to (hot standby: idle until then; active-active:
            // serving all along, in every region).
            let regions: Vec<RegionId> = if base == "active-active" {
                (0..out.regions.len())
                    .filter(|&r| r == pr || out.network.region_rtt(pr, r).is_some())
                    .collect()
            } else {
                vec![pr, far]
            };
            api_per_region(&mut out, &regions);
            ensure_backups(&mut out);
            add_copy(&mut out, far);
            add_pitr(&mut out);
            out.replication.mode = ReplicationMode::Sync;
        }
        _ => return Err(unknown(name)),
    }
    for modifier in parts {
        match modifier {
            "backup" => restore_backups(&mut out, sc),
            "pitr" => {
                restore_backups(&mut out, sc);
                add_pitr(&mut out);
            }
            "delayed" => {
                let region = out.zones[out.nodes[out.initial_primary()].zone].region;
                add_replica(&mut out, region, ReplicationMode::Delayed, false)?;
            }
            "pre-migration-backup" => {
                // A snapshot just before each migration; no schedule is
                // added if the strategy had none.
                if out.backups.is_none() {
                    ensure_backups(&mut out);
                    if let Some(b) = &mut out.backups {
                        b.schedule = false;
                    }
                }
                let times: Vec<_> = out.migrations.iter().map(|m| m.at).collect();
                if let Some(b) = &mut out.backups {
                    b.snapshots = times;
                }
            }
            "rollback" => {
                // Every migration ships a tested rollback (Liquibase
                // `--rollback`, Flyway undo): a failed one is rolled back
                // instead of repaired by hand. It cannot bring back data a
                // destructive change removed.
                for m in &mut out.migrations {
                    m.rollback = true;
                    if let crate::scenario::MigrationEffect::Failing { rollback, .. } =
                        &mut m.effect
                    {
                        *rollback = true;
                    }
                }
            }
            _ => return Err(unknown(name)),
        }
    }
    out.name = sc.name.clone();
    Ok(out)
}

/// The modifiers a strategy name may end in, after `+`.
const MODIFIERS: &[&str] = &[
    "backup",
    "pitr",
    "delayed",
    "pre-migration-backup",
    "rollback",
];

fn unknown(name: &str) -> StrategyError {
    let names: Vec<&str> = CATALOG.iter().map(|(n, _)| *n).collect();
    StrategyError(format!(
        "unknown strategy `{name}`: {}use one of {}, optionally followed by +backup, +pitr, +delayed, +pre-migration-backup or +rollback (e.g. async+backup)",
        nearest_strategy(name, &names)
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default(),
        names.join(", ")
    ))
}

/// The strategy name nearest to a mistyped one: its base and each of its
/// modifiers corrected on their own (`asycn+bakup` -> `async+backup`).
fn nearest_strategy(name: &str, bases: &[&str]) -> Option<String> {
    let mut parts = name.split('+').map(str::trim);
    let base = parts.next()?;
    let fix = |typed: &str, known: &[&str]| -> Option<String> {
        if known.contains(&typed) {
            Some(typed.to_string())
        } else {
            crate::suggest::did_you_mean(typed, known.iter().copied()).map(str::to_string)
        }
    };
    let mut out = fix(base, bases)?;
    for m in parts {
        out.push('+');
        out.push_str(&fix(m, MODIFIERS)?);
    }
    (out != name).then_some(out)
}

fn keep_primary_only(sc: &mut Scenario) {
    let p = sc.initial_primary();
    sc.nodes = vec![sc.nodes[p].clone()];
    sc.replication.mode = ReplicationMode::None;
    sc.failover.mode = FailoverMode::None;
    // Scheduled faults name nodes by index: re-point them at the primary.
    for e in &mut sc.events {
        if let crate::scenario::Target::Node(n) = e.target {
            e.target = if n == p {
                crate::scenario::Target::Node(0)
            } else {
                crate::scenario::Target::Absent
            };
        }
    }
}

/// Puts back the original scenario's backups (a base may have removed
/// them), or the default schedule if it had none.
fn restore_backups(out: &mut Scenario, original: &Scenario) {
    if out.backups.is_none() {
        out.backups = original.backups.clone();
    }
    ensure_backups(out);
}

/// The scenario's backups, or a default schedule: weekly full, daily
/// incrementals, kept 35 days, in the primary's region.
fn ensure_backups(sc: &mut Scenario) {
    if sc.backups.is_some() {
        return;
    }
    let region = sc.zones[sc.nodes[sc.initial_primary()].zone].region;
    sc.backups = Some(Backups {
        full_every: 7 * DAY,
        incremental_every: Some(DAY),
        first_at: 2 * HOUR,
        throughput: 100e6,
        restore_throughput: 200e6,
        provision: Dist::lognormal_median_p95(10.0 * MINUTE as f64, 30.0 * MINUTE as f64),
        retention: 35 * DAY,
        region,
        copy_to: Vec::new(),
        copy_delay: 15 * MINUTE,
        archive_copy_delay: 0,
        method: crate::scenario::BackupMethod::Snapshot,
        corrupt: 0.0,
        schedule: true,
        snapshots: Vec::new(),
        log_archive: None,
    });
}

/// Continuous archiving every 5 minutes: RDS's LatestRestorableTime is
/// typically within 5 minutes of now (aws.amazon.com/rds/details/backup).
fn add_pitr(sc: &mut Scenario) {
    if let Some(b) = &mut sc.backups
        && b.log_archive.is_none()
    {
        b.log_archive = Some(LogArchive {
            interval: 5 * MINUTE,
            replay_throughput: 50e6,
        });
    }
}

fn add_copy(sc: &mut Scenario, region: RegionId) {
    if let Some(b) = &mut sc.backups
        && b.region != region
        && !b.copy_to.contains(&region)
    {
        b.copy_to.push(region);
    }
}

fn second_region(sc: &Scenario, strategy: &str) -> Result<RegionId, StrategyError> {
    let pr = sc.zones[sc.nodes[sc.initial_primary()].zone].region;
    (0..sc.regions.len())
        .find(|&r| r != pr && sc.network.region_rtt(pr, r).is_some())
        .ok_or_else(|| {
            StrategyError(format!(
                "strategy `{strategy}` needs a second region reachable from the primary's; add one to [[regions]] with a [[network.links]] entry"
            ))
        })
}

/// Makes sure at least one replica exists in the primary's region, in
/// another zone when there is one.
fn ensure_local_replica(sc: &mut Scenario) {
    let p = sc.initial_primary();
    let pz = sc.nodes[p].zone;
    let region = sc.zones[pz].region;
    if sc
        .nodes
        .iter()
        .any(|n| n.role == Role::Replica && sc.zones[n.zone].region == region)
    {
        return;
    }
    let zone = other_zone(sc, region, pz);
    let mode = match sc.replication.mode {
        ReplicationMode::None => ReplicationMode::Async,
        m => m,
    };
    push_replica(sc, zone, mode, true);
}

fn other_zone(sc: &Scenario, region: RegionId, avoid: ZoneId) -> ZoneId {
    sc.regions[region]
        .zones
        .iter()
        .copied()
        .find(|&z| z != avoid)
        .unwrap_or(avoid)
}

fn add_replica(
    sc: &mut Scenario,
    region: RegionId,
    mode: ReplicationMode,
    active: bool,
) -> Result<(), StrategyError> {
    let zone = sc.regions[region].zones[0];
    let pz = sc.nodes[sc.initial_primary()].zone;
    let zone = if zone == pz {
        other_zone(sc, region, pz)
    } else {
        zone
    };
    push_replica(sc, zone, mode, active);
    Ok(())
}

fn push_replica(sc: &mut Scenario, zone: ZoneId, mode: ReplicationMode, active: bool) {
    // Named by place, not by mode, so the same replica keeps the same
    // random stream under every strategy.
    let base = format!("replica-{}", sc.zones[zone].name);
    let mut name = base.clone();
    let mut k = 2;
    while sc.nodes.iter().any(|n| n.name == name) {
        name = format!("{base}-{k}");
        k += 1;
    }
    sc.nodes.push(Node {
        name,
        zone,
        role: Role::Replica,
        active,
        mode,
    });
}

/// Gives every region in `regions` an API pool of its own, as large as the
/// scenario's: a region that takes over when the other goes dark must carry
/// the whole load (`min_healthy` servers), not the share a round-robin deal
/// over every zone leaves it. The scenario's servers keep their places (and
/// their random streams); each other region gets as many again, dealt over
/// its zones.
fn api_per_region(sc: &mut Scenario, regions: &[RegionId]) {
    let api = sc.api.get_or_insert_with(|| ApiPool {
        servers: Vec::new(),
        min_healthy: 1,
        restart: Dist::Fixed(2 * MINUTE),
    });
    let per_region = api.servers.len().max(api.min_healthy as usize).max(1);
    for &r in regions {
        let zones = &sc.regions[r].zones;
        let have = api
            .servers
            .iter()
            .filter(|&&z| sc.zones[z].region == r)
            .count();
        let max = crate::scenario::validate::API_SERVERS_MAX as usize;
        for k in have..per_region {
            if zones.is_empty() || api.servers.len() >= max {
                break;
            }
            api.servers.push(zones[k % zones.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Format, parse};
    use crate::sim::Engine;

    fn builtin(name: &str) -> Scenario {
        let text = crate::library::builtin(name).expect("a built-in scenario");
        parse(text, name, Format::Toml).expect("valid")
    }

    /// API servers in each region, for the regions holding a database node.
    fn api_by_region(sc: &Scenario) -> Vec<usize> {
        let api = sc.api.as_ref().expect("an API pool");
        (0..sc.regions.len())
            .map(|r| {
                api.servers
                    .iter()
                    .filter(|&&z| sc.zones[z].region == r)
                    .count()
            })
            .collect()
    }

    #[test]
    fn the_takeover_region_of_a_dr_preset_can_carry_the_load_alone() {
        for base in ["ecommerce", "disaster-recovery"] {
            let sc = builtin(base);
            for s in ["hot-standby", "active-active"] {
                let out = apply(&sc, s).expect("buildable");
                let need = out.api.as_ref().unwrap().min_healthy as usize;
                for (r, n) in api_by_region(&out).into_iter().enumerate() {
                    assert!(
                        n >= need,
                        "{base} {s}: {n} API servers in region {r}, {need} needed"
                    );
                }
            }
        }
    }

    #[test]
    fn active_active_keeps_writing_through_a_region_outage_after_failover() {
        // The default scenario, with us-east dark for 12 h on day 100: the
        // same trials with and without it differ by the failover, not by
        // the outage.
        let text = crate::library::builtin("ecommerce").expect("built in");
        let dark = format!(
            "{text}\n[[events]]\nat = \"100d\"\nfault = \"region-outage\"\ntarget = \"us-east\"\nduration = \"12h\"\n"
        );
        let plain = parse(text, "ecommerce", Format::Toml).expect("valid");
        let dark = parse(&dark, "dark", Format::Toml).expect("valid");
        for s in ["hot-standby", "active-active"] {
            let (a, b) = (apply(&plain, s).unwrap(), apply(&dark, s).unwrap());
            let (ea, eb) = (Engine::new(&a), Engine::new(&b));
            for t in 0..10 {
                let before = ea.run_trial(a.seed, t, false).downtime;
                let after = eb.run_trial(b.seed, t, false).downtime;
                assert!(
                    after.saturating_sub(before) < crate::units::HOUR,
                    "{s} trial {t}: the outage added {} s of downtime",
                    (after - before) / 1_000_000
                );
            }
        }
    }
}
