//! The validated scenario: names resolved to indices, units to
//! microseconds and bytes, defaults filled in. Immutable once built; the
//! engine reads only this.

use crate::dist::Dist;
use crate::units::Micros;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Index into [`Scenario::regions`].
pub type RegionId = usize;
/// Index into [`Scenario::zones`].
pub type ZoneId = usize;
/// Index into [`Scenario::nodes`].
pub type NodeId = usize;

/// A validated scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub lesson: Option<String>,
    pub seed: u64,
    pub trials: u64,
    pub horizon: Micros,
    pub workload: Workload,
    pub regions: Vec<Region>,
    pub zones: Vec<Zone>,
    pub network: Network,
    pub api: Option<ApiPool>,
    pub nodes: Vec<Node>,
    pub replication: Replication,
    pub database: DatabaseOps,
    pub failover: Failover,
    pub operators: Operators,
    pub backups: Option<Backups>,
    pub faults: Faults,
    pub events: Vec<ScheduledFault>,
    pub migrations: Vec<Migration>,
    pub policy: Option<Policy>,
    pub costs: Option<Costs>,
}

/// The write (and read) load and the data it builds.
#[derive(Clone, Debug)]
pub struct Workload {
    /// Mean acknowledged-write arrival rate while the write path is up.
    pub writes_per_sec: f64,
    pub reads_per_sec: f64,
    /// Bytes one write adds to the log (sizes incrementals and log replay).
    pub write_size: f64,
    /// Size of the database, in bytes (sizes full backups, restores, rebuilds).
    pub data_size: f64,
    /// How long the data set had been growing when the horizon starts: the
    /// writes a permanent logical loss of a share of the rows destroys.
    pub history: Micros,
    /// What one write is called in stories.
    pub write_noun: String,
}

#[derive(Clone, Debug)]
pub struct Region {
    pub name: String,
    pub zones: Vec<ZoneId>,
    /// The laws of the faults of what lives here, resolved.
    pub faults: RegionFaults,
}

/// The random faults of the components of one region (its API servers,
/// nodes, disks and zones) and of the region itself: the region's own
/// `faults` where given, else `[faults]`.
#[derive(Clone, Debug, Default)]
pub struct RegionFaults {
    pub api_crash: Option<Recurring>,
    pub db_crash: Option<Recurring>,
    pub disk_loss: Option<Recurring>,
    pub zone_outage: Option<Recurring>,
    pub region_outage: Option<Recurring>,
}

#[derive(Clone, Debug)]
pub struct Zone {
    pub name: String,
    pub region: RegionId,
}

/// Round-trip times between places.
#[derive(Clone, Debug)]
pub struct Network {
    pub rtt_same_zone: Micros,
    pub rtt_cross_zone: Micros,
    pub rtt_cross_region: Option<Micros>,
    pub links: Vec<(RegionId, RegionId, Micros)>,
}

impl Network {
    /// Round trip between two regions; `None` when no route exists.
    pub fn region_rtt(&self, a: RegionId, b: RegionId) -> Option<Micros> {
        self.links
            .iter()
            .find(|(x, y, _)| (*x == a && *y == b) || (*x == b && *y == a))
            .map(|l| l.2)
            .or(self.rtt_cross_region)
    }
}

/// Stateless API servers behind a load balancer.
#[derive(Clone, Debug)]
pub struct ApiPool {
    /// The zone of each server.
    pub servers: Vec<ZoneId>,
    /// Writes are served only while at least this many servers are healthy.
    pub min_healthy: u32,
    pub restart: Dist,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Primary,
    Replica,
}

/// How a replica receives the primary's writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReplicationMode {
    None,
    Async,
    SemiSync,
    Sync,
    Delayed,
}

impl ReplicationMode {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "none" => Self::None,
            "async" => Self::Async,
            "semi-sync" | "semisync" | "semi_sync" => Self::SemiSync,
            "sync" => Self::Sync,
            "delayed" => Self::Delayed,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Async => "async",
            Self::SemiSync => "semi-sync",
            Self::Sync => "sync",
            Self::Delayed => "delayed",
        }
    }
}

