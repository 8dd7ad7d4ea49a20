//! failsim: a deterministic discrete-event simulator of the failures that hit
//! a web application's data tier.

pub mod migrations;
