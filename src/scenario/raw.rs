//! The scenario file as written: serde structs that mirror the TOML/JSON
//! one-to-one. Every struct refuses unknown fields, so a typo is an error
//! with its path and line, never a silently ignored setting.
//!
//! Nothing here is checked beyond its type; [`super::validate`] turns a
//! [`RawScenario`] into the immutable, cross-referenced
//! [`super::Scenario`] the engine runs.

use crate::units::{Duration, Fraction, Size, Throughput};
use serde::{Deserialize, Serialize};

/// The whole file.
#[derive(Clone, Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The one-line lesson the scenario teaches, shown by `failsim lessons`.
    #[serde(default)]
    pub lesson: Option<String>,
    pub seed: Option<u64>,
    pub trials: Option<u64>,
    pub horizon: Option<Duration>,
    #[serde(default)]
    pub workload: RawWorkload,
    #[serde(default)]
    pub regions: Vec<RawRegion>,
    #[serde(default)]
    pub network: RawNetwork,
    pub api: Option<RawApi>,
    pub database: RawDatabase,
    #[serde(default)]
    pub replication: RawReplication,
    #[serde(default)]
    pub failover: RawFailover,
    #[serde(default)]
    pub operators: RawOperators,
    pub backups: Option<RawBackups>,
    #[serde(default)]
    pub faults: RawFaults,
    #[serde(default)]
    pub events: Vec<RawEvent>,
    #[serde(default)]
    pub migrations: Vec<RawMigration>,
    pub policy: Option<RawPolicy>,
    pub costs: Option<RawCosts>,
}

#[derive(Clone, Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawWorkload {
    pub writes_per_sec: Option<f64>,
    pub reads_per_sec: Option<f64>,
    pub write_size: Option<Size>,
    pub data_size: Option<Size>,
    pub history: Option<Duration>,
    /// What one write is called in stories ("order", "comment").
    pub write_noun: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegion {
    pub name: String,
    #[serde(default)]
    pub zones: Vec<String>,
    /// Failure laws for what lives in this region, over `[faults]`.
    pub faults: Option<RawRegionFaults>,
}

/// A region's own laws for the faults that strike one component at a
/// time; a kind not given here follows `[faults]`. Partitions (between
/// two regions) and accidental deletes (of the whole database) have no
/// region of their own and are refused here.
#[derive(Clone, Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawRegionFaults {
    pub api_crash: Option<RawFailure>,
    pub db_crash: Option<RawFailure>,
    pub disk_loss: Option<RawFailure>,
    pub zone_outage: Option<RawFailure>,
    pub region_outage: Option<RawFailure>,
}

#[derive(Clone, Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawNetwork {
    pub rtt_same_zone: Option<Duration>,
    pub rtt_cross_zone: Option<Duration>,
    pub rtt_cross_region: Option<Duration>,
    #[serde(default)]
    pub links: Vec<RawLink>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    pub between: Vec<String>,
    pub rtt: Duration,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawApi {
    pub servers: u32,
    pub min_healthy: Option<u32>,
    #[serde(default)]
    pub zones: Vec<String>,
    pub restart: Option<DistSpec>,
}

#[derive(Clone, Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawDatabase {
    pub restart: Option<DistSpec>,
    pub disk_replace: Option<DistSpec>,
    pub rebuild_throughput: Option<Throughput>,
    /// pg_rewind of a deposed primary's divergent tail, bytes/s.
    pub rewind_throughput: Option<Throughput>,
    /// How many re-seeds and rewinds run at once (absent: no limit).
    pub repair_crews: Option<i64>,
    /// Copying damaged rows back from a side restore, bytes/s.
    pub copy_back_throughput: Option<Throughput>,
    #[serde(default)]
    pub nodes: Vec<RawNode>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawNode {
    pub name: String,
    pub zone: String,
    pub role: String,
    /// `active` (serves reads, warm) or `standby` (idle until promoted).
    pub mode: Option<String>,
    /// Per-replica override of `replication.mode`.
    pub replication: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawReplication {
    pub mode: Option<String>,
    pub lag: Option<DistSpec>,
    pub delay: Option<Duration>,
    pub semi_sync_timeout: Option<Duration>,
    pub sync_on_replica_down: Option<String>,
    pub replay_throughput: Option<Throughput>,
}

#[derive(Clone, Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawFailover {
    pub mode: Option<String>,
    pub detection: Option<DistSpec>,
    pub promotion: Option<DistSpec>,
    pub standby_warmup: Option<DistSpec>,
    pub cross_region: Option<bool>,
    pub fencing: Option<bool>,
    pub promote_on_partition: Option<bool>,
    pub max_lag: Option<Size>,
    /// Patroni's `primary_start_timeout`.
    pub primary_start_timeout: Option<Duration>,
    /// A planned switchover back to the home region this long after it
    /// returns (absent: never).
    pub failback_after: Option<Duration>,
    /// How long writes stop for that switchover.
    pub switchover: Option<Duration>,
}

