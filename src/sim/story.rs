//! The typed fields of the story's records ([`super::Happening`]): which
//! component went down and why, how a primary is brought back, why
//! protection was lost or regained. Each carries its numbers and names as
//! fields, for `explain` and the timeline to read, and prints (and
//! serializes, as a JSON string) in the words the record has always had.

use super::backup::{RestorePlan, RestoreSource};
use crate::units::{Micros, human_duration};
use serde::{Serialize, Serializer};
use std::fmt::{self, Display, Formatter, Write};

/// Serializes as the text `Display` writes.
macro_rules! serialize_as_text {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    )*};
}

serialize_as_text!(
    Component,
    DownReason,
    RecoveryHow,
    RestoreHow,
    DegradedWhy,
    ProtectedWhy,
    StopReason
);

/// A part of the system that stops serving and serves again.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    /// A database node, by name (`db1`).
    Node(String),
    /// An API server, by name (`api-2`).
    Api(String),
    /// A zone, by name: `zone us-east-1a`.
    Zone(String),
    /// A region, by name: `region us-east`.
    Region(String),
    /// The link between two regions, by the pair's name: `network us-east <-> eu-west`.
    Network(String),
}

impl Component {
    /// The name without the kind of place (`us-east-1a` for its zone).
    pub fn name(&self) -> &str {
        match self {
            Component::Node(n)
            | Component::Api(n)
            | Component::Zone(n)
            | Component::Region(n)
            | Component::Network(n) => n,
        }
    }
}

impl Display for Component {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Component::Node(n) | Component::Api(n) => f.write_str(n),
            Component::Zone(n) => write!(f, "zone {n}"),
            Component::Region(n) => write!(f, "region {n}"),
            Component::Network(n) => write!(f, "network {n}"),
        }
    }
}

/// Why a component stopped serving, with how long it will last.
#[derive(Clone, Debug)]
pub enum DownReason {
    /// An API server crashed; the orchestrator restarts it.
    ApiCrash {
        restart_in: Micros,
    },
    /// A database process crashed; it restarts by itself, data intact.
    ProcessCrash {
        restart_in: Micros,
    },
    /// A node's disk is gone with its copy of the data.
    DiskLost {
        new_disk_in: Micros,
    },
    ZoneOutage {
        lasts: Micros,
    },
    RegionOutage {
        lasts: Micros,
        destroyed: bool,
    },
    Partition {
        lasts: Micros,
    },
}

impl DownReason {
    /// The duration the reason announces: the restart, the new disk, the
    /// outage's length.
    pub fn announced(&self) -> Micros {
        match *self {
            DownReason::ApiCrash { restart_in } | DownReason::ProcessCrash { restart_in } => {
                restart_in
            }
            DownReason::DiskLost { new_disk_in } => new_disk_in,
            DownReason::ZoneOutage { lasts }
            | DownReason::RegionOutage { lasts, .. }
            | DownReason::Partition { lasts } => lasts,
        }
    }

    /// Whether data went with it (a disk, a destroyed data center).
    pub fn destroys_data(&self) -> bool {
        matches!(
            self,
            DownReason::DiskLost { .. }
                | DownReason::RegionOutage {
                    destroyed: true,
                    ..
                }
        )
    }

    /// The reason written with `sep` between its clauses (`; ` in the
    /// record, `, ` in prose).
    pub fn write_with(&self, f: &mut impl Write, sep: &str) -> fmt::Result {
        let d = human_duration(self.announced());
        match self {
            DownReason::ApiCrash { .. } => write!(f, "crashed{sep}restarts in {d}"),
            DownReason::ProcessCrash { .. } => write!(f, "process crashed{sep}restarts in {d}"),
            DownReason::DiskLost { .. } => {
                write!(
                    f,
                    "disk lost: its copy of the data is gone{sep}new disk in {d}"
                )
            }
            DownReason::ZoneOutage { .. } => write!(f, "zone outage for {d}"),
            DownReason::RegionOutage { destroyed, .. } => {
                write!(f, "region outage for {d}")?;
                if *destroyed {
                    write!(
                        f,
                        "{sep}the data center is destroyed with every disk and backup in it"
                    )?;
                }
                Ok(())
            }
            DownReason::Partition { .. } => write!(f, "network partition for {d}"),
        }
    }

    /// The reason as a sentence's clause (`, ` between its parts).
    pub fn prose(&self) -> String {
        let mut s = String::new();
        self.write_with(&mut s, ", ").expect("writing to a String");
        s
    }
}

impl Display for DownReason {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.write_with(f, "; ")
    }
}

