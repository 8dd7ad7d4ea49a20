//! A trial's buffers, kept between the trials of one thread, and
//! `Sim::new`, which takes them (emptied, capacity kept) and refills every
//! one; `Sim::finish` (engine.rs) gives them back with `Scratch::swap`.

use super::*;

/// The buffers a trial needs, kept between the trials of one thread: a
/// trial takes them (emptied, capacity kept) and gives them back, so that
/// it does not allocate its own. Contents never carry over: [`Sim::new`]
/// refills every one.
#[derive(Default)]
pub(super) struct Scratch {
    pub(super) queue: EventQueue<(Ev, Inc)>,
    pub(super) api: Vec<ApiState>,
    pub(super) api_down: Vec<u32>,
    pub(super) nodes: Vec<NodeState>,
    pub(super) zone_down: Vec<u32>,
    pub(super) zone_dark: Vec<bool>,
    pub(super) zone_until: Vec<Micros>,
    pub(super) region_down: Vec<u32>,
    pub(super) region_until: Vec<Micros>,
    pub(super) destroyed: Vec<Vec<Micros>>,
    pub(super) region_is_down: Vec<bool>,
    pub(super) partitioned: Vec<u32>,
    pub(super) broken_windows: Vec<(Micros, Micros)>,
    pub(super) corruptions: Vec<Corruption>,
    pub(super) downs: Vec<(Micros, Micros)>,
    pub(super) db_downs: Vec<(Micros, Micros)>,
    pub(super) lost: Vec<(Micros, Micros)>,
    pub(super) s_zone: Vec<Stream>,
    pub(super) s_zone_dur: Vec<Stream>,
    pub(super) s_region: Vec<Stream>,
    pub(super) s_region_dur: Vec<Stream>,
    pub(super) s_partition: Vec<Stream>,
    pub(super) s_partition_dur: Vec<Stream>,
    /// Incidents in this thread's last trial: the next outcome's list is
    /// sized from it rather than grown one reallocation at a time.
    pub(super) incidents_hint: usize,
    /// The incident list of an outcome given back by [`Engine::recycle`],
    /// emptied: the next trial fills it instead of allocating its own.
    pub(super) spare_incidents: Vec<Incident>,
}

thread_local! {
    /// Per thread, so the worker threads of a run share nothing mutable.
    pub(super) static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Scratch {
    /// Exchanges the buffers with those of `sim` (both ways: a trial's
    /// start and its end).
    pub(super) fn swap(&mut self, sim: &mut Sim) {
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
pub(super) fn refill<T: Clone>(v: &mut Vec<T>, n: usize, x: T) {
    v.clear();
    v.resize(n, x);
}

impl<'e, 'a> Sim<'e, 'a> {
    pub(super) fn new(e: &'e Engine<'a>, ts: u64, record: bool, scratch: &mut Scratch) -> Self {
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
}
