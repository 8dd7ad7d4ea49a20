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
    pub(in crate::sim::engine) fn zone_outage(&mut self, z: ZoneId, d: Micros, stochastic: bool) {
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

    pub(in crate::sim::engine) fn region_outage(
        &mut self,
        r: RegionId,
        d: Micros,
        destroy: bool,
        stochastic: bool,
    ) {
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
}
