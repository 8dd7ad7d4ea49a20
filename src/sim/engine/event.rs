//! Events: what the queue holds, how small it is, and how a handler
//! schedules one (`at`, `at_new`). An event names its component by index
//! and carries the epoch that cancels it once stale; the handlers live with
//! their fault (`faults/*.rs`) and `dispatch` (engine.rs) routes each kind.

use super::*;

/// An event. Indices and epochs are `u32` so that an event is 12 bytes
/// and a queue entry (with its incident) 32: the queue moves entries, not
/// references to them. Validation bounds a scenario's components far below
/// 2^32 (`scenario::validate::NODES_MAX` and its neighbours), and a trial,
/// capped at 50 million events, cannot count epochs or corruptions past it.
///
/// `ApiRestart` is queued only when restarts are (`Sim::eager_restarts`);
/// otherwise the event loop makes them, and `ApiPoolCheck` is due at the
/// earliest restart while the API pool is short (see `ApiPool::wake`).
#[derive(Clone, Copy, Debug)]
pub(super) enum Ev {
    ApiCrash { server: u32, epoch: u32 },
    ApiRestart { server: u32 },
    ApiPoolCheck,
    NodeCrash { node: u32, epoch: u32 },
    NodeRestart { node: u32, epoch: u32 },
    DiskLoss { node: u32, epoch: u32 },
    DiskReplaced { node: u32, epoch: u32 },
    RebuildDone { node: u32, epoch: u32 },
    ZoneDown { zone: u32 },
    ZoneUp { zone: u32, stochastic: bool },
    RegionDown { region: u32 },
    RegionUp { region: u32, stochastic: bool },
    PartitionStart { pair: u32 },
    PartitionEnd { a: u32, b: u32, stochastic: bool },
    Delete,
    Scheduled { index: u32 },
    MigrationRun { index: u32 },
    Detect { corruption: u32 },
    Recover { epoch: u32 },
    LogicalRestored { epoch: u32 },
    Replan { corruption: u32 },
    SplitFence { epoch: u32 },
    SplitPromote { epoch: u32 },
    LockEnd,
    StallEnd,
    FailbackCheck { epoch: u32 },
    SwitchoverDone { epoch: u32 },
}

/// An index or epoch as an [`Ev`] holds it.
#[inline(always)]
pub(super) fn ix(i: usize) -> u32 {
    debug_assert!(u32::try_from(i).is_ok(), "index {i} does not fit an event");
    i as u32
}

/// The incident a queued event belongs to (`Sim::ctx`), in 4 bytes:
/// its index plus one, so that `None` costs nothing.
pub(super) type Inc = Option<NonZeroU32>;

// A queued event and its incident: 16 bytes, so a queue entry is 32.
const _: () = assert!(std::mem::size_of::<(Ev, Inc)>() == 16);

#[inline(always)]
pub(super) fn to_inc(ctx: Option<usize>) -> Inc {
    ctx.and_then(|i| NonZeroU32::new(ix(i) + 1))
}

#[inline(always)]
pub(super) fn from_inc(inc: Inc) -> Option<usize> {
    inc.map(|i| i.get() as usize - 1)
}

impl Sim<'_, '_> {
    /// Schedules a new failure arrival: it belongs to no incident yet.
    pub(super) fn at_new(&mut self, delay: Micros, ev: Ev) {
        let at = self.now.saturating_add(delay);
        self.queue.push(at, (ev, None));
    }

    pub(super) fn at(&mut self, delay: Micros, ev: Ev) {
        let at = self.now.saturating_add(delay);
        self.queue.push(at, (ev, to_inc(self.ctx)));
    }
}
