//! The engine's cost grows with faults, not with time or writes: there is
//! no event per write, per log-archive segment or per scheduled backup
//! (backups are computed from the schedule when a restore needs one).
//! Counted in engine events, never timed.

use failsim::scenario::{Format, Scenario, parse};
use failsim::sim::Engine;
use failsim::units::{DAY, HOUR};
use failsim::{library, strategy};

const TRIALS: u64 = 300;

fn default_scenario() -> Scenario {
    parse(
        library::builtin(library::DEFAULT).unwrap(),
        "ecommerce.toml",
        Format::Toml,
    )
    .unwrap()
}

/// Engine events of each trial.
fn events(sc: &Scenario) -> Vec<u64> {
    let e = Engine::new(sc);
    (0..TRIALS)
        .map(|t| e.run_trial(sc.seed, t, false).events)
        .collect()
}

fn total(v: &[u64]) -> f64 {
    v.iter().sum::<u64>() as f64
}

#[test]
fn a_thousand_times_the_writes_costs_no_more_events() {
    let base = default_scenario();
    for s in ["none", "async", "semi-sync", "sync"] {
        let sc = strategy::apply(&base, s).unwrap();
        let mut busy = sc.clone();
        busy.workload.writes_per_sec *= 1000.0;
        // The failover lag limit is in bytes of log: scale it with the
        // writes so that the same replicas qualify.
        busy.failover.max_lag *= 1000.0;
        // Without backups or a delayed replica the write rate moves no
        // event: the counts agree trial by trial.
        assert_eq!(events(&sc), events(&busy), "{s}");
    }
    for s in ["backup-only", "delayed", "async+backup"] {
        let sc = strategy::apply(&base, s).unwrap();
        let mut busy = sc.clone();
        busy.workload.writes_per_sec *= 1000.0;
        busy.failover.max_lag *= 1000.0;
        // Here it lengthens incremental restores and log replays, which can
        // move a recovery past another fault: a few events differ, but
        // there is still no event per write (that would be ~10^12).
        // (A delayed replica replays an hour of log before promotion: a
        // thousand times the writes makes that hours, not seconds.)
        let (a, b) = (total(&events(&sc)), total(&events(&busy)));
        assert!((b / a - 1.0).abs() < 0.1, "{s}: {a} vs {b}");
    }
}

#[test]
fn hourly_backups_and_a_log_archive_cost_no_events() {
    let base = default_scenario();
    for s in ["backup-only", "async+backup", "async+pitr"] {
        let sc = strategy::apply(&base, s).unwrap();
        let mut hourly = sc.clone();
        let b = hourly.backups.as_mut().expect("the strategy has backups");
        b.full_every = DAY;
        b.incremental_every = Some(HOUR);
        if let Some(archive) = b.log_archive.as_mut() {
            archive.interval = 60_000_000; // a segment a minute
        }
        // 24 x 365 backups a year would be 8,760 events per trial; the
        // counts move only where a different restore point changes when a
        // recovery ends.
        let (a, b) = (total(&events(&sc)), total(&events(&hourly)));
        assert!((b / a - 1.0).abs() < 0.01, "{s}: {a} vs {b}");
    }
}

#[test]
fn events_follow_faults_and_the_horizon_linearly() {
    let base = strategy::apply(&default_scenario(), "async").unwrap();
    let per_trial = total(&events(&base)) / TRIALS as f64;
    // About two events per incident (fault, repair) and a few for
    // failovers: tens per simulated year, not millions.
    assert!((20.0..200.0).contains(&per_trial), "{per_trial}");
    let mut long = base.clone();
    long.horizon *= 4;
    let ratio = total(&events(&long)) / TRIALS as f64 / per_trial;
    assert!(
        (3.6..4.4).contains(&ratio),
        "4x the horizon gave {ratio}x the events"
    );
}
