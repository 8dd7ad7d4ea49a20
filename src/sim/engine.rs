//! The discrete-event engine: one trial of one scenario.
//!
//! ```text
//!   clients ──▶ load balancer ──▶ API pool (N servers, M needed) ──▶ primary ──▶ replicas
//!                                                                     │            (sync / semi-sync /
//!                                                                     │             async / delayed)
//!                                                                     └──▶ backups, log archive
//! ```
//!
//! State changes only at events (faults, repairs, failovers, restores).
//! Writes are not events: the data is a log of acknowledged writes, every
//! copy holds a prefix of it described by one position, and the writes lost
//! in a window are drawn from the Poisson law of the time the write path was
//! up inside that window. The cost of a trial therefore grows with the
//! number of faults and repairs, not with the write rate or the horizon.
//!
//! After every event `Sim::refresh` recomputes, in one place, what follows
//! from the state: which replicas receive the log, whether a recovery must
//! be planned, whether the write path is up.
//!
//! This file holds the event loop, the trial's state (`Sim`), `dispatch`
//! (one line per event kind), `refresh` and the closing of the books. The
//! rest follows the chapters of docs/model.md, one file each:
//!
//! | file | owns | model chapter |
//! |---|---|---|
//! | `event.rs` | the event enum, its size, scheduling | — |
//! | `streams.rs` | every random stream label | Determinism |
//! | `scratch.rs` | a trial's buffers, kept per thread; `Sim::new` | — |
//! | `state.rs` | node, disk and API state; topology queries | Overview |
//! | `ledger.rs` | loss counting: the only place that charges lost writes | Data as a log of positions |
//! | `arrivals.rs` | every time-to-failure draw | Faults, one by one |
//! | `incidents.rs` | incidents and the story | Incident attribution |
//! | `replication.rs` | positions, connections, guarantees, re-seeds | Replication guarantees |
//! | `recovery.rs` | recovering a primary that is down | Recovering a primary that is down |
//! | `write_path.rs` | whether writes are accepted | The write path |
//! | `faults/*.rs` | one failure model each | Faults, one by one; Logical damage |
//!
//! Calls run one way: `dispatch` -> faults -> write path -> recovery ->
//! replication -> arrivals -> incidents -> state, with the ledger at the
//! bottom (it reads the write path's record of downtime, kept in `Sim`).
use super::backup::{BackupWorld, RestorePlan, plan_pitr, plan_restore};
use super::outcome::{Happening, Incident, Record, SmallStr, TrialOutcome};
use super::queue::EventQueue;
use super::rng::{StreamRng, fnv1a, mix64, stream_from, trial_seed};
use super::story::{
    Component, DegradedWhy, DownReason, ProtectedWhy, RecoveryHow, RestoreHow, StopReason, UnderWay,
};
use crate::dist::Dist;
use crate::scenario::{
    FailoverMode, FaultKind, MigrationEffect, NodeId, RegionId, ReplicationMode, Role, Scenario,
    SyncDown, Target, ZoneId,
};
use crate::units::{DAY, HOUR, Micros};
use rand::distr::Distribution;
use statrs::distribution::Poisson;
use std::cell::RefCell;
use std::num::NonZeroU32;

mod arrivals;
mod event;
mod failback;
mod faults;
mod incidents;
mod invariants;
mod ledger;
mod recovery;
mod replication;
mod scratch;
mod state;
mod streams;
mod write_path;

use event::{Ev, Inc, from_inc, ix};
use faults::logical::{Corruption, LogicalRestore};
use faults::partition::{PendingSplit, Split};
use recovery::{Plan, Recovery, restore_label};
use scratch::{SCRATCH, Scratch};
use state::{ApiPool, Disk, Logs, Topology};
use streams::{FaultStreams, Labels, Stream};

