//! The write path (docs/model.md, "The write path"): writes are accepted
//! while the primary serves (or a split brain's two sides do), no guarantee
//! blocks them, no migration holds a lock, no logical rollback runs, and
//! enough API servers reach the primary. Keeps the downtime windows that
//! the ledger reads and each outage's owner (its incident's RTO).

use super::*;

impl Sim<'_, '_> {
    fn api_capacity_ok(&self) -> (bool, u32) {
        let Some(api) = &self.sc.api else {
            return (true, 0);
        };
        #[cfg(test)]
        {
            assert_eq!(
                self.pool.serving,
                self.count_api_serving(),
                "ApiPool::serving out of step"
            );
            for z in 0..self.sc.zones.len() {
                assert_eq!(
                    self.topo.zone_dark[z],
                    self.zone_dark_now(z),
                    "zone_dark out of step"
                );
            }
        }
        if self.topo.partitions_active == 0 {
            // Without a partition every running server reaches the primary.
            return (self.pool.serving >= api.min_healthy, self.pool.serving);
        }
        let pr = self.node_region(self.primary);
        let old_region = self.split.as_ref().map(|s| self.node_region(s.old));
        let healthy = api
            .servers
            .iter()
            .enumerate()
            .filter(|&(k, &z)| {
                let r = self.sc.zones[z].region;
                !self.pool.servers[k].crashed
                    && !self.topo.zone_is_down(z)
                    && (!self.partitioned(r, pr)
                        || old_region.is_some_and(|o| !self.partitioned(r, o)))
            })
            .count() as u32;
        (healthy >= api.min_healthy, healthy)
    }

    /// The primary stopped serving while writes were flowing: the writes
    /// inside their commit round trip (the API server to the primary, plus
    /// what the replication mode adds) fail. Their clients saw an error or
    /// a timeout: counted as `failed_writes`, never as lost.
    fn fail_writes_in_flight(&mut self) {
        let rtt = self.sc.network.rtt_same_zone + self.sc.write_latency_added();
        let mean = self.sc.workload.writes_per_sec * rtt as f64 / 1e6;
        if let Ok(p) = Poisson::new(mean) {
            let x: f64 = p.sample(&mut self.s_failed);
            self.outcome.failed_writes += x as u64;
        }
    }

    pub(super) fn refresh_write_path(&mut self) {
        let db_up = self.primary_serving();
        let serving = db_up || self.split.is_some();
        if db_up != self.db_up {
            self.db_up = db_up;
            if db_up {
                self.outage_start = None;
                self.detect_at = None;
                self.respond_at = None;
                if let Some(s) = self.db_down_since.take() {
                    self.logs.db_downs.push((s, self.now));
                }
            } else {
                self.db_down_since = Some(self.now);
                self.source_epoch += 1;
                if !serving && self.write_up {
                    self.fail_writes_in_flight();
                }
            }
        }
        let (api_ok, healthy) = self.api_capacity_ok();
        self.api_ok_seen = api_ok;
        self.write_path_seen_at = self.now;
        let db_ok = serving
            && !self.sync_blocked
            && self.now >= self.stall_until
            && self.locks == 0
            && self.switchover.is_none()
            && self.logical.as_ref().is_none_or(|l| l.side);
        let up = db_ok && api_ok;
        if up == self.write_up {
            return;
        }
        self.write_up = up;
        if up {
            let since = self.down_since.take().unwrap_or(self.now);
            self.logs.downs.push((since, self.now));
            if let Some(i) = self.outage_owner.take() {
                let inc = &mut self.outcome.incidents[i];
                inc.rto = inc.rto.max(self.now.saturating_sub(inc.rto_from));
            }
            self.note(Happening::WritesResumed {
                after: self.now - since,
            });
        } else {
            self.down_since = Some(self.now);
            if let Some(k) = self.quiet_api.take() {
                self.list_quiet_api_crash(k as usize);
            }
            self.outage_owner = self.ctx;
            if self.record {
                let why = self.why_down(serving, api_ok, healthy);
                self.note(Happening::WritesStopped { why });
            }
        }
    }

    /// After an API server's event: whether [`Sim::refresh_write_path`]
    /// would change nothing, so it need not run. Such an event moves only
    /// the count of serving servers, so the write path can move only if
    /// the pool's sufficiency changed, or (with a partition) the walk over
    /// the pool could give another answer, or the stall that ends at
    /// `stall_until` ended since the last check (the one input that
    /// changes with time alone).
    #[inline]
    pub(super) fn write_path_settled(&self) -> bool {
        let Some(api) = &self.sc.api else {
            return false;
        };
        self.topo.partitions_active == 0
            && (self.pool.serving >= api.min_healthy) == self.api_ok_seen
            && !(self.write_path_seen_at < self.stall_until && self.stall_until <= self.now)
    }

    fn why_down(&self, serving: bool, api_ok: bool, healthy: u32) -> StopReason {
        let primary = || self.sc.nodes[self.primary].name.clone();
        if self.logical.as_ref().is_some_and(|l| !l.side) {
            StopReason::Restoring
        } else if !serving {
            if self.fenced {
                StopReason::Fenced { primary: primary() }
            } else {
                let under_way = match self.recovery.as_ref().map(|r| &r.plan) {
                    Some(Plan::Failover { .. }) => Some(UnderWay::Failover),
                    Some(Plan::Restore(_)) => Some(UnderWay::Restore),
                    _ => None,
                };
                StopReason::PrimaryDown {
                    primary: primary(),
                    under_way,
                }
            }
        } else if self.switchover.is_some() {
            StopReason::Switchover
        } else if self.locks > 0 {
            StopReason::MigrationLock
        } else if self.sync_blocked {
            StopReason::SyncBlocks
        } else if self.now < self.stall_until {
            StopReason::SemiSyncWait
        } else if !api_ok {
            let (servers, needed) = self
                .sc
                .api
                .as_ref()
                .map(|a| (a.servers.len(), a.min_healthy))
                .unwrap_or((0, 0));
            StopReason::ApiShort {
                healthy,
                servers,
                needed,
            }
        } else {
            StopReason::Rejected
        }
    }
}
