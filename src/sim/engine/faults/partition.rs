//! Network partition between two regions (docs/model.md, "Network
//! partition").
//!
//! - Arrival: `faults.partition`, stream `partition/A|B` per routed pair,
//!   redrawn when a random partition ends; length from
//!   `partition-duration/A|B`.
//! - Effect: replicas across it stop receiving; API servers across it stop
//!   reaching the primary. With `failover.promote_on_partition` the far
//!   side promotes a replica: fenced (lease expiry) or a split brain.
//! - Repair: the partition heals after its duration; a split brain is
//!   reconciled and the deposed primary resyncs.
//! - Loss: a fenced promotion, `lose_window` up to the fence; a split
//!   brain, `charge_divergence` when it heals.

use crate::sim::engine::*;

pub(in crate::sim::engine) struct Split {
    pub(in crate::sim::engine) old: NodeId,
    /// Share of the writes the deposed primary keeps taking: the share of
    /// healthy API servers that can reach only it.
    pub(in crate::sim::engine) old_share: f64,
    pub(in crate::sim::engine) position: Micros,
    pub(in crate::sim::engine) promoted_at: Micros,
    pub(in crate::sim::engine) regions: (RegionId, RegionId),
    pub(in crate::sim::engine) incident: Option<usize>,
}

pub(in crate::sim::engine) struct PendingSplit {
    pub(in crate::sim::engine) epoch: u32,
    pub(in crate::sim::engine) candidate: NodeId,
    pub(in crate::sim::engine) fence_at: Option<Micros>,
    pub(in crate::sim::engine) regions: (RegionId, RegionId),
    pub(in crate::sim::engine) incident: Option<usize>,
}

impl Sim<'_, '_> {
    pub(in crate::sim::engine) fn on_partition_start(&mut self, pair: usize) {
        let f = self
            .sc
            .faults
            .partition
            .as_ref()
            .expect("scheduled only when configured");
        let d = self.streams.partition_dur[pair].sample(f.duration.as_ref().expect("validated"));
        let (a, b) = self.e.region_pairs[pair];
        let name = self.target_name(Target::RegionPair(a, b));
        self.open_incident(FaultKind::Partition, name, None);
        self.partition(a, b, d, true);
    }

    /// The old primary loses its lease on the far side of a partition.
    pub(in crate::sim::engine) fn on_split_fence(&mut self, epoch: u32) {
        if let Some(p) = &self.pending_split
            && p.epoch == epoch
        {
            self.ctx = p.incident;
            self.fenced = true;
            self.pending_split.as_mut().expect("checked").fence_at = Some(self.now);
        }
    }

    pub(in crate::sim::engine) fn partition(
        &mut self,
        a: RegionId,
        b: RegionId,
        d: Micros,
        stochastic: bool,
    ) {
        let Some(i) = self.pair_index(a, b) else {
            return;
        };
        self.topo.partitioned[i] += 1;
        self.topo.partitions_active += 1;
        self.at(
            d,
            Ev::PartitionEnd {
                a: ix(a),
                b: ix(b),
                stochastic,
            },
        );
        self.note_with(|s| Happening::Down {
            component: Component::Network(s.target_name(Target::RegionPair(a, b)).to_string()),
            why: DownReason::Partition { lasts: d },
        });
        let fo = &self.sc.failover;
        let pr = self.node_region(self.primary);
        if !(fo.promote_on_partition && fo.cross_region && fo.mode == FailoverMode::Automatic)
            || self.recovery.is_some()
            || self.split.is_some()
            || self.pending_split.is_some()
        {
            return;
        }
        if pr != a && pr != b {
            return;
        }
        let other = if pr == a { b } else { a };
        // The failure detector on the far side sees the primary vanish.
        let candidate = (0..self.topo.nodes.len())
            .filter(|&n| {
                n != self.primary
                    && self.topo.nodes[n].role == Role::Replica
                    && !self.topo.nodes[n].stale
                    && self.topo.node_up(n)
                    && self.node_region(n) == other
            })
            .max_by_key(|&n| (self.topo.nodes[n].active, std::cmp::Reverse(n)));
        let Some(candidate) = candidate else { return };
        let detect = self.s_failover.sample(&fo.detection);
        let promote = self.s_failover.sample(&fo.promotion);
        self.epoch += 1;
        let epoch = self.epoch;
        self.pending_split = Some(PendingSplit {
            epoch,
            candidate,
            fence_at: None,
            regions: (a, b),
            incident: self.ctx,
        });
        if fo.fencing {
            self.at(detect, Ev::SplitFence { epoch });
        }
        self.at(detect.saturating_add(promote), Ev::SplitPromote { epoch });
    }

