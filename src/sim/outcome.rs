//! What one trial produced: totals, incidents, and (on request) the
//! record of what happened, for `explain` and the timeline chart.

use crate::scenario::{Disruption, FaultKind};
use crate::units::Micros;
use serde::{Serialize, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// Bytes a [`SmallStr`] holds without allocating: every name the engine
/// gives an incident's target (`api-12`, `db1`, `us-east-1a`) and the
/// common recovery labels fit.
const INLINE: usize = 22;

/// A short string (a component's name, a recovery in a few words) kept
/// inline when it fits, so that an incident records it without a heap
/// allocation; longer text goes to the heap. The same size as a `String`;
/// it compares, hashes, prints and serializes as the `str` it holds.
#[derive(Clone)]
pub struct SmallStr(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl SmallStr {
    pub fn new(s: &str) -> Self {
        if s.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            SmallStr(Repr::Inline {
                len: s.len() as u8,
                bytes,
            })
        } else {
            SmallStr(Repr::Heap(s.into()))
        }
    }

    /// The pieces one after the other, allocating only when they do not
    /// fit (cheaper than `format!` for the engine's labels).
    pub fn concat(parts: &[&str]) -> Self {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        if len > INLINE {
            return SmallStr(Repr::Heap(parts.concat().into_boxed_str()));
        }
        let mut bytes = [0; INLINE];
        let mut at = 0;
        for p in parts {
            bytes[at..at + p.len()].copy_from_slice(p.as_bytes());
            at += p.len();
        }
        SmallStr(Repr::Inline {
            len: len as u8,
            bytes,
        })
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..*len as usize]).expect("built from a str")
            }
            Repr::Heap(s) => s,
        }
    }
}

impl Deref for SmallStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SmallStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SmallStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for SmallStr {
    fn from(s: &str) -> Self {
        SmallStr::new(s)
    }
}

impl From<String> for SmallStr {
    fn from(s: String) -> Self {
        if s.len() <= INLINE {
            SmallStr::new(&s)
        } else {
            SmallStr(Repr::Heap(s.into_boxed_str()))
        }
    }
}

impl From<SmallStr> for String {
    fn from(s: SmallStr) -> Self {
        match s.0 {
            Repr::Heap(b) => b.into_string(),
            Repr::Inline { .. } => s.as_str().to_owned(),
        }
    }
}

impl PartialEq for SmallStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SmallStr {}

impl PartialEq<str> for SmallStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SmallStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SmallStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialOrd for SmallStr {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SmallStr {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for SmallStr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Debug for SmallStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SmallStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl Serialize for SmallStr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
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
    /// From the fault until writes were accepted again (0 when the write
    /// path never went down because of it).
    pub rto: Micros,
    /// Writes acknowledged by a deposed primary that the new one never saw.
    pub diverged_writes: u64,
    /// How the data was brought back, in a few words.
    pub recovery: Option<SmallStr>,
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
    pub incidents: Vec<Incident>,
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
    Down { component: String, why: String },
    /// A component serves again.
    Up { component: String },
    /// The write path stops accepting writes.
    WritesStopped { why: String },
    /// The write path accepts writes again.
    WritesResumed { after: Micros },
    /// Recovery chosen for a primary that is down.
    RecoveryPlanned {
        how: String,
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
        how: String,
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
    Degraded { why: String },
    /// Protection restored.
    Protected { why: String },
    /// A replica is re-seeded from the primary.
    Rebuilding { node: String, ready_in: Micros },
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
    use super::{INLINE, SmallStr};

    #[test]
    fn small_str_is_the_str_it_holds() {
        let long = "x".repeat(INLINE + 1);
        let fits = "é".repeat(INLINE / 2);
        for s in ["", "api-3", "data set", fits.as_str(), long.as_str()] {
            let a = SmallStr::new(s);
            assert_eq!(a.as_str(), s);
            assert_eq!(a, SmallStr::from(s.to_string()));
            assert_eq!(a.clone(), s);
            assert_eq!(format!("{a} {a:?}"), format!("{s} {s:?}"));
            assert_eq!(
                serde_json::to_string(&a).unwrap(),
                serde_json::to_string(s).unwrap()
            );
            assert_eq!(String::from(a), s);
        }
        assert_eq!(
            std::mem::size_of::<SmallStr>(),
            std::mem::size_of::<String>()
        );
    }

    #[test]
    fn small_str_concatenates_in_place_and_spills_when_long() {
        for n in [0, 7, 10, 11, 12, 40] {
            let name = "n".repeat(n);
            let a = SmallStr::concat(&["failover to ", &name]);
            assert_eq!(a, format!("failover to {name}"));
        }
        assert_eq!(SmallStr::concat(&[]), "");
    }
}
