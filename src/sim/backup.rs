//! Backups without events: which backup exists at a given moment follows
//! from the schedule, so the engine computes it only when a restore needs it
//! (a trial that never restores pays nothing for a nightly backup).
//!
//! ```text
//!  full F0         incr      incr       full F1    incr
//!   |==========|    |=|       |=|        |=====|    |=|
//!   ^ position = start time; usable once finished (and copied, elsewhere)
//!  restore to the newest point = F1 + every incremental after F1, in order
//! ```
//!
//! A backup is good when it ran (a writable primary existed when it was due),
//! was not silently broken (a scheduled backup-failure window, or the
//! per-backup corruption probability), its storage survived, and it is
//! within retention. A corrupt backup is found only by restoring it: its
//! restore time is spent, then the next older one is tried.

use super::rng::hashed_unit;
use crate::scenario::{BackupMethod, Backups, RegionId, Scenario};
use crate::units::Micros;

/// What the engine knows that decides whether a backup is usable.
pub struct BackupWorld<'a> {
    pub trial_seed: u64,
    /// Intervals during which no writable primary existed (backups due
    /// then did not run), sorted and disjoint.
    pub db_down: &'a [(Micros, Micros)],
    /// Since when the database has been down, if it is now.
    pub db_down_since: Option<Micros>,
    /// For each region, the times its storage was destroyed.
    pub destroyed: &'a [Vec<Micros>],
    /// For each region, whether it is in an outage now (its storage cannot
    /// be read until it returns).
    pub down: &'a [bool],
    /// Windows in which every backup silently fails (`backup-failure`).
    pub broken_windows: &'a [(Micros, Micros)],
}

/// A restore the engine can perform.
#[derive(Clone, Debug, PartialEq)]
pub struct RestorePlan {
    /// The data position restored to: every write acknowledged before it is back.
    pub position: Micros,
    /// Time to restore it, including restores of corrupt backups tried first.
    pub duration: Micros,
    /// How many corrupt backups were tried before a good one.
    pub corrupt_tried: u32,
    /// What it was restored from.
    pub source: RestoreSource,
    /// The full backup the chain starts from, and how many incrementals follow.
    pub full_at: Micros,
    pub incrementals: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RestoreSource {
    Backup,
    Snapshot,
    PointInTime,
}

fn secs_to_micros(s: f64) -> Micros {
    (s * 1e6).round().max(0.0) as Micros
}

struct Catalog<'a> {
    sc: &'a Scenario,
    b: &'a Backups,
    w: &'a BackupWorld<'a>,
}

impl Catalog<'_> {
    fn full_bytes(&self) -> f64 {
        self.sc.workload.data_size
    }
    fn incremental_bytes(&self, every: Micros) -> f64 {
        self.sc.workload.writes_per_sec * self.sc.workload.write_size * every as f64 / 1e6
    }
    fn full_duration(&self) -> Micros {
        secs_to_micros(self.full_bytes() / self.b.throughput)
    }
    fn incremental_duration(&self, every: Micros) -> Micros {
        secs_to_micros(self.incremental_bytes(every) / self.b.throughput)
    }

    /// The data position a backup taken from `start` to `done` restores
    /// to: a snapshot is crash-consistent at its start; a physical backup
    /// (pg_basebackup, pgBackRest) is consistent only at its stop point,
    /// once the log written during the copy is replayed.
    fn point(&self, start: Micros, done: Micros) -> Micros {
        match self.b.method {
            BackupMethod::Snapshot => start,
            BackupMethod::Physical => done,
        }
    }

    /// Did a backup due at `at` run?
    fn ran(&self, at: Micros) -> bool {
        let down_now = self.w.db_down_since.is_some_and(|s| at >= s);
        // `db_down` is sorted and disjoint (one closes before the next
        // opens): the only candidate is the first ending after `at`.
        let d = self.w.db_down;
        let i = d.partition_point(|&(_, e)| e <= at);
        !down_now && !d.get(i).is_some_and(|&(s, e)| at >= s && at < e)
    }

    /// Is the backup (taken at `at`, finished at `done`) silently broken?
    fn broken(&self, label: &str, index: u64, at: Micros) -> bool {
        self.w
            .broken_windows
            .iter()
            .any(|&(s, e)| at >= s && at < e)
            || (self.b.corrupt > 0.0
                && hashed_unit(self.w.trial_seed, label, index) < self.b.corrupt)
    }

    /// The places a backup is kept, with how long after it finishes it
    /// lands there.
    fn locations(&self) -> impl Iterator<Item = (RegionId, Micros)> + '_ {
        self.places(self.b.copy_delay)
    }

    /// The places the log archive is kept: it is pushed to each
    /// repository directly, not copied with the nightly backups.
    fn archive_locations(&self) -> impl Iterator<Item = (RegionId, Micros)> + '_ {
        self.places(self.b.archive_copy_delay)
    }

    fn places(&self, delay: Micros) -> impl Iterator<Item = (RegionId, Micros)> + '_ {
        std::iter::once((self.b.region, 0)).chain(self.b.copy_to.iter().map(move |&r| (r, delay)))
    }

    /// Can a copy that landed in `region` at `landed` be read at `now`?
    fn readable(&self, region: RegionId, landed: Micros, now: Micros) -> bool {
        landed <= now
            && !self.w.down[region]
            && !self.w.destroyed[region]
                .iter()
                .any(|&x| x >= landed && x <= now)
    }

    /// Is a copy of something finished at `done` readable at `now`?
    fn stored(&self, done: Micros, now: Micros) -> bool {
        self.locations()
            .any(|(r, delay)| self.readable(r, done + delay, now))
    }
}

