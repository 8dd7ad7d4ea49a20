//! `cargo bench`: the engine's speed.
//!
//! * `engine/fault-heavy`: engine events per second on a synthetic scenario
//!   built to fail constantly (bench/fault-heavy.toml: 24 API servers, six
//!   database nodes in three regions, every fault frequent; about 24,000
//!   events per ten-year trial), so the cost per event dominates and the
//!   cost of setting up a trial does not. Criterion's throughput is in
//!   events ("elem/s").
//! * `trials/<strategy>`: whole trials of the built-in default scenario
//!   (one simulated year each) under each strategy of `failsim compare`;
//!   throughput is in trials, so "elem/s" reads as trial-years per second.
//!
//! One thread each: per-core figures. `scripts/bench.sh` times the whole
//! command line, in parallel, and against the SimPy peer.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use failsim::scenario::{Format, Scenario, parse};
use failsim::sim::Engine;
use failsim::{library, strategy};
use std::hint::black_box;
use std::time::Duration;

const STRATEGIES: [&str; 7] = [
    "none",
    "backup-only",
    "async",
    "semi-sync",
    "sync",
    "delayed",
    "async+backup",
];

fn fault_heavy() -> Scenario {
    parse(
        include_str!("../bench/fault-heavy.toml"),
        "bench/fault-heavy.toml",
        Format::Toml,
    )
    .expect("valid benchmark scenario")
}

fn default_scenario() -> Scenario {
    parse(
        library::builtin(library::DEFAULT).expect("built in"),
        "ecommerce.toml",
        Format::Toml,
    )
    .expect("valid built-in scenario")
}

fn engine_events(c: &mut Criterion) {
    let sc = fault_heavy();
    let engine = Engine::new(&sc);
    // A fixed batch of trials, so the throughput (their events) is exact.
    let trials = 0..4u64;
    let events: u64 = trials
        .clone()
        .map(|t| engine.run_trial(sc.seed, t, false).events)
        .sum();
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(events));
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("fault-heavy", |b| {
        b.iter(|| {
            for t in trials.clone() {
                black_box(engine.run_trial(sc.seed, black_box(t), false));
            }
        })
    });
    g.finish();
}

fn default_trials(c: &mut Criterion) {
    let base = default_scenario();
    let mut g = c.benchmark_group("trials");
    // 256 trials per iteration: trials differ (most are quiet, a few are
    // eventful), so a batch gives a stable mean.
    let batch = 256u64;
    g.throughput(Throughput::Elements(batch));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));
    for s in STRATEGIES {
        let sc = strategy::apply(&base, s).expect("known strategy");
        let engine = Engine::new(&sc);
        g.bench_function(s, |b| {
            b.iter(|| {
                for t in 0..batch {
                    black_box(engine.run_trial(sc.seed, black_box(t), false));
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, engine_events, default_trials);
criterion_main!(benches);
