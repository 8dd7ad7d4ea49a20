//! Engine events per trial, and what changes them: the scenario as written,
//! with the write rate x1000, and with hourly backups (a daily full and an
//! incremental every hour). The engine's cost follows faults, not writes or
//! backup schedules, so the three columns agree.
//!
//! ```text
//! cargo run --release --example cost_probe -- [SCENARIO] [TRIALS]
//! ```
//!
//! SCENARIO is a file or a built-in name (default: the built-in default);
//! every strategy of `failsim compare` is run on one thread.

use failsim::scenario::{self, Format, Scenario};
use failsim::sim::Engine;
use failsim::units::{DAY, HOUR};
use failsim::{library, strategy};
use std::path::Path;
use std::time::Instant;

const STRATEGIES: [&str; 7] = [
    "none",
    "backup-only",
    "async",
    "semi-sync",
    "sync",
    "delayed",
    "async+backup",
];

/// CPU time this thread has run, in seconds (Linux), or wall time where
/// that is not available: on a shared machine, CPU time is what the
/// engine costs, whatever else runs beside it.
fn thread_seconds(wall: Instant) -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or_else(|| wall.elapsed().as_secs_f64(), |ns| ns / 1e9)
}

/// (events, incidents, seconds) over `trials` trials.
fn measure(sc: &Scenario, trials: u64) -> (u64, u64, f64) {
    let e = Engine::new(sc);
    let wall = Instant::now();
    let t0 = thread_seconds(wall);
    let (mut events, mut incidents) = (0, 0);
    for t in 0..trials {
        let o = e.run_trial(sc.seed, t, false);
        events += o.events;
        incidents += o.incident_count();
    }
    (events, incidents, thread_seconds(wall) - t0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| library::DEFAULT.to_string());
    let trials: u64 = args.next().map_or(2000, |s| s.parse().expect("TRIALS"));
    let base = match library::builtin(&name) {
        Some(text) => scenario::parse(text, &name, Format::Toml).expect("valid built-in"),
        None => scenario::load(Path::new(&name)).unwrap_or_else(|e| panic!("{e}")),
    };
    println!(
        "{} trials of {name} per cell; events per trial (incidents per trial)",
        trials
    );
    println!(
        "{:<14} {:>22} {:>22} {:>22} {:>14}",
        "strategy", "as written", "writes x1000", "hourly backups", "events/CPU-s"
    );
    for s in STRATEGIES {
        let Ok(sc) = strategy::apply(&base, s) else {
            continue;
        };
        let mut fast = sc.clone();
        fast.workload.writes_per_sec *= 1000.0;
        // The failover lag limit is in bytes of log: scaled with the writes
        // so that the same replicas qualify (as tests/cost_model.rs does).
        fast.failover.max_lag *= 1000.0;
        let mut hourly = sc.clone();
        if let Some(b) = hourly.backups.as_mut() {
            b.full_every = DAY;
            b.incremental_every = Some(HOUR);
        }
        let mut cells = Vec::new();
        let mut rate = 0.0;
        for v in [&sc, &fast, &hourly] {
            let (ev, inc, secs) = measure(v, trials);
            if std::ptr::eq(v, &sc) {
                rate = ev as f64 / secs;
            }
            cells.push(format!(
                "{:.2} ({:.2})",
                ev as f64 / trials as f64,
                inc as f64 / trials as f64
            ));
        }
        println!(
            "{s:<14} {:>22} {:>22} {:>22} {:>14.3e}",
            cells[0], cells[1], cells[2], rate
        );
    }
}
