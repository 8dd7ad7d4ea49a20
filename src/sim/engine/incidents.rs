//! Incidents and the story (docs/model.md, "Incident attribution"): an
//! incident opens at each fault that can cost something, and every later
//! consequence queued from it carries its index (`Sim::ctx`); the story
//! records are written only when recording.

use super::*;

impl Sim<'_, '_> {
    pub(super) fn note(&mut self, what: Happening) {
        if self.record {
            self.outcome.records.push(Record {
                at: self.now,
                incident: self.ctx,
                what,
            });
        }
    }

    /// [`Sim::note`] for the frequent events: the story's strings (names,
    /// formatted durations) are built only when recording, since most
    /// trials are run only to be counted. `what` reads the state and cannot
    /// change it (no random draw may hide in a story).
    pub(super) fn note_with(&mut self, what: impl FnOnce(&Self) -> Happening) {
        if self.record {
            let what = what(self);
            self.note(what);
        }
    }

    pub(super) fn open_incident(
        &mut self,
        cause: FaultKind,
        target: SmallStr,
        note: Option<String>,
    ) -> usize {
        let id = self.outcome.incidents.len();
        self.outcome.incidents.push(Incident {
            cause,
            target,
            disruption: cause.disruption(),
            at: self.now,
            lost_writes: 0,
            rpo: 0,
            rto: 0,
            rto_from: self.now,
            diverged_writes: 0,
            recovery: None,
        });
        self.ctx = Some(id);
        self.note_with(|s| Happening::Fault {
            kind: cause,
            target: s.outcome.incidents[id].target.to_string(),
            note,
        });
        id
    }

    pub(super) fn set_recovery_label(&mut self, incident: Option<usize>, how: &str) {
        if let Some(i) = incident {
            self.outcome.incidents[i].recovery = Some(SmallStr::new(how));
        }
    }

    /// Lists the crash of API server `k`, counted as quiet by `crash_api`
    /// during this event, as the incident of the outage it starts.
    #[cold]
    pub(super) fn list_quiet_api_crash(&mut self, k: usize) {
        self.outcome.quiet_api_crashes -= 1;
        self.open_incident(FaultKind::ApiCrash, self.e.api_names[k].clone(), None);
    }

    /// The node a scheduled fault hits; `None` when it names a replica
    /// the strategy does not have.
    pub(super) fn resolve_node(&self, t: Target) -> Option<NodeId> {
        match t {
            Target::Node(n) => Some(n),
            Target::Replica => (0..self.topo.nodes.len())
                .filter(|&n| n != self.primary && self.topo.nodes[n].role == Role::Replica)
                .min_by_key(|&n| !self.topo.node_up(n)),
            Target::Absent => None,
            _ => Some(self.primary),
        }
    }

    pub(super) fn target_name(&self, t: Target) -> SmallStr {
        match t {
            Target::ApiServer(k) => match self.e.api_names.get(k) {
                Some(name) => name.clone(),
                None => crate::sim::outcome::concat(&["api-", &k.to_string()]),
            },
            Target::Node(_) | Target::Primary | Target::Replica | Target::Absent => {
                match self.resolve_node(t) {
                    Some(n) => self.e.node_names[n].clone(),
                    None => SmallStr::new("(no such replica)"),
                }
            }
            Target::Zone(z) => SmallStr::new(&self.sc.zones[z].name),
            Target::Region(r) => SmallStr::new(&self.sc.regions[r].name),
            Target::RegionPair(a, b) => crate::sim::outcome::concat(&[
                &self.sc.regions[a].name,
                " <-> ",
                &self.sc.regions[b].name,
            ]),
            Target::System => SmallStr::new("data set"),
        }
    }
}
