//! The simulator core: event queue, random streams, backup catalog and the
//! engine that runs one trial. Pure: no I/O, no terminal, no files.

pub mod backup;
pub mod engine;
pub mod outcome;
pub mod queue;
pub mod rng;
pub mod story;

pub use engine::Engine;
pub use outcome::{Happening, Incident, Record, SmallStr, TrialOutcome};
pub use story::{
    Component, DegradedWhy, DownReason, ProtectedWhy, RecoveryHow, RestoreHow, StopReason, UnderWay,
};
