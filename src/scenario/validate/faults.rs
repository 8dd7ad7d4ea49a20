//! Random faults: each kind's failure law and the fields it accepts.

use super::Checker;
use super::topology::Topology;
use crate::scenario::model::{ApiPool, Faults};
use crate::scenario::raw::RawScenario;

/// `[faults]`: the failure law of each kind that can strike at random.
pub(super) fn faults(
    c: &mut Checker,
    raw: &RawScenario,
    api: &Option<ApiPool>,
    topo: &Topology,
) -> Faults {
    let regions = &topo.regions;
    let fr = &raw.faults;
    let faults = Faults {
        api_crash: fr.api_crash.as_ref().map(|f| {
            if api.is_none() {
                c.err_help(
                    "faults.api_crash",
                    "API crashes need an API pool, and the scenario has no [api] section",
                    "add [api] with servers = N, or remove faults.api_crash",
                );
            }
            c.failure("faults.api_crash", f, &[], &[])
        }),
        db_crash: fr
            .db_crash
            .as_ref()
            .map(|f| c.failure("faults.db_crash", f, &[], &[])),
        disk_loss: fr
            .disk_loss
            .as_ref()
            .map(|f| c.failure("faults.disk_loss", f, &[], &[])),
        zone_outage: fr
            .zone_outage
            .as_ref()
            .map(|f| c.failure("faults.zone_outage", f, &["duration"], &[])),
        region_outage: fr
            .region_outage
            .as_ref()
            .map(|f| c.failure("faults.region_outage", f, &["duration"], &["destroys_data"])),
        partition: fr
            .partition
            .as_ref()
            .map(|f| c.failure("faults.partition", f, &["duration"], &[])),
        accidental_delete: fr.accidental_delete.as_ref().map(|f| {
            c.failure(
                "faults.accidental_delete",
                f,
                &["detect"],
                &["share", "recovery"],
            )
        }),
    };
    if faults.partition.is_some() && regions.len() < 2 {
        c.err(
            "faults.partition",
            "partitions happen between regions; the scenario has only one",
        );
    }
    faults
}

/// The most events a trial of a scenario may be expected to take: a tenth
/// of the engine's hard cap (`sim::engine::EVENT_CAP`, 50 million), so that
/// a trial luckier than the mean still ends at its horizon. A trial of five
/// million events already takes about a second.
pub const TRIAL_EVENTS_MAX: f64 = 5e6;

/// Refuses rates that would make a trial take more than
/// [`TRIAL_EVENTS_MAX`] events, naming the fault that contributes most.
/// The estimate is an upper bound: each component fails at most once per
/// mean time to failure (repairs only lengthen the cycle), and each failure
/// is counted with its repair (two events; an API server's restart is not
/// an event of its own).
pub(super) fn check_event_rate(
    c: &mut Checker,
    faults: &Faults,
    horizon: crate::units::Micros,
    api: &Option<ApiPool>,
    nodes: usize,
    topo: &Topology,
) {
    let (zones, regions) = (topo.zones.len(), topo.regions.len());
    let servers = api.as_ref().map_or(0, |a| a.servers.len());
    let kinds = [
        ("faults.api_crash", &faults.api_crash, servers, 1.0),
        ("faults.db_crash", &faults.db_crash, nodes, 2.0),
        ("faults.disk_loss", &faults.disk_loss, nodes, 2.0),
        ("faults.zone_outage", &faults.zone_outage, zones, 2.0),
        ("faults.region_outage", &faults.region_outage, regions, 2.0),
        (
            "faults.partition",
            &faults.partition,
            regions * regions.saturating_sub(1) / 2,
            2.0,
        ),
        (
            "faults.accidental_delete",
            &faults.accidental_delete,
            1,
            2.0,
        ),
    ];
    let mut total = 0.0;
    let mut worst: Option<(&str, f64)> = None;
    for (path, f, count, per) in kinds {
        let Some(f) = f else { continue };
        let mean = f.time_to_failure.mean().max(1.0);
        let events = count as f64 * horizon as f64 / mean * per;
        total += events;
        if worst.is_none_or(|(_, w)| events > w) {
            worst = Some((path, events));
        }
    }
    if let Some((path, _)) = worst
        && total > TRIAL_EVENTS_MAX
    {
        c.err_help(
            path,
            format!(
                "at these rates one trial of {} would take about {} events (faults and their repairs); a trial may take at most {}, and one that stopped early would count the rest of its horizon as up",
                crate::units::format_duration(horizon),
                crate::format::format_count(total.min(u64::MAX as f64) as u64),
                crate::format::format_count(TRIAL_EVENTS_MAX as u64)
            ),
            "make failures rarer (a longer mttf or a smaller afr), or shorten the horizon",
        );
    }
}
