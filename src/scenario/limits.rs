//! Bounds on the work of simulating a scenario, known from the scenario
//! alone and checked after validation: a scenario inside them cannot make
//! the engine walk without end. They live beside validation, not in the
//! engine, so that reading a scenario needs nothing of the simulator.

use super::Scenario;

/// The most full backups within retention (and the horizon), and the most
/// incrementals between two fulls, that a scenario may schedule. A restore
/// looks for the newest usable backup by walking back over them, so these
/// bound its work; real schedules (hourly fulls kept for ten years, or
/// incrementals every minute between weekly fulls) stay well below.
pub const SCHEDULE_STEPS_MAX: u64 = 100_000;

/// Schedules that would make a restore walk more than
/// [`SCHEDULE_STEPS_MAX`] backups: (field path, message, help).
pub fn schedule_problems(sc: &Scenario) -> Vec<(String, String, String)> {
    use crate::units::format_duration;
    let Some(b) = sc.backups.as_ref().filter(|b| b.schedule) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let full_every = b.full_every.max(1);
    let kept = b.retention.min(sc.horizon);
    let fulls = kept / full_every;
    if fulls > SCHEDULE_STEPS_MAX {
        out.push((
            "backups.full_every".to_string(),
            format!(
                "a full backup every {} is {fulls} full backups within {} (the retention or the horizon, the shorter); at most {SCHEDULE_STEPS_MAX} are simulated",
                format_duration(b.full_every),
                format_duration(kept)
            ),
            "take full backups less often, or shorten backups.retention".to_string(),
        ));
    }
    if let Some(every) = b.incremental_every {
        let per_full = full_every / every.max(1);
        if per_full > SCHEDULE_STEPS_MAX {
            out.push((
                "backups.incremental_every".to_string(),
                format!(
                    "an incremental backup every {} is {per_full} incrementals between two full backups; at most {SCHEDULE_STEPS_MAX} are simulated",
                    format_duration(every),
                ),
                "take incrementals less often, or full backups more often".to_string(),
            ));
        }
    }
    out
}
