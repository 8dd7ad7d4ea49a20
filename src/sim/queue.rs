//! The future event list, ordered by time, ties broken first in, first
//! out, so that two events at the same microsecond always run in the order
//! they were scheduled (the determinism rule nexosim uses too).
//! Hand-written rather than `std::collections::BinaryHeap` so that the
//! common case can be a sorted array (the event heap was a tenth of a
//! trial).
//!
//! A trial rarely has more than a few dozen pending events (about one per
//! component), and at that size a sorted array beats a heap: a pop takes
//! the last entry, and a push walks in from the end, moving each entry due
//! before it one step (3 on average in the default scenario, since most
//! new events are repairs due soon or failures due after many of the
//! pending ones), where a heap sifts down and up through branchy
//! comparisons. So the entries are kept sorted, earliest last, until more
//! than [`SORTED_MAX`] are pending; then, for the rest of the trial, they
//! become a binary heap (a sorted array read from its end is already one),
//! and every operation is O(log n) again.
//!
//! Entries hold their event: the engine's events are small (16 bytes), so
//! an entry is 32 bytes, and moving it costs what moving a 24-byte key to
//! a separate slab of events did, without the slab's free list.

use crate::units::Micros;

/// A queue entry: the event's time, its scheduling number, and the event.
#[derive(Clone, Copy)]
struct Entry<E> {
    at: Micros,
    seq: u64,
    event: E,
}

impl<E> Entry<E> {
    /// Earlier first, then first scheduled.
    #[inline(always)]
    fn before(&self, other: &Entry<E>) -> bool {
        (self.at, self.seq) < (other.at, other.seq)
    }
}

/// Pending events up to which the entries are kept as a sorted array.
pub const SORTED_MAX: usize = 128;

/// A time-ordered queue of events with FIFO tie-breaking: either a sorted
/// array (earliest last) or, past [`SORTED_MAX`] pending events, a binary
/// min-heap (see the module's comment).
pub struct EventQueue<E> {
    entries: Vec<Entry<E>>,
    seq: u64,
    /// `entries` is sorted by (time, sequence), latest first, rather than
    /// a heap.
    sorted: bool,
    /// Events due at or after this are dropped when pushed: the trial ends
    /// before them. Every failure chain ends with one (the failure drawn
    /// after the year's last repair), and, due after nearly every pending
    /// event, it is the costliest kind to insert.
    horizon: Micros,
}

/// An empty queue that has not allocated yet.
impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            entries: Vec::new(),
            seq: 0,
            sorted: true,
            horizon: Micros::MAX,
        }
    }
}

