//! Random faults: each kind's failure law and the fields it accepts.

use super::Checker;
use super::topology::Topology;
use crate::scenario::model::{ApiPool, Faults, Node, Recurring, RegionFaults};
use crate::scenario::raw::{RawFailure, RawRegionFaults, RawScenario};

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
        api_crash: fr
            .api_crash
            .as_ref()
            .map(|f| api_crash(c, "faults.api_crash", f, api)),
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

/// An API server crash law at `path`, which needs an API pool.
fn api_crash(c: &mut Checker, path: &str, f: &RawFailure, api: &Option<ApiPool>) -> Recurring {
    if api.is_none() {
        c.err_help(
            path,
            "API crashes need an API pool, and the scenario has no [api] section",
            format!("add [api] with servers = N, or remove {path}"),
        );
    }
    c.failure(path, f, &[], &[])
}

/// `regions[i].faults`: each region's laws, checked as `[faults]` is, with
/// the kinds a region does not give taken from `faults`.
pub(super) fn regional(
    c: &mut Checker,
    raw: &RawScenario,
    api: &Option<ApiPool>,
    faults: &Faults,
) -> Vec<RegionFaults> {
    raw.regions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let o = r.faults.clone().unwrap_or_default();
            let p = |kind: &str| format!("regions[{i}].faults.{kind}");
            let mut law =
                |kind: &str, own: &Option<RawFailure>, needs, dflt: &Option<Recurring>| match own {
                    Some(f) => Some(c.failure(&p(kind), f, needs, &[])),
                    None => dflt.clone(),
                };
            let db_crash = law("db_crash", &o.db_crash, &[], &faults.db_crash);
            let disk_loss = law("disk_loss", &o.disk_loss, &[], &faults.disk_loss);
            let zone_outage = law(
                "zone_outage",
                &o.zone_outage,
                &["duration"],
                &faults.zone_outage,
            );
            let region_outage = match &o.region_outage {
                Some(f) => {
                    Some(c.failure(&p("region_outage"), f, &["duration"], &["destroys_data"]))
                }
                None => faults.region_outage.clone(),
            };
            let api_crash = match &o.api_crash {
                Some(f) => Some(api_crash(c, &p("api_crash"), f, api)),
                None => faults.api_crash.clone(),
            };
            RegionFaults {
                api_crash,
                db_crash,
                disk_loss,
                zone_outage,
                region_outage,
            }
        })
        .collect()
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
/// an event of its own). `regional` holds each region's laws, `raw` says
/// which of them the region gives itself.
pub(super) fn check_event_rate(
    c: &mut Checker,
    faults: &Faults,
    (raw, regional): (&RawScenario, &[RegionFaults]),
    horizon: crate::units::Micros,
    api: &Option<ApiPool>,
    nodes: &[Node],
    topo: &Topology,
) {
    let regions = topo.regions.len();
    let region_of = |z: usize| topo.zones[z].region;
    // Each component's region: the law it fails by.
    let servers: Vec<usize> = api.as_ref().map_or(Vec::new(), |a| {
        a.servers.iter().map(|&z| region_of(z)).collect()
    });
    let node_regions: Vec<usize> = nodes.iter().map(|n| region_of(n.zone)).collect();
    let zone_regions: Vec<usize> = topo.zones.iter().map(|z| z.region).collect();
    let all: Vec<usize> = (0..regions).collect();
    // A kind's events: its components under `[faults]` counted together
    // (as `count * horizon / mttf`), those under a region's own law apart.
    type Pick<T> = fn(&T) -> &Option<Recurring>;
    type PickRaw = fn(&RawRegionFaults) -> &Option<RawFailure>;
    type Kind<'k> = (
        &'k str,
        Pick<Faults>,
        Pick<RegionFaults>,
        PickRaw,
        &'k [usize],
        f64,
    );
    let per_region: [Kind; 5] = [
        (
            "faults.api_crash",
            |f| &f.api_crash,
            |f| &f.api_crash,
            |f| &f.api_crash,
            &servers,
            1.0,
        ),
        (
            "faults.db_crash",
            |f| &f.db_crash,
            |f| &f.db_crash,
            |f| &f.db_crash,
            &node_regions,
            2.0,
        ),
        (
            "faults.disk_loss",
            |f| &f.disk_loss,
            |f| &f.disk_loss,
            |f| &f.disk_loss,
            &node_regions,
            2.0,
        ),
        (
            "faults.zone_outage",
            |f| &f.zone_outage,
            |f| &f.zone_outage,
            |f| &f.zone_outage,
            &zone_regions,
            2.0,
        ),
        (
            "faults.region_outage",
            |f| &f.region_outage,
            |f| &f.region_outage,
            |f| &f.region_outage,
            &all,
            2.0,
        ),
    ];
    let rate = |f: &Recurring, count: usize, per: f64| {
        count as f64 * horizon as f64 / f.time_to_failure.mean().max(1.0) * per
    };
    let own = |r: usize, pick: PickRaw| {
        raw.regions
            .get(r)
            .and_then(|x| x.faults.as_ref())
            .is_some_and(|o| pick(o).is_some())
    };
    let mut kinds: Vec<(String, f64)> = Vec::new();
    for (path, global, pick, pick_raw, members, per) in per_region {
        let shared = members.iter().filter(|&&r| !own(r, pick_raw)).count();
        let events = global(faults)
            .as_ref()
            .map_or(0.0, |f| rate(f, shared, per));
        kinds.push((path.to_string(), events));
        for (r, f) in regional.iter().enumerate() {
            let count = members.iter().filter(|&&m| m == r).count();
            if let Some(f) = pick(f)
                && own(r, pick_raw)
            {
                let path = path.replacen("faults", &format!("regions[{r}].faults"), 1);
                kinds.push((path, rate(f, count, per)));
            }
        }
    }
    let pairs = regions * regions.saturating_sub(1) / 2;
    if let Some(f) = &faults.partition {
        kinds.push(("faults.partition".into(), rate(f, pairs, 2.0)));
    }
    if let Some(f) = &faults.accidental_delete {
        kinds.push(("faults.accidental_delete".into(), rate(f, 1, 2.0)));
    }
    let mut total = 0.0;
    let mut worst: Option<(String, f64)> = None;
    for (path, events) in kinds {
        if events == 0.0 {
            continue;
        }
        total += events;
        if worst.as_ref().is_none_or(|(_, w)| events > *w) {
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
