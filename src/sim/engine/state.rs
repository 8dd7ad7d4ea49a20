//! The state of the components: database nodes (process, disk, role,
//! frozen positions), API servers, and the topology's queries. A query
//! or update that needs only its part is a method of the part
//! (`Topology::node_up`, `node_zone`, `zone_is_down`; `ApiPool::set_crashed`);
//! `Sim` keeps those that also need the scenario or the engine's tables
//! (`node_region`, `partitioned`, `primary_serving`). Queries only read; the
//! counts they cache (`zone_dark`, `ApiPool::serving`) are kept by
//! `zone_changed`, `region_changed` and `ApiPool::set_crashed`, the only
//! writers.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Disk {
    Ok,
    Lost,
    Rebuilding,
}

pub(super) struct NodeState {
    pub(super) crashed: bool,
    pub(super) restart_at: Micros,
    pub(super) disk: Disk,
    /// Bumped whenever the disk changes, to cancel stale repair events.
    pub(super) disk_epoch: u32,
    /// Bumped when the stochastic crash chain restarts, to cancel a stale crash.
    pub(super) crash_epoch: u32,
    /// Bumped at each crash, to cancel a stale restart.
    pub(super) restart_epoch: u32,
    /// A new disk arrived while a failover away from this node was under way.
    pub(super) disk_ready: bool,
    /// A re-seed waits for a serving primary to copy from.
    pub(super) rebuild_waiting: bool,
    /// `Sim::source_epoch` when the running re-seed started.
    pub(super) rebuild_source: u64,
    pub(super) disk_fail_epoch: u32,
    pub(super) role: Role,
    /// How it replicates while a replica; a promoted replica hands its mode
    /// (and its active/standby role) to the primary it replaces.
    pub(super) mode: ReplicationMode,
    pub(super) active: bool,
    /// Its copy must be re-seeded in full (an empty disk, or a copy older
    /// than a restored or empty primary).
    pub(super) stale: bool,
    /// Its disk holds writes the current timeline lacks (a deposed primary,
    /// or a replica ahead of the one promoted): it must be rewound
    /// (pg_rewind) before it replicates again. Its frozen positions are the
    /// prefix it shares with the timeline; it can still be promoted.
    pub(super) diverged: bool,
    /// The span of log past that prefix, which the rewind undoes.
    pub(super) divergent_tail: Micros,
    /// The running repair (`Disk::Rebuilding`) is a rewind, not a re-seed.
    pub(super) rewinding: bool,
    pub(super) connected: bool,
    /// Position received / applied when it last stopped receiving.
    pub(super) frozen_received: Micros,
    pub(super) frozen_applied: Micros,
    /// When this copy was last seeded from another (0: from the start).
    pub(super) data_since: Micros,
    /// Where the node runs now: the zone the scenario puts it in, unless
    /// it was restored into another (its own being down). Asked for every
    /// node after every event.
    pub(super) zone: ZoneId,
    pub(super) s_crash: Stream,
    pub(super) s_restart: Stream,
    pub(super) s_disk: Stream,
    pub(super) s_replace: Stream,
    pub(super) s_lag: Stream,
}

pub(super) struct ApiState {
    pub(super) crashed: bool,
    /// When the server's current or last crash ends: while `crashed`, its
    /// restart is due then (see `Sim::restart_api_servers_due`).
    pub(super) up_at: Micros,
    /// The server's zone (from the scenario), read at every crash and
    /// restart.
    pub(super) zone: ZoneId,
    pub(super) epoch: u32,
    pub(super) s_crash: Stream,
    pub(super) s_restart: Stream,
    /// The server's next restart time and the time to its next crash
    /// after it: drawn one crash ahead (see `Sim::draw_api_ahead`).
    pub(super) next_restart: Micros,
    pub(super) next_ttf: Micros,
}

impl Sim<'_, '_> {
    /// The region node `n` runs in (the scenario maps zones to regions).
    #[inline]
    pub(super) fn node_region(&self, n: NodeId) -> RegionId {
        self.sc.zones[self.topo.node_zone(n)].region
    }

    #[inline]
    pub(super) fn pair_index(&self, a: RegionId, b: RegionId) -> Option<usize> {
        self.e.pair_table[a * self.sc.regions.len() + b]
    }

