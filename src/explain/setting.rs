//! The setting: what the system is before anything happens.

use super::phrases::{article, join_and, ordinal_days, span};
use super::{Cast, Narrator};
use crate::format::{format_bytes, format_latency};
use crate::scenario::{FailoverMode, ReplicationMode, SyncDown};
use crate::units::{Micros, human_duration};
use std::collections::BTreeSet;

impl Narrator<'_> {
    pub(super) fn setting(&self) -> String {
        let sc = self.sc;
        let cast = Cast {
            primary: sc.initial_primary(),
            mode: sc.nodes.iter().map(|n| n.mode).collect(),
            active: sc.nodes.iter().map(|n| n.active).collect(),
        };
        let p = cast.primary;
        let pz = sc.nodes[p].zone;
        let pr = sc.zones[pz].region;
        let mut s: Vec<String> = Vec::new();
        let wps = sc.workload.writes_per_sec;
        let rate = if wps.fract() == 0.0 {
            format!("{wps:.0}")
        } else {
            format!("{wps}")
        };
        match &sc.api {
            Some(api) => {
                let zones: BTreeSet<usize> = api.servers.iter().copied().collect();
                let names: Vec<String> = zones.iter().map(|&z| sc.zones[z].name.clone()).collect();
                s.push(format!(
                    "Clients send about {rate} {} a second through a load balancer to {} stateless API servers in {} {}; at least {} must be healthy for {} to be accepted.",
                    self.nouns,
                    api.servers.len(),
                    if names.len() == 1 { "zone" } else { "zones" },
                    join_and(&names),
                    api.min_healthy,
                    self.nouns
                ));
            }
            None => s.push(format!(
                "Clients send about {rate} {} a second straight to the database.",
                self.nouns
            )),
        }
        s.push(format!(
            "Every write goes to the primary database {} in {}, which holds the authoritative copy of the data ({}).",
            sc.nodes[p].name,
            self.zone_name(pz),
            format_bytes(sc.workload.data_size)
        ));
        for (n, node) in sc.nodes.iter().enumerate() {
            if n == p {
                continue;
            }
            let z = node.zone;
            let place = if z == pz {
                format!("in the same zone, {}", sc.zones[z].name)
            } else if sc.zones[z].region == pr {
                format!(
                    "in zone {}, another data center of the same region",
                    sc.zones[z].name
                )
            } else {
                format!(
                    "in zone {} of region {}",
                    sc.zones[z].name, sc.regions[sc.zones[z].region].name
                )
            };
            let rtt = sc
                .node_rtt(p, n)
                .map(|r| format!(", {} away (round trip)", format_latency(r)))
                .unwrap_or_default();
            let how = match node.mode {
                ReplicationMode::Async => format!(
                    "is an async replica: the primary acknowledges each {} first and ships it afterwards, so the replica runs typically {} behind",
                    self.noun,
                    human_duration(sc.replication.lag.median() as Micros)
                ),
                ReplicationMode::SemiSync => format!(
                    "is a semi-sync replica: {} {} is acknowledged only once it has received it, unless it fails to answer within {} and the primary falls back to async",
                    article(&self.noun),
                    self.noun,
                    span(sc.replication.semi_sync_timeout)
                ),
                ReplicationMode::Sync => format!(
                    "is a sync replica: {} {} is acknowledged only once it is on the replica's disk too; if no sync replica can answer, writes {}",
                    article(&self.noun),
                    self.noun,
                    match sc.replication.sync_on_replica_down {
                        SyncDown::Block => "block",
                        SyncDown::Degrade => "continue unprotected",
                    }
                ),
                ReplicationMode::Delayed => format!(
                    "is a delayed replica: it receives the log at once but applies it {} late, so a mistake can be stopped before it lands there",
                    span(sc.replication.delay)
                ),
                ReplicationMode::None => "does not replicate".to_string(),
            };
            let reads = if node.active {
                "; it serves reads, so its cache is warm if promoted"
            } else {
                "; it is a standby that serves nothing until promoted"
            };
            s.push(format!(
                "The replica {} sits {place}{rtt}. It {how}{reads}.",
                node.name
            ));
        }
        if sc.nodes.len() == 1 {
            s.push("There is no replica.".into());
        } else {
            let fo = &sc.failover;
            s.push(match fo.mode {
                FailoverMode::Automatic => format!(
                    "If the primary fails, a failure detector notices within about {} and promotes the most up-to-date replica automatically{}; the promotion itself takes about {}.",
                    human_duration(fo.detection.median() as Micros),
                    if fo.cross_region {
                        ", in any region"
                    } else if self.multi_region() {
                        ", within the region (moving to another region is an operator's decision)"
                    } else {
                        ""
                    },
                    human_duration(fo.promotion.median() as Micros)
                ),
                FailoverMode::Manual => format!(
                    "Failover is manual: an on-call operator, about {} away{}, promotes a replica.",
                    human_duration(sc.operators.response.median() as Micros),
                    if sc.operators.night_multiplier > 1.0 {
                        " (slower at night)"
                    } else {
                        ""
                    }
                ),
                FailoverMode::None => format!(
                    "Nothing fails over: while the primary is down, {} wait for it.",
                    self.nouns
                ),
            });
        }
        match &sc.backups {
            Some(b) => {
                let mut t = format!("Backups: a full one {}", ordinal_days(b.full_every));
                if let Some(i) = b.incremental_every {
                    t.push_str(&format!(" and an incremental {}", ordinal_days(i)));
                }
                t.push_str(&format!(
                    ", kept {}, stored in {}",
                    span(b.retention),
                    sc.regions[b.region].name
                ));
                if !b.copy_to.is_empty() {
                    let names: Vec<String> = b
                        .copy_to
                        .iter()
                        .map(|&r| sc.regions[r].name.clone())
                        .collect();
                    t.push_str(&format!(" and copied to {}", join_and(&names)));
                }
                let restore = sc.workload.data_size / b.restore_throughput * 1e6;
                t.push_str(&format!(
                    "; restoring the whole database takes about {}",
                    human_duration(restore as Micros)
                ));
                match &b.log_archive {
                    Some(a) => t.push_str(&format!(
                        ". The write-ahead log is archived every {}, so a restore can reach within {} of a failure (point-in-time recovery).",
                        span(a.interval),
                        span(a.interval)
                    )),
                    None => t.push_str(&format!(
                        ". There is no log archive: a restore brings back the last backup, and every {} since is lost.",
                        self.noun
                    )),
                }
                s.push(t);
            }
            None => s.push("There are no backups.".into()),
        }
        s.join(" ")
    }
}
