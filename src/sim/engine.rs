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

use super::backup::{BackupWorld, RestorePlan, RestoreSource, plan_pitr, plan_restore};
use super::outcome::{Happening, Incident, Record, SmallStr, TrialOutcome};
use super::queue::EventQueue;
use super::rng::{StreamRng, fnv1a, mix64, stream_from, trial_seed};
use crate::dist::Dist;
use crate::scenario::{
    FailoverMode, FaultKind, MigrationEffect, NodeId, RegionId, ReplicationMode, Role, Scenario,
    SyncDown, Target, ZoneId,
};
use crate::units::{DAY, HOUR, Micros, human_duration};
use rand::distr::Distribution;
use statrs::distribution::Poisson;
use std::cell::RefCell;
use std::num::NonZeroU32;

/// Stream labels hashed once per scenario, so a trial only mixes integers.
#[derive(Clone, Debug)]
struct Labels {
    api_crash: Vec<u64>,
    api_restart: Vec<u64>,
    db_crash: Vec<u64>,
    db_restart: Vec<u64>,
    disk: Vec<u64>,
    disk_replace: Vec<u64>,
    lag: Vec<u64>,
    zone: Vec<u64>,
    zone_duration: Vec<u64>,
    region: Vec<u64>,
    region_duration: Vec<u64>,
    partition: Vec<u64>,
    partition_duration: Vec<u64>,
}

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
}

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
        }
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
            Ok(mut scratch) => self.run_trial_in(&mut scratch, seed, trial, record, full_refresh),
            // Only if a trial ran another on its own thread, which none does.
            Err(_) => self.run_trial_in(&mut Scratch::default(), seed, trial, record, full_refresh),
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
        let cap = 50_000_000u64;
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
            if sim.now >= sim.api_next_up {
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
                    sim.api_wake = Micros::MAX;
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
            if !sim.eager_restarts && !sim.api_ok_seen && sim.api_next_up < sim.api_wake {
                sim.wake_for_api_restart();
            }
            if sim.outcome.events >= cap {
                break;
            }
        }
        sim.finish(scratch)
    }
}

/// The buffers a trial needs, kept between the trials of one thread: a
/// trial takes them (emptied, capacity kept) and gives them back, so that
/// it does not allocate its own. Contents never carry over: [`Sim::new`]
/// refills every one.
#[derive(Default)]
struct Scratch {
    queue: EventQueue<(Ev, Inc)>,
    api: Vec<ApiState>,
    api_down: Vec<u32>,
    nodes: Vec<NodeState>,
    zone_down: Vec<u32>,
    zone_dark: Vec<bool>,
    zone_until: Vec<Micros>,
    region_down: Vec<u32>,
    region_until: Vec<Micros>,
    destroyed: Vec<Vec<Micros>>,
    region_is_down: Vec<bool>,
    partitioned: Vec<u32>,
    broken_windows: Vec<(Micros, Micros)>,
    corruptions: Vec<Corruption>,
    downs: Vec<(Micros, Micros)>,
    db_downs: Vec<(Micros, Micros)>,
    lost: Vec<(Micros, Micros)>,
    s_zone: Vec<Stream>,
    s_zone_dur: Vec<Stream>,
    s_region: Vec<Stream>,
    s_region_dur: Vec<Stream>,
    s_partition: Vec<Stream>,
    s_partition_dur: Vec<Stream>,
    /// Incidents in this thread's last trial: the next outcome's list is
    /// sized from it rather than grown one reallocation at a time.
    incidents_hint: usize,
    /// The incident list of an outcome given back by [`Engine::recycle`],
    /// emptied: the next trial fills it instead of allocating its own.
    spare_incidents: Vec<Incident>,
}

thread_local! {
    /// Per thread, so the worker threads of a run share nothing mutable.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Scratch {
    /// Exchanges the buffers with those of `sim` (both ways: a trial's
    /// start and its end).
    fn swap(&mut self, sim: &mut Sim) {
        use std::mem::swap;
        swap(&mut self.queue, &mut sim.queue);
        swap(&mut self.api, &mut sim.api);
        swap(&mut self.api_down, &mut sim.api_down);
        swap(&mut self.nodes, &mut sim.nodes);
        swap(&mut self.zone_down, &mut sim.zone_down);
        swap(&mut self.zone_dark, &mut sim.zone_dark);
        swap(&mut self.zone_until, &mut sim.zone_until);
        swap(&mut self.region_down, &mut sim.region_down);
        swap(&mut self.region_until, &mut sim.region_until);
        swap(&mut self.destroyed, &mut sim.destroyed);
        swap(&mut self.region_is_down, &mut sim.region_is_down);
        swap(&mut self.partitioned, &mut sim.partitioned);
        swap(&mut self.broken_windows, &mut sim.broken_windows);
        swap(&mut self.corruptions, &mut sim.corruptions);
        swap(&mut self.downs, &mut sim.downs);
        swap(&mut self.db_downs, &mut sim.db_downs);
        swap(&mut self.lost, &mut sim.lost);
        swap(&mut self.s_zone, &mut sim.s_zone);
        swap(&mut self.s_zone_dur, &mut sim.s_zone_dur);
        swap(&mut self.s_region, &mut sim.s_region);
        swap(&mut self.s_region_dur, &mut sim.s_region_dur);
        swap(&mut self.s_partition, &mut sim.s_partition);
        swap(&mut self.s_partition_dur, &mut sim.s_partition_dur);
    }
}

/// Empties `v` and fills it with `n` copies of `x`, keeping its capacity.
fn refill<T: Clone>(v: &mut Vec<T>, n: usize, x: T) {
    v.clear();
    v.resize(n, x);
}

/// Empties `v` and fills it with one stream per label.
fn refill_streams(v: &mut Vec<Stream>, trial_seed: u64, labels: &[u64]) {
    v.clear();
    v.extend(labels.iter().map(|&x| Stream::new(trial_seed, x)));
}

/// A per-component random stream, created on first use.
struct Stream {
    /// `trial seed ^ label`, mixed into the stream's seed on first use:
    /// most components of a trial never draw.
    key: u64,
    rng: Option<StreamRng>,
}