    #[inline]
    pub(super) fn partitioned(&self, a: RegionId, b: RegionId) -> bool {
        self.topo.partitions_active > 0
            && a != b
            && self
                .pair_index(a, b)
                .is_some_and(|i| self.topo.partitioned[i] > 0)
    }

    /// The primary is up and nothing stands between it and its writes.
    #[inline(always)]
    pub(super) fn primary_serving(&self) -> bool {
        self.topo.node_up(self.primary) && self.recovery.is_none() && !self.fenced
    }

    /// The API servers neither crashed nor in a zone that is down: what
    /// `ApiPool::serving` keeps, recounted (the unit tests compare the two).
    #[cfg(test)]
    pub(super) fn count_api_serving(&self) -> u32 {
        let Some(api) = &self.sc.api else { return 0 };
        api.servers
            .iter()
            .enumerate()
            .filter(|&(k, &z)| !self.pool.servers[k].crashed && !self.topo.zone_is_down(z))
            .count() as u32
    }

    /// Whether zone `z` is down or in a region that is down, from the
    /// counts (what `zone_dark` caches).
    pub(super) fn zone_dark_now(&self, z: ZoneId) -> bool {
        self.topo.zone_down[z] > 0 || self.topo.region_down[self.sc.zones[z].region] > 0
    }

    /// Brings zone `z`'s darkness up to date after its count or its
    /// region's changed, and `ApiPool::serving` with it: only the servers of `z`
    /// can start or stop serving (the engine's unit tests check the count
    /// against a recount at every event).
    pub(super) fn zone_changed(&mut self, z: ZoneId) {
        let dark = self.zone_dark_now(z);
        if dark == self.topo.zone_dark[z] {
            return;
        }
        self.topo.zone_dark[z] = dark;
        let e = self.e;
        for &k in &e.api_in_zone[z] {
            if !self.pool.servers[k].crashed {
                if dark {
                    self.pool.serving -= 1;
                } else {
                    self.pool.serving += 1;
                }
            }
        }
    }

    /// [`Sim::zone_changed`] for every zone of region `r`.
    pub(super) fn region_changed(&mut self, r: RegionId) {
        let e = self.e;
        for &z in &e.zones_in_region[r] {
            self.zone_changed(z);
        }
    }
}

/// Nodes, zones, regions and partitions: what a fault of the topology
/// changes and every consequence reads.
#[derive(Default)]
pub(super) struct Topology {
    pub(super) nodes: Vec<NodeState>,
    pub(super) zone_down: Vec<u32>,
    /// Zone z is down or in a region that is down: `zone_down[z] > 0 ||
    /// region_down[its region] > 0`, kept by `zone_changed`, which runs
    /// after every change of either.
    pub(super) zone_dark: Vec<bool>,
    pub(super) zone_until: Vec<Micros>,
    pub(super) region_down: Vec<u32>,
    pub(super) region_until: Vec<Micros>,
    pub(super) destroyed: Vec<Vec<Micros>>,
    /// `region_down[r] > 0`, kept as a slice for the backup catalog.
    pub(super) region_is_down: Vec<bool>,
    /// Active partitions per region pair (index into `Engine::region_pairs`).
    pub(super) partitioned: Vec<u32>,
    /// The sum of `partitioned`: most of the time zero, and then no pair
    /// need be looked at.
    pub(super) partitions_active: u32,
}

impl Topology {
    /// The zone node `n` runs in now.
    #[inline(always)]
    pub(super) fn node_zone(&self, n: NodeId) -> ZoneId {
        self.nodes[n].zone
    }

    /// Zone `z` is down, or in a region that is down.
    #[inline(always)]
    pub(super) fn zone_is_down(&self, z: ZoneId) -> bool {
        self.zone_dark[z]
    }

    /// Node `n` runs, has its data, and its zone is up.
    #[inline(always)]
    pub(super) fn node_up(&self, n: NodeId) -> bool {
        let s = &self.nodes[n];
        !s.crashed && s.disk == Disk::Ok && !self.zone_is_down(s.zone)
    }

