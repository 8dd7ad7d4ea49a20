//! The failure models, one file each (docs/model.md, "Faults, one by one",
//! and "Logical damage"). Each file opens with its model: its arrival (the
//! stream label and scenario key), its effect, its repair, and which ledger
//! call can charge a loss. Arrivals are drawn in `arrivals.rs`; a fault's
//! consequences for replication, recovery and the write path follow in
//! `Sim::refresh`.

pub(super) mod api;
pub(super) mod logical;
pub(super) mod migration;
pub(super) mod node;
pub(super) mod partition;
pub(super) mod scheduled;
pub(super) mod zone;
