//! Zone and region outages (docs/model.md, "Zone outage", "Region outage").
//!
//! - Arrival: `faults.zone_outage` (stream `zone/ZONE`) and
//!   `faults.region_outage` (stream `region/REGION`), redrawn when a
//!   random outage ends; lengths from `zone-duration/ZONE` and
//!   `region-duration/REGION`.
//! - Effect: every node and API server in the zone or region is out; with
//!   `destroys_data` (hashed label `region-destroy`) the region's disks are
//!   lost and its backups destroyed.
//! - Repair: the zone or region returns after its duration.
//! - Loss: through recovery (`lose_window`), or `lose_everything` when the
//!   destroyed region held the only copy.

use crate::sim::engine::*;

impl Sim<'_, '_> {
    pub(in crate::sim::engine) fn on_zone_down(&mut self, zone: ZoneId) {
        let f = self.e.laws.zone_outage[zone].expect("scheduled only when configured");
        let d = self.streams.zone_dur[zone].sample(f.duration.as_ref().expect("validated"));
        let name = SmallStr::new(&self.sc.zones[zone].name);
        self.open_incident(FaultKind::ZoneOutage, name, None);
        self.zone_outage(zone, d, true);
    }

    pub(in crate::sim::engine) fn on_zone_up(&mut self, zone: ZoneId, stochastic: bool) {
        self.topo.zone_down[zone] -= 1;
        self.zone_changed(zone);
        self.replan = true;
        if self.topo.zone_down[zone] == 0 {
            self.note_with(|s| Happening::Up {
                component: Component::Zone(s.sc.zones[zone].name.clone()),
            });
        }
        if stochastic {
            self.arm_zone(zone);
        }
    }

    pub(in crate::sim::engine) fn on_region_down(&mut self, region: RegionId) {
        let f = self.e.laws.region_outage[region].expect("scheduled only when configured");
        let d = self.streams.region_dur[region].sample(f.duration.as_ref().expect("validated"));
        let destroy = f.destroys_data > 0.0
            && crate::sim::rng::hashed_unit(self.trial_seed, "region-destroy", self.now)
                < f.destroys_data;
        let name = SmallStr::new(&self.sc.regions[region].name);
        self.open_incident(FaultKind::RegionOutage, name, None);
        self.region_outage(region, d, destroy, true);
    }

    pub(in crate::sim::engine) fn on_region_up(&mut self, region: RegionId, stochastic: bool) {
        self.topo.region_down[region] -= 1;
        self.topo.region_is_down[region] = self.topo.region_down[region] > 0;
        self.region_changed(region);
        self.replan = true;
        if self.topo.region_down[region] == 0 {
            self.note_with(|s| Happening::Up {
                component: Component::Region(s.sc.regions[region].name.clone()),
            });
        }
        if stochastic {
            self.arm_region(region);
        }
    }

    pub(in crate::sim::engine) fn zone_outage(&mut self, z: ZoneId, d: Micros, stochastic: bool) {
        self.topo.zone_down[z] += 1;
        self.zone_changed(z);
        self.topo.zone_until[z] = self.topo.zone_until[z].max(self.now.saturating_add(d));
        self.at(
            d,
            Ev::ZoneUp {
                zone: ix(z),
                stochastic,
            },
        );
        self.note_with(|s| Happening::Down {
            component: Component::Zone(s.sc.zones[z].name.clone()),
            why: DownReason::ZoneOutage { lasts: d },
        });
        if self.topo.nodes[self.primary].role == Role::Primary
            && self.topo.node_zone(self.primary) == z
        {
            self.replan = true;
        }
    }

    pub(in crate::sim::engine) fn region_outage(
        &mut self,
        r: RegionId,
        d: Micros,
        destroy: bool,
        stochastic: bool,
    ) {
        self.topo.region_down[r] += 1;
        self.topo.region_is_down[r] = true;
        self.region_changed(r);
        self.topo.region_until[r] = self.topo.region_until[r].max(self.now.saturating_add(d));
        self.at(
            d,
            Ev::RegionUp {
                region: ix(r),
                stochastic,
            },
        );
        self.note_with(|s| Happening::Down {
            component: Component::Region(s.sc.regions[r].name.clone()),
            why: DownReason::RegionOutage {
                lasts: d,
                destroyed: destroy,
            },
        });
        if destroy {
            self.topo.destroyed[r].push(self.now);
            for n in 0..self.topo.nodes.len() {
                if self.node_region(n) == r && self.topo.nodes[n].disk != Disk::Lost {
                    self.lose_disk(n, d);
                }
            }
        }
        self.replan = true;
    }
}