/// A scenario made ready to run many trials.
#[derive(Clone, Debug)]
pub struct Engine<'a> {
    sc: &'a Scenario,
    labels: Labels,
    region_pairs: Vec<(RegionId, RegionId)>,
    /// `pair_table[a * regions + b]`: the index in `region_pairs` of the
    /// pair {a, b}, either way round, if a route joins them. Asked for every
    /// replica after every event, so a look-up rather than a search.
    pair_table: Vec<Option<usize>>,
    /// `api-0`, `api-1`, ...: formatted once, copied into incidents.
    api_names: Vec<SmallStr>,
    /// The database nodes' names, ready to copy into incidents.
    node_names: Vec<SmallStr>,
    /// `api_in_zone[z]`: the API servers in zone z, whose service a change
    /// of the zone's darkness moves.
    api_in_zone: Vec<Vec<usize>>,
    /// `zones_in_region[r]`: the zones of region r.
    zones_in_region: Vec<Vec<ZoneId>>,
    /// The most events a trial may take ([`EVENT_CAP`] but in tests).
    event_cap: u64,
    /// Each component's random-fault laws, resolved from its region once.
    laws: arrivals::Laws<'a>,
}

/// The most events one trial may take. Validation refuses scenarios whose
/// rates would come near it (`scenario::validate::TRIAL_EVENTS_MAX`, a
/// tenth of it); a trial that still reaches it stops there, and the
/// Monte Carlo runner refuses its results (`Engine::reached_cap`) rather
/// than count the rest of the trial as up.
pub const EVENT_CAP: u64 = invariants::EVENT_CAP;

impl<'a> Engine<'a> {
    pub fn new(sc: &'a Scenario) -> Self {
        let h = |prefix: &str, names: &mut dyn Iterator<Item = String>| -> Vec<u64> {
            names.map(|n| fnv1a(&format!("{prefix}/{n}"))).collect()
        };
        let api_names =
            || (0..sc.api.as_ref().map_or(0, |a| a.servers.len())).map(|k| format!("api-{k}"));
        let node_names = || sc.nodes.iter().map(|n| n.name.clone());
        let zone_names = || sc.zones.iter().map(|z| z.name.clone());
        let region_names = || sc.regions.iter().map(|r| r.name.clone());
        let mut region_pairs = Vec::new();
        // Only regions joined by a network route can be partitioned.
        for a in 0..sc.regions.len() {
            for b in a + 1..sc.regions.len() {
                if sc.network.region_rtt(a, b).is_some() {
                    region_pairs.push((a, b));
                }
            }
        }
        let pair_names = || {
            region_pairs
                .iter()
                .map(|&(a, b)| format!("{}|{}", sc.regions[a].name, sc.regions[b].name))
                .collect::<Vec<_>>()
                .into_iter()
        };
        let labels = Labels {
            api_crash: h("api-crash", &mut api_names()),
            api_restart: h("api-restart", &mut api_names()),
            db_crash: h("db-crash", &mut node_names()),
            db_restart: h("db-restart", &mut node_names()),
            disk: h("disk", &mut node_names()),
            disk_replace: h("disk-replace", &mut node_names()),
            lag: h("lag", &mut node_names()),
            zone: h("zone", &mut zone_names()),
            zone_duration: h("zone-duration", &mut zone_names()),
            region: h("region", &mut region_names()),
            region_duration: h("region-duration", &mut region_names()),
            partition: h("partition", &mut pair_names()),
            partition_duration: h("partition-duration", &mut pair_names()),
        };
        let api_zone = sc.api.as_ref().map_or(&[][..], |a| &a.servers[..]);
        let regions = sc.regions.len();
        let mut pair_table = vec![None; regions * regions];
        for (i, &(a, b)) in region_pairs.iter().enumerate() {
            pair_table[a * regions + b] = Some(i);
            pair_table[b * regions + a] = Some(i);
        }
        Engine {
            sc,
            labels,
            region_pairs,
            pair_table,
            api_names: api_names().map(SmallStr::from).collect(),
            node_names: sc.nodes.iter().map(|n| SmallStr::new(&n.name)).collect(),
            api_in_zone: (0..sc.zones.len())
                .map(|z| (0..api_zone.len()).filter(|&k| api_zone[k] == z).collect())
                .collect(),
            zones_in_region: (0..sc.regions.len())
                .map(|r| {
                    (0..sc.zones.len())
                        .filter(|&z| sc.zones[z].region == r)
                        .collect()
                })
                .collect(),
            event_cap: EVENT_CAP,
            laws: arrivals::Laws::new(sc),
        }
    }

