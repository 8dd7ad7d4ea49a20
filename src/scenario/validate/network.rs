//! The network between zones and regions.

use super::Checker;
use super::topology::Topology;
use crate::scenario::model::Network;
use crate::scenario::raw::RawScenario;

/// `[network]`: round trips and the links between regions. Defaults:
/// ~0.5 ms within a datacenter (J. Dean, "Latency numbers every programmer
/// should know"); ~1 ms between zones (measured 0.25-3.4 ms, xkyle.com
/// "Measuring AWS Region and AZ Latency").
pub(super) fn network(c: &mut Checker, raw: &RawScenario, topo: &Topology) -> Network {
    let mut links = Vec::new();
    // The link already given for each pair of regions, either way round.
    let mut seen: Vec<(usize, usize, usize)> = Vec::new();
    for (i, l) in raw.network.links.iter().enumerate() {
        let path = format!("network.links[{i}]");
        if l.between.len() != 2 {
            c.err(
                format!("{path}.between"),
                "a link joins exactly two regions",
            );
            continue;
        }
        let a = topo.find_region(c, &format!("{path}.between[0]"), &l.between[0]);
        let b = topo.find_region(c, &format!("{path}.between[1]"), &l.between[1]);
        if let (Some(a), Some(b)) = (a, b) {
            if a == b {
                c.err(
                    format!("{path}.between"),
                    "a link joins two different regions",
                );
            }
            let pair = (a.min(b), a.max(b));
            if let Some(&(_, _, j)) = seen.iter().find(|&&(x, y, _)| (x, y) == pair) {
                c.err_help(
                    format!("{path}.between"),
                    format!(
                        "network.links[{j}] already joins {} and {}; two links between the same regions would contradict each other",
                        l.between[0], l.between[1]
                    ),
                    format!("keep one of network.links[{j}] and network.links[{i}]"),
                );
                continue;
            }
            seen.push((pair.0, pair.1, i));
            links.push((a, b, l.rtt.0));
        }
    }
    Network {
        rtt_same_zone: raw.network.rtt_same_zone.map(|d| d.0).unwrap_or(500),
        rtt_cross_zone: raw.network.rtt_cross_zone.map(|d| d.0).unwrap_or(1000),
        rtt_cross_region: raw.network.rtt_cross_region.map(|d| d.0),
        links,
    }
}
