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
