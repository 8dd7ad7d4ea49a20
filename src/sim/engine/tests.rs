//! The engine's shortcuts change nothing. While these run,
//! `api_capacity_ok` checks its counter against a recount (`#[cfg(test)]`),
//! on scenarios with zone, region and partition faults.

use super::Engine;
use crate::scenario::{Format, Scenario, parse};
use crate::{library, strategy};

fn scenario(text: &str, file: &str) -> Scenario {
    parse(text, file, Format::Toml).expect("valid scenario")
}

fn same_with_and_without_shortcuts(base: &Scenario, strategies: &[&str], trials: u64) {
    for s in strategies {
        let sc = strategy::apply(base, s).expect("known strategy");
        let e = Engine::new(&sc);
        for t in 0..trials {
            for record in [false, true] {
                let o = e.run_trial(sc.seed, t, record);
                assert!(o.events > 0, "{} trial {t} (record {record})", s);
            }
        }
    }
}

#[test]
fn default_scenario_is_unchanged_by_the_shortcuts() {
    let base = scenario(
        library::builtin(library::DEFAULT).unwrap(),
        "ecommerce.toml",
    );
    same_with_and_without_shortcuts(
        &base,
        &[
            "none",
            "async",
            "semi-sync",
            "sync",
            "delayed",
            "async+backup",
            "warm-standby",
            "active-active",
        ],
        60,
    );
}

#[test]
fn fault_heavy_scenario_is_unchanged_by_the_shortcuts() {
    let base = scenario(
        include_str!("../../../bench/fault-heavy.toml"),
        "fault-heavy.toml",
    );
    same_with_and_without_shortcuts(&base, &["async", "sync", "active-active"], 3);
}