/// A database node: one process, one disk.
#[derive(Clone, Debug)]
pub struct Node {
    pub name: String,
    pub zone: ZoneId,
    pub role: Role,
    /// Active replicas serve reads and have warm caches; standbys need
    /// [`Failover::standby_warmup`] after promotion.
    pub active: bool,
    /// How this node replicates (meaningful for replicas).
    pub mode: ReplicationMode,
}

/// What a synchronous primary does when no synchronous replica can acknowledge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SyncDown {
    /// Writes wait (PostgreSQL with `synchronous_standby_names`): downtime.
    Block,
    /// Writes continue unprotected, as async, until a replica returns.
    Degrade,
}

#[derive(Clone, Debug)]
pub struct Replication {
    /// The scenario's own mode: what `failsim run` reports under.
    pub mode: ReplicationMode,
    /// Async replica lag, sampled at the moment it matters.
    pub lag: Dist,
    /// Apply delay of delayed replicas.
    pub delay: Micros,
    /// Semi-sync: how long a write waits for an acknowledgement before the
    /// primary falls back to async (MySQL `rpl_semi_sync_source_timeout`).
    pub semi_sync_timeout: Micros,
    pub sync_on_replica_down: SyncDown,
    /// Log replay rate, bytes/s (delayed replica catch-up).
    pub replay_throughput: f64,
}

/// Repairs of database nodes.
#[derive(Clone, Debug)]
pub struct DatabaseOps {
    /// Process crash to accepting connections again (crash recovery).
    pub restart: Dist,
    /// Disk failure to a new, empty disk or node.
    pub disk_replace: Dist,
    /// Re-seeding a replica from the primary, bytes/s.
    pub rebuild_throughput: f64,
    /// Rewinding a deposed copy's divergent tail (pg_rewind), bytes of log
    /// per second.
    pub rewind_throughput: f64,
    /// How many re-seeds and rewinds run at once (`None`: no limit).
    pub repair_crews: Option<u32>,
    /// Copying damaged rows back from a side restore into the live
    /// database, bytes/s.
    pub copy_back_throughput: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FailoverMode {
    Automatic,
    Manual,
    None,
}

#[derive(Clone, Debug)]
pub struct Failover {
    pub mode: FailoverMode,
    pub detection: Dist,
    pub promotion: Dist,
    pub standby_warmup: Dist,
    /// Whether automation may promote a replica in another region (operators
    /// always may, after their response time).
    pub cross_region: bool,
    /// Whether a deposed primary is fenced (lease, STONITH) before a new one
    /// takes writes.
    pub fencing: bool,
    /// Whether the failure detector mistakes a partition for a dead primary.
    pub promote_on_partition: bool,
    /// Bytes of log a replica may lack and still be promoted while the
    /// primary is expected back.
    pub max_lag: f64,
    /// How long a crashed primary process is given to restart in place
    /// before a failover starts, counted from detection (Patroni's
    /// `primary_start_timeout`).
    pub primary_start_timeout: Micros,
    /// How long after the home region (the initial primary's) returns a
    /// planned switchover moves the primary back there; `None`: never.
    pub failback_after: Option<Micros>,
    /// How long writes stop for a planned switchover.
    pub switchover: Micros,
}

#[derive(Clone, Debug)]
pub struct Operators {
    pub response: Dist,
    /// Response times starting between 22:00 and 07:00 are multiplied by this.
    pub night_multiplier: f64,
}

#[derive(Clone, Debug)]
pub struct Backups {
    pub full_every: Micros,
    pub incremental_every: Option<Micros>,
    pub first_at: Micros,
    pub throughput: f64,
    pub restore_throughput: f64,
    pub provision: Dist,
    pub retention: Micros,
    pub region: RegionId,
    pub copy_to: Vec<RegionId>,
    /// How long after it finishes a backup lands in each `copy_to` region.
    pub copy_delay: Micros,
    /// How long after it is archived a log segment lands in each `copy_to`
    /// region: the archive is pushed to each repository directly.
    pub archive_copy_delay: Micros,
    /// What a backup restores to: its start or its stop point.
    pub method: BackupMethod,
    /// Probability that one backup is silently corrupt (found at restore).
    pub corrupt: f64,
    /// Whether the full/incremental schedule runs (false: only snapshots).
    pub schedule: bool,
    /// On-demand snapshots (e.g. before each migration): full copies of
    /// the data at these instants, usable at once.
    pub snapshots: Vec<Micros>,
    pub log_archive: Option<LogArchive>,
}

/// How backups are taken, which decides the point a backup restores to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BackupMethod {
    /// A storage snapshot (EBS, RDS): crash-consistent at the instant it
    /// starts.
    Snapshot,
    /// A file copy of the running database (pg_basebackup, pgBackRest):
    /// consistent at its stop point, after the log written during the copy.
    Physical,
}

