//! Exact, mergeable, fixed-memory statistics for simulation outputs.
//!
//! # Why integers
//!
//! Trials run in parallel and in shards on different machines, and the merged
//! result must be byte-identical however the trials were split. Floating-point
//! addition is not associative, so every quantity that is *accumulated* is an
//! integer: observations are `u64` (microseconds, or counts of writes), and the
//! sum and sum of squares are kept in `u128`. Integer addition is associative
//! and commutative, so [`Accumulator::merge`] gives the same state in any order.
//! Floats appear only when a result is *read* (mean, interval, quantile). The
//! variance numerator `n·Σx² − (Σx)²` is formed exactly in 256-bit arithmetic
//! before the single conversion to `f64`, so there is no cancellation error.
//!
//! Overflow panics rather than wrapping: `u128` holds the sum of squares of
//! about 3·10¹² observations of 10¹³ µs (≈ 116 days), far beyond any run.
//!
//! # The quantile sketch
//!
//! Percentiles come from a log-bucketed histogram in the spirit of DDSketch,
//! so memory depends on the range of the values, not on how many there are.
//!
//! * Values below [`EXACT_BELOW`] (1024), zero included, have a bucket each,
//!   so small counts (e.g. 3 lost writes) and their quantiles are exact.
//! * From 1024 upwards the buckets are integer ranges `[lo, hi]` with
//!   `hi = ⌊lo · 201/199⌋` and the next bucket starting at `hi + 1`. With
//!   α = 1/200 this is the largest `hi` such that `(hi − lo)/(hi + lo) ≤ α`.
//!   The boundaries are computed with integers only, so every machine buckets
//!   every value identically.
//! * A bucket is reported by `2·lo·hi/(lo + hi)`, whose relative distance to
//!   any value in `[lo, hi]` is at most `(hi − lo)/(hi + lo) ≤ α`.
//!
//! **Error bound:** for any `q`, [`Accumulator::quantile`] returns a value `v̂`
//! with `|v̂ − v| ≤ 0.005 · v`, where `v` is the true sample value at the
//! nearest rank `⌈q·n⌉`; it is exact when `v < 1024`, and the minimum and
//! maximum are always exact. The worst case is 3320 buckets for values in
//! `0..=10¹³` and 4763 for the whole `u64` range, however many values are pushed.
//!
//! Every observation is folded in with constant work: the bucket index comes
//! from a table indexed by the value's leading bits, and the counts live in a
//! vector indexed by bucket (zeros counted apart), growing over the range of
//! buckets seen, at 8 bytes a bucket. They are serialized as a map from each
//! non-empty bucket's lower bound to its count, in increasing order, so
//! serialization is deterministic and shard files describe themselves. Float
//! results that go through `statrs` (Student's t, normal and beta quantiles)
//! use the platform's `libm`; the merged state is always exact.
//!
//! # Where things are
//!
//! `buckets` (the sketch's bucket layout and its store of counts),
//! `accumulator` (pushing, merging, checking a state read from a file),
//! `summary` (what is read: mean, variance, quantiles, [`Summary`]),
//! `intervals` (Student-t, Wilson and Clopper–Pearson) and `availability`
//! (nines and downtime per year).

mod accumulator;
mod availability;
mod buckets;
mod intervals;
mod summary;

pub use accumulator::Accumulator;
pub use availability::{
    MAX_NINES, MINUTES_PER_YEAR, downtime_minutes_per_year, nines, nines_from_unavailability,
};
pub use buckets::{EXACT_BELOW, RELATIVE_ACCURACY};
pub use intervals::{clopper_pearson, wilson_interval};
pub use summary::Summary;

/// Test helper shared by the submodules' tests: `actual` within `tol` of `expected`.
#[cfg(test)]
fn close(actual: f64, expected: f64, tol: f64) {
    assert!(
        (actual - expected).abs() <= tol,
        "{actual} != {expected} ± {tol}"
    );
}
