//! Recovering a primary that is down (docs/model.md, the chapter of that
//! name): the plan (wait, fail over, restore, or start empty), the detector's
//! and operators' clocks, the choice of candidate, and carrying the plan out.
//! A failover or restore charges the window its copy lacks through
//! `Sim::lose_window` (ledger.rs).

use super::*;

#[derive(Clone, Debug)]
pub(super) enum Plan {
    /// The primary will come back by itself (restart, zone returns).
    Wait,
    Failover {
        to: NodeId,
        position: Micros,
    },
    Restore(RestorePlan),
    /// No copy survives: start over with an empty database on a new disk.
    StartEmpty,
}

/// What [`Sim::plan_primary_recovery`] chose, told in words only when
/// recording (`WaitPrimary` with the replica it would have promoted, if
/// one could be).
pub(super) enum PlanStory {
    Failover { automatic: bool, to: NodeId },
    Restore(RestorePlan),
    StartEmpty,
    WaitReplica(NodeId),
    WaitPrimary(Option<NodeId>),
}

pub(super) struct Recovery {
    pub(super) epoch: u32,
    pub(super) incident: Option<usize>,
    pub(super) failed_at: Micros,
    pub(super) plan: Plan,
}

/// A restore plan as the story's recovery.
pub(super) fn restore_label(r: &RestorePlan) -> RecoveryHow {
    RecoveryHow::Restore(RestoreHow::of(r))
}

impl Sim<'_, '_> {
    pub(super) fn operator_response(&mut self) -> Micros {
        let d = self.s_ops.sample(&self.sc.operators.response);
        let hour = (self.now % DAY) / HOUR;
        if self.sc.operators.night_multiplier != 1.0 && !(7..22).contains(&hour) {
            // No longer than any other duration, so that adding it to a
            // time cannot wrap (`units::DURATION_MAX`).
            ((d as f64 * self.sc.operators.night_multiplier) as Micros)
                .min(crate::units::DURATION_MAX)
        } else {
            d
        }
    }

