//! Every time-to-failure draw: the first arrival of each random fault at
//! the start of a trial, and the next one after each (docs/model.md,
//! "Faults, one by one"). Scheduled `[[events]]` and `[[migrations]]` are
//! queued here too, at their fixed times. Each component fails by the
//! laws of its region (`regions[i].faults`, else `[faults]`), resolved
//! once per engine in [`Laws`].

use super::*;
use crate::scenario::model::{Recurring, RegionFaults};

/// The law of each random fault of each component: its region's.
#[derive(Clone, Debug)]
pub(super) struct Laws<'a> {
    /// `api_crash[k]`: API server k's.
    pub(super) api_crash: Vec<Option<&'a Recurring>>,
    /// `db_crash[n]`, `disk_loss[n]`: database node n's and its disk's.
    pub(super) db_crash: Vec<Option<&'a Recurring>>,
    pub(super) disk_loss: Vec<Option<&'a Recurring>>,
    /// `zone_outage[z]`: zone z's.
    pub(super) zone_outage: Vec<Option<&'a Recurring>>,
    /// `region_outage[r]`: region r's own.
    pub(super) region_outage: Vec<Option<&'a Recurring>>,
}

impl<'a> Laws<'a> {
    pub(super) fn new(sc: &'a Scenario) -> Self {
        let of_zone = |z: ZoneId| &sc.regions[sc.zones[z].region].faults;
        let servers = sc.api.as_ref().map_or(&[][..], |a| &a.servers[..]);
        let pick = |f: &'a RegionFaults, k: fn(&RegionFaults) -> &Option<Recurring>| k(f).as_ref();
        Laws {
            api_crash: servers
                .iter()
                .map(|&z| pick(of_zone(z), |f| &f.api_crash))
                .collect(),
            db_crash: sc
                .nodes
                .iter()
                .map(|n| pick(of_zone(n.zone), |f| &f.db_crash))
                .collect(),
            disk_loss: sc
                .nodes
                .iter()
                .map(|n| pick(of_zone(n.zone), |f| &f.disk_loss))
                .collect(),
            zone_outage: (0..sc.zones.len())
                .map(|z| pick(of_zone(z), |f| &f.zone_outage))
                .collect(),
            region_outage: sc
                .regions
                .iter()
                .map(|r| pick(&r.faults, |f| &f.region_outage))
                .collect(),
        }
    }
}

impl Sim<'_, '_> {
    pub(super) fn start(&mut self) {
        let sc = self.sc;
        let e = self.e;
        let laws = &e.laws;
        for k in 0..self.pool.servers.len() {
            if let Some(f) = laws.api_crash[k] {
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
        if let Some(f) = self.e.laws.db_crash[n] {
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
        if let Some(f) = self.e.laws.disk_loss[n] {
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
        if let Some(f) = self.e.laws.api_crash[k] {
            st.next_ttf = st.s_crash.sample(&f.time_to_failure);
        }
    }

    /// Draws zone `z`'s next outage, if its region has zone outages.
    pub(super) fn arm_zone(&mut self, z: ZoneId) {
        if let Some(f) = self.e.laws.zone_outage[z] {
            let t = self.streams.zone[z].sample(&f.time_to_failure);
            self.at_new(t, Ev::ZoneDown { zone: ix(z) });
        }
    }

    /// Draws region `r`'s next outage, if it has region outages.
    pub(super) fn arm_region(&mut self, r: RegionId) {
        if let Some(f) = self.e.laws.region_outage[r] {
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
