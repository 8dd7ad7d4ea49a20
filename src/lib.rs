//! failsim: a deterministic discrete-event simulator of the failures that hit
//! a web application's data tier.

pub mod app;
pub mod charts;
pub mod cli;
pub mod diagram;
pub mod dist;
pub mod error;
pub mod explain;
pub mod format;
pub mod knob;
pub mod library;
pub mod migrations;
pub mod montecarlo;
pub mod output;
pub mod report;
pub mod results;
pub mod scenario;
pub mod serve;
pub mod shard;
pub mod sim;
pub mod stats;
pub mod strategy;
pub mod suggest;
pub mod units;

pub use error::Error;