    fn backup_world(&self) -> BackupWorld<'_> {
        BackupWorld {
            trial_seed: self.trial_seed,
            db_down: &self.logs.db_downs,
            db_down_since: self.db_down_since,
            destroyed: &self.topo.destroyed,
            down: &self.topo.region_is_down,
            broken_windows: &self.logs.broken_windows,
        }
    }

    /// When the primary, down but with its data, will run again.
    fn return_time(&self, n: NodeId) -> Option<Micros> {
        let s = &self.topo.nodes[n];
        if s.disk != Disk::Ok {
            return None;
        }
        let z = self.topo.node_zone(n);
        let r = self.sc.zones[z].region;
        let mut t = self.now;
        if s.crashed {
            t = t.max(s.restart_at);
        }
        if self.topo.zone_down[z] > 0 {
            t = t.max(self.topo.zone_until[z]);
        }
        if self.topo.region_down[r] > 0 {
            t = t.max(self.topo.region_until[r]);
        }
        Some(t)
    }

    /// The most up-to-date replica that could become the primary.
    fn best_candidate(&mut self) -> Option<(NodeId, Micros)> {
        let p = self.primary;
        let pr = self.node_region(p);
        let mut best: Option<(NodeId, Micros, (bool, bool))> = None;
        for n in 0..self.topo.nodes.len() {
            if n == p
                || self.topo.nodes[n].role != Role::Replica
                || self.topo.nodes[n].stale
                || !self.topo.node_up(n)
            {
                continue;
            }
            let pos = self.received_position(n);
            let pref = (self.node_region(n) == pr, self.topo.nodes[n].active);
            let better = match &best {
                None => true,
                Some((_, bp, bpref)) => pos > *bp || (pos == *bp && pref > *bpref),
            };
            if better {
                best = Some((n, pos, pref));
            }
        }
        best.map(|(n, p, _)| (n, p))
    }

    pub(super) fn restore_options(&mut self, target: Micros) -> Option<RestorePlan> {
        let w = self.backup_world();
        let pitr = plan_pitr(self.sc, &w, self.now, target);
        let backup = plan_restore(self.sc, &w, self.now, target);
        match (pitr, backup) {
            (Some(p), Some(b)) => Some(
                if (p.position, std::cmp::Reverse(p.duration))
                    >= (b.position, std::cmp::Reverse(b.duration))
                {
                    p
                } else {
                    b
                },
            ),
            (p, b) => p.or(b),
        }
    }

    /// Time left until the failure detector declares the primary dead,
    /// counted from when it stopped serving (drawn once per outage).
    fn detection_remaining(&mut self) -> Micros {
        let at = match self.detect_at {
            Some(at) => at,
            None => {
                let start = self.outage_start.unwrap_or(self.now);
                let at = start.saturating_add(self.s_failover.sample(&self.sc.failover.detection));
                self.detect_at = Some(at);
                at
            }
        };
        at.saturating_sub(self.now)
    }

    /// Time left until an operator acts on the outage (paged once per outage).
    fn response_remaining(&mut self) -> Micros {
        let at = match self.respond_at {
            Some(at) => at,
            None => {
                let start = self.outage_start.unwrap_or(self.now);
                let at = start.saturating_add(self.operator_response());
                self.respond_at = Some(at);
                at
            }
        };
        at.saturating_sub(self.now)
    }

    pub(super) fn plan_primary_recovery(&mut self) {
        let failed_at = *self.outage_start.get_or_insert(self.now);
        let p = self.primary;
        // A rewind needs its source running (pg_rewind reads the new
        // timeline from it): the ones under way stop, their copies intact.
        for n in 0..self.topo.nodes.len() {
            let st = &mut self.topo.nodes[n];
            if st.rewinding && st.disk == Disk::Rebuilding {
                st.disk = Disk::Ok;
                st.disk_epoch += 1;
                st.rewinding = false;
                st.rebuild_waiting = false;
            }
        }
        let data_ok = self.topo.nodes[p].disk == Disk::Ok;
        let back_at = self.return_time(p);
        // Only the process crashed (its node and zone run): Patroni gives it
        // primary_start_timeout after detection to restart in place.
        let in_place = data_ok
            && self.topo.nodes[p].crashed
            && !self.topo.zone_is_down(self.topo.node_zone(p));
        let fo = &self.sc.failover;
        let mut plan: Option<(Plan, Micros, PlanStory, Option<Micros>)> = None;

        // With the primary's data gone, people promote whatever replica has
        // the data, even where nothing is configured to fail over.
        let may_fail_over = fo.mode != FailoverMode::None || !data_ok;
        let candidate = if may_fail_over {
            self.best_candidate()
        } else {
            None
        };
        // A replica too far behind is not promoted while the primary will
        // come back (Patroni's maximum_lag_on_failover).
        let candidate = candidate.filter(|&(_, position)| {
            !data_ok || self.log_bytes(failed_at.saturating_sub(position)) <= fo.max_lag
        });
        if let Some((c, position)) = candidate {
            let same_region = self.node_region(c) == self.node_region(p);
            let automatic = fo.mode == FailoverMode::Automatic && (same_region || fo.cross_region);
            let mut start = if automatic {
                self.detection_remaining()
            } else {
                self.response_remaining()
            };
            if in_place {
                let noticed = if automatic {
                    self.detect_at
                } else {
                    self.respond_at
                };
                let noticed = noticed.unwrap_or(self.now);
                start = noticed
                    .saturating_add(fo.primary_start_timeout)
                    .saturating_sub(self.now);
            }
            // The primary is waited for if it is back by the time the
            // failover would be done.
            let promotion = self.s_failover.sample(&self.sc.failover.promotion);
            let mut ready = start.saturating_add(promotion);
            if !self.topo.nodes[c].active {
                ready =
                    ready.saturating_add(self.s_failover.sample(&self.sc.failover.standby_warmup));
            }
            if back_at.is_none_or(|b| b > self.now.saturating_add(ready)) {
                if self.topo.nodes[c].mode == ReplicationMode::Delayed {
                    // Received but not yet applied log must be replayed first.
                    let applied = if self.topo.nodes[c].connected {
                        position.saturating_sub(self.sc.replication.delay)
                    } else {
                        self.topo.nodes[c].frozen_applied
                    };
                    ready =
                        ready.saturating_add(self.replay_time(position.saturating_sub(applied)));
                }
                plan = Some((
                    Plan::Failover { to: c, position },
                    ready,
                    PlanStory::Failover { automatic, to: c },
                    Some(failed_at.saturating_sub(position)),
                ));
            }
        }
        if plan.is_none() && !data_ok {
            let response = self.response_remaining();
            match self.restore_options(failed_at) {
                Some(r) => {
                    let provision = self.s_ops.sample(
                        &self
                            .sc
                            .backups
                            .as_ref()
                            .expect("a restore plan implies backups")
                            .provision,
                    );
                    let window = Some(failed_at.saturating_sub(r.position));
                    plan = Some((
                        Plan::Restore(r.clone()),
                        response
                            .saturating_add(provision)
                            .saturating_add(r.duration),
                        PlanStory::Restore(r),
                        window,
                    ));
                }
                None => {
                    plan = Some((Plan::StartEmpty, 0, PlanStory::StartEmpty, None));
                }
            }
            // A replica that still holds the data but is down for now (a
            // crash, its zone out; a deposed primary too) is waited for: the
            // best surviving copy becomes authoritative, unless a restore
            // reaches further.
            let restored_to = match &plan {
                Some((Plan::Restore(r), ..)) => Some(r.position),
                _ => None,
            };
            let returning = (0..self.topo.nodes.len())
                .filter(|&m| {
                    m != p
                        && self.topo.nodes[m].role == Role::Replica
                        && !self.topo.nodes[m].stale
                        && !self.topo.node_up(m)
                        && restored_to.is_none_or(|r| self.topo.nodes[m].frozen_received >= r)
                })
                .filter_map(|m| self.return_time(m).map(|t| (t, m)))
                .min();
            if let Some((back, m)) = returning {
                plan = Some((Plan::Wait, back - self.now, PlanStory::WaitReplica(m), None));
            }
        }
        let (plan, ready, story, window) = plan.unwrap_or((
            Plan::Wait,
            back_at.unwrap_or(self.now) - self.now,
            PlanStory::WaitPrimary(candidate.map(|(c, _)| c)),
            Some(0),
        ));
        self.epoch += 1;
        let incident = self.ctx.or(self.outage_owner);
        let timed = matches!(plan, Plan::Failover { .. } | Plan::Restore(_));
        self.recovery = Some(Recovery {
            epoch: self.epoch,
            incident,
            failed_at,
            plan,
        });
        if timed {
            let epoch = self.epoch;
            self.at(ready, Ev::Recover { epoch });
        }
        self.note_with(|s| Happening::RecoveryPlanned {
            how: s.tell_plan(story),
            ready_in: ready,
            window,
        });
    }

    /// A recovery plan as the story records it.
    fn tell_plan(&self, story: PlanStory) -> RecoveryHow {
        match story {
            PlanStory::Failover { automatic, to } => RecoveryHow::Failover {
                automatic,
                to: self.sc.nodes[to].name.clone(),
            },
            PlanStory::Restore(r) => restore_label(&r),
            PlanStory::StartEmpty => RecoveryHow::StartEmpty,
            PlanStory::WaitReplica(m) => RecoveryHow::WaitReplica {
                replica: self.sc.nodes[m].name.clone(),
            },
            PlanStory::WaitPrimary(c) => RecoveryHow::WaitPrimary {
                candidate: c.map(|c| self.sc.nodes[c].name.clone()),
            },
        }
    }

    pub(super) fn on_recover(&mut self, epoch: u32) {
        let Some(rec) = self.recovery.take_if(|r| r.epoch == epoch) else {
            return;
        };
        self.ctx = rec.incident;
        match rec.plan {
            Plan::Failover { to, position } => {
                if !self.topo.node_up(to) || self.topo.nodes[to].stale {
                    // The chosen replica failed meanwhile: choose again.
                    self.plan_primary_recovery();
                    return;
                }
                let lost = self.lose_window(position, rec.failed_at);
                let from = self.primary;
                self.promote(to, position, rec.failed_at);
                if let Some(i) = rec.incident {
                    self.outcome.incidents[i].recovery = Some(crate::sim::outcome::concat(&[
                        "failover to ",
                        &self.sc.nodes[to].name,
                    ]));
                }
                self.note_with(|s| Happening::Promoted {
                    from: s.sc.nodes[from].name.clone(),
                    to: s.sc.nodes[to].name.clone(),
                    window: rec.failed_at.saturating_sub(position),
                    lost_writes: lost,
                });
            }
            Plan::Restore(r) => {
                let p = self.primary;
                let lost = self.lose_window(r.position, rec.failed_at);
                self.install_fresh_copy(p, r.position);
                let how = restore_label(&r);
                self.set_recovery_label(rec.incident, &how.to_string());
                self.note(Happening::Restored {
                    how,
                    window: rec.failed_at.saturating_sub(r.position),
                    lost_writes: lost,
                    corrupt_tried: r.corrupt_tried,
                });
            }
            Plan::Wait | Plan::StartEmpty => {
                self.recovery = Some(rec);
            }
        }
    }

    /// Puts freshly restored data on node `n` (new hardware, in a surviving
    /// region if its own is down) and makes every other copy resync from it.
    pub(super) fn install_fresh_copy(&mut self, n: NodeId, position: Micros) {
        if self.topo.zone_is_down(self.topo.node_zone(n)) {
            let elsewhere = (0..self.sc.zones.len()).find(|&z| !self.topo.zone_is_down(z));
            self.topo.nodes[n].zone = elsewhere.unwrap_or(self.topo.nodes[n].zone);
        }
        let st = &mut self.topo.nodes[n];
        st.disk = Disk::Ok;
        st.disk_ready = false;
        st.disk_epoch += 1;
        st.crashed = false;
        st.stale = false;
        st.data_since = position;
        self.schedule_disk_failure(n);
        for m in 0..self.topo.nodes.len() {
            if m != n
                && self.topo.nodes[m].role == Role::Replica
                && self.topo.nodes[m].disk != Disk::Lost
            {
                self.topo.nodes[m].stale = true;
                self.topo.nodes[m].diverged = false;
                self.topo.nodes[m].connected = false;
            }
        }
        self.note_with(|s| Happening::Up {
            component: Component::Node(s.sc.nodes[n].name.clone()),
        });
    }

    /// Promotes `to`, whose copy reaches `position`; the deposed primary's
    /// reaches `old_until`. Every copy that holds writes past `position` has
    /// diverged from the new timeline and must be rewound before it
    /// replicates (pg_rewind; MySQL re-points a GTID replica alike).
    pub(super) fn promote(&mut self, to: NodeId, position: Micros, old_until: Micros) {
        let old = self.primary;
        self.topo.nodes[old].mode = self.topo.nodes[to].mode;
        self.topo.nodes[old].active = self.topo.nodes[to].active;
        self.topo.nodes[old].role = Role::Replica;
        if self.topo.nodes[old].disk_ready {
            // Its new, empty disk is seeded from the new primary.
            self.topo.nodes[old].disk_ready = false;
            self.topo.nodes[old].disk = Disk::Ok;
            self.topo.nodes[old].stale = true;
        } else if self.topo.nodes[old].disk == Disk::Ok {
            // Its disk is intact: rewound, not re-seeded.
            self.diverge(old, old_until, position);
        } else {
            // Re-seeded once its new disk arrives.
            self.topo.nodes[old].stale = true;
        }
        self.topo.nodes[old].connected = false;
        let st = &mut self.topo.nodes[to];
        st.role = Role::Primary;
        st.connected = false;
        st.diverged = false;
        st.divergent_tail = 0;
        self.primary = to;
        self.source_epoch += 1;
        for m in 0..self.topo.nodes.len() {
            let st = &self.topo.nodes[m];
            if m != to
                && m != old
                && st.role == Role::Replica
                && st.disk == Disk::Ok
                && !st.stale
                && !st.connected
            {
                let held = st.frozen_received;
                self.diverge(m, held, position);
            }
        }
    }

    /// Copy `n` holds the log up to `held`; the timeline it rejoins, up to
    /// `common` only. Past `common` it has diverged: its positions fall back
    /// to the shared prefix (a new epoch: the tail no longer counts) and
    /// the tail waits for a rewind.
    fn diverge(&mut self, n: NodeId, held: Micros, common: Micros) {
        let st = &mut self.topo.nodes[n];
        if held > common {
            let before = if st.diverged { st.divergent_tail } else { 0 };
            st.divergent_tail = before + (held - common);
            st.diverged = true;
        }
        let received = held.min(common);
        let applied = st.frozen_applied.min(received);
        if received < st.frozen_received || applied < st.frozen_applied {
            st.disk_epoch += 1;
        }
        st.frozen_received = received;
        st.frozen_applied = if n == self.primary { received } else { applied };
    }
}
