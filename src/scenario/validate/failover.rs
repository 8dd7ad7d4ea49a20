//! Failover and the operators: who notices a failed primary, how a
//! replica is promoted, and how long people take when they are needed.

use super::{Checker, lognormal};
use crate::dist::Dist;
use crate::scenario::model::{Failover, FailoverMode, Operators};
use crate::scenario::raw::RawScenario;
use crate::units::{HOUR, MINUTE, SECOND};

/// `[failover]`: automatic when the scenario has replicas and names no mode.
pub(super) fn failover(c: &mut Checker, raw: &RawScenario, replica_count: usize) -> Failover {
    let f = &raw.failover;
    let fo_mode = match f.mode.as_deref() {
        None => {
            if replica_count > 0 {
                FailoverMode::Automatic
            } else {
                FailoverMode::None
            }
        }
        Some("automatic") => FailoverMode::Automatic,
        Some("manual") => FailoverMode::Manual,
        Some("none") => FailoverMode::None,
        Some(other) => {
            c.err_help(
                "failover.mode",
                format!("unknown failover mode `{other}`"),
                "use automatic, manual or none",
            );
            FailoverMode::Automatic
        }
    };
    let failover = Failover {
        mode: fo_mode,
        // RDS Multi-AZ: failover typically 60-120 s end to end (RDS User Guide).
        detection: c.dist_or("failover.detection", &f.detection, Dist::Fixed(30 * SECOND)),
        promotion: c.dist_or(
            "failover.promotion",
            &f.promotion,
            lognormal(45 * SECOND, 90 * SECOND),
        ),
        standby_warmup: c.dist_or(
            "failover.standby_warmup",
            &f.standby_warmup,
            Dist::Fixed(2 * MINUTE),
        ),
        cross_region: f.cross_region.unwrap_or(false),
        fencing: f.fencing.unwrap_or(true),
        promote_on_partition: f.promote_on_partition.unwrap_or(false),
        // Patroni's maximum_lag_on_failover default: 1048576 bytes.
        max_lag: f.max_lag.map(|s| s.0 as f64).unwrap_or(1_048_576.0),
        // Patroni's primary_start_timeout default: 300 s.
        primary_start_timeout: f.primary_start_timeout.map_or(300 * SECOND, |d| d.0),
        failback_after: f.failback_after.map(|d| d.0),
        // A planned switchover (Patroni `switchover`, RDS planned failover)
        // stops writes for about 30 s: an assumption, see docs/model.md.
        switchover: f.switchover.map_or(30 * SECOND, |d| d.0),
    };
    if failover.promote_on_partition && !failover.cross_region {
        c.err_help(
            "failover.promote_on_partition",
            "promoting on a partition means promoting across regions, but failover.cross_region is false",
            "set failover.cross_region = true, or remove promote_on_partition",
        );
    }
    failover
}

/// `[operators]`: response time and the night-time multiplier.
pub(super) fn operators(c: &mut Checker, raw: &RawScenario) -> Operators {
    Operators {
        response: c.dist_or(
            "operators.response",
            &raw.operators.response,
            lognormal(15 * MINUTE, HOUR),
        ),
        night_multiplier: night_multiplier(c, raw.operators.night_multiplier.unwrap_or(1.0)),
    }
}

/// The largest night-time multiplier accepted. Published on-call figures
/// put night responses at a few times the day's; a hundred times is
/// already days for a response of an hour, and larger values only push
/// operator actions past the horizon.
pub const NIGHT_MULTIPLIER_MAX: f64 = 100.0;

fn night_multiplier(c: &mut Checker, v: f64) -> f64 {
    let v = c.positive("operators.night_multiplier", v);
    if v > NIGHT_MULTIPLIER_MAX {
        c.err_help(
            "operators.night_multiplier",
            format!("must be at most {NIGHT_MULTIPLIER_MAX}, found {v}"),
            "a night response a few times the day's is typical: e.g. night_multiplier = 2",
        );
        return 1.0;
    }
    v
}
