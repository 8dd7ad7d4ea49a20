//! Random streams: one table of every label, and the per-component stream.
//!
//! Every random draw of a trial comes from a stream keyed by the trial's
//! seed and a label (docs/model.md, "Determinism"), so that adding a draw
//! to one component never shifts another's. The labels, hashed with FNV-1a:
//!
//! | label | one per | draws | scenario key |
//! |---|---|---|---|
//! | `api-crash/api-K` | API server | time to failure | `faults.api_crash` |
//! | `api-restart/api-K` | API server | restart time | `api.restart` |
//! | `db-crash/NODE` | database node | time to failure | `faults.db_crash` |
//! | `db-restart/NODE` | database node | restart time | `database.restart` |
//! | `disk/NODE` | database node | time to failure | `faults.disk_loss` |
//! | `disk-replace/NODE` | database node | time to a new disk | `database.disk_replace` |
//! | `lag/NODE` | database node | replication lag | `replication.lag` |
//! | `zone/ZONE` | zone | time to failure | `faults.zone_outage` |
//! | `zone-duration/ZONE` | zone | outage length | `faults.zone_outage.duration` |
//! | `region/REGION` | region | time to failure | `faults.region_outage` |
//! | `region-duration/REGION` | region | outage length | `faults.region_outage.duration` |
//! | `partition/A|B` | routed region pair | time to failure | `faults.partition` |
//! | `partition-duration/A|B` | routed region pair | partition length | `faults.partition.duration` |
//! | `workload` | trial | Poisson counts of writes (lost, diverged, acknowledged) | `workload.writes_per_sec` |
//! | `operators` | trial | operator response, restore provisioning | `operators.response`, `backups.provision` |
//! | `failover` | trial | detection, promotion, standby warm-up | `failover.*` |
//! | `delete` | trial | time to failure and detection of accidental deletes | `faults.accidental_delete` |
//! | `region-destroy` | region outage (hashed with its time) | whether the data center is destroyed | `faults.region_outage.destroys_data` |
//!
//! The backup catalog (`sim/backup.rs`) hashes its own labels for corrupt
//! backups.

use super::*;

/// Stream labels hashed once per scenario, so a trial only mixes integers.
#[derive(Clone, Debug)]
pub(super) struct Labels {
    pub(super) api_crash: Vec<u64>,
    pub(super) api_restart: Vec<u64>,
    pub(super) db_crash: Vec<u64>,
    pub(super) db_restart: Vec<u64>,
    pub(super) disk: Vec<u64>,
    pub(super) disk_replace: Vec<u64>,
    pub(super) lag: Vec<u64>,
    pub(super) zone: Vec<u64>,
    pub(super) zone_duration: Vec<u64>,
    pub(super) region: Vec<u64>,
    pub(super) region_duration: Vec<u64>,
    pub(super) partition: Vec<u64>,
    pub(super) partition_duration: Vec<u64>,
}

/// Empties `v` and fills it with one stream per label.
pub(super) fn refill_streams(v: &mut Vec<Stream>, trial_seed: u64, labels: &[u64]) {
    v.clear();
    v.extend(labels.iter().map(|&x| Stream::new(trial_seed, x)));
}

/// A per-component random stream, created on first use.
pub(super) struct Stream {
    /// `trial seed ^ label`, mixed into the stream's seed on first use:
    /// most components of a trial never draw.
    pub(super) key: u64,
    pub(super) rng: Option<StreamRng>,
}

impl Stream {
    pub(super) fn new(trial_seed: u64, label: u64) -> Self {
        Stream {
            key: trial_seed ^ label,
            rng: None,
        }
    }
    pub(super) fn rng(&mut self) -> &mut StreamRng {
        let key = self.key;
        self.rng.get_or_insert_with(|| stream_from(mix64(key)))
    }
    pub(super) fn sample(&mut self, d: &Dist) -> Micros {
        match d {
            Dist::Fixed(v) => *v,
            _ => d.sample(self.rng()),
        }
    }
}

/// The streams of the faults that hit zones, regions and region pairs:
/// their times to failure and their durations.
#[derive(Default)]
pub(super) struct FaultStreams {
    pub(super) zone: Vec<Stream>,
    pub(super) zone_dur: Vec<Stream>,
    pub(super) region: Vec<Stream>,
    pub(super) region_dur: Vec<Stream>,
    pub(super) partition: Vec<Stream>,
    pub(super) partition_dur: Vec<Stream>,
}

impl FaultStreams {
    /// One stream per label, for a new trial seeded `ts` (capacity kept).
    pub(super) fn reset(&mut self, ts: u64, l: &Labels) {
        refill_streams(&mut self.zone, ts, &l.zone);
        refill_streams(&mut self.zone_dur, ts, &l.zone_duration);
        refill_streams(&mut self.region, ts, &l.region);
        refill_streams(&mut self.region_dur, ts, &l.region_duration);
        refill_streams(&mut self.partition, ts, &l.partition);
        refill_streams(&mut self.partition_dur, ts, &l.partition_duration);
    }
}
