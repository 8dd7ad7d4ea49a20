//! Backups: schedule, storage region and copies, restore speed, log
//! archiving and the snapshots taken before migrations.

use super::Checker;
use super::database::Nodes;
use super::lognormal;
use super::topology::Topology;
use crate::scenario::model::{BackupMethod, Backups, LogArchive, RegionId};
use crate::scenario::raw::RawScenario;
use crate::units::{DAY, HOUR, MINUTE};

/// Default `copy_delay`: S3 Replication Time Control's 15-minute bound.
pub const COPY_DELAY: crate::units::Micros = 15 * MINUTE;

/// `[backups]`, if the scenario has them; stored in the primary's region
/// unless `region` says otherwise.
pub(super) fn backups(
    c: &mut Checker,
    raw: &RawScenario,
    topo: &Topology,
    db: &Nodes,
    horizon: crate::units::Micros,
) -> Option<Backups> {
    let (nodes, primaries, zones) = (&db.nodes, &db.primaries, &topo.zones);
    let primary_region = primaries
        .first()
        .and_then(|&p| zones.get(nodes[p].zone))
        .map(|z| z.region)
        .unwrap_or(0);
    raw.backups.as_ref().map(|b| {
        let full_every = c.nonzero_duration(
            "backups.full_every",
            b.full_every.map(|d| d.0).unwrap_or(7 * DAY),
        );
        let incremental_every = b
            .incremental_every
            .map(|d| c.nonzero_duration("backups.incremental_every", d.0));
        if let Some(i) = incremental_every
            && i > full_every
        {
            c.err(
                "backups.incremental_every",
                "incrementals must be at least as frequent as full backups",
            );
        }
        // A first backup at or past the horizon never runs: every restore
        // would find nothing, which no one means by setting it.
        if let Some(first) = b.first_at
            && first.0 >= horizon
        {
            c.err_help(
                "backups.first_at",
                format!(
                    "the first backup, at {}, is at or past the horizon ({}): no backup would ever be taken",
                    crate::units::format_duration(first.0),
                    crate::units::format_duration(horizon)
                ),
                "take the first backup within the horizon, or lengthen the horizon",
            );
        }
        let region = match &b.region {
            Some(r) => topo.find_region(c, "backups.region", r).unwrap_or(0),
            None => primary_region,
        };
        let mut copy_to: Vec<RegionId> = Vec::new();
        for (j, r) in b.copy_to.iter().enumerate() {
            let path = format!("backups.copy_to[{j}]");
            let Some(id) = topo.find_region(c, &path, r) else {
                continue;
            };
            // A copy beside the original burns with it: it would look like
            // protection against a region loss and give none.
            if id == region {
                c.err_help(
                    &path,
                    format!("the backups are already stored in `{r}`; a copy in the same region survives nothing the original does not"),
                    "copy to another region, or remove this entry",
                );
            } else if copy_to.contains(&id) {
                c.err(&path, format!("`{r}` is listed twice"));
            } else {
                copy_to.push(id);
            }
        }
        Backups {
            full_every,
            incremental_every,
            first_at: b.first_at.map(|d| d.0).unwrap_or(2 * HOUR),
            throughput: b.throughput.map(|t| t.0).unwrap_or(100e6),
            // EBS volume initialization 100-300 MiB/s (AWS EBS User Guide).
            restore_throughput: b.restore_throughput.map(|t| t.0).unwrap_or(200e6),
            provision: c.dist_or(
                "backups.provision",
                &b.provision,
                lognormal(10 * MINUTE, 30 * MINUTE),
            ),
            retention: c.nonzero_duration(
                "backups.retention",
                b.retention.map(|d| d.0).unwrap_or(35 * DAY),
            ),
            region,
            copy_to,
            // S3 Replication Time Control copies 99.99% of objects within
            // 15 minutes (Amazon S3 User Guide, "Meeting compliance
            // requirements with S3 RTC").
            copy_delay: b.copy_delay.map(|d| d.0).unwrap_or(COPY_DELAY),
            // pgBackRest `archive-push` and WAL-G push each segment to
            // every repository themselves (pgBackRest User Guide,
            // "Multiple Repositories"): a segment lands in the second
            // region as it is archived.
            archive_copy_delay: b.archive_copy_delay.map(|d| d.0).unwrap_or(0),
            method: match b.method.as_deref() {
                None | Some("snapshot") => BackupMethod::Snapshot,
                Some("physical") => BackupMethod::Physical,
                Some(other) => {
                    c.err_help(
                        "backups.method",
                        format!("unknown backup method `{other}`"),
                        "use \"snapshot\" (restores to the backup's start) or \"physical\" (restores to its stop point)",
                    );
                    BackupMethod::Snapshot
                }
            },
            corrupt: b.corrupt.map(|f| f.0).unwrap_or(0.0),
            schedule: true,
            snapshots: if b.before_migrations.unwrap_or(false) {
                raw.migrations.iter().map(|m| m.at.0).collect()
            } else {
                Vec::new()
            },
            log_archive: b.log_archive.as_ref().map(|l| LogArchive {
                interval: c.nonzero_duration("backups.log_archive.interval", l.interval.0),
                replay_throughput: l.replay_throughput.map(|t| t.0).unwrap_or(50e6),
            }),
        }
    })
}