    /// Refills every buffer for a new trial seeded `ts` (capacity kept).
    pub(super) fn reset(&mut self, e: &Engine, ts: u64) {
        let (sc, l) = (e.sc, &e.labels);
        self.nodes.clear();
        self.nodes
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
                diverged: false,
                divergent_tail: 0,
                rewinding: false,
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
        let (zones, regions) = (sc.zones.len(), sc.regions.len());
        refill(&mut self.zone_down, zones, 0);
        refill(&mut self.zone_dark, zones, false);
        refill(&mut self.zone_until, zones, 0);
        refill(&mut self.region_down, regions, 0);
        refill(&mut self.region_until, regions, 0);
        self.destroyed.truncate(regions);
        self.destroyed.iter_mut().for_each(Vec::clear);
        self.destroyed.resize_with(regions, Vec::new);
        refill(&mut self.region_is_down, regions, false);
        refill(&mut self.partitioned, e.region_pairs.len(), 0);
        self.partitions_active = 0;
    }
}

/// The API servers, and the counts that spare the write path a walk over
/// them after every event.
#[derive(Default)]
pub(super) struct ApiPool {
    pub(super) servers: Vec<ApiState>,
    /// Servers neither crashed nor in a zone or region that is down.
    /// Kept by `ApiPool::set_crashed` (one server) and by zone_changed
    /// (the servers of a zone whose darkness changed), so that the write
    /// path, which runs after every event, need not walk the pool.
    pub(super) serving: u32,
    /// The earliest restart due among the crashed servers (`MAX` if
    /// none is, or if restarts are queued): the event loop makes the
    /// restarts due before it handles an event, rather than queueing each.
    pub(super) next_up: Micros,
    /// The crashed servers, in no order: the ones whose restarts
    /// `next_up` looks after.
    pub(super) down: Vec<u32>,
    /// The earliest queued `ApiPoolCheck` (`MAX` if none is known): one is
    /// queued while the pool is short, since a restart may then end an
    /// outage at its own moment.
    pub(super) wake: Micros,
}

impl ApiPool {
    /// Marks server `k` crashed or running, keeping `serving` (a server in
    /// a zone that is down serves in neither case).
    pub(super) fn set_crashed(&mut self, k: usize, crashed: bool, topo: &Topology) {
        if self.servers[k].crashed == crashed {
            return;
        }
        self.servers[k].crashed = crashed;
        if !topo.zone_is_down(self.servers[k].zone) {
            if crashed {
                self.serving -= 1;
            } else {
                self.serving += 1;
            }
        }
    }

    /// Refills the pool for a new trial seeded `ts`: every server running.
    pub(super) fn reset(&mut self, sc: &Scenario, ts: u64, l: &Labels) {
        let zones = sc.api.as_ref().map_or(&[][..], |a| &a.servers[..]);
        self.servers.clear();
        self.down.clear();
        self.servers
            .extend(zones.iter().enumerate().map(|(k, &zone)| ApiState {
                crashed: false,
                up_at: 0,
                zone,
                epoch: 0,
                s_crash: Stream::new(ts, l.api_crash[k]),
                s_restart: Stream::new(ts, l.api_restart[k]),
                next_restart: 0,
                next_ttf: 0,
            }));
        self.serving = zones.len() as u32;
        self.next_up = Micros::MAX;
        self.wake = Micros::MAX;
    }
}

/// What the trial records as it goes: the write path's downtime windows,
/// the primary's, the windows of the log already lost, the windows of
/// broken backups, and the logical damage done.
#[derive(Default)]
pub(super) struct Logs {
    pub(super) downs: Vec<(Micros, Micros)>,
    pub(super) db_downs: Vec<(Micros, Micros)>,
    /// Disjoint, sorted windows of the log already counted as lost.
    pub(super) lost: Vec<(Micros, Micros)>,
    pub(super) broken_windows: Vec<(Micros, Micros)>,
    pub(super) corruptions: Vec<Corruption>,
}

impl Logs {
    /// Empties every record for a new trial (capacity kept).
    pub(super) fn reset(&mut self) {
        self.downs.clear();
        self.db_downs.clear();
        self.lost.clear();
        self.broken_windows.clear();
        self.corruptions.clear();
    }
}

/// Empties `v` and fills it with `n` copies of `x`, keeping its capacity.
fn refill<T: Clone>(v: &mut Vec<T>, n: usize, x: T) {
    v.clear();
    v.resize(n, x);
}
