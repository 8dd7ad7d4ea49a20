//! The engine's shortcuts change nothing: a trial run with them equals the
//! same trial refreshed in full after every event, story included, and
//! with every API server's restart queued as an event of its own rather
//! than made when the next event comes (or, while the pool is short, at a
//! queued check at its moment; stateless-vs-stateful's pool falls short).
//! While these run, `api_capacity_ok` also checks its counter against a
//! recount (`#[cfg(test)]`), on scenarios with zone, region and partition
//! faults.

use super::Engine;
use crate::scenario::{Format, Scenario, parse};
use crate::{library, strategy};

fn scenario(text: &str, file: &str) -> Scenario {
    parse(text, file, Format::Toml).expect("valid scenario")
}

fn same_with_and_without_shortcuts(base: &Scenario, strategies: &[&str], trials: u64) {
    for s in strategies {
        let sc = strategy::apply(base, s).expect("known strategy");
        same_trials(&sc, s, trials);
    }
}

fn same_trials(sc: &Scenario, what: &str, trials: u64) {
    let e = Engine::new(sc);
    for t in 0..trials {
        for record in [false, true] {
            let fast = e.run_trial_with(sc.seed, t, record, false);
            let full = e.run_trial_with(sc.seed, t, record, true);
            assert_eq!(fast, full, "{what} trial {t} (record {record})");
        }
        // Without its record, a trial counts the API-server crashes that
        // stopped nothing instead of listing them, and lists the others
        // (a crash that leaves the pool short) where recording does.
        let counted = e.run_trial(sc.seed, t, false);
        let mut listed = e.run_trial(sc.seed, t, true);
        listed.records.clear();
        listed.count_quiet_api_crashes();
        assert_eq!(counted, listed, "{what} trial {t}: counted or listed");
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

#[test]
fn every_builtin_scenario_is_unchanged_by_the_shortcuts() {
    // Among them: API pools that fall short of capacity, partitions,
    // migrations that stall writes or hold locks, destroyed regions.
    for (name, text) in library::BUILTIN {
        let sc = scenario(text, &format!("{name}.toml"));
        same_trials(&sc, name, 40);
    }
}

/// A zone holding no database node returns while a recovery is under way
/// (the crashed primary is waited for: it restarts before a failover could
/// start), the one case where a zone's return makes the full refresh
/// re-plan: the trial is the same with or without the shortcuts.
#[test]
fn zone_event_during_a_recovery_is_unchanged_by_the_shortcuts() {
    let text = library::builtin(library::DEFAULT).unwrap().replace(
        r#"restart = { dist = "lognormal", median = "45s", p95 = "3m" }"#,
        r#"restart = "20s""#,
    ) + r#"
[[events]]
at = "9d23h"
fault = "zone-outage"
target = "us-east-1c"
duration = "1h10s"

[[events]]
at = "10d"
fault = "db-crash"
target = "db1"
"#;
    let sc = scenario(&text, "ecommerce-wait.toml");
    assert!(
        text.contains(r#"restart = "20s""#),
        "the restart was replaced"
    );
    same_trials(&sc, "primary waited for", 40);
}

/// The invariant checks can fail: a state that breaks each is refused.
#[test]
fn broken_invariants_are_caught() {
    use super::{Role, Scratch, Sim};
    let sc = scenario(
        library::builtin(library::DEFAULT).expect("built in"),
        "ecommerce.toml",
    );
    let e = Engine::new(&sc);
    let mut scratch = Scratch::default();
    let mut sim = Sim::new(&e, 1, false, &mut scratch);
    sim.now = 100;
    assert_eq!(sim.invariants(), Ok(()));
    sim.logs.lost = vec![(5, 10), (8, 12)];
    assert!(sim.invariants().is_err(), "overlapping lost windows");
    sim.logs.lost = vec![(5, 10), (10, 12)];
    assert!(sim.invariants().is_err(), "touching lost windows");
    sim.logs.lost = vec![(20, 30), (5, 10)];
    assert!(sim.invariants().is_err(), "unsorted lost windows");
    sim.logs.lost = vec![(5, 10), (11, 12)];
    assert_eq!(sim.invariants(), Ok(()));
    let replica = (0..sim.topo.nodes.len())
        .find(|&n| n != sim.primary)
        .expect("the default scenario has a replica");
    sim.topo.nodes[replica].role = Role::Primary;
    assert!(sim.invariants().is_err(), "two primaries");
    sim.topo.nodes[replica].role = Role::Replica;
    sim.topo.nodes[replica].frozen_received = 200;
    assert!(sim.invariants().is_err(), "a position ahead of now");
    sim.topo.nodes[replica].frozen_received = 50;
    sim.topo.nodes[replica].frozen_applied = 60;
    assert!(sim.invariants().is_err(), "applied ahead of received");
    sim.topo.nodes[replica].frozen_applied = 40;
    assert_eq!(sim.invariants(), Ok(()));
}

/// A scenario with `n` scheduled losses of the primary's disk, an hour
/// apart, each restored from a replica: every loss closes a downtime and
/// charges a lost window.
fn disk_losses(n: usize) -> Scenario {
    let mut text = String::from(
        "name = \"losses\"\nhorizon = \"3y\"\n[[regions]]\nname = \"east\"\nzones = [\"a\", \"b\"]\n\
         [[database.nodes]]\nname = \"db1\"\nzone = \"a\"\nrole = \"primary\"\n\
         [[database.nodes]]\nname = \"db2\"\nzone = \"b\"\nrole = \"replica\"\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "[[events]]\nat = \"{}h\"\nfault = \"disk-loss\"\ntarget = \"primary\"\n",
            i + 1
        ));
    }
    scenario(&text, "losses.toml")
}

/// The ledger's work over one trial: intervals visited.
fn ledger_steps(sc: &Scenario) -> u64 {
    use super::ledger::LEDGER_STEPS;
    LEDGER_STEPS.with(|c| c.set(0));
    let o = Engine::new(sc).run_trial(sc.seed, 0, false);
    assert!(o.downtime > 0, "the losses should stop the write path");
    LEDGER_STEPS.with(|c| c.get())
}

/// Counting loss looked at every earlier downtime and lost window at each
/// new loss: 10,000 scheduled losses cost a hundred million steps, four
/// times as many for twice the losses. Binary search over the sorted
/// intervals makes the work per loss constant: doubling the losses at
/// most doubles it (plus slack for the logarithm, not visited here).
#[test]
fn ledger_work_grows_linearly_with_scheduled_faults() {
    let small = ledger_steps(&disk_losses(2000));
    let large = ledger_steps(&disk_losses(4000));
    assert!(small >= 2000, "each loss visits an interval: {small}");
    assert!(
        large <= small * 5 / 2,
        "2000 losses: {small} steps; 4000 losses: {large} steps (quadratic would be about 4x)"
    );
    // And in absolute terms: a few steps per loss.
    assert!(large <= 4000 * 8, "{large} steps for 4000 losses");
}

/// A trial stopped by the cap of events reports it (the Monte Carlo
/// runner refuses such a run, see `montecarlo::run`).
#[test]
fn a_trial_stopped_at_the_cap_says_so() {
    let sc = disk_losses(50);
    let e = Engine::new(&sc).with_event_cap(10);
    let o = e.run_trial(sc.seed, 0, false);
    assert!(e.reached_cap(&o), "{} events", o.events);
    let full = Engine::new(&sc);
    assert!(!full.reached_cap(&full.run_trial(sc.seed, 0, false)));
}