/// Two reasons are the same when they read the same: the story drops a
/// record that repeats the one before it word for word.
impl PartialEq for DownReason {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

/// How a primary that is down (or data that is damaged) is brought back:
/// the engine's decision, with the node it chose.
#[derive(Clone, Debug, PartialEq)]
pub enum RecoveryHow {
    /// Promote replica `to`: by the failure detector, or by an operator.
    Failover { automatic: bool, to: String },
    /// Restore from backups or the log archive.
    Restore(RestoreHow),
    /// No copy survives.
    StartEmpty,
    /// A replica that still holds the data is down for now: wait for it.
    WaitReplica { replica: String },
    /// The primary will come back sooner than a failover could complete
    /// (`candidate`: the replica the engine would have promoted), or no
    /// replica can take over (`candidate` is `None`).
    WaitPrimary { candidate: Option<String> },
    /// A delayed replica that has not applied the damage is replayed to
    /// just before it and promoted.
    DelayedReplica { replica: String },
    /// A copy restored beside the live database to just before the damage;
    /// the damaged rows are copied back and every later write is kept.
    SideRestore(RestoreHow),
    /// A delayed replica that has not applied the damage is replayed to
    /// just before it, and the damaged rows are copied back from it.
    SideRestoreFromDelayed { replica: String },
}

impl RecoveryHow {
    /// Whether the plan is to wait for a copy to come back.
    pub fn is_wait(&self) -> bool {
        matches!(
            self,
            RecoveryHow::WaitPrimary { .. } | RecoveryHow::WaitReplica { .. }
        )
    }

    /// Whether the damage is undone beside the live database, which keeps
    /// taking writes.
    pub fn is_side_restore(&self) -> bool {
        matches!(
            self,
            RecoveryHow::SideRestore(_) | RecoveryHow::SideRestoreFromDelayed { .. }
        )
    }

    /// The node the plan promotes, if it promotes one.
    pub fn promotes(&self) -> Option<&str> {
        match self {
            RecoveryHow::Failover { to, .. } => Some(to),
            RecoveryHow::DelayedReplica { replica } => Some(replica),
            _ => None,
        }
    }
}

impl Display for RecoveryHow {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            RecoveryHow::Failover {
                automatic: true,
                to,
            } => write!(f, "automatic failover to {to}"),
            RecoveryHow::Failover {
                automatic: false,
                to,
            } => write!(f, "manual failover to {to} (an operator decides)"),
            RecoveryHow::Restore(r) => r.fmt(f),
            RecoveryHow::StartEmpty => {
                f.write_str("no copy survives: start again with an empty database")
            }
            RecoveryHow::WaitReplica { replica } => write!(
                f,
                "wait for replica {replica}, which still holds the data, to come back"
            ),
            RecoveryHow::WaitPrimary { .. } => f.write_str("wait for the primary to come back"),
            RecoveryHow::DelayedReplica { replica } => write!(
                f,
                "delayed replica {replica} replayed to just before the damage and promoted"
            ),
            RecoveryHow::SideRestore(r) => {
                let label = r.to_string();
                match label.strip_prefix("restore ") {
                    Some(rest) => write!(f, "side restore {rest}"),
                    None => write!(f, "side restore by {label}"),
                }
            }
            RecoveryHow::SideRestoreFromDelayed { replica } => write!(
                f,
                "side restore from delayed replica {replica}, replayed to just before the damage"
            ),
        }
    }
}

/// What a restore is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RestoreHow {
    pub source: RestoreSource,
    /// Incremental backups applied after the full one.
    pub incrementals: u32,
    /// Corrupt backups tried (and failed) before a good one.
    pub corrupt_tried: u32,
}

impl RestoreHow {
    pub fn of(r: &RestorePlan) -> Self {
        RestoreHow {
            source: r.source,
            incrementals: r.incrementals,
            corrupt_tried: r.corrupt_tried,
        }
    }

    /// The restore as a noun phrase after "a" (`restore of the full backup
    /// + 2 incrementals`), where the record writes `incremental(s)`.
    pub fn prose(&self) -> String {
        let mut s = String::new();
        self.write_with(&mut s, true).expect("writing to a String");
        s
    }

    fn write_with(&self, f: &mut impl Write, prose: bool) -> fmt::Result {
        match self.source {
            RestoreSource::Snapshot => {
                f.write_str("restore of the snapshot taken before the change")
            }
            RestoreSource::PointInTime => {
                f.write_str("point-in-time recovery (backup + log archive)")
            }
            RestoreSource::Backup if self.incrementals > 0 => {
                let unit = match (prose, self.incrementals) {
                    (false, _) => "incremental(s)",
                    (true, 1) => "incremental",
                    (true, _) => "incrementals",
                };
                write!(
                    f,
                    "restore of the full backup + {} {unit}",
                    self.incrementals
                )
            }
            RestoreSource::Backup => f.write_str("restore of a full backup"),
        }?;
        if self.corrupt_tried > 0 {
            write!(
                f,
                ", after {} corrupt backup(s) failed to restore",
                self.corrupt_tried
            )?;
        }
        Ok(())
    }
}