    /// The same engine with trials stopped at `cap` events: lets tests
    /// reach the cap with a small scenario.
    pub fn with_event_cap(mut self, cap: u64) -> Self {
        self.event_cap = cap;
        self
    }

    /// Whether `outcome` stopped at the cap of events rather than at the
    /// horizon: its numbers are then wrong (the rest counted as up).
    pub fn reached_cap(&self, outcome: &TrialOutcome) -> bool {
        outcome.events >= self.event_cap
    }

    pub fn scenario(&self) -> &Scenario {
        self.sc
    }

    /// Runs trial `trial` of a run seeded with `seed`. Deterministic: the
    /// same (scenario, seed, trial) always gives the same outcome.
    pub fn run_trial(&self, seed: u64, trial: u64, record: bool) -> TrialOutcome {
        self.run_trial_with(seed, trial, record, false)
    }

    /// Gives an outcome's memory back to this thread's next trial: for
    /// runs that fold each outcome into statistics and drop it.
    pub fn recycle(&self, outcome: TrialOutcome) {
        SCRATCH.with(|cell| {
            if let Ok(mut scratch) = cell.try_borrow_mut() {
                scratch.spare_incidents = outcome.incidents;
            }
        });
    }

    /// [`Engine::run_trial`], checking the engine's invariants after every
    /// event (listed in `sim/engine/invariants.rs`) in any build, release
    /// included: for tests. The outcome, or the first invariant broken.
    pub fn run_trial_checked(
        &self,
        seed: u64,
        trial: u64,
        record: bool,
    ) -> Result<TrialOutcome, String> {
        let mut checker = invariants::Checker::default();
        let mut scratch = Scratch::default();
        let o = self.run_trial_in(&mut scratch, seed, trial, record, false, Some(&mut checker));
        match checker.violation {
            Some(v) => Err(format!("trial {trial}: {v}")),
            None if self.reached_cap(&o) => {
                Err(format!("trial {trial}: the event loop reached its cap"))
            }
            None => Ok(o),
        }
    }

    /// [`Engine::run_trial`]; `full_refresh` refreshes everything after
    /// every event (the tests check that it changes nothing).
    fn run_trial_with(
        &self,
        seed: u64,
        trial: u64,
        record: bool,
        full_refresh: bool,
    ) -> TrialOutcome {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                self.run_trial_in(&mut scratch, seed, trial, record, full_refresh, None)
            }
            // Only if a trial ran another on its own thread, which none does.
            Err(_) => {
                let mut scratch = Scratch::default();
                self.run_trial_in(&mut scratch, seed, trial, record, full_refresh, None)
            }
        })
    }

    /// [`Engine::run_trial_with`] with the buffers of `scratch`.
    fn run_trial_in(
        &self,
        scratch: &mut Scratch,
        seed: u64,
        trial: u64,
        record: bool,
        full_refresh: bool,
        mut check: Option<&mut invariants::Checker>,
    ) -> TrialOutcome {
        let mut sim = Sim::new(self, trial_seed(seed, trial), record, scratch);
        sim.outcome.trial = trial;
        // Restarts of API servers are queued only where they can matter:
        // when recording (the story tells them), in the tests' full-refresh
        // mode, and otherwise while the pool is short (see
        // `wake_for_api_restart`).
        sim.eager_restarts = record || full_refresh;
        sim.start();
        let horizon = self.sc.horizon;
        // Bounded: every event is at or after `now`, and the loop stops at
        // the horizon; repairs always take time, so no event chain is
        // instantaneous forever. The cap is a guard against model bugs.
        let cap = self.event_cap;
        let mut first = true;
        while let Some((at, ev)) = sim.queue.pop_before(horizon) {
            debug_assert!(at >= sim.now, "time went backwards");
            sim.now = at;
            let (ev, inc) = ev;
            sim.ctx = from_inc(inc);
            sim.quiet_api = None;
            // An API server's restart is counted when its crash schedules
            // it (see `crash_api`), queued or not, and made here, before
            // the event at or after its moment is handled.
            if !matches!(ev, Ev::ApiRestart { .. } | Ev::ApiPoolCheck) {
                sim.outcome.events += 1;
            }
            if sim.now >= sim.pool.next_up {
                sim.restart_api_servers_due();
            }
            // API servers hold no data: their crash or restart changes
            // nothing that the database side of refresh reads, and that
            // side is idempotent (a second run right after a first changes
            // nothing), so only the write path can move. Most events of a
            // trial are these; `handle` says when another event moved only
            // the API pool too (a zone holding no database node). The
            // first event of a trial always gets the full refresh.
            // The API servers' own events are handled here rather than
            // through `handle`, whose size makes every call to it costly.
            let api_only = match ev {
                Ev::ApiCrash { server, epoch } => {
                    sim.on_api_crash(server as usize, epoch);
                    true
                }
                Ev::ApiRestart { server } => {
                    sim.on_api_restart(server as usize);
                    true
                }
                Ev::ApiPoolCheck => {
                    sim.pool.wake = Micros::MAX;
                    true
                }
                _ => sim.handle(ev),
            };
            if api_only && !full_refresh && !first {
                if !sim.write_path_settled() {
                    sim.refresh_write_path();
                }
            } else {
                sim.refresh();
            }
            first = false;
            debug_assert_eq!(sim.invariants(), Ok(()));
            if let Some(c) = check.as_deref_mut() {
                c.after_event(&sim);
            }
            if !sim.eager_restarts && !sim.api_ok_seen && sim.pool.next_up < sim.pool.wake {
                sim.wake_for_api_restart();
            }
            if sim.outcome.events >= cap {
                break;
            }
        }
        sim.finish(scratch)
    }
}