/// The newest restorable point at or before `not_after`, as seen at `now`.
///
/// Cost: O(fulls in retention x incrementals per full).
pub fn plan_restore(
    sc: &Scenario,
    w: &BackupWorld,
    now: Micros,
    not_after: Micros,
) -> Option<RestorePlan> {
    let b = sc.backups.as_ref()?;
    let c = Catalog { sc, b, w };
    let scheduled = if b.schedule {
        plan_scheduled(&c, now, not_after)
    } else {
        None
    };
    let snapshot = plan_snapshot(&c, now, not_after);
    match (scheduled, snapshot) {
        (Some(a), Some(s)) => Some(if s.position > a.position { s } else { a }),
        (a, s) => a.or(s),
    }
}

/// The newest usable on-demand snapshot at or before `not_after`.
fn plan_snapshot(c: &Catalog, now: Micros, not_after: Micros) -> Option<RestorePlan> {
    let b = c.b;
    let restore = secs_to_micros(c.full_bytes() / b.restore_throughput);
    let limit = not_after.min(now);
    let mut wasted: Micros = 0;
    let mut corrupt_tried = 0;
    let mut candidates: Vec<(usize, Micros)> = b
        .snapshots
        .iter()
        .copied()
        .enumerate()
        .filter(|&(_, t)| t <= limit)
        .collect();
    candidates.sort_by_key(|&(_, t)| std::cmp::Reverse(t));
    for (k, t) in candidates {
        if now - t > b.retention || !c.ran(t) || !c.stored(t, now) {
            continue;
        }
        if c.broken("backup/snapshot", k as u64, t) {
            wasted = wasted.saturating_add(restore);
            corrupt_tried += 1;
            continue;
        }
        return Some(RestorePlan {
            position: t,
            duration: wasted.saturating_add(restore),
            corrupt_tried,
            source: RestoreSource::Snapshot,
            full_at: t,
            incrementals: 0,
        });
    }
    None
}

