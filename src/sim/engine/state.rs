//! The state of the components: database nodes (process, disk, role,
//! frozen positions), API servers, and the topology's queries (where a node
//! runs, whether a zone is dark, whether two regions are partitioned,
//! whether the primary serves). Queries only read; the counts they cache
//! (`zone_dark`, `api_serving`) are kept by `zone_changed`,
//! `region_changed` and `set_api_crashed`, the only writers.

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
    /// A deposed primary: its unreplicated tail must be discarded by a resync.
    pub(super) stale: bool,
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
    #[inline(always)]
    pub(super) fn node_zone(&self, n: NodeId) -> ZoneId {
        self.nodes[n].zone
    }

    #[inline]
    pub(super) fn node_region(&self, n: NodeId) -> RegionId {
        self.sc.zones[self.node_zone(n)].region
    }

    #[inline(always)]
    pub(super) fn zone_is_down(&self, z: ZoneId) -> bool {
        self.zone_dark[z]
    }

    #[inline(always)]
    pub(super) fn node_up(&self, n: NodeId) -> bool {
        let s = &self.nodes[n];
        !s.crashed && s.disk == Disk::Ok && !self.zone_is_down(self.node_zone(n))
    }

    #[inline]
    pub(super) fn pair_index(&self, a: RegionId, b: RegionId) -> Option<usize> {
        self.e.pair_table[a * self.sc.regions.len() + b]
    }

    #[inline]
    pub(super) fn partitioned(&self, a: RegionId, b: RegionId) -> bool {
        self.partitions_active > 0
            && a != b
            && self
                .pair_index(a, b)
                .is_some_and(|i| self.partitioned[i] > 0)
    }

    /// The primary is up and nothing stands between it and its writes.
    #[inline(always)]
    pub(super) fn primary_serving(&self) -> bool {
        self.node_up(self.primary) && self.recovery.is_none() && !self.fenced
    }

    /// The API servers neither crashed nor in a zone that is down: what
    /// `api_serving` keeps, recounted (the unit tests compare the two).
    #[cfg(test)]
    pub(super) fn count_api_serving(&self) -> u32 {
        let Some(api) = &self.sc.api else { return 0 };
        api.servers
            .iter()
            .enumerate()
            .filter(|&(k, &z)| !self.api[k].crashed && !self.zone_is_down(z))
            .count() as u32
    }

    /// Whether zone `z` is down or in a region that is down, from the
    /// counts (what `zone_dark` caches).
    pub(super) fn zone_dark_now(&self, z: ZoneId) -> bool {
        self.zone_down[z] > 0 || self.region_down[self.sc.zones[z].region] > 0
    }

    /// Brings zone `z`'s darkness up to date after its count or its
    /// region's changed, and `api_serving` with it: only the servers of `z`
    /// can start or stop serving (the engine's unit tests check the count
    /// against a recount at every event).
    pub(super) fn zone_changed(&mut self, z: ZoneId) {
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
    pub(super) fn region_changed(&mut self, r: RegionId) {
        let e = self.e;
        for &z in &e.zones_in_region[r] {
            self.zone_changed(z);
        }
    }

    /// Marks API server `k` crashed or running, keeping `api_serving`.
    pub(super) fn set_api_crashed(&mut self, k: usize, crashed: bool) {
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
}
