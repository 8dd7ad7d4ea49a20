//! Every time-to-failure draw: the first arrival of each random fault at
//! the start of a trial, and the next one after each (docs/model.md,
//! "Faults, one by one"). Scheduled `[[events]]` and `[[migrations]]` are
//! queued here too, at their fixed times.

use super::*;

impl Sim<'_, '_> {
    pub(super) fn start(&mut self) {
        let sc = self.sc;
        if let Some(f) = &sc.faults.api_crash {
            for k in 0..self.pool.servers.len() {
                let t = self.pool.servers[k].s_crash.sample(&f.time_to_failure);
                self.at_new(
                    t,
                    Ev::ApiCrash {
                        server: ix(k),
                        epoch: 0,
                    },
                );
            }
        }
        for k in 0..self.pool.servers.len() {
            self.draw_api_ahead(k);
        }
        for n in 0..self.topo.nodes.len() {
            self.schedule_crash(n);
            self.schedule_disk_failure(n);
        }
        for z in 0..sc.zones.len() {
            self.arm_zone(z);
        }
        for r in 0..sc.regions.len() {
            self.arm_region(r);
        }
        for p in 0..self.e.region_pairs.len() {
            self.arm_partition(p);
        }
        self.arm_delete();
        for (i, e) in sc.events.iter().enumerate() {
            self.queue
                .push(e.at, (Ev::Scheduled { index: ix(i) }, None));
        }
        for (i, m) in sc.migrations.iter().enumerate() {
            self.queue
                .push(m.at, (Ev::MigrationRun { index: ix(i) }, None));
        }
    }

    pub(super) fn schedule_crash(&mut self, n: NodeId) {
        if let Some(f) = &self.sc.faults.db_crash {
            let st = &mut self.topo.nodes[n];
            st.crash_epoch += 1;
            let epoch = st.crash_epoch;
            let t = st.s_crash.sample(&f.time_to_failure);
            self.at_new(t, Ev::NodeCrash { node: ix(n), epoch });
        }
    }

    pub(super) fn schedule_disk_failure(&mut self, n: NodeId) {
        let st = &mut self.topo.nodes[n];
        st.disk_fail_epoch += 1;
        if let Some(f) = &self.sc.faults.disk_loss {
            let epoch = st.disk_fail_epoch;
            let t = st.s_disk.sample(&f.time_to_failure);
            self.at_new(t, Ev::DiskLoss { node: ix(n), epoch });
        }
    }

    /// Draws API server `k`'s next restart time and time to failure, the
    /// values its next crash will use, from the server's own streams (so
    /// the same values as drawing them at that crash). Nothing waits for
    /// them until then: the processor computes them while the trial goes
    /// on, where a crash that drew its own values waited for each.
    pub(super) fn draw_api_ahead(&mut self, k: usize) {
        let sc = self.sc;
        let st = &mut self.pool.servers[k];
        if let Some(api) = &sc.api {
            st.next_restart = st.s_restart.sample(&api.restart);
        }
        if let Some(f) = &sc.faults.api_crash {
            st.next_ttf = st.s_crash.sample(&f.time_to_failure);
        }
    }

    /// Draws zone `z`'s next outage, if zone outages are configured.
    pub(super) fn arm_zone(&mut self, z: ZoneId) {
        if let Some(f) = &self.sc.faults.zone_outage {
            let t = self.streams.zone[z].sample(&f.time_to_failure);
            self.at_new(t, Ev::ZoneDown { zone: ix(z) });
        }
    }

    /// Draws region `r`'s next outage, if region outages are configured.
    pub(super) fn arm_region(&mut self, r: RegionId) {
        if let Some(f) = &self.sc.faults.region_outage {
            let t = self.streams.region[r].sample(&f.time_to_failure);
            self.at_new(t, Ev::RegionDown { region: ix(r) });
        }
    }

    /// Draws the next partition of region pair `p` (an index into
    /// `Engine::region_pairs`), if partitions are configured.
    pub(super) fn arm_partition(&mut self, p: usize) {
        if let Some(f) = &self.sc.faults.partition {
            let t = self.streams.partition[p].sample(&f.time_to_failure);
            self.at_new(t, Ev::PartitionStart { pair: ix(p) });
        }
    }

    /// Draws the next accidental delete, if deletes are configured.
    pub(super) fn arm_delete(&mut self) {
        if let Some(f) = &self.sc.faults.accidental_delete {
            let t = self.s_delete.sample(&f.time_to_failure);
            self.at_new(t, Ev::Delete);
        }
    }
}