    pub(in crate::sim::engine) fn on_split_promote(&mut self, epoch: u32) {
        let Some(p) = self.pending_split.take_if(|p| p.epoch == epoch) else {
            return;
        };
        self.ctx = p.incident;
        let c = p.candidate;
        if !self.topo.node_up(c) || !self.partitioned(p.regions.0, p.regions.1) {
            self.fenced = false;
            return;
        }
        let position = self.received_position(c);
        let old = self.primary;
        let (from, to) = (
            self.sc.nodes[old].name.clone(),
            self.sc.nodes[c].name.clone(),
        );
        if let Some(fence_at) = p.fence_at {
            // The old primary stopped at its lease expiry; what it took
            // after the replica's position is gone.
            let lost = self.lose_window(position, fence_at);
            self.fenced = false;
            self.promote(c, position, fence_at);
            self.set_recovery_label(
                p.incident,
                &format!("failover to {to} (old primary fenced)"),
            );
            self.note(Happening::Promoted {
                from,
                to,
                window: fence_at.saturating_sub(position),
                lost_writes: lost,
            });
        } else {
            self.promote(c, position, self.now);
            // The deposed primary keeps serving its side: it is not stale
            // yet, and is re-seeded once the partition heals.
            self.topo.nodes[old].stale = false;
            self.topo.nodes[old].diverged = false;
            self.topo.nodes[old].role = Role::Replica;
            let old_share = self.old_side_share(old);
            self.split = Some(Split {
                old,
                old_share,
                position,
                promoted_at: self.now,
                regions: p.regions,
                incident: p.incident,
            });
            self.set_recovery_label(
                p.incident,
                &format!("split brain: {from} and {to} both took writes"),
            );
            self.note(Happening::SplitBrain { old: from, new: to });
        }
    }

    pub(in crate::sim::engine) fn on_partition_end(
        &mut self,
        a: RegionId,
        b: RegionId,
        stochastic: bool,
    ) {
        let Some(i) = self.pair_index(a, b) else {
            return;
        };
        self.topo.partitioned[i] -= 1;
        self.topo.partitions_active -= 1;
        self.note_with(|s| Happening::Up {
            component: Component::Network(s.target_name(Target::RegionPair(a, b)).to_string()),
        });
        if self.topo.partitioned[i] == 0 {
            if self
                .pending_split
                .as_ref()
                .is_some_and(|p| self.pair_index(p.regions.0, p.regions.1) == Some(i))
            {
                self.pending_split = None;
                self.fenced = false;
            }
            let split_here = self
                .split
                .as_ref()
                .is_some_and(|s| self.pair_index(s.regions.0, s.regions.1) == Some(i));
            if let Some(s) = self.split.take_if(|_| split_here) {
                self.ctx = s.incident;
                // Writes the old primary took after the new one's position:
                // all of them until the promotion, then its side's share.
                let diverged =
                    self.charge_divergence(s.position, s.promoted_at, s.old_share, s.incident);
                self.topo.nodes[s.old].stale = true;
                self.note(Happening::Reconciled {
                    diverged_writes: diverged,
                });
            }
        }
        if stochastic {
            self.arm_partition(i);
        }
    }

    /// The share of writes that reach the deposed primary during a split:
    /// the share of healthy API servers on its side.
    fn old_side_share(&self, old: NodeId) -> f64 {
        let Some(api) = &self.sc.api else { return 0.5 };
        let or = self.node_region(old);
        let nr = self.node_region(self.primary);
        let (mut old_side, mut total) = (0.0, 0.0);
        for (k, &z) in api.servers.iter().enumerate() {
            if self.pool.servers[k].crashed || self.topo.zone_is_down(z) {
                continue;
            }
            let r = self.sc.zones[z].region;
            let reaches_new = !self.partitioned(r, nr);
            let reaches_old = !self.partitioned(r, or);
            if reaches_old || reaches_new {
                total += 1.0;
                if reaches_old && !reaches_new {
                    old_side += 1.0;
                }
            }
        }
        if total == 0.0 { 0.0 } else { old_side / total }
    }
}
