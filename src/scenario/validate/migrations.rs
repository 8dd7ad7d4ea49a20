//! Schema migrations: versions, times and the effect each one has.

use super::{Checker, EVENTS_MAX};
use crate::scenario::model::{Migration, MigrationEffect};
use crate::scenario::raw::RawScenario;
use crate::units::{HOUR, Micros};
use std::collections::BTreeMap;

/// `[[migrations]]`: each with its effect and only the fields that effect
/// takes; versions unique, as Flyway requires.
pub(super) fn migrations(c: &mut Checker, raw: &RawScenario, horizon: Micros) -> Vec<Migration> {
    if raw.migrations.len() > EVENTS_MAX {
        c.err("migrations", format!("more than {EVENTS_MAX} migrations"));
    }
    let mut migrations = Vec::new();
    let mut seen_versions = BTreeMap::new();
    for (i, m) in raw.migrations.iter().enumerate() {
        let path = format!("migrations[{i}]");
        if let Some(prev) = seen_versions.insert(m.version.clone(), i) {
            c.err(format!("{path}.version"), format!("version `{}` is used twice (also migrations[{prev}]); Flyway refuses duplicate versions", m.version));
        }
        if m.at.0 >= horizon {
            c.err(
                format!("{path}.at"),
                "this migration runs at or after the end of the horizon",
            );
        }
        let allow = |c: &mut Checker, name: &str, present: bool, ok: bool| {
            if present && !ok {
                c.err(
                    format!("{path}.{name}"),
                    format!("`{name}` does not apply to effect = \"{}\"", m.effect),
                );
            }
        };
        let effect = match m.effect.as_str() {
            "online" => MigrationEffect::Online,
            "locking" => match m.lock {
                Some(l) => MigrationEffect::Locking {
                    lock: c.nonzero_duration(&format!("{path}.lock"), l.0),
                },
                None => {
                    c.err_help(
                        format!("{path}.lock"),
                        "a locking migration needs `lock`: how long writes are blocked",
                        "lock = \"5m\"",
                    );
                    MigrationEffect::Online
                }
            },
            "failing" => MigrationEffect::Failing {
                rollback: m.rollback.unwrap_or(false),
                fix: match m.fix {
                    Some(f) => f.0,
                    None => {
                        c.err_help(format!("{path}.fix"), "a failing migration needs `fix`: how long the rollback or the manual repair takes", "fix = \"45m\"");
                        0
                    }
                },
            },
            "destructive" => MigrationEffect::Destructive {
                share: m.share.map(|s| s.0).unwrap_or(1.0),
                detect: m.detect.map(|d| d.0).unwrap_or(2 * HOUR),
                recovery: c.recovery(&format!("{path}.recovery"), m.recovery.as_ref()),
            },
            other => {
                c.err_help(
                    format!("{path}.effect"),
                    format!("unknown effect `{other}`"),
                    "use online, locking, failing or destructive",
                );
                MigrationEffect::Online
            }
        };
        let kind = m.effect.as_str();
        allow(c, "lock", m.lock.is_some(), kind == "locking");
        allow(c, "fix", m.fix.is_some(), kind == "failing");
        allow(c, "share", m.share.is_some(), kind == "destructive");
        allow(c, "detect", m.detect.is_some(), kind == "destructive");
        allow(c, "recovery", m.recovery.is_some(), kind == "destructive");
        migrations.push(Migration {
            version: m.version.clone(),
            description: m.description.clone(),
            at: m.at.0,
            effect,
            rollback: m.rollback.unwrap_or(false),
        });
    }
    migrations
}
