//! What one trial produced: totals, incidents, and (on request) the
//! record of what happened, for `explain` and the timeline chart.

use super::story::{Component, DegradedWhy, DownReason, ProtectedWhy, RecoveryHow, StopReason};
use crate::scenario::{Disruption, FaultKind};
use crate::units::Micros;
use serde::Serialize;

/// A short string (a component's name, a recovery in a few words) kept
/// inline when it fits (24 bytes), so that an incident records it without a
/// heap allocation; it compares, prints and serializes as the `str` it
/// holds. Most incidents are API-server crashes, and a `String` per
/// incident was a twentieth of a trial's cost.
pub type SmallStr = compact_str::CompactString;

/// The pieces one after the other, inline when they fit (cheaper than
/// `format!` for the engine's labels).
pub fn concat(parts: &[&str]) -> SmallStr {
    parts.iter().copied().collect()
}

/// One fault and everything it set off until the system was whole again.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Incident {
    pub cause: FaultKind,
    /// What the fault hit, by name (`db1`, `us-east`, `api-2`, `data set`).
    pub target: SmallStr,
    pub disruption: Disruption,
    /// When the fault happened.
    pub at: Micros,
    /// Acknowledged writes absent from the database after recovery.
    pub lost_writes: u64,
    /// Span of acknowledged writes lost (0 when nothing was lost).
    pub rpo: Micros,
    /// From the fault (logical damage: from its detection) until writes
    /// were accepted again (0 when the write path never went down because
    /// of it).
    pub rto: Micros,
    /// When the RTO clock starts: the fault, or the detection of logical
    /// damage (docs/metrics.md, `rto_seconds`).
    #[serde(skip)]
    pub rto_from: Micros,
    /// Writes acknowledged by a deposed primary that the new one never saw.
    pub diverged_writes: u64,
    /// How the data was brought back, in a few words.
    pub recovery: Option<SmallStr>,
}

impl Incident {
    /// Lost nothing and never stopped writes: statistics fold such an
    /// incident as zeros and never rank it.
    pub fn is_quiet(&self) -> bool {
        self.rpo == 0 && self.rto == 0 && self.lost_writes == 0
    }
}

/// The result of one trial.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TrialOutcome {
    pub trial: u64,
    pub horizon: Micros,
    /// Acknowledged writes accepted during the horizon.
    pub writes_acknowledged: u64,
    pub lost_writes: u64,
    /// Time in the horizon during which writes were rejected.
    pub downtime: Micros,
    pub diverged_writes: u64,
    /// Writes in flight when the primary stopped serving: the client saw
    /// an error or a timeout (Jepsen's "indeterminate"), so they were never
    /// acknowledged and are not lost writes (docs/metrics.md).
    pub failed_writes: u64,
    pub incidents: Vec<Incident>,
    /// API-server crashes left out of `incidents` because they lost
    /// nothing and never stopped writes (each would be listed with zero
    /// RPO and RTO): only a trial run without its record counts them so,
    /// since most incidents are these and statistics need only their
    /// number. Zero when recording, which lists every incident.
    pub quiet_api_crashes: u64,
    /// Engine events processed (a measure of the trial's cost).
    pub events: u64,
    /// What happened, in order; empty unless recording was asked for.
    pub records: Vec<Record>,
}

impl TrialOutcome {
    /// 1 - downtime / horizon.
    pub fn availability(&self) -> f64 {
        1.0 - self.downtime as f64 / self.horizon.max(1) as f64
    }

    /// The trial's incidents, listed or counted.
    pub fn incident_count(&self) -> u64 {
        self.incidents.len() as u64 + self.quiet_api_crashes
    }

    /// Counts the listed API-server crashes that lost nothing and never
    /// stopped writes instead of listing them, as a trial run without its
    /// record does (the incidents left keep their order; the record's
    /// references to incidents, if any, no longer hold).
    pub fn count_quiet_api_crashes(&mut self) {
        let before = self.incidents.len();
        self.incidents.retain(|i| !is_quiet_api_crash(i));
        self.quiet_api_crashes += (before - self.incidents.len()) as u64;
    }
}

/// An API-server crash that lost nothing and never stopped writes. One that
/// stopped them has an RTO of at least a microsecond: the write path comes
/// back at a later event, or the horizon, after it.
fn is_quiet_api_crash(i: &Incident) -> bool {
    i.cause == FaultKind::ApiCrash
        && i.disruption == FaultKind::ApiCrash.disruption()
        && i.is_quiet()
}

/// One thing that happened, at a simulated time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Record {
    pub at: Micros,
    /// Index into [`TrialOutcome::incidents`] of the incident this belongs to.
    pub incident: Option<usize>,
    #[serde(flatten)]
    pub what: Happening,
}

/// The vocabulary of a trial's story.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Happening {
    /// A fault strikes.
    Fault {
        kind: FaultKind,
        target: String,
        note: Option<String>,
    },
    /// A component stops serving.
    Down {
        component: Component,
        why: DownReason,
    },
    /// A component serves again.
    Up { component: Component },
    /// The write path stops accepting writes.
    WritesStopped { why: StopReason },
    /// The write path accepts writes again.
    WritesResumed { after: Micros },
    /// Recovery chosen for a primary that is down.
    RecoveryPlanned {
        how: RecoveryHow,
        ready_in: Micros,
        /// Position the data will be brought back to, as seconds before the
        /// fault (the loss window), when known.
        window: Option<Micros>,
    },
    /// A replica becomes the primary.
    Promoted {
        from: String,
        to: String,
        window: Micros,
        lost_writes: u64,
    },
    /// Data restored from backups or the log archive.
    Restored {
        how: RecoveryHow,
        window: Micros,
        lost_writes: u64,
        corrupt_tried: u32,
    },
    /// Acknowledged writes are gone for good.
    DataLost {
        lost_writes: u64,
        window: Micros,
        why: String,
    },
    /// Writes continue without the protection they were configured with.
    Degraded { why: DegradedWhy },
    /// Protection restored.
    Protected { why: ProtectedWhy },
    /// A replica is re-seeded from the primary.
    Rebuilding { node: String, ready_in: Micros },
    /// A copy that diverged from the timeline is rewound (pg_rewind).
    Rewinding { node: String, ready_in: Micros },
    /// A logical corruption (delete, destructive migration) is noticed.
    Detected { what: String, after: Micros },
    /// A schema migration runs.
    Migration {
        version: String,
        description: String,
        effect: String,
    },
    /// Two primaries accept writes at once.
    SplitBrain { old: String, new: String },
    /// The partition heals; diverged writes are counted.
    Reconciled { diverged_writes: u64 },
}

#[cfg(test)]
mod tests {
    use super::{SmallStr, concat};

    #[test]
    fn labels_serialize_as_strings_and_concatenate() {
        for n in [0, 7, 12, 13, 40] {
            let name = "n".repeat(n);
            let a = concat(&["failover to ", &name]);
            assert_eq!(a, format!("failover to {name}"));
            assert_eq!(
                serde_json::to_string(&a).unwrap(),
                serde_json::to_string(&format!("failover to {name}")).unwrap()
            );
        }
        assert_eq!(concat(&[]), "");
        assert!(!SmallStr::from("api-12").is_heap_allocated());
    }
}