/// Continuous archiving of the write-ahead log, for point-in-time recovery.
#[derive(Clone, Debug)]
pub struct LogArchive {
    /// The archive is complete up to the last multiple of this interval.
    pub interval: Micros,
    pub replay_throughput: f64,
}

/// A failure process that renews after repair.
#[derive(Clone, Debug)]
pub struct Recurring {
    pub time_to_failure: Dist,
    pub duration: Option<Dist>,
    pub destroys_data: f64,
    pub detect: Option<Dist>,
    pub share: f64,
    /// How logical damage from this source is undone.
    pub recovery: LogicalRecovery,
}

/// How operators undo logical damage (an accidental delete, a destructive
/// migration) from a clean copy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogicalRecovery {
    /// Restore the clean copy beside the damaged database (RDS point-in-time
    /// restore always creates a new instance; pgBackRest restores to a side
    /// cluster), copy the damaged rows back, keep every later write. Writes
    /// never stop.
    #[default]
    SideRestore,
    /// Roll the whole database back in place to the clean copy, as GitLab
    /// did in January 2017: writes stop from detection to the end of the
    /// restore, and every write after the restore point is discarded.
    Rollback,
}

impl LogicalRecovery {
    /// The names a scenario file uses.
    pub const NAMES: &'static [(&'static str, LogicalRecovery)] = &[
        ("side-restore", LogicalRecovery::SideRestore),
        ("rollback", LogicalRecovery::Rollback),
    ];
    pub fn parse(s: &str) -> Option<Self> {
        Self::NAMES.iter().find(|(n, _)| *n == s).map(|&(_, r)| r)
    }
    pub fn name(self) -> &'static str {
        match self {
            Self::SideRestore => "side-restore",
            Self::Rollback => "rollback",
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Faults {
    pub api_crash: Option<Recurring>,
    pub db_crash: Option<Recurring>,
    pub disk_loss: Option<Recurring>,
    pub zone_outage: Option<Recurring>,
    pub region_outage: Option<Recurring>,
    pub partition: Option<Recurring>,
    pub accidental_delete: Option<Recurring>,
}

/// The kinds of fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    ApiCrash,
    DbCrash,
    DiskLoss,
    ZoneOutage,
    RegionOutage,
    Partition,
    AccidentalDelete,
    BackupFailure,
    Migration,
    /// A planned switchover back to the home region (`failover.failback_after`).
    Switchover,
}

impl FaultKind {
    pub const SCHEDULABLE: &'static [(&'static str, FaultKind)] = &[
        ("api-crash", FaultKind::ApiCrash),
        ("db-crash", FaultKind::DbCrash),
        ("disk-loss", FaultKind::DiskLoss),
        ("zone-outage", FaultKind::ZoneOutage),
        ("region-outage", FaultKind::RegionOutage),
        ("partition", FaultKind::Partition),
        ("accidental-delete", FaultKind::AccidentalDelete),
        ("backup-failure", FaultKind::BackupFailure),
    ];
    pub fn name(self) -> &'static str {
        match self {
            Self::ApiCrash => "api-crash",
            Self::DbCrash => "db-crash",
            Self::DiskLoss => "disk-loss",
            Self::ZoneOutage => "zone-outage",
            Self::RegionOutage => "region-outage",
            Self::Partition => "partition",
            Self::AccidentalDelete => "accidental-delete",
            Self::BackupFailure => "backup-failure",
            Self::Migration => "migration",
            Self::Switchover => "switchover",
        }
    }
    /// The kind of disruption, in the vocabulary of resilience policies.
    pub fn disruption(self) -> Disruption {
        match self {
            Self::ApiCrash | Self::DbCrash => Disruption::Software,
            Self::DiskLoss => Disruption::Hardware,
            Self::ZoneOutage => Disruption::Zone,
            Self::RegionOutage | Self::Partition => Disruption::Region,
            Self::AccidentalDelete | Self::BackupFailure | Self::Migration | Self::Switchover => {
                Disruption::Human
            }
        }
    }
}

