//! Scheduled faults (`[[events]]`, docs/scenario-format.md): each kind is
//! applied as its random twin's effect, at its fixed time, with a fixed
//! duration, opening its incident with the event's note; a backup failure
//! marks a window of silently bad backups (docs/model.md, "Backup failure").
//!
//! - Arrival: the event's `at`, queued in `arrivals.rs`; no random draw.
//! - Effect and repair: as the fault of that kind (`api.rs`, `node.rs`,
//!   `zone.rs`, `partition.rs`, `logical.rs`).
//! - Loss: through those files' ledger calls; a backup failure charges
//!   nothing itself, only a restore that needs a broken backup can.

use crate::sim::engine::*;

impl Sim<'_, '_> {
    pub(in crate::sim::engine) fn scheduled(&mut self, index: usize) {
        let e = &self.sc.events[index];
        let target = self.target_name(e.target);
        match e.kind {
            FaultKind::ApiCrash => {
                if let Target::ApiServer(k) = e.target {
                    self.crash_api(k, e.note.clone());
                }
            }
            FaultKind::DbCrash => {
                let Some(n) = self.resolve_node(e.target) else {
                    return;
                };
                self.open_incident(FaultKind::DbCrash, target, e.note.clone());
                if !self.topo.nodes[n].crashed && self.topo.nodes[n].disk == Disk::Ok {
                    self.crash_node(n);
                }
            }
            FaultKind::DiskLoss => {
                let Some(n) = self.resolve_node(e.target) else {
                    return;
                };
                self.open_incident(FaultKind::DiskLoss, target, e.note.clone());
                if self.topo.nodes[n].disk != Disk::Lost {
                    self.lose_disk(n, 0);
                }
            }
            FaultKind::ZoneOutage => {
                if let Target::Zone(z) = e.target {
                    self.open_incident(FaultKind::ZoneOutage, target, e.note.clone());
                    self.zone_outage(z, e.duration, false);
                }
            }
            FaultKind::RegionOutage => {
                if let Target::Region(r) = e.target {
                    self.open_incident(FaultKind::RegionOutage, target, e.note.clone());
                    self.region_outage(r, e.duration, e.destroys_data, false);
                }
            }
            FaultKind::Partition => {
                if let Target::RegionPair(a, b) = e.target {
                    self.open_incident(FaultKind::Partition, target, e.note.clone());
                    self.partition(a, b, e.duration, false);
                }
            }
            FaultKind::AccidentalDelete => {
                self.open_incident(FaultKind::AccidentalDelete, target, e.note.clone());
                let (share, recovery, detect) = (e.share, e.recovery, e.detect);
                self.corrupt(share, recovery, detect, "an accidental delete".into());
            }
            FaultKind::BackupFailure => {
                self.logs.broken_windows.push((e.at, e.until));
                self.note(Happening::Fault {
                    kind: FaultKind::BackupFailure,
                    target: "backups".into(),
                    note: e.note.clone().or_else(|| {
                        Some(format!(
                            "every backup until {} silently fails",
                            crate::units::clock(e.until)
                        ))
                    }),
                });
            }
            // Not schedulable: `SCHEDULABLE` lists neither.
            FaultKind::Migration | FaultKind::Switchover => {}
        }
    }
}
