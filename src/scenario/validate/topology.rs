//! Regions and zones: the names every other section refers to.

use super::{Checker, ZONES_MAX};
use crate::scenario::model::{Region, RegionId, Zone, ZoneId};
use crate::scenario::raw::RawScenario;
use std::collections::BTreeMap;

/// The regions and zones as declared, with their names resolved.
pub(super) struct Topology {
    pub(super) regions: Vec<Region>,
    pub(super) zones: Vec<Zone>,
    region_index: BTreeMap<String, RegionId>,
    zone_index: BTreeMap<String, ZoneId>,
}

/// `[[regions]]`: every region and its zones (a region without zones is
/// one zone of its own name).
pub(super) fn topology(c: &mut Checker, raw: &RawScenario) -> Topology {
    let mut regions = Vec::new();
    let mut zones: Vec<Zone> = Vec::new();
    let mut region_index: BTreeMap<String, RegionId> = BTreeMap::new();
    let mut zone_index: BTreeMap<String, ZoneId> = BTreeMap::new();
    if raw.regions.is_empty() {
        c.err_help(
            "regions",
            "the scenario needs at least one region",
            "[[regions]]\nname = \"us-east\"\nzones = [\"us-east-1a\", \"us-east-1b\"]",
        );
    }
    for (i, r) in raw.regions.iter().enumerate() {
        let path = format!("regions[{i}]");
        if r.name.trim().is_empty() {
            c.err(format!("{path}.name"), "a region needs a name");
        }
        if region_index.insert(r.name.clone(), i).is_some() {
            c.err(
                format!("{path}.name"),
                format!("region `{}` is defined twice", r.name),
            );
        }
        let mut zs = Vec::new();
        let names: Vec<String> = if r.zones.is_empty() {
            vec![r.name.clone()]
        } else {
            r.zones.clone()
        };
        for (j, z) in names.iter().enumerate() {
            let id = zones.len();
            if zone_index.insert(z.clone(), id).is_some() {
                c.err(
                    format!("{path}.zones[{j}]"),
                    format!("zone `{z}` is defined twice"),
                );
            }
            zones.push(Zone {
                name: z.clone(),
                region: i,
            });
            zs.push(id);
        }
        regions.push(Region {
            name: r.name.clone(),
            zones: zs,
            faults: Default::default(),
        });
    }
    if zones.len() > ZONES_MAX {
        c.err("regions", format!("more than {ZONES_MAX} zones"));
    }
    Topology {
        regions,
        zones,
        region_index,
        zone_index,
    }
}

impl Topology {
    fn region_names(&self) -> String {
        self.regions
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn zone_names(&self) -> String {
        self.zones
            .iter()
            .map(|z| z.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The region called `name`, or a problem at `path` listing the regions.
    pub(super) fn find_region(&self, c: &mut Checker, path: &str, name: &str) -> Option<RegionId> {
        let r = self.region_index.get(name).copied();
        if r.is_none() {
            c.err_help(
                path,
                format!("there is no region `{name}`"),
                format!("regions defined: {}", self.region_names()),
            );
        }
        r
    }

    /// The zone called `name`, or a problem at `path` listing the zones.
    pub(super) fn find_zone(&self, c: &mut Checker, path: &str, name: &str) -> Option<ZoneId> {
        let z = self.zone_index.get(name).copied();
        if z.is_none() {
            c.err_help(
                path,
                format!("there is no zone `{name}`"),
                format!("zones defined: {}", self.zone_names()),
            );
        }
        z
    }
}