#[derive(Clone, Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawOperators {
    pub response: Option<DistSpec>,
    pub night_multiplier: Option<f64>,
}

#[derive(Clone, Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawBackups {
    pub full_every: Option<Duration>,
    pub incremental_every: Option<Duration>,
    pub first_at: Option<Duration>,
    pub throughput: Option<Throughput>,
    pub restore_throughput: Option<Throughput>,
    pub provision: Option<DistSpec>,
    pub retention: Option<Duration>,
    pub region: Option<String>,
    #[serde(default)]
    pub copy_to: Vec<String>,
    pub copy_delay: Option<Duration>,
    pub archive_copy_delay: Option<Duration>,
    pub method: Option<String>,
    pub corrupt: Option<Fraction>,
    /// Take a snapshot just before every migration.
    pub before_migrations: Option<bool>,
    pub log_archive: Option<RawLogArchive>,
}

#[derive(Clone, Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawLogArchive {
    pub interval: Duration,
    pub replay_throughput: Option<Throughput>,
}

/// The stochastic fault sources. Each is optional: an absent key means that
/// fault never happens at random (it can still be scheduled in `events`).
#[derive(Clone, Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawFaults {
    pub api_crash: Option<RawFailure>,
    pub db_crash: Option<RawFailure>,
    pub disk_loss: Option<RawFailure>,
    pub zone_outage: Option<RawFailure>,
    pub region_outage: Option<RawFailure>,
    pub partition: Option<RawFailure>,
    pub accidental_delete: Option<RawFailure>,
}

/// One stochastic failure source: when (MTTF or AFR, and the law), and
/// for outages, deletes and partitions, how long or how bad.
#[derive(Clone, Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawFailure {
    pub mttf: Option<Duration>,
    pub afr: Option<Fraction>,
    pub dist: Option<String>,
    pub shape: Option<f64>,
    pub sigma: Option<f64>,
    pub duration: Option<DistSpec>,
    pub destroys_data: Option<Fraction>,
    pub detect: Option<DistSpec>,
    pub share: Option<Fraction>,
    pub recovery: Option<String>,
}

/// A fault staged at a fixed simulated time.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub at: Duration,
    pub fault: String,
    pub target: Option<String>,
    pub between: Option<Vec<String>>,
    pub duration: Option<Duration>,
    pub destroys_data: Option<bool>,
    pub detect: Option<Duration>,
    pub share: Option<Fraction>,
    pub recovery: Option<String>,
    pub until: Option<Duration>,
    pub note: Option<String>,
}

/// A schema migration, as Flyway or Liquibase would run it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawMigration {
    pub version: String,
    #[serde(default)]
    pub description: String,
    pub at: Duration,
    pub effect: String,
    pub lock: Option<Duration>,
    pub rollback: Option<bool>,
    pub fix: Option<Duration>,
    pub share: Option<Fraction>,
    pub detect: Option<Duration>,
    pub recovery: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    pub percentile: Option<f64>,
    pub software: Option<RawTarget>,
    pub hardware: Option<RawTarget>,
    pub zone: Option<RawTarget>,
    pub region: Option<RawTarget>,
    pub human: Option<RawTarget>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    pub rto: Option<Duration>,
    pub rpo: Option<Duration>,
}

/// Monthly prices, for the cost axis of the trade-off chart.
#[derive(Clone, Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawCosts {
    pub node_per_month: Option<f64>,
    pub backup_storage_per_gb_month: Option<f64>,
    pub cross_region_transfer_per_gb: Option<f64>,
    pub currency: Option<String>,
}

/// A distribution of durations: a plain `"30s"` (always 30 s) or a table
/// `{ dist = "lognormal", median = "15m", p95 = "1h" }`.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(untagged)]
pub enum DistSpec {
    Fixed(Duration),
    Table(DistTable),
}

#[derive(Clone, Debug, Deserialize, Serialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DistTable {
    pub dist: String,
    pub mean: Option<Duration>,
    pub median: Option<Duration>,
    pub p95: Option<Duration>,
    pub sigma: Option<f64>,
    pub shape: Option<f64>,
    pub scale: Option<Duration>,
    pub min: Option<Duration>,
    pub max: Option<Duration>,
}

impl<'de> Deserialize<'de> for DistSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{self, MapAccess, Visitor};
        use std::fmt;
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DistSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a duration such as \"30s\" or a table such as { dist = \"exponential\", mean = \"30s\" }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DistSpec, E> {
                crate::units::parse_duration(v)
                    .map(DistSpec::Fixed)
                    .map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DistSpec, E> {
                Err(E::custom(format!(
                    "`{v}` has no unit; write a duration such as \"{v}s\""
                )))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DistSpec, E> {
                self.visit_i64(v as i64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DistSpec, E> {
                Err(E::custom(format!(
                    "`{v}` has no unit; write a duration such as \"{v}s\""
                )))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DistSpec, A::Error> {
                DistTable::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(DistSpec::Table)
            }
        }
        d.deserialize_any(V)
    }
}
