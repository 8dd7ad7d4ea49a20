//! The API pool in front of the database.

use super::topology::Topology;
use super::{API_SERVERS_MAX, Checker, lognormal};
use crate::scenario::model::{ApiPool, ZoneId};
use crate::scenario::raw::RawScenario;
use crate::units::MINUTE;

/// `[api]`, if the scenario has one: servers spread round-robin over its
/// zones (all zones when none are named).
pub(super) fn api_pool(c: &mut Checker, raw: &RawScenario, topo: &Topology) -> Option<ApiPool> {
    let zones = &topo.zones;
    raw.api.as_ref().map(|a| {
        if a.servers == 0 {
            c.err("api.servers", "the API pool needs at least one server");
        } else if a.servers > API_SERVERS_MAX {
            c.err(
                "api.servers",
                format!("more than {API_SERVERS_MAX} API servers"),
            );
        }
        let min_healthy = a.min_healthy.unwrap_or(1);
        if min_healthy == 0 {
            c.err("api.min_healthy", "must be at least 1");
        }
        if min_healthy > a.servers {
            c.err_help(
                "api.min_healthy",
                format!(
                    "{min_healthy} healthy servers needed but only {} exist",
                    a.servers
                ),
                "lower min_healthy or add servers",
            );
        }
        let zone_ids: Vec<ZoneId> = if a.zones.is_empty() {
            (0..zones.len()).collect()
        } else {
            a.zones
                .iter()
                .enumerate()
                .filter_map(|(j, z)| topo.find_zone(c, &format!("api.zones[{j}]"), z))
                .collect()
        };
        let servers = if zone_ids.is_empty() {
            Vec::new()
        } else {
            (0..a.servers.min(API_SERVERS_MAX) as usize)
                .map(|k| zone_ids[k % zone_ids.len()])
                .collect()
        };
        ApiPool {
            servers,
            min_healthy,
            restart: c.dist_or(
                "api.restart",
                &a.restart,
                lognormal(2 * MINUTE, 10 * MINUTE),
            ),
        }
    })
}
