//! Which incident each record belongs to, for the records the engine
//! leaves untagged.

use crate::sim::{Component, Happening, Record};
use std::collections::BTreeMap;

/// The incident each record belongs to.
///
/// The engine tags most records with their incident. A few arrive without
/// one (the handler of a repair clears its context before the consequence
/// is noted); each is given to the incident it closes:
/// - `Up` of a component goes with the incident that took it down (or
///   started rebuilding it);
/// - `WritesResumed` goes with the incident whose `WritesStopped` it ends
///   (always, so that an outage is told in one paragraph), and an untagged
///   `WritesStopped` with the incident of the `WritesResumed` that ends it;
/// - anything else untagged goes with a record of the same instant just
///   before it, if that one has an incident.
pub fn attribute(records: &[Record]) -> Vec<Option<usize>> {
    // The WritesResumed that ends each WritesStopped.
    let mut resume_of = vec![None; records.len()];
    let mut open: Option<usize> = None;
    for (i, r) in records.iter().enumerate() {
        match r.what {
            Happening::WritesStopped { .. } => open = Some(i),
            Happening::WritesResumed { .. } => {
                if let Some(s) = open.take() {
                    resume_of[s] = Some(i);
                }
            }
            _ => {}
        }
    }
    let mut out: Vec<Option<usize>> = vec![None; records.len()];
    let mut downed: BTreeMap<Component, Option<usize>> = BTreeMap::new();
    let mut stop_owner: Option<Option<usize>> = None;
    for (i, r) in records.iter().enumerate() {
        let same_instant = || {
            (i > 0 && records[i - 1].at == r.at)
                .then(|| out[i - 1])
                .flatten()
        };
        let inc = match &r.what {
            Happening::WritesResumed { .. } => match stop_owner.take() {
                Some(Some(o)) => Some(o),
                _ => r.incident.or_else(same_instant),
            },
            Happening::WritesStopped { .. } => r
                .incident
                .or_else(|| resume_of[i].and_then(|k| records[k].incident))
                .or_else(same_instant),
            Happening::Up { component } => r
                .incident
                .or_else(|| downed.get(component).copied().flatten())
                .or_else(same_instant),
            _ => r.incident.or_else(same_instant),
        };
        out[i] = inc;
        match &r.what {
            Happening::Down { component, .. } => {
                downed.insert(component.clone(), inc);
            }
            Happening::Rebuilding { node, .. } | Happening::Rewinding { node, .. } => {
                downed.insert(Component::Node(node.clone()), inc);
            }
            Happening::Up { component } => {
                downed.remove(component);
            }
            Happening::WritesStopped { .. } => stop_owner = Some(inc),
            _ => {}
        }
    }
    out
}
