//! Replication lag against the network, backup methods and the log
//! archive's own copy delay, from the command line.

mod common;
use common::*;

/// A primary in east and an async replica in west over a 2 s round trip;
/// the primary's disk is lost on day 1 and the replica is promoted.
fn far_replica(lag: &str) -> String {
    format!(
        r#"
name = "far"
seed = 3
trials = 5
horizon = "3d"
[workload]
writes_per_sec = 1000
write_size = "1KB"
data_size = "10GB"
[[regions]]
name = "east"
zones = ["east-a"]
[[regions]]
name = "west"
zones = ["west-a"]
[[network.links]]
between = ["east", "west"]
rtt = "2s"
[[database.nodes]]
name = "db1"
zone = "east-a"
role = "primary"
[[database.nodes]]
name = "db2"
zone = "west-a"
role = "replica"
[replication]
mode = "async"
lag = {lag}
[failover]
mode = "automatic"
cross_region = true
[[events]]
at = "1d"
fault = "disk-loss"
target = "db1"
"#
    )
}

#[test]
fn replication_lag_is_never_less_than_the_links_one_way_delay() {
    // Drawn lag 1 ms, one-way delay 1 s: the promoted replica misses the
    // last second of writes (about 1000, Poisson arrivals), not the last
    // millisecond (about 1).
    let v = run_json(&far_replica("\"1ms\""), &[]);
    let lost = metric(&v, "lost_writes", "max");
    assert!((900.0..=1100.0).contains(&lost), "lost {lost}");
    // A drawn lag above the floor is kept.
    let v = run_json(&far_replica("\"3s\""), &[]);
    let lost = metric(&v, "lost_writes", "max");
    assert!((2800.0..=3200.0).contains(&lost), "lost {lost}");
}

/// A delete found 6 h later, repaired by rolling back to a backup (writes
/// stop until the restore ends, so there is an RTO to measure; a side
/// restore never stops writes); operators respond in a fixed 10 minutes.
const LATE_DELETE: &str = r#"
[operators]
response = "10m"
night_multiplier = 1.0
[backups]
full_every = "7d"
first_at = "2h"
throughput = "100MB/s"
restore_throughput = "100MB/s"
provision = "5m"
[[events]]
at = "2d"
fault = "accidental-delete"
share = "40%"
detect = "6h"
recovery = "rollback"
"#;

#[test]
fn the_rto_of_logical_damage_runs_from_its_detection_not_from_the_delete() {
    let text = format!("{WORLD}{PRIMARY}{LATE_DELETE}");
    let v = run_json(&text, &["--trials", "3"]);
    let rto = metric(&v, "rto_seconds", "max");
    // Response 600 s + provision 300 s + restore of 10 GB at 100 MB/s
    // (100 s): 1000 s from detection; counted from the delete it would be
    // 6 h more.
    assert!((rto - 1000.0).abs() < 5.0, "rto {rto}");
}
