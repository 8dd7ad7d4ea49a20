//! The workload: write and read rates, sizes, and the bound on how many
//! writes a run may count.

use super::{Checker, WRITES_MAX};
use crate::scenario::model::Workload;
use crate::scenario::raw::RawScenario;
use crate::units::{Micros, YEAR};

/// `[workload]`, with its defaults.
pub(super) fn workload(c: &mut Checker, raw: &RawScenario, horizon: Micros) -> Workload {
    let w = &raw.workload;
    let workload = Workload {
        writes_per_sec: c.positive("workload.writes_per_sec", w.writes_per_sec.unwrap_or(100.0)),
        reads_per_sec: c.non_negative("workload.reads_per_sec", w.reads_per_sec.unwrap_or(0.0)),
        write_size: c.positive(
            "workload.write_size",
            w.write_size.map(|s| s.0 as f64).unwrap_or(1e3),
        ),
        data_size: c.positive(
            "workload.data_size",
            w.data_size.map(|s| s.0 as f64).unwrap_or(100e9),
        ),
        history: w.history.map(|d| d.0).unwrap_or(YEAR),
        write_noun: w.write_noun.clone().unwrap_or_else(|| "write".into()),
    };
    let writes = workload.writes_per_sec * (workload.history as f64 + horizon as f64) / 1e6;
    if writes > WRITES_MAX {
        c.err_help(
            "workload.writes_per_sec",
            format!(
                "{:e} writes/s over the history and the horizon is {} writes; failsim counts writes exactly and accepts at most 1e14",
                workload.writes_per_sec,
                if writes.is_finite() {
                    format!("{writes:.1e}")
                } else {
                    "more than 1e300".into()
                }
            ),
            "lower writes_per_sec, history or horizon (lost writes scale with the rate)",
        );
    }
    workload
}
