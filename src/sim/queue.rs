//! The future event list: a binary heap ordered by time, ties broken first
//! in, first out, so that two events at the same microsecond always run in
//! the order they were scheduled (the determinism rule nexosim uses too).

use crate::units::Micros;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

struct Entry<E> {
    at: Micros,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at && self.seq == other.seq
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse so the earliest, then the
        // first scheduled, comes out first.
        self.at
            .cmp(&other.at)
            .then_with(|| self.seq.cmp(&other.seq))
            .reverse()
    }
}

/// A time-ordered queue of events with FIFO tie-breaking.
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(64),
            seq: 0,
        }
    }

    /// Schedules `event` at `at`. Cost: O(log n).
    pub fn push(&mut self, at: Micros, event: E) {
        self.seq += 1;
        self.heap.push(Entry {
            at,
            seq: self.seq,
            event,
        });
    }

    /// Removes the earliest event if it is due strictly before `horizon`.
    pub fn pop_before(&mut self, horizon: Micros) -> Option<(Micros, E)> {
        if self.heap.peek()?.at >= horizon {
            return None;
        }
        self.heap.pop().map(|e| (e.at, e.event))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
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
}