/// What a scheduled fault hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// One API server (by index).
    ApiServer(usize),
    /// A named database node.
    Node(NodeId),
    /// Whichever node is primary at that moment.
    Primary,
    /// The first replica that is up at that moment.
    Replica,
    Zone(ZoneId),
    Region(RegionId),
    RegionPair(RegionId, RegionId),
    /// The data set as a whole (logical faults) or the backup system.
    System,
    /// A node a strategy removed: the event does nothing.
    Absent,
}

#[derive(Clone, Debug)]
pub struct ScheduledFault {
    pub at: Micros,
    pub kind: FaultKind,
    pub target: Target,
    pub duration: Micros,
    pub destroys_data: bool,
    pub detect: Micros,
    pub share: f64,
    /// Accidental deletes only: how the damage is undone.
    pub recovery: LogicalRecovery,
    pub until: Micros,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MigrationEffect {
    Online,
    Locking {
        lock: Micros,
    },
    Failing {
        rollback: bool,
        fix: Micros,
    },
    Destructive {
        share: f64,
        detect: Micros,
        recovery: LogicalRecovery,
    },
}

#[derive(Clone, Debug)]
pub struct Migration {
    pub version: String,
    pub description: String,
    pub at: Micros,
    pub effect: MigrationEffect,
    pub rollback: bool,
}

/// The kinds of disruption a policy sets targets for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Disruption {
    Software,
    Hardware,
    Zone,
    Region,
    Human,
}

impl Disruption {
    pub fn name(self) -> &'static str {
        match self {
            Self::Software => "software",
            Self::Hardware => "hardware",
            Self::Zone => "zone",
            Self::Region => "region",
            Self::Human => "human",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyTarget {
    pub rto: Option<Micros>,
    pub rpo: Option<Micros>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// Targets must hold at this percentile of incidents (e.g. 95).
    pub percentile: f64,
    pub targets: BTreeMap<Disruption, PolicyTarget>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Costs {
    pub node_per_month: f64,
    pub backup_storage_per_gb_month: f64,
    pub cross_region_transfer_per_gb: f64,
    pub currency: String,
}

impl Scenario {
    /// The node that is primary when the trial starts.
    pub fn initial_primary(&self) -> NodeId {
        self.nodes
            .iter()
            .position(|n| n.role == Role::Primary)
            .expect("validated scenario has one primary")
    }

    pub fn region_of_node(&self, n: NodeId) -> RegionId {
        self.zones[self.nodes[n].zone].region
    }

    /// Round trip between two nodes; `None` when there is no route.
    pub fn node_rtt(&self, a: NodeId, b: NodeId) -> Option<Micros> {
        let (za, zb) = (self.nodes[a].zone, self.nodes[b].zone);
        if za == zb {
            return Some(self.network.rtt_same_zone);
        }
        let (ra, rb) = (self.zones[za].region, self.zones[zb].region);
        if ra == rb {
            Some(self.network.rtt_cross_zone)
        } else {
            self.network.region_rtt(ra, rb)
        }
    }

    /// The write latency a replication design adds to every write: the round
    /// trip to the slowest synchronous replica, or to the fastest semi-sync
    /// one.
    pub fn write_latency_added(&self) -> Micros {
        let p = self.initial_primary();
        let replicas = || {
            self.nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.role == Role::Replica)
        };
        let sync = replicas()
            .filter(|(_, n)| n.mode == ReplicationMode::Sync)
            .filter_map(|(i, _)| self.node_rtt(p, i))
            .max();
        let semi = replicas()
            .filter(|(_, n)| n.mode == ReplicationMode::SemiSync)
            .filter_map(|(i, _)| self.node_rtt(p, i))
            .min();
        sync.or(semi).unwrap_or(0)
    }
}