/// The newest restorable point of the full/incremental schedule.
///
/// An incremental that did not run (no writable primary when it was due)
/// leaves a gap, not a break: the next one is taken relative to the last
/// good backup and covers the gap (pgBackRest's `incr` is relative to the
/// last backup of any type; RDS snapshots are incremental to the previous
/// one), so it is larger and takes longer to write and restore.
fn plan_scheduled(c: &Catalog, now: Micros, not_after: Micros) -> Option<RestorePlan> {
    let b = c.b;
    let full_dur = c.full_duration();
    let full_restore = secs_to_micros(c.full_bytes() / b.restore_throughput);
    let inc_every = b.incremental_every;
    let inc_restore =
        |span: Micros| secs_to_micros(c.incremental_bytes(span) / b.restore_throughput);

    let limit = not_after.min(now);
    if limit < b.first_at {
        return None;
    }
    // Index of the newest full started at or before `limit`.
    let mut k = (limit.saturating_sub(b.first_at)) / b.full_every;
    let mut wasted: Micros = 0;
    let mut corrupt_tried = 0;
    loop {
        let f_at = b.first_at + k * b.full_every;
        let f_done = f_at + full_dur;
        let f_point = c.point(f_at, f_done);
        let usable = f_point <= limit && f_done <= now && now - f_at <= b.retention;
        if f_at <= limit && now.saturating_sub(f_at) > b.retention {
            return None; // older fulls are past retention too
        }
        if usable && c.ran(f_at) && c.stored(f_done, now) {
            if c.broken("backup/full", k, f_at) {
                wasted = wasted.saturating_add(full_restore);
                corrupt_tried += 1;
            } else {
                let mut position = f_point;
                let mut duration = full_restore;
                let mut incrementals = 0;
                if let Some(every) = inc_every {
                    let next_full = f_at + b.full_every;
                    // Start of the last good backup the next incremental
                    // is relative to.
                    let mut base = f_at;
                    let mut j = 1;
                    loop {
                        let i_at = f_at + j * every;
                        if i_at >= next_full || i_at > limit {
                            break;
                        }
                        if !c.ran(i_at) {
                            j += 1;
                            continue;
                        }
                        let span = i_at - base;
                        let i_done = i_at + c.incremental_duration(span);
                        if i_done > now || c.point(i_at, i_done) > limit {
                            break;
                        }
                        if !c.stored(i_done, now) {
                            break;
                        }
                        duration = duration.saturating_add(inc_restore(span));
                        let index = (f_at / every) + j;
                        if c.broken("backup/incremental", index, i_at) {
                            corrupt_tried += 1;
                            break;
                        }
                        position = c.point(i_at, i_done);
                        base = i_at;
                        incrementals += 1;
                        j += 1;
                    }
                }
                return Some(RestorePlan {
                    position,
                    duration: wasted.saturating_add(duration),
                    corrupt_tried,
                    source: RestoreSource::Backup,
                    full_at: f_at,
                    incrementals,
                });
            }
        }
        if k == 0 {
            return None;
        }
        k -= 1;
    }
}