impl Stream {
    fn new(trial_seed: u64, label: u64) -> Self {
        Stream {
            key: trial_seed ^ label,
            rng: None,
        }
    }
    fn rng(&mut self) -> &mut StreamRng {
        let key = self.key;
        self.rng.get_or_insert_with(|| stream_from(mix64(key)))
    }
    fn sample(&mut self, d: &Dist) -> Micros {
        match d {
            Dist::Fixed(v) => *v,
            _ => d.sample(self.rng()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Disk {
    Ok,
    Lost,
    Rebuilding,
}

struct NodeState {
    crashed: bool,
    restart_at: Micros,
    disk: Disk,
    /// Bumped whenever the disk changes, to cancel stale repair events.
    disk_epoch: u32,
    /// Bumped when the stochastic crash chain restarts, to cancel a stale crash.
    crash_epoch: u32,
    /// Bumped at each crash, to cancel a stale restart.
    restart_epoch: u32,
    /// A new disk arrived while a failover away from this node was under way.
    disk_ready: bool,
    /// A re-seed waits for a serving primary to copy from.
    rebuild_waiting: bool,
    /// `Sim::source_epoch` when the running re-seed started.
    rebuild_source: u64,
    disk_fail_epoch: u32,
    role: Role,
    /// How it replicates while a replica; a promoted replica hands its mode
    /// (and its active/standby role) to the primary it replaces.
    mode: ReplicationMode,
    active: bool,
    /// A deposed primary: its unreplicated tail must be discarded by a resync.
    stale: bool,
    connected: bool,
    /// Position received / applied when it last stopped receiving.
    frozen_received: Micros,
    frozen_applied: Micros,
    /// When this copy was last seeded from another (0: from the start).
    data_since: Micros,
    /// Where the node runs now: the zone the scenario puts it in, unless
    /// it was restored into another (its own being down). Asked for every
    /// node after every event.
    zone: ZoneId,
    s_crash: Stream,
    s_restart: Stream,
    s_disk: Stream,
    s_replace: Stream,
    s_lag: Stream,
}

struct ApiState {
    crashed: bool,
    /// When the server's current or last crash ends: while `crashed`, its
    /// restart is due then (see `Sim::restart_api_servers_due`).
    up_at: Micros,
    /// The server's zone (from the scenario), read at every crash and
    /// restart.
    zone: ZoneId,
    epoch: u32,
    s_crash: Stream,
    s_restart: Stream,
    /// The server's next restart time and the time to its next crash
    /// after it: drawn one crash ahead (see `Sim::draw_api_ahead`).
    next_restart: Micros,
    next_ttf: Micros,
}

#[derive(Clone, Debug)]
enum Plan {
    /// The primary will come back by itself (restart, zone returns).
    Wait,
    Failover {
        to: NodeId,
        position: Micros,
    },
    Restore(RestorePlan),
    /// No copy survives: start over with an empty database on a new disk.
    StartEmpty,
}

/// What [`Sim::plan_primary_recovery`] chose, told in words only when
/// recording.
enum PlanStory {
    Failover { automatic: bool, to: NodeId },
    Restore(RestorePlan),
    StartEmpty,
    WaitReplica(NodeId),
    WaitPrimary,
}

struct Recovery {
    epoch: u32,
    incident: Option<usize>,
    failed_at: Micros,
    plan: Plan,
}

struct Corruption {
    at: Micros,
    share: f64,
    incident: Option<usize>,
    what: String,
}

/// A recovery from logical damage in progress.
struct LogicalRestore {
    epoch: u32,
    corruption: usize,
    detected_at: Micros,
    position: Micros,
    how: String,
    /// A delayed replica that becomes the primary, if that is the source.
    promote: Option<NodeId>,
    corrupt_tried: u32,
}

struct Split {
    old: NodeId,
    /// Share of the writes the deposed primary keeps taking: the share of
    /// healthy API servers that can reach only it.
    old_share: f64,
    position: Micros,
    promoted_at: Micros,
    regions: (RegionId, RegionId),
    incident: Option<usize>,
}

struct PendingSplit {
    epoch: u32,
    candidate: NodeId,
    fence_at: Option<Micros>,
    regions: (RegionId, RegionId),
    incident: Option<usize>,
}

/// An event. Indices and epochs are `u32` so that an event is 12 bytes
/// and a queue entry (with its incident) 32: the queue moves entries, not
/// references to them. Validation bounds a scenario's components far below
/// 2^32 (`scenario::validate::NODES_MAX` and its neighbours), and a trial,
/// capped at 50 million events, cannot count epochs or corruptions past it.
///
/// `ApiRestart` is queued only when restarts are (`Sim::eager_restarts`);
/// otherwise the event loop makes them, and `ApiPoolCheck` is due at the
/// earliest restart while the API pool is short (see `Sim::api_wake`).
#[derive(Clone, Copy, Debug)]
enum Ev {
    ApiCrash { server: u32, epoch: u32 },
    ApiRestart { server: u32 },
    ApiPoolCheck,
    NodeCrash { node: u32, epoch: u32 },
    NodeRestart { node: u32, epoch: u32 },
    DiskLoss { node: u32, epoch: u32 },
    DiskReplaced { node: u32, epoch: u32 },
    RebuildDone { node: u32, epoch: u32 },
    ZoneDown { zone: u32 },
    ZoneUp { zone: u32, stochastic: bool },
    RegionDown { region: u32 },
    RegionUp { region: u32, stochastic: bool },
    PartitionStart { pair: u32 },
    PartitionEnd { a: u32, b: u32, stochastic: bool },
    Delete,
    Scheduled { index: u32 },
    MigrationRun { index: u32 },
    Detect { corruption: u32 },
    Recover { epoch: u32 },
    LogicalRestored { epoch: u32 },
    SplitFence { epoch: u32 },
    SplitPromote { epoch: u32 },
    LockEnd,
    StallEnd,
}

/// An index or epoch as an [`Ev`] holds it.
#[inline(always)]
fn ix(i: usize) -> u32 {
    debug_assert!(u32::try_from(i).is_ok(), "index {i} does not fit an event");
    i as u32
}

/// The incident a queued event belongs to (`Sim::ctx`), in 4 bytes:
/// its index plus one, so that `None` costs nothing.
type Inc = Option<NonZeroU32>;

// A queued event and its incident: 16 bytes, so a queue entry is 32.
const _: () = assert!(std::mem::size_of::<(Ev, Inc)>() == 16);

#[inline(always)]
fn to_inc(ctx: Option<usize>) -> Inc {
    ctx.and_then(|i| NonZeroU32::new(ix(i) + 1))
}

#[inline(always)]
fn from_inc(inc: Inc) -> Option<usize> {
    inc.map(|i| i.get() as usize - 1)
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

    api: Vec<ApiState>,
    nodes: Vec<NodeState>,
    zone_down: Vec<u32>,
    /// Zone z is down or in a region that is down: `zone_down[z] > 0 ||
    /// region_down[its region] > 0`, kept by `zone_changed`, which runs
    /// after every change of either.
    zone_dark: Vec<bool>,
    zone_until: Vec<Micros>,
    region_down: Vec<u32>,
    region_until: Vec<Micros>,
    destroyed: Vec<Vec<Micros>>,
    /// `region_down[r] > 0`, kept as a slice for the backup catalog.
    region_is_down: Vec<bool>,
    /// Active partitions per region pair (index into `Engine::region_pairs`).
    partitioned: Vec<u32>,
    /// The sum of `partitioned`: most of the time zero, and then no pair
    /// need be looked at.
    partitions_active: u32,
    broken_windows: Vec<(Micros, Micros)>,

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
    corruptions: Vec<Corruption>,
    logical: Option<LogicalRestore>,

    /// API servers neither crashed nor in a zone or region that is down.
    /// Kept by `set_api_crashed` (one server) and by zone_changed
    /// (the servers of a zone whose darkness changed), so that the write
    /// path, which runs after every event, need not walk the pool.
    api_serving: u32,
    /// The earliest restart due among the crashed API servers (`MAX` if
    /// none is, or if restarts are queued): the event loop makes the
    /// restarts due before it handles an event, rather than queueing each.
    api_next_up: Micros,
    /// The crashed API servers, in no order: the ones whose restarts
    /// `api_next_up` looks after.
    api_down: Vec<u32>,
    /// The earliest queued `ApiPoolCheck` (`MAX` if none is known): one is
    /// queued while the pool is short, since a restart may then end an
    /// outage at its own moment.
    api_wake: Micros,
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
    downs: Vec<(Micros, Micros)>,
    outage_owner: Option<usize>,
    db_up: bool,
    db_down_since: Option<Micros>,
    db_downs: Vec<(Micros, Micros)>,
    /// Disjoint, sorted windows of the log already counted as lost.
    lost: Vec<(Micros, Micros)>,
    lost_in_horizon: u64,
    lost_acked_time: Micros,
    /// When the data set last started from empty (`None`: it holds its
    /// whole history).
    data_origin: Option<Micros>,
    /// Writes (expected) of the data set already destroyed by damage that
    /// was kept: later losses must not count them again.
    kept_gone: f64,

    s_workload: StreamRng,
    s_ops: Stream,
    s_failover: Stream,
    s_delete: Stream,
    s_zone: Vec<Stream>,
    s_zone_dur: Vec<Stream>,
    s_region: Vec<Stream>,
    s_region_dur: Vec<Stream>,
    s_partition: Vec<Stream>,
    s_partition_dur: Vec<Stream>,
}

impl<'e, 'a> Sim<'e, 'a> {
    fn new(e: &'e Engine<'a>, ts: u64, record: bool, scratch: &mut Scratch) -> Self {
        let sc = e.sc;
        let l = &e.labels;
        let api_len = sc.api.as_ref().map_or(0, |a| a.servers.len());
        let mut sim = Sim {
            e,
            sc,
            trial_seed: ts,
            now: 0,
            // Empty, not allocated: the thread's queue arrives by the swap below.
            queue: EventQueue::default(),
            ctx: None,
            record,
            outcome: TrialOutcome {
                horizon: sc.horizon,
                incidents: {
                    let mut v = std::mem::take(&mut scratch.spare_incidents);
                    v.clear();
                    v.reserve(scratch.incidents_hint);
                    v
                },
                ..Default::default()
            },
            api: Vec::new(),
            nodes: Vec::new(),
            zone_down: Vec::new(),
            zone_dark: Vec::new(),
            zone_until: Vec::new(),
            region_down: Vec::new(),
            region_until: Vec::new(),
            destroyed: Vec::new(),
            region_is_down: Vec::new(),
            partitioned: Vec::new(),
            partitions_active: 0,
            broken_windows: Vec::new(),
            primary: sc.initial_primary(),
            recovery: None,
            outage_start: None,
            detect_at: None,
            respond_at: None,
            source_epoch: 0,
            replan: false,
            epoch: 0,
            fenced: false,
            split: None,
            pending_split: None,
            semi_fallback: false,
            sync_degraded: false,
            sync_blocked: false,
            stall_until: 0,
            locks: 0,
            corruptions: Vec::new(),
            logical: None,
            api_serving: api_len as u32,
            api_next_up: Micros::MAX,
            api_down: Vec::new(),
            api_wake: Micros::MAX,
            eager_restarts: record,
            quiet_api: None,
            write_up: true,
            api_ok_seen: true,
            write_path_seen_at: 0,
            down_since: None,
            downs: Vec::new(),
            outage_owner: None,
            db_up: true,
            db_down_since: None,
            db_downs: Vec::new(),
            lost: Vec::new(),
            lost_in_horizon: 0,
            lost_acked_time: 0,
            data_origin: None,
            kept_gone: 0.0,
            s_workload: stream_from(mix64(ts ^ fnv1a("workload"))),
            s_ops: Stream::new(ts, fnv1a("operators")),
            s_failover: Stream::new(ts, fnv1a("failover")),
            s_delete: Stream::new(ts, fnv1a("delete")),
            s_zone: Vec::new(),
            s_zone_dur: Vec::new(),
            s_region: Vec::new(),
            s_region_dur: Vec::new(),
            s_partition: Vec::new(),
            s_partition_dur: Vec::new(),
        };
        scratch.swap(&mut sim);
        sim.queue.clear(sc.horizon);
        sim.nodes.clear();
        sim.nodes
            .extend(sc.nodes.iter().enumerate().map(|(i, n)| NodeState {
                crashed: false,
                restart_at: 0,
                disk: Disk::Ok,
                disk_epoch: 0,
                crash_epoch: 0,
                restart_epoch: 0,
                disk_ready: false,
                rebuild_waiting: false,
                rebuild_source: 0,
                disk_fail_epoch: 0,
                role: n.role,
                mode: n.mode,
                active: n.active,
                stale: false,
                connected: n.role == Role::Replica,
                frozen_received: 0,
                frozen_applied: 0,
                data_since: 0,
                zone: n.zone,
                s_crash: Stream::new(ts, l.db_crash[i]),
                s_restart: Stream::new(ts, l.db_restart[i]),
                s_disk: Stream::new(ts, l.disk[i]),
                s_replace: Stream::new(ts, l.disk_replace[i]),
                s_lag: Stream::new(ts, l.lag[i]),
            }));
        sim.api.clear();
        sim.api_down.clear();
        let api_zones = sc.api.as_ref().map_or(&[][..], |a| &a.servers[..]);
        sim.api.extend((0..api_len).map(|k| ApiState {
            crashed: false,
            up_at: 0,
            zone: api_zones[k],
            epoch: 0,
            s_crash: Stream::new(ts, l.api_crash[k]),
            s_restart: Stream::new(ts, l.api_restart[k]),
            next_restart: 0,
            next_ttf: 0,
        }));
        let (zones, regions) = (sc.zones.len(), sc.regions.len());
        refill(&mut sim.zone_down, zones, 0);
        refill(&mut sim.zone_dark, zones, false);
        refill(&mut sim.zone_until, zones, 0);
        refill(&mut sim.region_down, regions, 0);
        refill(&mut sim.region_until, regions, 0);
        sim.destroyed.truncate(regions);
        sim.destroyed.iter_mut().for_each(Vec::clear);
        sim.destroyed.resize_with(regions, Vec::new);
        refill(&mut sim.region_is_down, regions, false);
        refill(&mut sim.partitioned, e.region_pairs.len(), 0);
        sim.broken_windows.clear();
        sim.corruptions.clear();
        sim.downs.clear();
        sim.db_downs.clear();
        sim.lost.clear();
        refill_streams(&mut sim.s_zone, ts, &l.zone);
        refill_streams(&mut sim.s_zone_dur, ts, &l.zone_duration);
        refill_streams(&mut sim.s_region, ts, &l.region);
        refill_streams(&mut sim.s_region_dur, ts, &l.region_duration);
        refill_streams(&mut sim.s_partition, ts, &l.partition);
        refill_streams(&mut sim.s_partition_dur, ts, &l.partition_duration);
        sim
    }

    // ----- bookkeeping -------------------------------------------------

    /// Schedules a new failure arrival: it belongs to no incident yet.
    fn at_new(&mut self, delay: Micros, ev: Ev) {
        let at = self.now.saturating_add(delay);
        self.queue.push(at, (ev, None));
    }

    fn at(&mut self, delay: Micros, ev: Ev) {
        let at = self.now.saturating_add(delay);
        self.queue.push(at, (ev, to_inc(self.ctx)));
    }

    fn note(&mut self, what: Happening) {
        if self.record {
            self.outcome.records.push(Record {
                at: self.now,
                incident: self.ctx,
                what,
            });
        }
    }

    /// [`Sim::note`] for the frequent events: the story's strings (names,
    /// formatted durations) are built only when recording, since most
    /// trials are run only to be counted. `what` reads the state and cannot
    /// change it (no random draw may hide in a story).
    fn note_with(&mut self, what: impl FnOnce(&Self) -> Happening) {
        if self.record {
            let what = what(self);
            self.note(what);
        }
    }

    fn open_incident(&mut self, cause: FaultKind, target: SmallStr, note: Option<String>) -> usize {
        let id = self.outcome.incidents.len();
        self.outcome.incidents.push(Incident {
            cause,
            target,
            disruption: cause.disruption(),
            at: self.now,
            lost_writes: 0,
            rpo: 0,
            rto: 0,
            diverged_writes: 0,
            recovery: None,
        });
        self.ctx = Some(id);
        self.note_with(|s| Happening::Fault {
            kind: cause,
            target: s.outcome.incidents[id].target.to_string(),
            note,
        });
        id
    }

    fn set_recovery_label(&mut self, incident: Option<usize>, how: &str) {
        if let Some(i) = incident {
            self.outcome.incidents[i].recovery = Some(SmallStr::new(how));
        }
    }

    fn operator_response(&mut self) -> Micros {
        let d = self.s_ops.sample(&self.sc.operators.response);
        let hour = (self.now % DAY) / HOUR;
        if self.sc.operators.night_multiplier != 1.0 && !(7..22).contains(&hour) {
            (d as f64 * self.sc.operators.night_multiplier) as Micros
        } else {
            d
        }
    }

    #[inline(always)]
    fn node_zone(&self, n: NodeId) -> ZoneId {
        self.nodes[n].zone
    }

    #[inline]
    fn node_region(&self, n: NodeId) -> RegionId {
        self.sc.zones[self.node_zone(n)].region
    }

    #[inline(always)]
    fn zone_is_down(&self, z: ZoneId) -> bool {
        self.zone_dark[z]
    }

    #[inline(always)]
    fn node_up(&self, n: NodeId) -> bool {
        let s = &self.nodes[n];
        !s.crashed && s.disk == Disk::Ok && !self.zone_is_down(self.node_zone(n))
    }

    #[inline]
    fn pair_index(&self, a: RegionId, b: RegionId) -> Option<usize> {
        self.e.pair_table[a * self.sc.regions.len() + b]
    }

    #[inline]
    fn partitioned(&self, a: RegionId, b: RegionId) -> bool {
        self.partitions_active > 0
            && a != b
            && self
                .pair_index(a, b)
                .is_some_and(|i| self.partitioned[i] > 0)
    }

    /// The primary is up and nothing stands between it and its writes.
    #[inline(always)]
    fn primary_serving(&self) -> bool {
        self.node_up(self.primary) && self.recovery.is_none() && !self.fenced
    }

    /// Up-time of the write path inside [a, b].
    fn acked_time(&self, a: Micros, b: Micros) -> Micros {
        if b <= a {
            return 0;
        }
        let overlap = |s: Micros, e: Micros| e.min(b).saturating_sub(s.max(a));
        let mut down: Micros = self.downs.iter().map(|&(s, e)| overlap(s, e)).sum();
        if let Some(s) = self.down_since {
            down += overlap(s, self.now.max(s));
        }
        (b - a).saturating_sub(down)
    }

    fn poisson(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 || !mean.is_finite() {
            return 0;
        }
        match Poisson::new(mean) {
            Ok(p) => {
                let x: f64 = p.sample(&mut self.s_workload);
                x as u64
            }
            Err(_) => 0,
        }
    }

    /// Counts the writes acknowledged in [a, b] as lost (those not already
    /// counted), charges them to the current incident, and returns them.
    fn lose_window(&mut self, a: Micros, b: Micros) -> u64 {
        if b <= a {
            return 0;
        }
        // The parts of [a, b] not already lost, visited in order: the
        // write-path up-time in them, and the span of writes this loss
        // takes, from the first newly lost moment at which writes were
        // being accepted.
        let mut acked: Micros = 0;
        let mut first_fresh = None;
        let mut fresh = |s: Micros, e: Micros| {
            let up = self.acked_time(s, e);
            acked += up;
            if up > 0 && first_fresh.is_none() {
                first_fresh = Some(s + self.first_acked_offset(s, e));
            }
        };
        let mut cursor = a;
        for &(s, e) in &self.lost {
            if e <= cursor || s >= b {
                continue;
            }
            if s > cursor {
                fresh(cursor, s);
            }
            cursor = cursor.max(e);
        }
        if cursor < b {
            fresh(cursor, b);
        }
        let first_fresh = first_fresh.unwrap_or(b);
        let lost = self.poisson(self.sc.workload.writes_per_sec * acked as f64 / 1e6);
        self.lost_acked_time += acked;
        self.lost_in_horizon += lost;
        // Merge [a, b] into the sorted, disjoint set, in place.
        self.lost.push((a, b));
        self.lost.sort_unstable();
        let mut kept = 0;
        for i in 0..self.lost.len() {
            let (s, e) = self.lost[i];
            if kept > 0 && s <= self.lost[kept - 1].1 {
                self.lost[kept - 1].1 = self.lost[kept - 1].1.max(e);
            } else {
                self.lost[kept] = (s, e);
                kept += 1;
            }
        }
        self.lost.truncate(kept);
        self.charge_loss(lost, if lost > 0 { b - first_fresh } else { 0 });
        lost
    }

    /// How far into [a, b] the write path was first up.
    fn first_acked_offset(&self, a: Micros, b: Micros) -> Micros {
        let mut t = a;
        // Skip the downtime intervals that cover `t`, in order.
        loop {
            let covering = self
                .downs
                .iter()
                .copied()
                .chain(self.down_since.map(|s| (s, self.now.max(s))))
                .find(|&(s, e)| s <= t && t < e);
            match covering {
                Some((_, e)) if e < b => t = e,
                Some(_) => return b - a,
                None => return t - a,
            }
        }
    }

    fn charge_loss(&mut self, lost: u64, rpo: Micros) {
        self.outcome.lost_writes += lost;
        if let Some(i) = self.ctx {
            let inc = &mut self.outcome.incidents[i];
            inc.lost_writes += lost;
            inc.rpo = inc.rpo.max(rpo);
        }
    }

    /// Writes acknowledged over the data set's whole life before `t`
    /// (its history before the horizon, plus what the trial accepted).
    fn writes_before_mean(&self, t: Micros) -> f64 {
        let (history, origin) = match self.data_origin {
            None => (self.sc.workload.history, 0),
            Some(o) => (0, o),
        };
        let all =
            self.sc.workload.writes_per_sec * (history + self.acked_time(origin, t)) as f64 / 1e6;
        // What a kept damage destroyed is no longer there to lose.
        (all - self.kept_gone).max(0.0)
    }

    /// How far back the data set reaches from `t`: the span a permanent
    /// loss of a share of it covers.
    fn data_age(&self, t: Micros) -> Micros {
        match self.data_origin {
            None => self.sc.workload.history + t,
            Some(o) => t.saturating_sub(o),
        }
    }

    fn backup_world(&self) -> BackupWorld<'_> {
        BackupWorld {
            trial_seed: self.trial_seed,
            db_down: &self.db_downs,
            db_down_since: self.db_down_since,
            destroyed: &self.destroyed,
            down: &self.region_is_down,
            broken_windows: &self.broken_windows,
        }
    }

    // ----- positions ----------------------------------------------------

    /// (received, applied) position of a replica receiving live at `now`.
    fn live_position(&mut self, n: NodeId) -> (Micros, Micros) {
        let t = self.now;
        let mode = self.nodes[n].mode;
        match mode {
            ReplicationMode::Sync => (t, t),
            ReplicationMode::SemiSync if !self.semi_fallback => (t, t),
            _ => {
                let lag = self.nodes[n].s_lag.sample(&self.sc.replication.lag);
                let received = t.saturating_sub(lag);
                let applied = if mode == ReplicationMode::Delayed {
                    received.min(t.saturating_sub(self.sc.replication.delay))
                } else {
                    received
                };
                (received, applied)
            }
        }
    }

    /// Received position of a replica, live or frozen.
    fn received_position(&mut self, n: NodeId) -> Micros {
        if self.nodes[n].connected {
            self.live_position(n).0
        } else {
            self.nodes[n].frozen_received
        }
    }

    /// Whether replica `n` receives the log, given what does not depend on
    /// `n`: whether the primary serves, and its region.
    fn can_replicate(&self, n: NodeId, serving: bool, primary_region: RegionId) -> bool {
        serving
            && n != self.primary
            && self.nodes[n].role == Role::Replica
            && !self.nodes[n].stale
            && self.node_up(n)
            && !self.partitioned(self.node_region(n), primary_region)
    }

    fn refresh_connections(&mut self) {
        // Runs after every event: what does not depend on the replica is
        // worked out once (disconnecting a replica changes neither).
        let serving = self.primary_serving();
        let primary_region = self.node_region(self.primary);
        for n in 0..self.nodes.len() {
            let should = self.can_replicate(n, serving, primary_region);
            let st = &self.nodes[n];
            if st.connected && !should {
                let (r, a) = self.live_position(n);
                let st = &mut self.nodes[n];
                st.frozen_received = r;
                st.frozen_applied = a;
                st.connected = false;
            } else if !st.connected && should {
                self.nodes[n].connected = true;
            }
        }
    }

    // ----- the central consequence function ---------------------------

    fn refresh(&mut self) {
        self.refresh_connections();
        // Deposed primaries resync as soon as they can run.
        for n in 0..self.nodes.len() {
            let st = &self.nodes[n];
            if st.stale
                && st.disk == Disk::Ok
                && !st.crashed
                && !self.zone_is_down(self.node_zone(n))
                && n != self.primary
            {
                self.start_rebuild(n);
            }
        }
        let primary_up = self.node_up(self.primary);
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
                    component: s.sc.nodes[s.primary].name.clone(),
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
            for n in 0..self.nodes.len() {
                let st = &self.nodes[n];
                if st.rebuild_waiting && st.disk == Disk::Rebuilding && n != self.primary {
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
        self.refresh_write_path();
    }

    fn refresh_replication_guarantees(&mut self) {
        let serving = self.primary_serving();
        // Runs after every event: one pass over the replicas, no allocation.
        let (mut has_sync, mut sync_ok, mut has_semi, mut semi_ok) = (false, false, false, false);
        for (n, st) in self.nodes.iter().enumerate() {
            if n == self.primary || st.role != Role::Replica {
                continue;
            }
            match st.mode {
                ReplicationMode::Sync => {
                    has_sync = true;
                    sync_ok |= st.connected;
                }
                ReplicationMode::SemiSync => {
                    has_semi = true;
                    semi_ok |= st.connected;
                }
                _ => {}
            }
        }

        if has_sync && serving {
            let ok = sync_ok;
            match self.sc.replication.sync_on_replica_down {
                SyncDown::Block => self.sync_blocked = !ok,
                SyncDown::Degrade => {
                    if !ok && !self.sync_degraded {
                        self.sync_degraded = true;
                        self.note_with(|_| Happening::Degraded {
                            why: "no synchronous replica is reachable: writes continue unprotected, as async".into(),
                        });
                    } else if ok && self.sync_degraded {
                        self.sync_degraded = false;
                        self.note_with(|_| Happening::Protected {
                            why: "a synchronous replica acknowledges writes again".into(),
                        });
                    }
                }
            }
        } else {
            self.sync_blocked = false;
        }

        if has_semi && serving {
            let ok = semi_ok;
            if !ok && !self.semi_fallback {
                self.semi_fallback = true;
                let timeout = self.sc.replication.semi_sync_timeout;
                self.stall_until = self.now + timeout;
                if timeout > 0 {
                    self.at(timeout, Ev::StallEnd);
                }
                self.note_with(|_| Happening::Degraded {
                    why: format!(
                        "no semi-sync replica acknowledges: writes wait {} then continue as async",
                        human_duration(timeout)
                    ),
                });
            } else if ok && self.semi_fallback {
                self.semi_fallback = false;
                self.note_with(|_| Happening::Protected {
                    why: "a semi-sync replica caught up: writes are acknowledged only once a replica has them".into(),
                });
            }
        }
    }

    /// The API servers neither crashed nor in a zone that is down: what
    /// `api_serving` keeps, recounted (the unit tests compare the two).
    #[cfg(test)]
    fn count_api_serving(&self) -> u32 {
        let Some(api) = &self.sc.api else { return 0 };
        api.servers
            .iter()
            .enumerate()
            .filter(|&(k, &z)| !self.api[k].crashed && !self.zone_is_down(z))
            .count() as u32
    }

    /// Whether zone `z` is down or in a region that is down, from the
    /// counts (what `zone_dark` caches).
    fn zone_dark_now(&self, z: ZoneId) -> bool {
        self.zone_down[z] > 0 || self.region_down[self.sc.zones[z].region] > 0
    }

    /// Brings zone `z`'s darkness up to date after its count or its
    /// region's changed, and `api_serving` with it: only the servers of `z`
    /// can start or stop serving (the engine's unit tests check the count
    /// against a recount at every event).
    fn zone_changed(&mut self, z: ZoneId) {
        let dark = self.zone_dark_now(z);
        if dark == self.zone_dark[z] {
            return;
        }
        self.zone_dark[z] = dark;
        let e = self.e;
        for &k in &e.api_in_zone[z] {
            if !self.api[k].crashed {
                if dark {
                    self.api_serving -= 1;
                } else {
                    self.api_serving += 1;
                }
            }
        }
    }

    /// [`Sim::zone_changed`] for every zone of region `r`.
    fn region_changed(&mut self, r: RegionId) {
        let e = self.e;
        for &z in &e.zones_in_region[r] {
            self.zone_changed(z);
        }
    }

    fn api_capacity_ok(&self) -> (bool, u32) {
        let Some(api) = &self.sc.api else {
            return (true, 0);
        };
        #[cfg(test)]
        {
            assert_eq!(
                self.api_serving,
                self.count_api_serving(),
                "api_serving out of step"
            );
            for z in 0..self.sc.zones.len() {
                assert_eq!(
                    self.zone_dark[z],
                    self.zone_dark_now(z),
                    "zone_dark out of step"
                );
            }
        }
        if self.partitions_active == 0 {
            // Without a partition every running server reaches the primary.
            return (self.api_serving >= api.min_healthy, self.api_serving);
        }
        let pr = self.node_region(self.primary);
        let old_region = self.split.as_ref().map(|s| self.node_region(s.old));
        let healthy = api
            .servers
            .iter()
            .enumerate()
            .filter(|&(k, &z)| {
                let r = self.sc.zones[z].region;
                !self.api[k].crashed
                    && !self.zone_is_down(z)
                    && (!self.partitioned(r, pr)
                        || old_region.is_some_and(|o| !self.partitioned(r, o)))
            })
            .count() as u32;
        (healthy >= api.min_healthy, healthy)
    }

    fn refresh_write_path(&mut self) {
        let db_up = self.primary_serving();
        let serving = db_up || self.split.is_some();
        if db_up != self.db_up {
            self.db_up = db_up;
            if db_up {
                self.outage_start = None;
                self.detect_at = None;
                self.respond_at = None;
                if let Some(s) = self.db_down_since.take() {
                    self.db_downs.push((s, self.now));
                }
            } else {
                self.db_down_since = Some(self.now);
                self.source_epoch += 1;
            }
        }
        let (api_ok, healthy) = self.api_capacity_ok();
        self.api_ok_seen = api_ok;
        self.write_path_seen_at = self.now;
        let db_ok = serving
            && !self.sync_blocked
            && self.now >= self.stall_until
            && self.locks == 0
            && self.logical.is_none();
        let up = db_ok && api_ok;
        if up == self.write_up {
            return;
        }
        self.write_up = up;
        if up {
            let since = self.down_since.take().unwrap_or(self.now);
            self.downs.push((since, self.now));
            if let Some(i) = self.outage_owner.take() {
                let inc = &mut self.outcome.incidents[i];
                inc.rto = inc.rto.max(self.now - inc.at);
            }
            self.note(Happening::WritesResumed {
                after: self.now - since,
            });
        } else {
            self.down_since = Some(self.now);
            if let Some(k) = self.quiet_api.take() {
                self.list_quiet_api_crash(k as usize);
            }
            self.outage_owner = self.ctx;
            if self.record {
                let why = self.why_down(serving, api_ok, healthy);
                self.note(Happening::WritesStopped { why });
            }
        }
    }

    /// After an API server's event: whether [`Sim::refresh_write_path`]
    /// would change nothing, so it need not run. Such an event moves only
    /// the count of serving servers, so the write path can move only if
    /// the pool's sufficiency changed, or (with a partition) the walk over
    /// the pool could give another answer, or the stall that ends at
    /// `stall_until` ended since the last check (the one input that
    /// changes with time alone).
    #[inline]
    fn write_path_settled(&self) -> bool {
        let Some(api) = &self.sc.api else {
            return false;
        };
        self.partitions_active == 0
            && (self.api_serving >= api.min_healthy) == self.api_ok_seen
            && !(self.write_path_seen_at < self.stall_until && self.stall_until <= self.now)
    }

    fn why_down(&self, serving: bool, api_ok: bool, healthy: u32) -> String {
        let p = &self.sc.nodes[self.primary].name;
        if self.logical.is_some() {
            "the database is being restored to a point before the damage".into()
        } else if !serving {
            if self.fenced {
                format!("the primary {p} is fenced: it lost its lease and refuses writes")
            } else {
                match self.recovery.as_ref().map(|r| &r.plan) {
                    Some(Plan::Failover { .. }) => {
                        format!("the primary {p} is down; failover in progress")
                    }
                    Some(Plan::Restore(_)) => {
                        format!("the primary {p} is down; restore in progress")
                    }
                    _ => format!("the primary {p} is down"),
                }
            }
        } else if self.locks > 0 {
            "a schema migration holds the database".into()
        } else if self.sync_blocked {
            "no synchronous replica can acknowledge: writes block".into()
        } else if self.now < self.stall_until {
            "semi-sync waits for a replica acknowledgement".into()
        } else if !api_ok {
            let api = self
                .sc
                .api
                .as_ref()
                .map(|a| (a.servers.len(), a.min_healthy))
                .unwrap_or((0, 0));
            format!(
                "only {healthy} of {} API servers can serve (at least {} needed)",
                api.0, api.1
            )
        } else {
            "writes are rejected".into()
        }
    }

    // ----- recovery of the primary ---------------------------------------

    /// When the primary, down but with its data, will run again.
    fn return_time(&self, n: NodeId) -> Option<Micros> {
        let s = &self.nodes[n];
        if s.disk != Disk::Ok {
            return None;
        }
        let z = self.node_zone(n);
        let r = self.sc.zones[z].region;
        let mut t = self.now;
        if s.crashed {
            t = t.max(s.restart_at);
        }
        if self.zone_down[z] > 0 {
            t = t.max(self.zone_until[z]);
        }
        if self.region_down[r] > 0 {
            t = t.max(self.region_until[r]);
        }
        Some(t)
    }

    /// The most up-to-date replica that could become the primary.
    fn best_candidate(&mut self) -> Option<(NodeId, Micros)> {
        let p = self.primary;
        let pr = self.node_region(p);
        let mut best: Option<(NodeId, Micros, (bool, bool))> = None;
        for n in 0..self.nodes.len() {
            if n == p
                || self.nodes[n].role != Role::Replica
                || self.nodes[n].stale
                || !self.node_up(n)
            {
                continue;
            }
            let pos = self.received_position(n);
            let pref = (self.node_region(n) == pr, self.nodes[n].active);
            let better = match &best {
                None => true,
                Some((_, bp, bpref)) => pos > *bp || (pos == *bp && pref > *bpref),
            };
            if better {
                best = Some((n, pos, pref));
            }
        }
        best.map(|(n, p, _)| (n, p))
    }

    fn restore_options(&mut self, target: Micros) -> Option<RestorePlan> {
        let w = self.backup_world();
        let pitr = plan_pitr(self.sc, &w, self.now, target);
        let backup = plan_restore(self.sc, &w, self.now, target);
        match (pitr, backup) {
            (Some(p), Some(b)) => Some(
                if (p.position, std::cmp::Reverse(p.duration))
                    >= (b.position, std::cmp::Reverse(b.duration))
                {
                    p
                } else {
                    b
                },
            ),
            (p, b) => p.or(b),
        }
    }

    /// Time left until the failure detector declares the primary dead,
    /// counted from when it stopped serving (drawn once per outage).
    fn detection_remaining(&mut self) -> Micros {
        let at = match self.detect_at {
            Some(at) => at,
            None => {
                let start = self.outage_start.unwrap_or(self.now);
                let at = start + self.s_failover.sample(&self.sc.failover.detection);
                self.detect_at = Some(at);
                at
            }
        };
        at.saturating_sub(self.now)
    }

    /// Time left until an operator acts on the outage (paged once per outage).
    fn response_remaining(&mut self) -> Micros {
        let at = match self.respond_at {
            Some(at) => at,
            None => {
                let start = self.outage_start.unwrap_or(self.now);
                let at = start + self.operator_response();
                self.respond_at = Some(at);
                at
            }
        };
        at.saturating_sub(self.now)
    }

    fn plan_primary_recovery(&mut self) {
        let failed_at = *self.outage_start.get_or_insert(self.now);
        let p = self.primary;
        let data_ok = self.nodes[p].disk == Disk::Ok;
        let back_at = self.return_time(p);
        let fo = &self.sc.failover;
        let mut plan: Option<(Plan, Micros, PlanStory, Option<Micros>)> = None;

        // With the primary's data gone, people promote whatever replica has
        // the data, even where nothing is configured to fail over.
        let may_fail_over = fo.mode != FailoverMode::None || !data_ok;
        let candidate = if may_fail_over {
            self.best_candidate()
        } else {
            None
        };
        // A replica too far behind is not promoted while the primary will
        // come back (Patroni's maximum_lag_on_failover).
        let candidate = candidate.filter(|&(_, position)| {
            !data_ok || self.log_bytes(failed_at.saturating_sub(position)) <= fo.max_lag
        });
        if let Some((c, position)) = candidate {
            let same_region = self.node_region(c) == self.node_region(p);
            let automatic = fo.mode == FailoverMode::Automatic && (same_region || fo.cross_region);
            let start = if automatic {
                self.detection_remaining()
            } else {
                self.response_remaining()
            };
            if back_at.is_none_or(|b| b > self.now + start) {
                let mut ready = start + self.s_failover.sample(&self.sc.failover.promotion);
                if !self.nodes[c].active {
                    ready += self.s_failover.sample(&self.sc.failover.standby_warmup);
                }
                if self.nodes[c].mode == ReplicationMode::Delayed {
                    // Received but not yet applied log must be replayed first.
                    let applied = if self.nodes[c].connected {
                        position.saturating_sub(self.sc.replication.delay)
                    } else {
                        self.nodes[c].frozen_applied
                    };
                    ready += self.replay_time(position.saturating_sub(applied));
                }
                plan = Some((
                    Plan::Failover { to: c, position },
                    ready,
                    PlanStory::Failover { automatic, to: c },
                    Some(failed_at.saturating_sub(position)),
                ));
            }
        }
        if plan.is_none() && !data_ok {
            let response = self.response_remaining();
            match self.restore_options(failed_at) {
                Some(r) => {
                    let provision = self.s_ops.sample(
                        &self
                            .sc
                            .backups
                            .as_ref()
                            .expect("a restore plan implies backups")
                            .provision,
                    );
                    let window = Some(failed_at.saturating_sub(r.position));
                    plan = Some((
                        Plan::Restore(r.clone()),
                        response + provision + r.duration,
                        PlanStory::Restore(r),
                        window,
                    ));
                }
                None => {
                    plan = Some((Plan::StartEmpty, 0, PlanStory::StartEmpty, None));
                }
            }
            // A replica that still holds the data but is down for now (a
            // crash, its zone out) is waited for: the best surviving copy
            // becomes authoritative, and a backup is always older.
            let returning = (0..self.nodes.len())
                .filter(|&m| {
                    m != p
                        && self.nodes[m].role == Role::Replica
                        && !self.nodes[m].stale
                        && !self.node_up(m)
                })
                .filter_map(|m| self.return_time(m).map(|t| (t, m)))
                .min();
            if let Some((back, m)) = returning {
                plan = Some((Plan::Wait, back - self.now, PlanStory::WaitReplica(m), None));
            }
        }
        let (plan, ready, story, window) = plan.unwrap_or((
            Plan::Wait,
            back_at.unwrap_or(self.now) - self.now,
            PlanStory::WaitPrimary,
            Some(0),
        ));
        self.epoch += 1;
        let incident = self.ctx.or(self.outage_owner);
        let timed = matches!(plan, Plan::Failover { .. } | Plan::Restore(_));
        self.recovery = Some(Recovery {
            epoch: self.epoch,
            incident,
            failed_at,
            plan,
        });
        if timed {
            let epoch = self.epoch;
            self.at(ready, Ev::Recover { epoch });
        }
        self.note_with(|s| Happening::RecoveryPlanned {
            how: s.tell_plan(story),
            ready_in: ready,
            window,
        });
    }

    /// A recovery plan in the story's words.
    fn tell_plan(&self, story: PlanStory) -> String {
        match story {
            PlanStory::Failover { automatic, to } => format!(
                "{} failover to {}{}",
                if automatic { "automatic" } else { "manual" },
                self.sc.nodes[to].name,
                if automatic {
                    ""
                } else {
                    " (an operator decides)"
                }
            ),
            PlanStory::Restore(r) => restore_label(&r),
            PlanStory::StartEmpty => "no copy survives: start again with an empty database".into(),
            PlanStory::WaitReplica(m) => format!(
                "wait for replica {}, which still holds the data, to come back",
                self.sc.nodes[m].name
            ),
            PlanStory::WaitPrimary => "wait for the primary to come back".into(),
        }
    }

    /// Bytes of log the writes of `span` occupy.
    fn log_bytes(&self, span: Micros) -> f64 {
        self.sc.workload.writes_per_sec * self.sc.workload.write_size * span as f64 / 1e6
    }

    fn replay_time(&self, span: Micros) -> Micros {
        (self.log_bytes(span) / self.sc.replication.replay_throughput * 1e6) as Micros
    }

    fn on_recover(&mut self, epoch: u32) {
        let Some(rec) = self.recovery.take_if(|r| r.epoch == epoch) else {
            return;
        };
        self.ctx = rec.incident;
        match rec.plan {
            Plan::Failover { to, position } => {
                if !self.node_up(to) || self.nodes[to].stale {
                    // The chosen replica failed meanwhile: choose again.
                    self.plan_primary_recovery();
                    return;
                }
                let lost = self.lose_window(position, rec.failed_at);
                let from = self.primary;
                self.promote(to);
                if let Some(i) = rec.incident {
                    self.outcome.incidents[i].recovery = Some(crate::sim::outcome::concat(&[
                        "failover to ",
                        &self.sc.nodes[to].name,
                    ]));
                }
                self.note_with(|s| Happening::Promoted {
                    from: s.sc.nodes[from].name.clone(),
                    to: s.sc.nodes[to].name.clone(),
                    window: rec.failed_at.saturating_sub(position),
                    lost_writes: lost,
                });
            }
            Plan::Restore(r) => {
                let p = self.primary;
                let lost = self.lose_window(r.position, rec.failed_at);
                self.install_fresh_copy(p, r.position);
                let how = restore_label(&r);
                self.set_recovery_label(rec.incident, &how);
                self.note(Happening::Restored {
                    how,
                    window: rec.failed_at.saturating_sub(r.position),
                    lost_writes: lost,
                    corrupt_tried: r.corrupt_tried,
                });
            }
            Plan::Wait | Plan::StartEmpty => {
                self.recovery = Some(rec);
            }
        }
    }

    /// Puts freshly restored data on node `n` (new hardware, in a surviving
    /// region if its own is down) and makes every other copy resync from it.
    fn install_fresh_copy(&mut self, n: NodeId, position: Micros) {
        if self.zone_is_down(self.node_zone(n)) {
            let elsewhere = (0..self.sc.zones.len()).find(|&z| !self.zone_is_down(z));
            self.nodes[n].zone = elsewhere.unwrap_or(self.nodes[n].zone);
        }
        let st = &mut self.nodes[n];
        st.disk = Disk::Ok;
        st.disk_ready = false;
        st.disk_epoch += 1;
        st.crashed = false;
        st.stale = false;
        st.data_since = position;
        self.schedule_disk_failure(n);
        for m in 0..self.nodes.len() {
            if m != n && self.nodes[m].role == Role::Replica && self.nodes[m].disk != Disk::Lost {
                self.nodes[m].stale = true;
                self.nodes[m].connected = false;
            }
        }
        self.note_with(|s| Happening::Up {
            component: s.sc.nodes[n].name.clone(),
        });
    }

    fn promote(&mut self, to: NodeId) {
        let old = self.primary;
        self.nodes[old].mode = self.nodes[to].mode;
        self.nodes[old].active = self.nodes[to].active;
        self.nodes[old].role = Role::Replica;
        self.nodes[old].stale = true;
        if self.nodes[old].disk_ready {
            // Its new, empty disk is seeded from the new primary.
            self.nodes[old].disk_ready = false;
            self.nodes[old].disk = Disk::Ok;
        }
        self.nodes[old].connected = false;
        self.nodes[to].role = Role::Primary;
        self.nodes[to].connected = false;
        self.primary = to;
        self.source_epoch += 1;
    }

    /// Re-seeds node `n` from the serving primary, or marks it to wait for
    /// one: a copy needs a live source.
    fn start_rebuild(&mut self, n: NodeId) {
        let serving = self.primary_serving();
        let source = self.source_epoch;
        let st = &mut self.nodes[n];
        st.disk = Disk::Rebuilding;
        st.disk_epoch += 1;
        st.stale = false;
        st.connected = false;
        st.rebuild_waiting = !serving;
        st.rebuild_source = source;
        if !serving {
            return;
        }
        let epoch = st.disk_epoch;
        let t = (self.sc.workload.data_size / self.sc.database.rebuild_throughput * 1e6) as Micros;
        self.at(t, Ev::RebuildDone { node: ix(n), epoch });
        self.note_with(|s| Happening::Rebuilding {
            node: s.sc.nodes[n].name.clone(),
            ready_in: t,
        });
    }

    // ----- failure processes ----------------------------------------------

    fn start(&mut self) {
        let sc = self.sc;
        if let Some(f) = &sc.faults.api_crash {
            for k in 0..self.api.len() {
                let t = self.api[k].s_crash.sample(&f.time_to_failure);
                self.at_new(
                    t,
                    Ev::ApiCrash {
                        server: ix(k),
                        epoch: 0,
                    },
                );
            }
        }
        for k in 0..self.api.len() {
            self.draw_api_ahead(k);
        }
        for n in 0..self.nodes.len() {
            self.schedule_crash(n);
            self.schedule_disk_failure(n);
        }
        if let Some(f) = &sc.faults.zone_outage {
            for z in 0..sc.zones.len() {
                let t = self.s_zone[z].sample(&f.time_to_failure);
                self.at_new(t, Ev::ZoneDown { zone: ix(z) });
            }
        }
        if let Some(f) = &sc.faults.region_outage {
            for r in 0..sc.regions.len() {
                let t = self.s_region[r].sample(&f.time_to_failure);
                self.at_new(t, Ev::RegionDown { region: ix(r) });
            }
        }
        if let Some(f) = &sc.faults.partition {
            for p in 0..self.e.region_pairs.len() {
                let t = self.s_partition[p].sample(&f.time_to_failure);
                self.at_new(t, Ev::PartitionStart { pair: ix(p) });
            }
        }
        if let Some(f) = &sc.faults.accidental_delete {
            let t = self.s_delete.sample(&f.time_to_failure);
            self.at_new(t, Ev::Delete);
        }
        for (i, e) in sc.events.iter().enumerate() {
            self.queue
                .push(e.at, (Ev::Scheduled { index: ix(i) }, None));
        }
        for (i, m) in sc.migrations.iter().enumerate() {
            self.queue
                .push(m.at, (Ev::MigrationRun { index: ix(i) }, None));
        }
    }

    fn schedule_crash(&mut self, n: NodeId) {
        if let Some(f) = &self.sc.faults.db_crash {
            let st = &mut self.nodes[n];
            st.crash_epoch += 1;
            let epoch = st.crash_epoch;
            let t = st.s_crash.sample(&f.time_to_failure);
            self.at_new(t, Ev::NodeCrash { node: ix(n), epoch });
        }
    }

    fn schedule_disk_failure(&mut self, n: NodeId) {
        let st = &mut self.nodes[n];
        st.disk_fail_epoch += 1;
        if let Some(f) = &self.sc.faults.disk_loss {
            let epoch = st.disk_fail_epoch;
            let t = st.s_disk.sample(&f.time_to_failure);
            self.at_new(t, Ev::DiskLoss { node: ix(n), epoch });
        }
    }

    fn crash_node(&mut self, n: NodeId) {
        let restart = self.nodes[n].s_restart.sample(&self.sc.database.restart);
        let st = &mut self.nodes[n];
        st.crashed = true;
        st.crash_epoch += 1;
        st.restart_epoch += 1;
        st.restart_at = self.now + restart;
        let epoch = st.restart_epoch;
        self.at(restart, Ev::NodeRestart { node: ix(n), epoch });
        self.note_with(|s| Happening::Down {
            component: s.sc.nodes[n].name.clone(),
            why: format!("process crashed; restarts in {}", human_duration(restart)),
        });
        if n == self.primary
            && matches!(
                self.recovery,
                Some(Recovery {
                    plan: Plan::Wait,
                    ..
                })
            )
        {
            self.replan = true;
        }
    }

    fn lose_disk(&mut self, n: NodeId, replace_after: Micros) {
        let st = &mut self.nodes[n];
        st.disk = Disk::Lost;
        st.disk_epoch += 1;
        st.disk_fail_epoch += 1;
        st.connected = false;
        let epoch = st.disk_epoch;
        let replace = st.s_replace.sample(&self.sc.database.disk_replace);
        self.at(
            replace_after + replace,
            Ev::DiskReplaced { node: ix(n), epoch },
        );
        self.note_with(|s| Happening::Down {
            component: s.sc.nodes[n].name.clone(),
            why: format!(
                "disk lost: its copy of the data is gone; new disk in {}",
                human_duration(replace_after + replace)
            ),
        });
        if n == self.primary
            && matches!(
                self.recovery,
                Some(Recovery {
                    plan: Plan::Wait,
                    ..
                })
            )
        {
            self.recovery = None;
            self.replan = true;
            self.plan_primary_recovery();
        }
    }

    /// The node a scheduled fault hits; `None` when it names a replica
    /// the strategy does not have.
    fn resolve_node(&self, t: Target) -> Option<NodeId> {
        match t {
            Target::Node(n) => Some(n),
            Target::Replica => (0..self.nodes.len())
                .filter(|&n| n != self.primary && self.nodes[n].role == Role::Replica)
                .min_by_key(|&n| !self.node_up(n)),
            Target::Absent => None,
            _ => Some(self.primary),
        }
    }

    fn target_name(&self, t: Target) -> SmallStr {
        match t {
            Target::ApiServer(k) => match self.e.api_names.get(k) {
                Some(name) => name.clone(),
                None => crate::sim::outcome::concat(&["api-", &k.to_string()]),
            },
            Target::Node(_) | Target::Primary | Target::Replica | Target::Absent => {
                match self.resolve_node(t) {
                    Some(n) => self.e.node_names[n].clone(),
                    None => SmallStr::new("(no such replica)"),
                }
            }
            Target::Zone(z) => SmallStr::new(&self.sc.zones[z].name),
            Target::Region(r) => SmallStr::new(&self.sc.regions[r].name),
            Target::RegionPair(a, b) => crate::sim::outcome::concat(&[
                &self.sc.regions[a].name,
                " <-> ",
                &self.sc.regions[b].name,
            ]),
            Target::System => SmallStr::new("data set"),
        }
    }

    fn on_api_crash(&mut self, server: usize, epoch: u32) {
        if epoch == self.api[server].epoch {
            self.crash_api(server, None);
        }
    }

    /// Restarts the crashed API servers whose restart is due (`up_at` at
    /// or before now), and finds the next one due. Unless restarts are
    /// queued: then [`Sim::on_api_restart`] makes each.
    fn restart_api_servers_due(&mut self) {
        let mut next = Micros::MAX;
        let mut i = 0;
        while i < self.api_down.len() {
            let k = self.api_down[i] as usize;
            let up_at = self.api[k].up_at;
            if up_at > self.now {
                next = next.min(up_at);
                i += 1;
                continue;
            }
            self.api_down.swap_remove(i);
            self.set_api_crashed(k, false);
        }
        self.api_next_up = next;
    }

    /// A queued restart (recording, or the full-refresh mode): one server
    /// at a time, as the story tells it, where servers due at the same
    /// moment would otherwise come back together.
    fn on_api_restart(&mut self, server: usize) {
        self.set_api_crashed(server, false);
        self.note_with(|s| Happening::Up {
            component: s.e.api_names[server].to_string(),
        });
    }

    /// While the pool is short, the next restart may end the outage at its
    /// own moment, which the lazy restarts of `restart_api_servers_due`
    /// would miss: queue it as an event.
    #[cold]
    fn wake_for_api_restart(&mut self) {
        self.api_wake = self.api_next_up;
        self.queue.push(self.api_wake, (Ev::ApiPoolCheck, None));
    }

    /// Handles an event other than an API server's own (its incident,
    /// `ctx`, already set); returns whether it moved at most the API pool,
    /// as those do (see `run_trial_in`): an outage of a zone holding no
    /// database node, starting or ending while no recovery is under way.
    fn handle(&mut self, ev: Ev) -> bool {
        let pool_only = match ev {
            Ev::ZoneDown { zone } | Ev::ZoneUp { zone, .. } => {
                self.recovery.is_none() && self.nodes.iter().all(|n| n.zone != zone as usize)
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

    fn dispatch(&mut self, ev: Ev) {
        let sc = self.sc;
        match ev {
            Ev::ApiCrash { server, epoch } => self.on_api_crash(server as usize, epoch),
            Ev::ApiRestart { server } => self.on_api_restart(server as usize),
            // Made by the event loop before it dispatches an event.
            Ev::ApiPoolCheck => {}
            Ev::NodeCrash { node, epoch } => {
                let node = node as usize;
                if epoch != self.nodes[node].crash_epoch {
                    return;
                }
                if self.nodes[node].crashed || self.nodes[node].disk != Disk::Ok {
                    self.schedule_crash(node);
                    return;
                }
                self.open_incident(FaultKind::DbCrash, self.e.node_names[node].clone(), None);
                self.crash_node(node);
            }
            Ev::NodeRestart { node, epoch } => {
                let node = node as usize;
                if epoch != self.nodes[node].restart_epoch {
                    return;
                }
                self.nodes[node].crashed = false;
                self.replan = true;
                self.schedule_crash(node);
                if self.nodes[node].disk == Disk::Ok && !self.zone_is_down(self.node_zone(node)) {
                    self.note_with(|s| Happening::Up {
                        component: s.sc.nodes[node].name.clone(),
                    });
                }
            }
            Ev::DiskLoss { node, epoch } => {
                let node = node as usize;
                if epoch != self.nodes[node].disk_fail_epoch {
                    return;
                }
                self.open_incident(FaultKind::DiskLoss, self.e.node_names[node].clone(), None);
                self.lose_disk(node, 0);
            }
            Ev::DiskReplaced { node, epoch } => {
                let node = node as usize;
                if epoch != self.nodes[node].disk_epoch {
                    return;
                }
                self.on_disk_replaced(node);
            }
            Ev::RebuildDone { node, epoch } => {
                let node = node as usize;
                if epoch != self.nodes[node].disk_epoch {
                    return;
                }
                if self.nodes[node].rebuild_source != self.source_epoch {
                    // The source stopped serving or changed during the
                    // copy: it must start again.
                    self.start_rebuild(node);
                    return;
                }
                let now = self.now;
                let st = &mut self.nodes[node];
                st.disk = Disk::Ok;
                st.data_since = now;
                // It holds everything up to the moment the copy completes.
                st.frozen_received = now;
                st.frozen_applied = now;
                self.replan = true;
                self.note_with(|s| Happening::Up {
                    component: s.sc.nodes[node].name.clone(),
                });
            }
            Ev::ZoneDown { zone } => {
                let zone = zone as usize;
                let f = sc
                    .faults
                    .zone_outage
                    .as_ref()
                    .expect("scheduled only when configured");
                let d = self.s_zone_dur[zone].sample(f.duration.as_ref().expect("validated"));
                let name = SmallStr::new(&sc.zones[zone].name);
                self.open_incident(FaultKind::ZoneOutage, name, None);
                self.zone_outage(zone, d, true);
            }
            Ev::ZoneUp { zone, stochastic } => {
                let zone = zone as usize;
                self.zone_down[zone] -= 1;
                self.zone_changed(zone);
                self.replan = true;
                if self.zone_down[zone] == 0 {
                    self.note_with(|s| Happening::Up {
                        component: format!("zone {}", s.sc.zones[zone].name),
                    });
                }
                if stochastic && let Some(f) = &sc.faults.zone_outage {
                    let t = self.s_zone[zone].sample(&f.time_to_failure);
                    self.at_new(t, Ev::ZoneDown { zone: ix(zone) });
                }
            }
            Ev::RegionDown { region } => {
                let region = region as usize;
                let f = sc
                    .faults
                    .region_outage
                    .as_ref()
                    .expect("scheduled only when configured");
                let d = self.s_region_dur[region].sample(f.duration.as_ref().expect("validated"));
                let destroy = f.destroys_data > 0.0
                    && super::rng::hashed_unit(self.trial_seed, "region-destroy", self.now)
                        < f.destroys_data;
                let name = SmallStr::new(&sc.regions[region].name);
                self.open_incident(FaultKind::RegionOutage, name, None);
                self.region_outage(region, d, destroy, true);
            }
            Ev::RegionUp { region, stochastic } => {
                let region = region as usize;
                self.region_down[region] -= 1;
                self.region_is_down[region] = self.region_down[region] > 0;
                self.region_changed(region);
                self.replan = true;
                if self.region_down[region] == 0 {
                    self.note_with(|s| Happening::Up {
                        component: format!("region {}", s.sc.regions[region].name),
                    });
                }
                if stochastic && let Some(f) = &sc.faults.region_outage {
                    let t = self.s_region[region].sample(&f.time_to_failure);
                    self.at_new(t, Ev::RegionDown { region: ix(region) });
                }
            }
            Ev::PartitionStart { pair } => {
                let pair = pair as usize;
                let f = sc
                    .faults
                    .partition
                    .as_ref()
                    .expect("scheduled only when configured");
                let d = self.s_partition_dur[pair].sample(f.duration.as_ref().expect("validated"));
                let (a, b) = self.e.region_pairs[pair];
                let name = self.target_name(Target::RegionPair(a, b));
                self.open_incident(FaultKind::Partition, name, None);
                self.partition(a, b, d, true);
            }
            Ev::PartitionEnd { a, b, stochastic } => {
                self.on_partition_end(a as usize, b as usize, stochastic)
            }
            Ev::Delete => {
                let f = sc
                    .faults
                    .accidental_delete
                    .as_ref()
                    .expect("scheduled only when configured");
                let detect = self.s_delete.sample(f.detect.as_ref().expect("validated"));
                let share = f.share;
                self.open_incident(FaultKind::AccidentalDelete, SmallStr::new("data set"), None);
                self.corrupt(share, detect, "an accidental delete".into());
                let t = self.s_delete.sample(&f.time_to_failure);
                self.at_new(t, Ev::Delete);
            }
            Ev::Scheduled { index } => self.scheduled(index as usize),
            Ev::MigrationRun { index } => self.migration(index as usize),
            Ev::Detect { corruption } => self.on_detect(corruption as usize),
            Ev::Recover { epoch } => self.on_recover(epoch),
            Ev::LogicalRestored { epoch } => self.on_logical_restored(epoch),
            Ev::SplitFence { epoch } => {
                if let Some(p) = &self.pending_split
                    && p.epoch == epoch
                {
                    self.ctx = p.incident;
                    self.fenced = true;
                    self.pending_split.as_mut().expect("checked").fence_at = Some(self.now);
                }
            }
            Ev::SplitPromote { epoch } => self.on_split_promote(epoch),
            Ev::LockEnd => self.locks -= 1,
            Ev::StallEnd => {}
        }
    }

    /// Marks API server `k` crashed or running, keeping `api_serving`.
    fn set_api_crashed(&mut self, k: usize, crashed: bool) {
        if self.api[k].crashed == crashed {
            return;
        }
        self.api[k].crashed = crashed;
        if !self.zone_is_down(self.api[k].zone) {
            if crashed {
                self.api_serving -= 1;
            } else {
                self.api_serving += 1;
            }
        }
    }

    fn crash_api(&mut self, k: usize, note: Option<String>) {
        if self.api[k].crashed {
            return;
        }
        if self.record {
            self.open_incident(FaultKind::ApiCrash, self.e.api_names[k].clone(), note);
        } else {
            // Counted, not listed, unless it stops writes: an API server
            // holds no data, so nothing else can be charged to it.
            self.outcome.quiet_api_crashes += 1;
            self.quiet_api = Some(ix(k));
            self.ctx = None;
        }
        let restart = self.api[k].next_restart;
        let ttf = self.api[k].next_ttf;
        self.set_api_crashed(k, true);
        let st = &mut self.api[k];
        st.epoch += 1;
        let epoch = st.epoch;
        let up_at = self.now.saturating_add(restart);
        st.up_at = up_at;
        // The restart is an event of the trial whether or not it is queued.
        if up_at < self.sc.horizon {
            self.outcome.events += 1;
        }
        if self.eager_restarts {
            self.at(restart, Ev::ApiRestart { server: ix(k) });
        } else {
            self.api_down.push(ix(k));
            self.api_next_up = self.api_next_up.min(up_at);
        }
        // The next crash, scheduled now rather than at the restart: the
        // server's own stream gives the same draw either way.
        if self.sc.faults.api_crash.is_some() {
            self.queue.push(
                up_at.saturating_add(ttf),
                (
                    Ev::ApiCrash {
                        server: ix(k),
                        epoch,
                    },
                    None,
                ),
            );
        }
        self.note_with(|s| Happening::Down {
            component: s.e.api_names[k].to_string(),
            why: format!("crashed; restarts in {}", human_duration(restart)),
        });
        self.draw_api_ahead(k);
    }

    /// Draws API server `k`'s next restart time and time to failure, the
    /// values its next crash will use, from the server's own streams (so
    /// the same values as drawing them at that crash). Nothing waits for
    /// them until then: the processor computes them while the trial goes
    /// on, where a crash that drew its own values waited for each.
    fn draw_api_ahead(&mut self, k: usize) {
        let sc = self.sc;
        let st = &mut self.api[k];
        if let Some(api) = &sc.api {
            st.next_restart = st.s_restart.sample(&api.restart);
        }
        if let Some(f) = &sc.faults.api_crash {
            st.next_ttf = st.s_crash.sample(&f.time_to_failure);
        }
    }

    /// Lists the crash of API server `k`, counted as quiet by `crash_api`
    /// during this event, as the incident of the outage it starts.
    #[cold]
    fn list_quiet_api_crash(&mut self, k: usize) {
        self.outcome.quiet_api_crashes -= 1;
        self.open_incident(FaultKind::ApiCrash, self.e.api_names[k].clone(), None);
    }

    fn on_disk_replaced(&mut self, n: NodeId) {
        let is_primary = n == self.primary;
        let start_empty = is_primary
            && matches!(
                self.recovery,
                Some(Recovery {
                    plan: Plan::StartEmpty,
                    ..
                })
            );
        if start_empty {
            let rec = self.recovery.take().expect("checked");
            self.ctx = rec.incident;
            let (lost, window) = self.lose_everything(rec.failed_at);
            self.set_recovery_label(rec.incident, "started again empty: all data lost");
            self.note_with(|_| Happening::DataLost {
                lost_writes: lost,
                window,
                why: "no replica and no backup held the data".into(),
            });
            self.install_fresh_copy(n, self.now);
            return;
        }
        if is_primary && self.recovery.is_some() {
            // The recovery under way decides what this node holds: a restore
            // installs data on it; after a failover (now, or once a replica
            // being waited for returns) it is re-seeded as a replica.
            self.nodes[n].disk_ready = true;
            self.schedule_disk_failure(n);
            return;
        }
        if self.zone_is_down(self.node_zone(n)) {
            // The new disk waits for its zone; then it is re-seeded.
            self.nodes[n].disk = Disk::Ok;
            self.nodes[n].stale = true;
        } else {
            self.start_rebuild(n);
        }
        self.schedule_disk_failure(n);
    }

    /// No copy survived a failure at `failed_at`: every write the data set
    /// held is gone, its history too unless an earlier loss already took it.
    /// Returns the writes lost and the span they covered.
    fn lose_everything(&mut self, failed_at: Micros) -> (u64, Micros) {
        let origin = self.data_origin.unwrap_or(0);
        let mut lost = self.lose_window(origin, failed_at);
        let mut window = failed_at - origin;
        if self.data_origin.is_none() {
            // Rows a kept damage already destroyed are not lost again.
            let history = self.sc.workload.writes_per_sec * self.sc.workload.history as f64 / 1e6;
            let before = self.poisson((history - self.kept_gone).max(0.0));
            window += self.sc.workload.history;
            self.charge_loss(before, window);
            lost += before;
        }
        self.data_origin = Some(self.now);
        self.kept_gone = 0.0;
        (lost, window)
    }

    fn zone_outage(&mut self, z: ZoneId, d: Micros, stochastic: bool) {
        self.zone_down[z] += 1;
        self.zone_changed(z);
        self.zone_until[z] = self.zone_until[z].max(self.now + d);
        self.at(
            d,
            Ev::ZoneUp {
                zone: ix(z),
                stochastic,
            },
        );
        self.note_with(|s| Happening::Down {
            component: format!("zone {}", s.sc.zones[z].name),
            why: format!("zone outage for {}", human_duration(d)),
        });
        if self.nodes[self.primary].role == Role::Primary && self.node_zone(self.primary) == z {
            self.replan = true;
        }
    }

    fn region_outage(&mut self, r: RegionId, d: Micros, destroy: bool, stochastic: bool) {
        self.region_down[r] += 1;
        self.region_is_down[r] = true;
        self.region_changed(r);
        self.region_until[r] = self.region_until[r].max(self.now + d);
        self.at(
            d,
            Ev::RegionUp {
                region: ix(r),
                stochastic,
            },
        );
        self.note_with(|s| Happening::Down {
            component: format!("region {}", s.sc.regions[r].name),
            why: format!(
                "region outage for {}{}",
                human_duration(d),
                if destroy {
                    "; the data center is destroyed with every disk and backup in it"
                } else {
                    ""
                }
            ),
        });
        if destroy {
            self.destroyed[r].push(self.now);
            for n in 0..self.nodes.len() {
                if self.node_region(n) == r && self.nodes[n].disk != Disk::Lost {
                    self.lose_disk(n, d);
                }
            }
        }
        self.replan = true;
    }

    fn partition(&mut self, a: RegionId, b: RegionId, d: Micros, stochastic: bool) {
        let Some(i) = self.pair_index(a, b) else {
            return;
        };
        self.partitioned[i] += 1;
        self.partitions_active += 1;
        self.at(
            d,
            Ev::PartitionEnd {
                a: ix(a),
                b: ix(b),
                stochastic,
            },
        );
        self.note_with(|s| Happening::Down {
            component: format!("network {}", s.target_name(Target::RegionPair(a, b))),
            why: format!("network partition for {}", human_duration(d)),
        });
        let fo = &self.sc.failover;
        let pr = self.node_region(self.primary);
        if !(fo.promote_on_partition && fo.cross_region && fo.mode == FailoverMode::Automatic)
            || self.recovery.is_some()
            || self.split.is_some()
            || self.pending_split.is_some()
        {
            return;
        }
        if pr != a && pr != b {
            return;
        }
        let other = if pr == a { b } else { a };
        // The failure detector on the far side sees the primary vanish.
        let candidate = (0..self.nodes.len())
            .filter(|&n| {
                n != self.primary
                    && self.nodes[n].role == Role::Replica
                    && !self.nodes[n].stale
                    && self.node_up(n)
                    && self.node_region(n) == other
            })
            .max_by_key(|&n| (self.nodes[n].active, std::cmp::Reverse(n)));
        let Some(candidate) = candidate else { return };
        let detect = self.s_failover.sample(&fo.detection);
        let promote = self.s_failover.sample(&fo.promotion);
        self.epoch += 1;
        let epoch = self.epoch;
        self.pending_split = Some(PendingSplit {
            epoch,
            candidate,
            fence_at: None,
            regions: (a, b),
            incident: self.ctx,
        });
        if fo.fencing {
            self.at(detect, Ev::SplitFence { epoch });
        }
        self.at(detect + promote, Ev::SplitPromote { epoch });
    }

    fn on_split_promote(&mut self, epoch: u32) {
        let Some(p) = self.pending_split.take_if(|p| p.epoch == epoch) else {
            return;
        };
        self.ctx = p.incident;
        let c = p.candidate;
        if !self.node_up(c) || !self.partitioned(p.regions.0, p.regions.1) {
            self.fenced = false;
            return;
        }
        let position = self.received_position(c);
        let old = self.primary;
        let (from, to) = (
            self.sc.nodes[old].name.clone(),
            self.sc.nodes[c].name.clone(),
        );
        if let Some(fence_at) = p.fence_at {
            // The old primary stopped at its lease expiry; what it took
            // after the replica's position is gone.
            let lost = self.lose_window(position, fence_at);
            self.fenced = false;
            self.promote(c);
            self.set_recovery_label(
                p.incident,
                &format!("failover to {to} (old primary fenced)"),
            );
            self.note(Happening::Promoted {
                from,
                to,
                window: fence_at.saturating_sub(position),
                lost_writes: lost,
            });
        } else {
            self.promote(c);
            // The deposed primary keeps serving its side: it is not stale yet.
            self.nodes[old].stale = false;
            self.nodes[old].role = Role::Replica;
            let old_share = self.old_side_share(old);
            self.split = Some(Split {
                old,
                old_share,
                position,
                promoted_at: self.now,
                regions: p.regions,
                incident: p.incident,
            });
            self.set_recovery_label(
                p.incident,
                &format!("split brain: {from} and {to} both took writes"),
            );
            self.note(Happening::SplitBrain { old: from, new: to });
        }
    }

    fn on_partition_end(&mut self, a: RegionId, b: RegionId, stochastic: bool) {
        let Some(i) = self.pair_index(a, b) else {
            return;
        };
        self.partitioned[i] -= 1;
        self.partitions_active -= 1;
        self.note_with(|s| Happening::Up {
            component: format!("network {}", s.target_name(Target::RegionPair(a, b))),
        });
        if self.partitioned[i] == 0 {
            if self
                .pending_split
                .as_ref()
                .is_some_and(|p| self.pair_index(p.regions.0, p.regions.1) == Some(i))
            {
                self.pending_split = None;
                self.fenced = false;
            }
            let split_here = self
                .split
                .as_ref()
                .is_some_and(|s| self.pair_index(s.regions.0, s.regions.1) == Some(i));
            if let Some(s) = self.split.take_if(|_| split_here) {
                self.ctx = s.incident;
                // Writes the old primary took after the new one's position:
                // all of them until the promotion, then its side's share.
                let before = self.acked_time(s.position, s.promoted_at) as f64;
                let after = self.acked_time(s.promoted_at, self.now) as f64 * s.old_share;
                let diverged =
                    self.poisson(self.sc.workload.writes_per_sec * (before + after) / 1e6);
                self.charge_loss(
                    diverged,
                    if diverged > 0 {
                        self.now - s.position
                    } else {
                        0
                    },
                );
                self.outcome.diverged_writes += diverged;
                if let Some(i) = s.incident {
                    self.outcome.incidents[i].diverged_writes += diverged;
                }
                self.nodes[s.old].stale = true;
                self.note(Happening::Reconciled {
                    diverged_writes: diverged,
                });
            }
        }
        if stochastic && let Some(f) = &self.sc.faults.partition {
            let pair = self.pair_index(a, b).expect("pair exists");
            let t = self.s_partition[pair].sample(&f.time_to_failure);
            self.at_new(t, Ev::PartitionStart { pair: ix(pair) });
        }
    }

    /// The share of writes that reach the deposed primary during a split:
    /// the share of healthy API servers on its side.
    fn old_side_share(&self, old: NodeId) -> f64 {
        let Some(api) = &self.sc.api else { return 0.5 };
        let or = self.node_region(old);
        let nr = self.node_region(self.primary);
        let (mut old_side, mut total) = (0.0, 0.0);
        for (k, &z) in api.servers.iter().enumerate() {
            if self.api[k].crashed || self.zone_is_down(z) {
                continue;
            }
            let r = self.sc.zones[z].region;
            let reaches_new = !self.partitioned(r, nr);
            let reaches_old = !self.partitioned(r, or);
            if reaches_old || reaches_new {
                total += 1.0;
                if reaches_old && !reaches_new {
                    old_side += 1.0;
                }
            }
        }
        if total == 0.0 { 0.0 } else { old_side / total }
    }

    // ----- logical damage -------------------------------------------------

    fn corrupt(&mut self, share: f64, detect: Micros, what: String) {
        let id = self.corruptions.len();
        self.corruptions.push(Corruption {
            at: self.now,
            share,
            incident: self.ctx,
            what,
        });
        self.at(detect, Ev::Detect { corruption: ix(id) });
    }

    fn on_detect(&mut self, id: usize) {
        let (c, share, incident) = {
            let k = &self.corruptions[id];
            (k.at, k.share, k.incident)
        };
        self.ctx = incident;
        self.note_with(|s| Happening::Detected {
            what: s.corruptions[id].what.clone(),
            after: s.now - c,
        });
        if self.logical.is_some() {
            // Already restoring to an earlier point: that restore covers it.
            return;
        }
        let response = self.operator_response();
        let pause_at = self.now + response;
        // Option 1: a delayed replica that has not applied the damage yet.
        let mut best: Option<(Micros, Micros, String, Option<NodeId>, u32)> = None;
        for n in 0..self.nodes.len() {
            if n == self.primary
                || self.nodes[n].mode != ReplicationMode::Delayed
                || !self.node_up(n)
                || self.nodes[n].stale
                || self.nodes[n].data_since > c
            {
                continue;
            }
            let applied = if self.nodes[n].connected {
                pause_at.saturating_sub(self.sc.replication.delay)
            } else {
                self.nodes[n].frozen_applied
            };
            if applied < c {
                let d = response
                    + self.replay_time(c - applied)
                    + self.s_failover.sample(&self.sc.failover.promotion);
                let how = format!(
                    "delayed replica {} replayed to just before the damage and promoted",
                    self.sc.nodes[n].name
                );
                if best
                    .as_ref()
                    .is_none_or(|b| (c, std::cmp::Reverse(d)) > (b.0, std::cmp::Reverse(b.1)))
                {
                    best = Some((c, d, how, Some(n), 0));
                }
            }
        }
        // Option 2: point-in-time recovery or a backup from before the damage.
        if let Some(r) = self.restore_options(c) {
            let provision = self.s_ops.sample(
                &self
                    .sc
                    .backups
                    .as_ref()
                    .expect("restore implies backups")
                    .provision,
            );
            let d = response + provision + r.duration;
            if best
                .as_ref()
                .is_none_or(|b| (r.position, std::cmp::Reverse(d)) > (b.0, std::cmp::Reverse(b.1)))
            {
                best = Some((r.position, d, restore_label(&r), None, r.corrupt_tried));
            }
        }
        // Rolling back costs every write after the restore point; keeping
        // the damage costs the damaged share of the data. Operators pick the
        // smaller loss.
        let keep_loss = share * self.writes_before_mean(c);
        let had_option = best.is_some();
        if let Some((position, duration, how, promote, corrupt_tried)) = best {
            let rollback_loss =
                self.sc.workload.writes_per_sec * self.acked_time(position, self.now) as f64 / 1e6;
            if rollback_loss <= keep_loss {
                self.epoch += 1;
                self.logical = Some(LogicalRestore {
                    epoch: self.epoch,
                    corruption: id,
                    detected_at: self.now,
                    position,
                    how,
                    promote,
                    corrupt_tried,
                });
                let epoch = self.epoch;
                self.at(duration, Ev::LogicalRestored { epoch });
                self.note_with(|s| Happening::RecoveryPlanned {
                    how: s.logical.as_ref().expect("just planned").how.clone(),
                    ready_in: duration,
                    window: Some(s.now - position),
                });
                return;
            }
        }
        let lost = self.poisson(keep_loss);
        self.kept_gone += keep_loss;
        let window = self.data_age(c);
        self.charge_loss(lost, if lost > 0 { window } else { 0 });
        self.set_recovery_label(incident, "not recovered: the damaged rows are gone");
        self.note_with(|s| {
            let what = &s.corruptions[id].what;
            let why = if had_option {
                format!(
                    "{what} is left in place: rolling back to a clean copy would lose more writes than the damage"
                )
            } else {
                format!(
                    "{what} reached every copy: no backup, archive or delayed replica predates it"
                )
            };
            Happening::DataLost {
                lost_writes: lost,
                window,
                why,
            }
        });
    }

    fn on_logical_restored(&mut self, epoch: u32) {
        let Some(l) = self.logical.take_if(|l| l.epoch == epoch) else {
            return;
        };
        self.ctx = self.corruptions[l.corruption].incident;
        if l.promote.is_some_and(|n| !self.node_up(n)) {
            // The delayed replica failed during the recovery: choose again.
            self.on_detect(l.corruption);
            return;
        }
        let lost = self.lose_window(l.position, l.detected_at);
        match l.promote {
            Some(n) => {
                self.promote(n);
                self.nodes[n].data_since = l.position;
                for m in 0..self.nodes.len() {
                    if m != n && self.nodes[m].disk != Disk::Lost {
                        self.nodes[m].stale = true;
                        self.nodes[m].connected = false;
                    }
                }
            }
            _ => {
                let p = self.primary;
                self.recovery = None;
                self.install_fresh_copy(p, l.position);
            }
        }
        self.set_recovery_label(self.ctx, &l.how);
        self.note(Happening::Restored {
            how: l.how,
            window: l.detected_at.saturating_sub(l.position),
            lost_writes: lost,
            corrupt_tried: l.corrupt_tried,
        });
    }

    // ----- scheduled faults and migrations ----------------------------------

    fn scheduled(&mut self, index: usize) {
        let e = &self.sc.events[index];
        let target = self.target_name(e.target);
        match e.kind {
            FaultKind::ApiCrash => {
                if let Target::ApiServer(k) = e.target {
                    self.crash_api(k, e.note.clone());
                }
            }
            FaultKind::DbCrash => {
                let Some(n) = self.resolve_node(e.target) else {
                    return;
                };
                self.open_incident(FaultKind::DbCrash, target, e.note.clone());
                if !self.nodes[n].crashed && self.nodes[n].disk == Disk::Ok {
                    self.crash_node(n);
                }
            }
            FaultKind::DiskLoss => {
                let Some(n) = self.resolve_node(e.target) else {
                    return;
                };
                self.open_incident(FaultKind::DiskLoss, target, e.note.clone());
                if self.nodes[n].disk != Disk::Lost {
                    self.lose_disk(n, 0);
                }
            }
            FaultKind::ZoneOutage => {
                if let Target::Zone(z) = e.target {
                    self.open_incident(FaultKind::ZoneOutage, target, e.note.clone());
                    self.zone_outage(z, e.duration, false);
                }
            }
            FaultKind::RegionOutage => {
                if let Target::Region(r) = e.target {
                    self.open_incident(FaultKind::RegionOutage, target, e.note.clone());
                    self.region_outage(r, e.duration, e.destroys_data, false);
                }
            }
            FaultKind::Partition => {
                if let Target::RegionPair(a, b) = e.target {
                    self.open_incident(FaultKind::Partition, target, e.note.clone());
                    self.partition(a, b, e.duration, false);
                }
            }
            FaultKind::AccidentalDelete => {
                self.open_incident(FaultKind::AccidentalDelete, target, e.note.clone());
                let (share, detect) = (e.share, e.detect);
                self.corrupt(share, detect, "an accidental delete".into());
            }
            FaultKind::BackupFailure => {
                self.broken_windows.push((e.at, e.until));
                self.note(Happening::Fault {
                    kind: FaultKind::BackupFailure,
                    target: "backups".into(),
                    note: e.note.clone().or_else(|| {
                        Some(format!(
                            "every backup until {} silently fails",
                            crate::units::clock(e.until)
                        ))
                    }),
                });
            }
            FaultKind::Migration => {}
        }
    }

    fn migration(&mut self, index: usize) {
        let m = &self.sc.migrations[index];
        let effect = match &m.effect {
            MigrationEffect::Online => "online",
            MigrationEffect::Locking { .. } => "locking",
            MigrationEffect::Failing { .. } => "failing",
            MigrationEffect::Destructive { .. } => "destructive",
        };
        if m.effect != MigrationEffect::Online {
            self.open_incident(
                FaultKind::Migration,
                crate::sim::outcome::concat(&["migration V", &m.version]),
                Some(m.description.clone()),
            );
        }
        self.note_with(|_| Happening::Migration {
            version: m.version.clone(),
            description: m.description.clone(),
            effect: effect.into(),
        });
        match m.effect {
            MigrationEffect::Online => {}
            MigrationEffect::Locking { lock } => {
                self.locks += 1;
                self.at(lock, Ev::LockEnd);
                self.set_recovery_label(self.ctx, "the lock was released");
            }
            MigrationEffect::Failing { rollback, fix } => {
                let d = if rollback {
                    fix
                } else {
                    self.operator_response() + fix
                };
                self.locks += 1;
                self.at(d, Ev::LockEnd);
                self.set_recovery_label(
                    self.ctx,
                    if rollback {
                        "rolled back"
                    } else {
                        "repaired by hand"
                    },
                );
            }
            MigrationEffect::Destructive { share, detect } => {
                let what = format!("migration V{} ({})", m.version, m.description);
                self.corrupt(share, detect, what);
            }
        }
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
            self.ctx = self.corruptions[l.corruption].incident;
            self.lose_window(l.position, l.detected_at);
        }
        if let Some(s) = self.down_since.take() {
            self.downs.push((s, h));
            if let Some(i) = self.outage_owner.take() {
                let inc = &mut self.outcome.incidents[i];
                inc.rto = inc.rto.max(h - inc.at);
            }
        }
        let downtime: Micros = self.downs.iter().map(|&(s, e)| e.min(h) - s.min(h)).sum();
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

fn restore_label(r: &RestorePlan) -> String {
    let base = match r.source {
        RestoreSource::Snapshot => "restore of the snapshot taken before the change".to_string(),
        RestoreSource::PointInTime => "point-in-time recovery (backup + log archive)".to_string(),
        RestoreSource::Backup if r.incrementals > 0 => {
            format!(
                "restore of the full backup + {} incremental(s)",
                r.incrementals
            )
        }
        RestoreSource::Backup => "restore of a full backup".to_string(),
    };
    if r.corrupt_tried > 0 {
        format!(
            "{base}, after {} corrupt backup(s) failed to restore",
            r.corrupt_tried
        )
    } else {
        base
    }
}

#[cfg(test)]
mod tests;