/// The state of one trial.
struct Sim<'e, 'a> {
    e: &'e Engine<'a>,
    sc: &'a Scenario,
    trial_seed: u64,
    now: Micros,
    queue: EventQueue<(Ev, Inc)>,
    /// The incident the event being handled belongs to.
    ctx: Option<usize>,
    record: bool,
    outcome: TrialOutcome,

    /// Nodes, zones, regions and partitions (state.rs).
    topo: Topology,
    /// The API servers (state.rs).
    pool: ApiPool,
    /// The windows and damage the trial records (state.rs).
    logs: Logs,
    /// The per-zone, per-region and per-pair fault streams (streams.rs).
    streams: FaultStreams,

    primary: NodeId,
    recovery: Option<Recovery>,
    /// When the primary stopped serving, while it has not come back; the
    /// detector's and the operators' clocks run from there.
    outage_start: Option<Micros>,
    detect_at: Option<Micros>,
    respond_at: Option<Micros>,
    /// Bumped whenever the primary stops serving or changes: a re-seed
    /// started under another value lost its source.
    source_epoch: u64,
    replan: bool,
    epoch: u32,
    fenced: bool,
    split: Option<Split>,
    pending_split: Option<PendingSplit>,
    semi_fallback: bool,
    sync_degraded: bool,
    sync_blocked: bool,
    stall_until: Micros,
    locks: u32,
    logical: Option<LogicalRestore>,
    /// When the home region was first seen up with the primary away, while
    /// a failback is configured and pending (see failback.rs).
    failback_since: Option<Micros>,
    /// Cancels a stale `FailbackCheck` or `SwitchoverDone`.
    failback_epoch: u32,
    /// The node a planned switchover under way moves the primary to.
    switchover: Option<NodeId>,

    /// Queue every API server's restart (recording, or the full-refresh
    /// reference mode of the tests).
    eager_restarts: bool,
    /// The API server whose crash the event being handled counted in
    /// `outcome.quiet_api_crashes` rather than listing it (not recording):
    /// listed after all if the write path stops (see
    /// `list_quiet_api_crash`).
    quiet_api: Option<u32>,
    write_up: bool,
    /// The API pool's sufficiency and the time at the last write-path
    /// check (see `write_path_settled`).
    api_ok_seen: bool,
    write_path_seen_at: Micros,
    down_since: Option<Micros>,
    outage_owner: Option<usize>,
    db_up: bool,
    db_down_since: Option<Micros>,
    lost_in_horizon: u64,
    lost_acked_time: Micros,
    /// When the data set last started from empty (`None`: it holds its
    /// whole history).
    data_origin: Option<Micros>,
    /// Writes (expected) of the data set already destroyed by damage that
    /// was kept: later losses must not count them again.
    kept_gone: f64,

