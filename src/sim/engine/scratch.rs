//! A trial's buffers, kept between the trials of one thread, and
//! `Sim::new`, which takes them (emptied, capacity kept) and has each part
//! refill its own (`reset`); `Sim::finish` (engine.rs) gives them back with
//! `Scratch::swap`. The buffers live in `Sim`'s parts (`Topology`,
//! `ApiPool`, `Logs`, `FaultStreams`), so a part is exchanged whole.

use super::*;

/// The buffers a trial needs, kept between the trials of one thread: a
/// trial takes them (emptied, capacity kept) and gives them back, so that
/// it does not allocate its own. Contents never carry over: [`Sim::new`]
/// resets every part.
#[derive(Default)]
pub(super) struct Scratch {
    queue: EventQueue<(Ev, Inc)>,
    topo: Topology,
    pool: ApiPool,
    logs: Logs,
    streams: FaultStreams,
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
        swap(&mut self.topo, &mut sim.topo);
        swap(&mut self.pool, &mut sim.pool);
        swap(&mut self.logs, &mut sim.logs);
        swap(&mut self.streams, &mut sim.streams);
    }
}

impl<'e, 'a> Sim<'e, 'a> {
    pub(super) fn new(e: &'e Engine<'a>, ts: u64, record: bool, scratch: &mut Scratch) -> Self {
        let sc = e.sc;
        let l = &e.labels;
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
            // Empty, not allocated: the thread's buffers arrive by the swap below.
            topo: Topology::default(),
            pool: ApiPool::default(),
            logs: Logs::default(),
            streams: FaultStreams::default(),
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
            logical: None,
            failback_since: None,
            failback_epoch: 0,
            switchover: None,
            eager_restarts: record,
            quiet_api: None,
            write_up: true,
            api_ok_seen: true,
            write_path_seen_at: 0,
            down_since: None,
            outage_owner: None,
            db_up: true,
            db_down_since: None,
            lost_in_horizon: 0,
            lost_acked_time: 0,
            data_origin: None,
            kept_gone: 0.0,
            s_workload: stream_from(mix64(ts ^ fnv1a("workload"))),
            s_failed: stream_from(mix64(ts ^ fnv1a("failed"))),
            s_ops: Stream::new(ts, fnv1a("operators")),
            s_failover: Stream::new(ts, fnv1a("failover")),
            s_delete: Stream::new(ts, fnv1a("delete")),
        };
        scratch.swap(&mut sim);
        sim.queue.clear(sc.horizon);
        sim.topo.reset(e, ts);
        sim.pool.reset(sc, ts, l);
        sim.logs.reset();
        sim.streams.reset(ts, l);
        sim
    }
}
