//! Schema migrations (docs/model.md, "Schema migrations").
//!
//! - Arrival: `[[migrations]]` at their fixed times (queued in
//!   `arrivals.rs`); no random draw except the operators' response.
//! - Effect: online ones change nothing; locking and failing ones hold the
//!   database (no writes) for their lock or fix; destructive ones damage
//!   data (`faults/logical.rs`).
//! - Repair: the lock is released (`LockEnd`), or operators roll back or
//!   repair by hand (stream `operators`).
//! - Loss: only a destructive migration, through `faults/logical.rs`.

use crate::sim::engine::*;

impl Sim<'_, '_> {
    pub(in crate::sim::engine) fn migration(&mut self, index: usize) {
        let m = &self.sc.migrations[index];
        let effect = match &m.effect {
            MigrationEffect::Online => "online",
            MigrationEffect::Locking { .. } => "locking",
            MigrationEffect::Failing { .. } => "failing",
            MigrationEffect::Destructive { .. } => "destructive",
        };
        if m.effect != MigrationEffect::Online {
            self.open_incident(
                FaultKind::Migration,
                crate::sim::outcome::concat(&["migration V", &m.version]),
                Some(m.description.clone()),
            );
        }
        self.note_with(|_| Happening::Migration {
            version: m.version.clone(),
            description: m.description.clone(),
            effect: effect.into(),
        });
        match m.effect {
            MigrationEffect::Online => {}
            MigrationEffect::Locking { lock } => {
                self.locks += 1;
                self.at(lock, Ev::LockEnd);
                self.set_recovery_label(self.ctx, "the lock was released");
            }
            MigrationEffect::Failing { rollback, fix } => {
                let d = if rollback {
                    fix
                } else {
                    self.operator_response().saturating_add(fix)
                };
                self.locks += 1;
                self.at(d, Ev::LockEnd);
                self.set_recovery_label(
                    self.ctx,
                    if rollback {
                        "rolled back"
                    } else {
                        "repaired by hand"
                    },
                );
            }
            MigrationEffect::Destructive {
                share,
                detect,
                recovery,
            } => {
                let what = format!("migration V{} ({})", m.version, m.description);
                self.corrupt(share, recovery, detect, what);
            }
        }
    }

    /// A migration's lock is released.
    pub(in crate::sim::engine) fn on_lock_end(&mut self) {
        self.locks -= 1;
    }
}