/// A point-in-time recovery to exactly `target` (or as close before it as
/// the log archive reaches), from the newest good backup before it plus
/// log replay.
pub fn plan_pitr(
    sc: &Scenario,
    w: &BackupWorld,
    now: Micros,
    target: Micros,
) -> Option<RestorePlan> {
    let b = sc.backups.as_ref()?;
    let archive = b.log_archive.as_ref()?;
    let c = Catalog { sc, b, w };
    // Each place holding the archive has every completed segment up to the
    // last multiple of the interval that has landed there, if it survived;
    // the best readable place decides how close to `target` we can get. A
    // segment completes only while the primary writes: the one open when
    // it went down is lost with it.
    let segment = |t: Micros| (t / archive.interval) * archive.interval;
    let written_until = w.db_down_since.unwrap_or(now);
    let reachable = c
        .archive_locations()
        .filter_map(|(r, delay)| {
            let point = segment(now.saturating_sub(delay).min(written_until)).min(target);
            c.readable(r, point + delay, now).then_some(point)
        })
        .max()?;
    let base = plan_restore(sc, w, now, reachable)?;
    let replay_bytes =
        sc.workload.writes_per_sec * sc.workload.write_size * (reachable - base.position) as f64
            / 1e6;
    Some(RestorePlan {
        position: reachable,
        duration: base
            .duration
            .saturating_add(secs_to_micros(replay_bytes / archive.replay_throughput)),
        source: RestoreSource::PointInTime,
        ..base
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Format, parse};
    use crate::units::{DAY, HOUR, MINUTE, SECOND};

    /// 100 GB at 100 MB/s: a full takes 1000 s to write, an incremental
    /// of a day 8.64 GB (100 w/s x 1 KB) 86.4 s. Fulls start on day 0 at
    /// 02:00, incrementals daily after.
    fn scenario(extra: &str) -> Scenario {
        let text = format!(
            r#"
name = "b"
horizon = "30d"
[workload]
writes_per_sec = 100
write_size = "1KB"
data_size = "100GB"
[[regions]]
name = "east"
zones = ["east-a"]
[[regions]]
name = "west"
zones = ["west-a"]
[network]
rtt_cross_region = "80ms"
[[database.nodes]]
name = "db1"
zone = "east-a"
role = "primary"
[backups]
full_every = "7d"
incremental_every = "1d"
first_at = "2h"
throughput = "100MB/s"
restore_throughput = "100MB/s"
copy_to = ["west"]
{extra}
"#
        );
        parse(&text, "b.toml", Format::Toml).expect("valid")
    }

    fn world<'a>(db_down: &'a [(Micros, Micros)], down: &'a [bool]) -> BackupWorld<'a> {
        static NONE: [Vec<Micros>; 2] = [Vec::new(), Vec::new()];
        BackupWorld {
            trial_seed: 1,
            db_down,
            db_down_since: None,
            destroyed: &NONE,
            down,
            broken_windows: &[],
        }
    }

    #[test]
    fn a_skipped_incremental_leaves_a_gap_not_the_end_of_the_chain() {
        let sc = scenario("");
        // A 75 s failover at 02:00 on day 2: that night's incremental
        // does not run.
        let outage = [(
            2 * DAY + 2 * HOUR - 10 * SECOND,
            2 * DAY + 2 * HOUR + 65 * SECOND,
        )];
        let up = [false, false];
        let w = world(&outage, &up);
        let now = 5 * DAY + 12 * HOUR;
        let plan = plan_restore(&sc, &w, now, now).expect("a restore");
        // Day 5's incremental is the newest point; days 1, 3 (two days'
        // worth, covering the gap), 4 and 5 follow the full.
        assert_eq!(plan.position, 5 * DAY + 2 * HOUR);
        assert_eq!(plan.incrementals, 4);
        let day = 8.64e9 / 100e6; // seconds to restore one day of log
        let expected = 1000.0 + 5.0 * day;
        assert!(
            (plan.duration as f64 / 1e6 - expected).abs() < 1e-3,
            "{} vs {expected}",
            plan.duration as f64 / 1e6
        );
    }

    #[test]
    fn a_physical_backup_restores_to_its_stop_point_a_snapshot_to_its_start() {
        let up = [false, false];
        let w = world(&[], &up);
        let now = 3 * HOUR;
        let snap = plan_restore(&scenario(""), &w, now, now).expect("a restore");
        assert_eq!(snap.position, 2 * HOUR);
        let phys = scenario("method = \"physical\"");
        let plan = plan_restore(&phys, &w, now, now).expect("a restore");
        assert_eq!(plan.position, 2 * HOUR + 1000 * SECOND);
        // Restoring to before the damage at 02:10 needs a backup that
        // stopped before it: none yet for the physical method.
        assert!(plan_restore(&phys, &w, now, 2 * HOUR + 10 * MINUTE).is_none());
        // The next day's incremental (86.4 s) restores to its stop too.
        let now = DAY + 3 * HOUR;
        let plan = plan_restore(&phys, &w, now, now).expect("a restore");
        assert_eq!(plan.position, DAY + 2 * HOUR + 86_400 * 1000);
    }

    #[test]
    fn the_log_archive_reaches_the_second_region_by_its_own_delay() {
        let archive = "[backups.log_archive]\ninterval = \"5m\"";
        let east_down = [true, false];
        let w = world(&[], &east_down);
        let now = DAY + 3 * HOUR + 7 * MINUTE;
        // With the archive pushed to both repositories, the west copy is
        // complete to the last 5-minute segment.
        let direct = scenario(&format!("copy_delay = \"1h\"\n{archive}"));
        let plan = plan_pitr(&direct, &w, now, now).expect("a restore");
        assert_eq!(plan.position, DAY + 3 * HOUR + 5 * MINUTE);
        // An archive copied with the backups lags by the copy delay.
        let copied = scenario(&format!(
            "copy_delay = \"1h\"\narchive_copy_delay = \"1h\"\n{archive}"
        ));
        let plan = plan_pitr(&copied, &w, now, now).expect("a restore");
        assert_eq!(plan.position, DAY + 2 * HOUR + 5 * MINUTE);
        // The segment open when the primary went down (at 03:02) never
        // completed: the archive ends at 03:00.
        let w = BackupWorld {
            db_down_since: Some(DAY + 3 * HOUR + 2 * MINUTE),
            ..world(&[], &east_down)
        };
        let plan = plan_pitr(&direct, &w, now, DAY + 3 * HOUR + 2 * MINUTE).expect("a restore");
        assert_eq!(plan.position, DAY + 3 * HOUR);
    }
}