impl Display for RestoreHow {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.write_with(f, false)
    }
}

/// Why writes continue without the protection configured for them.
#[derive(Clone, Debug)]
pub enum DegradedWhy {
    /// No synchronous replica is reachable (`sync_on_replica_down = "degrade"`).
    SyncUnreachable,
    /// No semi-sync replica acknowledges: writes wait `timeout`, then go on as async.
    SemiSyncFallback { timeout: Micros },
}

impl DegradedWhy {
    /// The cause and its effect joined by `sep` (`: ` in the record,
    /// `, so ` in prose).
    pub fn write_with(&self, f: &mut impl Write, sep: &str) -> fmt::Result {
        match self {
            DegradedWhy::SyncUnreachable => write!(
                f,
                "no synchronous replica is reachable{sep}writes continue unprotected, as async"
            ),
            DegradedWhy::SemiSyncFallback { timeout } => write!(
                f,
                "no semi-sync replica acknowledges{sep}writes wait {} then continue as async",
                human_duration(*timeout)
            ),
        }
    }

    /// The reason as a sentence's clause: cause, so effect.
    pub fn prose(&self) -> String {
        let mut s = String::new();
        self.write_with(&mut s, ", so ")
            .expect("writing to a String");
        s
    }
}

impl Display for DegradedWhy {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.write_with(f, ": ")
    }
}

/// The same when they read the same (see [`DownReason`]'s equality).
impl PartialEq for DegradedWhy {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

/// Why the configured protection holds again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProtectedWhy {
    SyncBack,
    SemiSyncBack,
}

impl ProtectedWhy {
    /// The cause and its effect joined by `sep` (`: ` in the record,
    /// `, so ` in prose).
    pub fn write_with(&self, f: &mut impl Write, sep: &str) -> fmt::Result {
        match self {
            ProtectedWhy::SyncBack => {
                f.write_str("a synchronous replica acknowledges writes again")
            }
            ProtectedWhy::SemiSyncBack => write!(
                f,
                "a semi-sync replica caught up{sep}writes are acknowledged only once a replica has them"
            ),
        }
    }

    /// The reason as a sentence's clause: cause, so effect.
    pub fn prose(&self) -> String {
        let mut s = String::new();
        self.write_with(&mut s, ", so ")
            .expect("writing to a String");
        s
    }
}

impl Display for ProtectedWhy {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.write_with(f, ": ")
    }
}

/// Why the write path stops accepting writes: the first of its conditions
/// that fails, in the order the write path checks them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// A restore to a point before logical damage is under way.
    Restoring,
    /// The primary lost its lease (a partition) and refuses writes.
    Fenced { primary: String },
    /// The primary is down, with the recovery under way if one is.
    PrimaryDown {
        primary: String,
        under_way: Option<UnderWay>,
    },
    /// A planned switchover (failback) is under way.
    Switchover,
    /// A schema migration holds a lock.
    MigrationLock,
    /// No synchronous replica can acknowledge (`sync_on_replica_down = "block"`).
    SyncBlocks,
    /// Semi-sync waits out its timeout.
    SemiSyncWait,
    /// Too few API servers serve.
    ApiShort {
        healthy: u32,
        servers: usize,
        needed: u32,
    },
    /// None of the above (kept so that a stop is always told).
    Rejected,
}

/// The recovery of a primary that is down, as the write path tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnderWay {
    Failover,
    Restore,
}

impl StopReason {
    /// The reason written with `sep` between its clauses (`; ` in the
    /// record, `, ` in prose).
    pub fn write_with(&self, f: &mut impl Write, sep: &str) -> fmt::Result {
        match self {
            StopReason::Restoring => {
                f.write_str("the database is being restored to a point before the damage")
            }
            StopReason::Fenced { primary } => write!(
                f,
                "the primary {primary} is fenced: it lost its lease and refuses writes"
            ),
            StopReason::PrimaryDown { primary, under_way } => {
                write!(f, "the primary {primary} is down")?;
                match under_way {
                    Some(UnderWay::Failover) => write!(f, "{sep}failover in progress"),
                    Some(UnderWay::Restore) => write!(f, "{sep}restore in progress"),
                    None => Ok(()),
                }
            }
            StopReason::Switchover => f.write_str("a planned switchover is under way"),
            StopReason::MigrationLock => f.write_str("a schema migration holds the database"),
            StopReason::SyncBlocks => {
                f.write_str("no synchronous replica can acknowledge: writes block")
            }
            StopReason::SemiSyncWait => {
                f.write_str("semi-sync waits for a replica acknowledgement")
            }
            StopReason::ApiShort {
                healthy,
                servers,
                needed,
            } => write!(
                f,
                "only {healthy} of {servers} API servers can serve (at least {needed} needed)"
            ),
            StopReason::Rejected => f.write_str("writes are rejected"),
        }
    }