    s_workload: StreamRng,
    /// Draws the writes in flight at each primary loss (its own stream, so
    /// that counting them moves no other draw).
    s_failed: StreamRng,
    s_ops: Stream,
    s_failover: Stream,
    s_delete: Stream,
}

impl Sim<'_, '_> {
    /// Handles an event other than an API server's own (its incident,
    /// `ctx`, already set); returns whether it moved at most the API pool,
    /// as those do (see `run_trial_in`): an outage of a zone holding no
    /// database node, starting or ending while no recovery is under way.
    fn handle(&mut self, ev: Ev) -> bool {
        let pool_only = match ev {
            Ev::ZoneDown { zone } | Ev::ZoneUp { zone, .. } => {
                self.recovery.is_none() && self.topo.nodes.iter().all(|n| n.zone != zone as usize)
            }
            _ => false,
        };
        self.dispatch(ev);
        if pool_only {
            // What a refresh would do with the flag a zone's return raises:
            // with no recovery under way, nothing but clear it.
            self.replan = false;
        }
        pool_only
    }

    /// Routes an event to its handler: one line per kind.
    fn dispatch(&mut self, ev: Ev) {
        match ev {
            Ev::ApiCrash { server, epoch } => self.on_api_crash(server as usize, epoch),
            Ev::ApiRestart { server } => self.on_api_restart(server as usize),
            // Made by the event loop before it dispatches an event.
            Ev::ApiPoolCheck => {}
            Ev::NodeCrash { node, epoch } => self.on_node_crash(node as usize, epoch),
            Ev::NodeRestart { node, epoch } => self.on_node_restart(node as usize, epoch),
            Ev::DiskLoss { node, epoch } => self.on_disk_loss(node as usize, epoch),
            Ev::DiskReplaced { node, epoch } => self.on_disk_replaced(node as usize, epoch),
            Ev::RebuildDone { node, epoch } => self.on_rebuild_done(node as usize, epoch),
            Ev::ZoneDown { zone } => self.on_zone_down(zone as usize),
            Ev::ZoneUp { zone, stochastic } => self.on_zone_up(zone as usize, stochastic),
            Ev::RegionDown { region } => self.on_region_down(region as usize),
            Ev::RegionUp { region, stochastic } => self.on_region_up(region as usize, stochastic),
            Ev::PartitionStart { pair } => self.on_partition_start(pair as usize),
            Ev::PartitionEnd { a, b, stochastic } => {
                self.on_partition_end(a as usize, b as usize, stochastic)
            }
            Ev::Delete => self.on_delete(),
            Ev::Scheduled { index } => self.scheduled(index as usize),
            Ev::MigrationRun { index } => self.migration(index as usize),
            Ev::Detect { corruption } => self.on_detect(corruption as usize),
            Ev::Recover { epoch } => self.on_recover(epoch),
            Ev::LogicalRestored { epoch } => self.on_logical_restored(epoch),
            Ev::Replan { corruption } => self.plan_logical(corruption as usize),
            Ev::SplitFence { epoch } => self.on_split_fence(epoch),
            Ev::SplitPromote { epoch } => self.on_split_promote(epoch),
            Ev::LockEnd => self.on_lock_end(),
            Ev::FailbackCheck { epoch } => self.on_failback_check(epoch),
            Ev::SwitchoverDone { epoch } => self.on_switchover_done(epoch),
            // The stall's end is read by the write path (`stall_until`).
            Ev::StallEnd => {}
        }
    }