impl<E: Copy> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue {
            entries: Vec::with_capacity(64),
            ..Self::default()
        }
    }

    /// Empties the queue, keeping its memory for the next trial, whose
    /// events due at or after `horizon` will be dropped.
    pub fn clear(&mut self, horizon: Micros) {
        self.entries.clear();
        self.seq = 0;
        self.sorted = true;
        self.horizon = horizon;
    }

    /// Schedules `event` at `at`, unless it is due at or after the horizon
    /// set by [`EventQueue::clear`] (then no pop could return it). Cost:
    /// O(k) while sorted, k the pending events due before it; O(log n) as
    /// a heap.
    pub fn push(&mut self, at: Micros, event: E) {
        self.seq += 1;
        if at >= self.horizon {
            return;
        }
        let entry = Entry {
            at,
            seq: self.seq,
            event,
        };
        if !self.sorted || self.entries.len() >= SORTED_MAX {
            return self.push_heap(entry);
        }
        // The new entry has the highest sequence number, so it goes after
        // every entry due no later: before them in this latest-first order.
        self.entries.push(entry);
        let entries = self.entries.as_mut_slice();
        let mut i = entries.len() - 1;
        // SAFETY: `i` starts at the last index of `entries` and only
        // decreases while positive, so `i` and `i - 1` are in bounds.
        unsafe {
            while i > 0 && entries.get_unchecked(i - 1).at <= at {
                *entries.get_unchecked_mut(i) = *entries.get_unchecked(i - 1);
                i -= 1;
            }
            *entries.get_unchecked_mut(i) = entry;
        }
    }

    /// [`EventQueue::push`] past [`SORTED_MAX`] pending events: out of line,
    /// like [`EventQueue::pop_heap_before`].
    #[inline(never)]
    fn push_heap(&mut self, entry: Entry<E>) {
        if self.sorted {
            // Read from the end, the sorted entries are a valid min-heap.
            self.entries.reverse();
            self.sorted = false;
        }
        // Sift up with a hole: parents move down until the entry fits.
        let mut i = self.entries.len();
        self.entries.push(entry);
        while i > 0 {
            let parent = (i - 1) / 2;
            if !entry.before(&self.entries[parent]) {
                break;
            }
            self.entries[i] = self.entries[parent];
            i = parent;
        }
        self.entries[i] = entry;
    }

    /// Removes the earliest event if it is due strictly before `horizon`.
    #[inline]
    pub fn pop_before(&mut self, horizon: Micros) -> Option<(Micros, E)> {
        if !self.sorted {
            return self.pop_heap_before(horizon);
        }
        let top = *self.entries.last()?;
        if top.at >= horizon {
            return None;
        }
        self.entries.pop();
        Some((top.at, top.event))
    }

    /// [`EventQueue::pop_before`] once the entries are a heap: out of line,
    /// so that the sorted case, nearly every trial's only one, inlines
    /// into the event loop.
    #[inline(never)]
    fn pop_heap_before(&mut self, horizon: Micros) -> Option<(Micros, E)> {
        let top = *self.entries.first()?;
        if top.at >= horizon {
            return None;
        }
        let last = self.entries.pop().expect("not empty");
        let n = self.entries.len();
        if n > 0 {
            // Sift the last entry down from the root with a hole.
            let mut i = 0;
            loop {
                let left = 2 * i + 1;
                if left >= n {
                    break;
                }
                let right = left + 1;
                let child = if right < n && self.entries[right].before(&self.entries[left]) {
                    right
                } else {
                    left
                };
                if !self.entries[child].before(&last) {
                    break;
                }
                self.entries[i] = self.entries[child];
                i = child;
            }
            self.entries[i] = last;
        }
        Some((top.at, top.event))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_then_fifo() {
        let mut q = EventQueue::new();
        q.push(5, "b1");
        q.push(3, "a");
        q.push(5, "b2");
        q.push(9, "late");
        assert_eq!(q.pop_before(100), Some((3, "a")));
        assert_eq!(q.pop_before(100), Some((5, "b1")));
        assert_eq!(q.pop_before(100), Some((5, "b2")));
        assert_eq!(q.pop_before(9), None);
        assert_eq!(q.len(), 1);
    }

    #[test]
    fn events_due_at_or_after_the_horizon_are_dropped() {
        let mut q = EventQueue::new();
        q.clear(10);
        q.push(10, "at the horizon");
        q.push(3, "a");
        q.push(11, "after it");
        q.push(3, "b");
        assert_eq!(q.len(), 2);
        assert_eq!(q.pop_before(u64::MAX), Some((3, "a")));
        assert_eq!(q.pop_before(u64::MAX), Some((3, "b")));
        assert!(q.is_empty());
    }

    /// Both layouts: the sorted array up to `SORTED_MAX` pending events
    /// (`max_len` below it), and the heap it becomes past that.
    fn churn(max_len: usize, seed: u64) {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut q = EventQueue::new();
        let mut model: Vec<(Micros, u64)> = Vec::new();
        let mut id = 0u64;
        for _ in 0..20_000 {
            let grow = model.len() < max_len && rng.random::<f64>() < 0.55;
            if grow || model.is_empty() {
                let at = rng.random_range(0..200u64);
                id += 1;
                q.push(at, id);
                model.push((at, id));
            } else {
                model.sort();
                let want = model.remove(0);
                assert_eq!(q.pop_before(u64::MAX), Some(want));
            }
            assert_eq!(q.len(), model.len());
        }
    }

    #[test]
    fn sorted_layout_pops_in_time_then_schedule_order() {
        churn(SORTED_MAX / 2, 1);
        churn(SORTED_MAX, 2);
    }

    #[test]
    fn pops_in_time_then_schedule_order_under_churn() {
        // Grows to about 2,000 pending events: the heap layout.
        churn(usize::MAX, 5);
    }
}