    /// The reason as a sentence's clause (`, ` between its parts).
    pub fn prose(&self) -> String {
        let mut s = String::new();
        self.write_with(&mut s, ", ").expect("writing to a String");
        s
    }
}

impl Display for StopReason {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.write_with(f, "; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::SECOND;

    /// Each typed field prints, and serializes, as the exact string the
    /// record carried before it was typed.
    #[test]
    fn typed_fields_read_as_the_strings_they_replaced() {
        let s = SECOND;
        let rh = |source, incrementals, corrupt_tried| {
            RecoveryHow::Restore(RestoreHow {
                source,
                incrementals,
                corrupt_tried,
            })
        };
        let table: Vec<(String, &str)> = vec![
            (Component::Node("db1".into()).to_string(), "db1"),
            (Component::Api("api-2".into()).to_string(), "api-2"),
            (
                Component::Zone("us-east-1a".into()).to_string(),
                "zone us-east-1a",
            ),
            (
                Component::Region("us-east".into()).to_string(),
                "region us-east",
            ),
            (
                Component::Network("us-east <-> eu-west".into()).to_string(),
                "network us-east <-> eu-west",
            ),
            (
                DownReason::ApiCrash { restart_in: 21 * s }.to_string(),
                "crashed; restarts in 21 s",
            ),
            (
                DownReason::ProcessCrash {
                    restart_in: 5 * s / 2,
                }
                .to_string(),
                "process crashed; restarts in 2.5 s",
            ),
            (
                DownReason::DiskLost {
                    new_disk_in: 3 * 3600 * s,
                }
                .to_string(),
                "disk lost: its copy of the data is gone; new disk in 3.0 h",
            ),
            (
                DownReason::ZoneOutage { lasts: 1800 * s }.to_string(),
                "zone outage for 30.0 min",
            ),
            (
                DownReason::RegionOutage {
                    lasts: 5 * 86_400 * s,
                    destroyed: false,
                }
                .to_string(),
                "region outage for 5.0 days",
            ),
            (
                DownReason::RegionOutage {
                    lasts: 600 * s,
                    destroyed: true,
                }
                .to_string(),
                "region outage for 10.0 min; the data center is destroyed with every disk and backup in it",
            ),
            (
                DownReason::Partition { lasts: s / 4 }.to_string(),
                "network partition for 250 ms",
            ),
            (
                DownReason::ApiCrash { restart_in: 21 * s }.prose(),
                "crashed, restarts in 21 s",
            ),
            (
                RecoveryHow::Failover {
                    automatic: true,
                    to: "db2".into(),
                }
                .to_string(),
                "automatic failover to db2",
            ),
            (
                RecoveryHow::Failover {
                    automatic: false,
                    to: "db2".into(),
                }
                .to_string(),
                "manual failover to db2 (an operator decides)",
            ),
            (
                RecoveryHow::StartEmpty.to_string(),
                "no copy survives: start again with an empty database",
            ),
            (
                RecoveryHow::WaitReplica {
                    replica: "db3".into(),
                }
                .to_string(),
                "wait for replica db3, which still holds the data, to come back",
            ),
            (
                RecoveryHow::WaitPrimary { candidate: None }.to_string(),
                "wait for the primary to come back",
            ),
            (
                RecoveryHow::DelayedReplica {
                    replica: "db4".into(),
                }
                .to_string(),
                "delayed replica db4 replayed to just before the damage and promoted",
            ),
            (
                rh(RestoreSource::Snapshot, 0, 0).to_string(),
                "restore of the snapshot taken before the change",
            ),
            (
                rh(RestoreSource::PointInTime, 0, 0).to_string(),
                "point-in-time recovery (backup + log archive)",
            ),
            (
                rh(RestoreSource::Backup, 0, 0).to_string(),
                "restore of a full backup",
            ),
            (
                rh(RestoreSource::Backup, 3, 2).to_string(),
                "restore of the full backup + 3 incremental(s), after 2 corrupt backup(s) failed to restore",
            ),
            (
                RestoreHow {
                    source: RestoreSource::Backup,
                    incrementals: 1,
                    corrupt_tried: 0,
                }
                .prose(),
                "restore of the full backup + 1 incremental",
            ),
            (
                RestoreHow {
                    source: RestoreSource::Backup,
                    incrementals: 2,
                    corrupt_tried: 0,
                }
                .prose(),
                "restore of the full backup + 2 incrementals",
            ),
            (
                DegradedWhy::SyncUnreachable.to_string(),
                "no synchronous replica is reachable: writes continue unprotected, as async",
            ),
            (
                DegradedWhy::SemiSyncFallback { timeout: 10 * s }.to_string(),
                "no semi-sync replica acknowledges: writes wait 10 s then continue as async",
            ),
            (
                ProtectedWhy::SyncBack.to_string(),
                "a synchronous replica acknowledges writes again",
            ),
            (
                ProtectedWhy::SemiSyncBack.to_string(),
                "a semi-sync replica caught up: writes are acknowledged only once a replica has them",
            ),
        ];
        let down = |under_way| StopReason::PrimaryDown {
            primary: "db1".into(),
            under_way,
        };
        let stops: Vec<(String, &str)> = vec![
            (
                StopReason::Restoring.to_string(),
                "the database is being restored to a point before the damage",
            ),
            (
                StopReason::Fenced {
                    primary: "db1".into(),
                }
                .to_string(),
                "the primary db1 is fenced: it lost its lease and refuses writes",
            ),
            (
                down(Some(UnderWay::Failover)).to_string(),
                "the primary db1 is down; failover in progress",
            ),
            (
                down(Some(UnderWay::Restore)).to_string(),
                "the primary db1 is down; restore in progress",
            ),
            (down(None).to_string(), "the primary db1 is down"),
            (
                down(Some(UnderWay::Failover)).prose(),
                "the primary db1 is down, failover in progress",
            ),
            (
                StopReason::MigrationLock.to_string(),
                "a schema migration holds the database",
            ),
            (
                StopReason::SyncBlocks.to_string(),
                "no synchronous replica can acknowledge: writes block",
            ),
            (
                StopReason::SemiSyncWait.to_string(),
                "semi-sync waits for a replica acknowledgement",
            ),
            (
                StopReason::ApiShort {
                    healthy: 1,
                    servers: 4,
                    needed: 2,
                }
                .to_string(),
                "only 1 of 4 API servers can serve (at least 2 needed)",
            ),
            (StopReason::Rejected.to_string(), "writes are rejected"),
            (
                DegradedWhy::SemiSyncFallback { timeout: 10 * s }.prose(),
                "no semi-sync replica acknowledges, so writes wait 10 s then continue as async",
            ),
            (
                ProtectedWhy::SemiSyncBack.prose(),
                "a semi-sync replica caught up, so writes are acknowledged only once a replica has them",
            ),
        ];
        for (got, want) in table.iter().chain(&stops) {
            assert_eq!(got, want);
        }
        // Serialized, each is the JSON string of that text.
        let json = |v: &dyn erased::Ser| v.json();
        assert_eq!(json(&Component::Zone("a\"b".into())), r#""zone a\"b""#);
        assert_eq!(
            json(&DownReason::ApiCrash { restart_in: 21 * s }),
            r#""crashed; restarts in 21 s""#
        );
        assert_eq!(
            json(&rh(RestoreSource::Backup, 1, 0)),
            r#""restore of the full backup + 1 incremental(s)""#
        );
        assert_eq!(
            json(&DegradedWhy::SyncUnreachable),
            format!("{:?}", DegradedWhy::SyncUnreachable.to_string())
        );
        assert_eq!(
            json(&ProtectedWhy::SyncBack),
            format!("{:?}", ProtectedWhy::SyncBack.to_string())
        );
    }

    /// Serializing through a trait object, for the table above.
    mod erased {
        pub trait Ser {
            fn json(&self) -> String;
        }
        impl<T: serde::Serialize> Ser for T {
            fn json(&self) -> String {
                serde_json::to_string(self).expect("serializes")
            }
        }
    }

    #[test]
    fn reasons_that_read_the_same_are_the_same() {
        // 21.2 s and 20.8 s both read "21 s": the story tells them alike.
        let a = DownReason::ApiCrash {
            restart_in: 21_200_000,
        };
        let b = DownReason::ApiCrash {
            restart_in: 20_800_000,
        };
        assert_eq!(a, b);
        assert_ne!(
            a,
            DownReason::ProcessCrash {
                restart_in: 21_200_000
            }
        );
    }
}