    fn refresh(&mut self) {
        self.refresh_connections();
        // Deposed primaries resync as soon as they can run.
        for n in 0..self.topo.nodes.len() {
            let st = &self.topo.nodes[n];
            if st.stale
                && st.disk == Disk::Ok
                && !st.crashed
                && !self.topo.zone_is_down(self.topo.node_zone(n))
                && n != self.primary
            {
                self.start_rebuild(n);
            }
        }
        // Copies that diverged rewind once a primary serves to rewind from.
        if self.primary_serving() {
            for n in 0..self.topo.nodes.len() {
                let st = &self.topo.nodes[n];
                if st.diverged
                    && st.disk == Disk::Ok
                    && !st.crashed
                    && !self.topo.zone_is_down(self.topo.node_zone(n))
                    && n != self.primary
                    && self.crew_free(n)
                {
                    self.start_rewind(n);
                }
            }
        }
        let primary_up = self.topo.node_up(self.primary);
        let recovery_changed = match &self.recovery {
            None if !primary_up => {
                self.plan_primary_recovery();
                true
            }
            Some(Recovery {
                plan: Plan::Wait, ..
            }) if primary_up => {
                let inc = self.recovery.take().and_then(|r| r.incident);
                self.set_recovery_label(inc, "the primary came back");
                self.note_with(|s| Happening::Up {
                    component: Component::Node(s.sc.nodes[s.primary].name.clone()),
                });
                true
            }
            Some(Recovery {
                plan: Plan::Wait, ..
            }) if self.replan => {
                self.recovery = None;
                self.plan_primary_recovery();
                true
            }
            _ => false,
        };
        self.replan = false;
        // Re-seeds waiting for a source start once a primary serves.
        if self.primary_serving() {
            for n in 0..self.topo.nodes.len() {
                let st = &self.topo.nodes[n];
                if st.rebuild_waiting
                    && st.disk == Disk::Rebuilding
                    && n != self.primary
                    && self.crew_free(n)
                {
                    self.start_rebuild(n);
                }
            }
        }
        // The recovery step may have changed who serves: reconnect replicas.
        // Otherwise the first pass already did all there is to do (a resync
        // started above only touches a stale replica, disconnected already).
        if recovery_changed {
            self.refresh_connections();
        }
        self.refresh_replication_guarantees();
        self.refresh_failback();
        self.refresh_write_path();
    }

    /// Closes the trial's books and returns its buffers to `scratch`.
    fn finish(mut self, scratch: &mut Scratch) -> TrialOutcome {
        let h = self.sc.horizon;
        self.now = h;
        // Recoveries still under way at the horizon: the writes they will
        // throw away are already gone.
        if let Some(rec) = self.recovery.take() {
            self.ctx = rec.incident;
            match rec.plan {
                Plan::Failover { position, .. } => {
                    self.lose_window(position, rec.failed_at);
                }
                Plan::Restore(r) => {
                    self.lose_window(r.position, rec.failed_at);
                }
                Plan::StartEmpty => {
                    self.lose_everything(rec.failed_at);
                }
                Plan::Wait => {}
            }
        }
        if let Some(l) = self.logical.take() {
            self.ctx = self.logs.corruptions[l.corruption].incident;
            self.lose_window(l.position, l.detected_at);
        }
        if let Some(s) = self.down_since.take() {
            self.logs.downs.push((s, h));
            if let Some(i) = self.outage_owner.take() {
                let inc = &mut self.outcome.incidents[i];
                inc.rto = inc.rto.max(h.saturating_sub(inc.rto_from));
            }
        }
        let downtime: Micros = self
            .logs
            .downs
            .iter()
            .map(|&(s, e)| e.min(h) - s.min(h))
            .sum();
        self.outcome.downtime = downtime;
        let up = h - downtime;
        let kept = up.saturating_sub(self.lost_acked_time);
        let others = self.poisson(self.sc.workload.writes_per_sec * kept as f64 / 1e6);
        self.outcome.writes_acknowledged = self.lost_in_horizon + others;
        scratch.swap(&mut self);
        let n = self.outcome.incidents.len();
        scratch.incidents_hint = n + n / 4;
        self.outcome
    }
}

#[cfg(test)]
mod tests;
