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

use std::collections::BTreeMap;
use std::fmt;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use statrs::distribution::{Beta, Continuous, ContinuousCDF, Normal, StudentsT};

/// Relative accuracy α of [`Accumulator::quantile`] for values ≥ [`EXACT_BELOW`].
pub const RELATIVE_ACCURACY: f64 = 0.005;

/// Values below this are stored exactly, one bucket per value.
pub const EXACT_BELOW: u64 = 1024;

/// Bucket growth ratio `(1 + α)/(1 − α)` with α = 1/200, as an exact fraction.
const GROWTH_NUM: u128 = 201;
const GROWTH_DEN: u128 = 199;

/// Number of logarithmic buckets: those whose lower bound fits in a `u64`.
const LOG_BUCKETS: usize = {
    let mut n = 0;
    let mut lo = EXACT_BELOW as u128;
    while lo <= u64::MAX as u128 {
        n += 1;
        lo = lo * GROWTH_NUM / GROWTH_DEN + 1;
    }
    n
};

/// Lower bounds of the logarithmic buckets, starting at [`EXACT_BELOW`].
static LOG_BOUNDS: [u64; LOG_BUCKETS] = {
    let mut bounds = [0; LOG_BUCKETS];
    let mut lo = EXACT_BELOW as u128;
    let mut i = 0;
    while i < LOG_BUCKETS {
        bounds[i] = lo as u64;
        lo = lo * GROWTH_NUM / GROWTH_DEN + 1;
        i += 1;
    }
    bounds
};

/// Bits below the leading one that select a slot of [`FIRST_LOG_BUCKET`].
const PREFIX_BITS: u32 = 7;

/// First binary order of magnitude of the logarithmic buckets (2¹⁰ = 1024).
const FIRST_OCTAVE: u32 = EXACT_BELOW.trailing_zeros();

/// For the values in `[2^p, 2^(p+1))` whose [`PREFIX_BITS`] bits after the
/// leading one are `m`, at slot `(p − 10)·128 + m`: the index in
/// [`LOG_BOUNDS`] of the bucket holding the smallest of them. Such a range is
/// at most `1/128` of its values wide and every bucket is wider than `2/199`
/// of its lower bound, so a bucket boundary falls inside it at most once and
/// [`bucket_index`] needs at most one comparison after the look-up.
static FIRST_LOG_BUCKET: [u16; (64 - FIRST_OCTAVE as usize) << PREFIX_BITS] = {
    const SLOTS: usize = (64 - FIRST_OCTAVE as usize) << PREFIX_BITS;
    assert!(LOG_BUCKETS <= u16::MAX as usize);
    let mut table = [0; SLOTS];
    let mut slot = 0;
    let mut i = 0;
    while slot < SLOTS {
        let octave = FIRST_OCTAVE + (slot >> PREFIX_BITS) as u32;
        let prefix = (slot & ((1 << PREFIX_BITS) - 1)) as u64;
        let smallest = (1u64 << octave) | (prefix << (octave - PREFIX_BITS));
        while i + 1 < LOG_BUCKETS && LOG_BOUNDS[i + 1] <= smallest {
            i += 1;
        }
        table[slot] = i as u16;
        slot += 1;
    }
    table
};

/// Lower bounds of the logarithmic buckets, starting at [`EXACT_BELOW`].
#[cfg(test)]
fn log_bucket_lower_bounds() -> &'static [u64] {
    &LOG_BOUNDS
}

/// Number of buckets: one per value below [`EXACT_BELOW`], then the
/// logarithmic ones.
const BUCKETS: usize = EXACT_BELOW as usize + LOG_BUCKETS;

/// The index of the bucket holding `value`: `value` itself below
/// [`EXACT_BELOW`], then `EXACT_BELOW + i` for the `i`-th logarithmic
/// bucket. Indices increase with the buckets' bounds. Constant time.
#[inline]
fn bucket_index(value: u64) -> usize {
    if value < EXACT_BELOW {
        return value as usize;
    }
    let octave = 63 - value.leading_zeros();
    let prefix = (value >> (octave - PREFIX_BITS)) as usize & ((1 << PREFIX_BITS) - 1);
    let mut i =
        usize::from(FIRST_LOG_BUCKET[((octave - FIRST_OCTAVE) as usize) << PREFIX_BITS | prefix]);
    while LOG_BOUNDS.get(i + 1).is_some_and(|&next| next <= value) {
        i += 1;
    }
    EXACT_BELOW as usize + i
}

/// The inclusive range `[lo, hi]` of the bucket of index `index`.
fn bucket_bounds(index: usize) -> (u64, u64) {
    let Some(i) = index.checked_sub(EXACT_BELOW as usize) else {
        return (index as u64, index as u64);
    };
    let hi = LOG_BOUNDS.get(i + 1).map_or(u64::MAX, |next| next - 1);
    (LOG_BOUNDS[i], hi)
}

/// The inclusive range `[lo, hi]` of the bucket holding `value`.
#[cfg(test)]
fn bucket_of(value: u64) -> (u64, u64) {
    bucket_bounds(bucket_index(value))
}

/// The value reported for bucket `[lo, hi]`: within α of all its members.
fn representative(lo: u64, hi: u64) -> f64 {
    if lo == hi {
        return lo as f64;
    }
    let (lo, hi) = (lo as f64, hi as f64);
    2.0 * lo * hi / (lo + hi)
}

/// Nearest rank `⌈q·n⌉` clamped to `1..=n`; a product within 1e-9 (relative)
/// of an integer counts as that integer, so `0.07 · 100` is rank 7, not 8.
fn nearest_rank(q: f64, n: u64) -> u64 {
    let x = q * n as f64;
    let r = x.round();
    let rank = if (x - r).abs() <= 1e-9 * x.max(1.0) {
        r
    } else {
        x.ceil()
    };
    (rank as u64).clamp(1, n)
}

/// `a · b` as a 256-bit number `(high, low)`.
fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & MASK);
    let (b1, b0) = (b >> 64, b & MASK);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let mid = (p00 >> 64) + (p01 & MASK) + (p10 & MASK);
    let low = (p00 & MASK) | (mid << 64);
    let high = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (high, low)
}

/// `a − b` for 256-bit numbers with `a ≥ b`, converted to `f64`.
fn sub_wide_to_f64(a: (u128, u128), b: (u128, u128)) -> f64 {
    let (low, borrow) = a.1.overflowing_sub(b.1);
    let high = a.0 - b.0 - u128::from(borrow);
    const TWO_POW_128: f64 = 340_282_366_920_938_463_463_374_607_431_768_211_456.0;
    high as f64 * TWO_POW_128 + low as f64
}

/// Serializes `u128` as a decimal string: JSON numbers cannot carry it safely.
mod u128_string {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(value: &u128, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u128, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(D::Error::custom)
    }
}

/// Observation counts by bucket index, in O(1) per observation.
///
/// Observations of 0 are counted apart: most metrics are mostly zero (an
/// incident that loses nothing), and a dense range starting at bucket 0
/// would span every bucket up to the largest value. The other buckets live
/// in a dense vector covering the range of indices seen so far (DDSketch's
/// "dense store"), which grows at either end on demand and never holds more
/// than [`BUCKETS`] counts. Entries of the vector may be 0; equality,
/// iteration and serialization see only non-empty buckets, so they do not
/// depend on how the range grew.
///
/// Serialized as a map from each non-empty bucket's lower bound to its
/// count, in increasing order (the form a `BTreeMap<u64, u64>` takes).
#[derive(Clone, Default)]
struct Buckets {
    /// Observations equal to 0 (bucket index 0).
    zeros: u64,
    /// Bucket index of `dense[0]`; at least 1 when `dense` is not empty.
    offset: usize,
    /// Counts of bucket indices `offset..offset + dense.len()`.
    dense: Vec<u64>,
}

impl Buckets {
    /// Adds `n` observations to the bucket of index `index`.
    #[inline]
    fn add(&mut self, index: usize, n: u64) {
        if index == 0 {
            self.zeros += n;
            return;
        }
        match self.dense.get_mut(index.wrapping_sub(self.offset)) {
            Some(count) => *count += n,
            None => {
                self.grow_for(index);
                self.dense[index - self.offset] += n;
            }
        }
    }

    /// Makes the dense range include `index` (≥ 1). Growth to the left
    /// makes room for half the range again, so that values arriving in
    /// decreasing order cost amortized O(1) to shift; to the right, the
    /// vector's capacity already grows geometrically.
    #[cold]
    fn grow_for(&mut self, index: usize) {
        if index < self.offset {
            let room = self.dense.len() / 2;
            self.cover(index.saturating_sub(room).max(1), index);
        } else {
            self.cover(index, index);
        }
    }

    /// Makes the dense range include indices `lo..=hi` (`1 ≤ lo ≤ hi`).
    fn cover(&mut self, lo: usize, hi: usize) {
        debug_assert!(1 <= lo && lo <= hi && hi < BUCKETS);
        let len = self.dense.len();
        if len == 0 {
            self.offset = lo;
            self.dense.resize(hi + 1 - lo, 0);
            return;
        }
        let (start, end) = (lo.min(self.offset), (hi + 1).max(self.offset + len));
        self.dense.resize(end - start, 0);
        let shift = self.offset - start;
        if shift > 0 {
            self.dense.copy_within(..len, shift);
            self.dense[..shift].fill(0);
            self.offset = start;
        }
    }

    /// Adds every count of `other`.
    fn merge(&mut self, other: &Buckets) {
        self.zeros += other.zeros;
        let Some(first) = other.dense.iter().position(|&n| n > 0) else {
            return;
        };
        let last = other.dense.iter().rposition(|&n| n > 0).unwrap_or(first);
        let counts = &other.dense[first..=last];
        let lo = other.offset + first;
        self.cover(lo, other.offset + last);
        let start = lo - self.offset;
        for (count, &n) in self.dense[start..start + counts.len()]
            .iter_mut()
            .zip(counts)
        {
            *count += n;
        }
    }

    /// The non-empty buckets as `(index, count)`, by increasing index.
    fn iter(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        let zeros = (self.zeros > 0).then_some((0, self.zeros));
        let dense = self
            .dense
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(i, &n)| (self.offset + i, n));
        zeros.into_iter().chain(dense)
    }

    /// The non-empty buckets as `(lower bound, count)`, by increasing bound.
    fn by_lower_bound(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.iter().map(|(i, n)| (bucket_bounds(i).0, n))
    }
}

impl PartialEq for Buckets {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Buckets {}

impl fmt::Debug for Buckets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.by_lower_bound()).finish()
    }
}

impl Serialize for Buckets {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.by_lower_bound())
    }
}

impl<'de> Deserialize<'de> for Buckets {
    /// Reads the map of lower bound to count; a key that is not the lower
    /// bound of a bucket is an error, and a count of 0 is ignored.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<u64, u64>::deserialize(deserializer)?;
        let mut buckets = Buckets::default();
        for (lo, n) in map {
            let index = bucket_index(lo);
            if bucket_bounds(index).0 != lo {
                return Err(D::Error::custom(format!(
                    "bucket key {lo} is not the lower bound of a bucket"
                )));
            }
            if n > 0 {
                buckets.add(index, n);
            }
        }
        Ok(buckets)
    }
}

/// Exact moments plus a quantile sketch of a stream of `u64` observations.
///
/// Merging is exactly associative and commutative, so any split of the
/// observations into shards, merged in any order, gives an identical value
/// (and identical JSON). An empty accumulator has `min == max == 0`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accumulator {
    count: u64,
    #[serde(with = "u128_string")]
    sum: u128,
    #[serde(with = "u128_string")]
    sum_sq: u128,
    min: u64,
    max: u64,
    /// Observation counts by bucket, serialized keyed by the lower bound of
    /// their bucket.
    buckets: Buckets,
}

impl Accumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one observation.
    ///
    /// # Panics
    /// If the count, sum or sum of squares would overflow (see module docs).
    #[inline]
    pub fn push(&mut self, value: u64) {
        self.push_repeated(value, 1);
    }

    /// Records `times` observations equal to `value`: the same state as
    /// `times` calls of [`Accumulator::push`], in constant time.
    ///
    /// # Panics
    /// If the count, sum or sum of squares would overflow (see module docs).
    #[inline]
    pub fn push_repeated(&mut self, value: u64, times: u64) {
        if times == 0 {
            return;
        }
        if self.count == 0 {
            (self.min, self.max) = (value, value);
        } else {
            self.min = self.min.min(value);
            self.max = self.max.max(value);
        }
        self.count = self.count.checked_add(times).expect("count overflow");
        if value > 0 {
            let (v, n) = (u128::from(value), u128::from(times));
            self.sum = v
                .checked_mul(n)
                .and_then(|vn| self.sum.checked_add(vn))
                .expect("sum overflow");
            self.sum_sq = (v * v)
                .checked_mul(n)
                .and_then(|v2n| self.sum_sq.checked_add(v2n))
                .expect("sum of squares overflow");
        }
        self.buckets.add(bucket_index(value), times);
    }

    /// Adds all observations of `other` to `self`, exactly.
    ///
    /// # Panics
    /// If the count, sum or sum of squares would overflow.
    pub fn merge(&mut self, other: &Accumulator) {
        if let Err(e) = self.try_merge(other) {
            panic!("{e}");
        }
    }

    /// [`Accumulator::merge`], refusing instead of panicking when the count,
    /// sum or sum of squares would overflow (`self` is then unchanged). For
    /// states read from files, which may have been edited.
    pub fn try_merge(&mut self, other: &Accumulator) -> Result<(), &'static str> {
        if other.count == 0 {
            return Ok(());
        }
        if self.count == 0 {
            self.clone_from(other);
            return Ok(());
        }
        let count = self
            .count
            .checked_add(other.count)
            .ok_or("count overflow")?;
        let sum = self.sum.checked_add(other.sum).ok_or("sum overflow")?;
        let sum_sq = self
            .sum_sq
            .checked_add(other.sum_sq)
            .ok_or("sum of squares overflow")?;
        (self.count, self.sum, self.sum_sq) = (count, sum, sum_sq);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        // Bucket counts add up to the counts (see `check`), so they cannot
        // overflow when the counts did not.
        self.buckets.merge(&other.buckets);
        Ok(())
    }

    /// Whether this state is one that pushing observations could produce:
    /// the buckets hold `count` observations between the exact `min` and
    /// `max`, and the sum and sum of squares lie where those bounds put
    /// them. A state read from a file that fails this was edited or
    /// damaged; the message says what is inconsistent.
    pub fn check(&self) -> Result<(), String> {
        let mut in_buckets: u64 = 0;
        for (_, n) in self.buckets.iter() {
            in_buckets = in_buckets
                .checked_add(n)
                .ok_or("the bucket counts overflow")?;
        }
        if in_buckets != self.count {
            return Err(format!(
                "count is {} but the buckets hold {in_buckets} observations",
                self.count
            ));
        }
        if self.count == 0 {
            if (self.sum, self.sum_sq, self.min, self.max) != (0, 0, 0, 0) {
                return Err("no observations, but a sum, minimum or maximum".into());
            }
            return Ok(());
        }
        if self.min > self.max {
            return Err(format!(
                "min ({}) is greater than max ({})",
                self.min, self.max
            ));
        }
        let first = self.buckets.iter().next().map(|(i, _)| i);
        let last = self.buckets.iter().last().map(|(i, _)| i);
        if first != Some(bucket_index(self.min)) || last != Some(bucket_index(self.max)) {
            return Err("min or max is not in the first or last bucket".into());
        }
        let n = u128::from(self.count);
        let (lo, hi) = (u128::from(self.min), u128::from(self.max));
        if self.sum < lo * n || self.sum > hi * n {
            return Err("sum is outside count x [min, max]".into());
        }
        let sq_low = (lo * lo).checked_mul(n);
        let sq_high = (hi * hi).checked_mul(n);
        if sq_low.is_none_or(|l| self.sum_sq < l) || sq_high.is_some_and(|h| self.sum_sq > h) {
            return Err("sum_sq is outside count x [min², max²]".into());
        }
        // n·Σx² ≥ (Σx)² for any observations (Cauchy–Schwarz): the
        // variance is never negative.
        if mul_wide(n, self.sum_sq) < mul_wide(self.sum, self.sum) {
            return Err("sum_sq is too small for sum (a negative variance)".into());
        }
        Ok(())
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// True when nothing has been pushed.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Exact sum of all observations.
    pub fn sum(&self) -> u128 {
        self.sum
    }

    /// Smallest observation (0 when empty).
    pub fn min(&self) -> u64 {
        self.min
    }

    /// Largest observation (0 when empty).
    pub fn max(&self) -> u64 {
        self.max
    }

    /// Arithmetic mean (0 when empty), from the exact integer sum: the integer
    /// quotient and the remainder are converted separately to keep precision.
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let n = u128::from(self.count);
        (self.sum / n) as f64 + (self.sum % n) as f64 / n as f64
    }

    /// Unbiased sample variance `(n·Σx² − (Σx)²) / (n(n − 1))`; 0 when `n < 2`.
    /// The numerator is computed exactly in 256 bits.
    pub fn variance(&self) -> f64 {
        if self.count < 2 {
            return 0.0;
        }
        let n = u128::from(self.count);
        let numerator = sub_wide_to_f64(mul_wide(n, self.sum_sq), mul_wide(self.sum, self.sum));
        let n = self.count as f64;
        numerator / (n * (n - 1.0))
    }

    /// Sample standard deviation, `sqrt(variance())`.
    pub fn std_dev(&self) -> f64 {
        self.variance().sqrt()
    }

    /// Nearest-rank quantile: an estimate of the sample value of rank
    /// `⌈q·n⌉` (at least 1), within [`RELATIVE_ACCURACY`] relative error,
    /// exact below [`EXACT_BELOW`], clamped to `[min, max]`; `q = 0` gives the
    /// exact minimum and `q = 1` the exact maximum. Returns 0 when empty.
    ///
    /// # Panics
    /// If `q` is not in `[0, 1]`.
    pub fn quantile(&self, q: f64) -> f64 {
        assert!((0.0..=1.0).contains(&q), "quantile {q} is outside [0, 1]");
        if self.count == 0 {
            return 0.0;
        }
        let rank = nearest_rank(q, self.count);
        if rank == 1 {
            return self.min as f64;
        }
        if rank == self.count {
            return self.max as f64;
        }
        let mut seen = 0;
        for (index, n) in self.buckets.iter() {
            seen += n;
            if seen >= rank {
                let (lo, hi) = bucket_bounds(index);
                return representative(lo, hi).clamp(self.min as f64, self.max as f64);
            }
        }
        self.max as f64
    }

    /// Number of non-empty sketch buckets (what the sketch needs to keep;
    /// in memory the counts take 8 bytes for each bucket index between the
    /// smallest and the largest non-zero value seen).
    pub fn bucket_count(&self) -> usize {
        self.buckets.iter().count()
    }

    /// Mean and its two-sided Student-t confidence interval at `confidence`
    /// (e.g. 0.99), both multiplied by `scale`:
    /// `mean ± t_{(1+c)/2, n−1} · s/√n`. The interval is `[mean, mean]` when
    /// `n < 2`, and its lower end is clamped at 0 because observations are
    /// non-negative.
    ///
    /// # Panics
    /// If `confidence` is not strictly between 0 and 1.
    pub fn summary_with_confidence(&self, scale: f64, confidence: f64) -> (f64, [f64; 2]) {
        assert!(
            confidence > 0.0 && confidence < 1.0,
            "confidence {confidence} is outside (0, 1)"
        );
        let mean = self.mean();
        if self.count < 2 {
            return (mean * scale, [mean * scale; 2]);
        }
        let n = self.count as f64;
        let t = students_t_quantile(0.5 + confidence / 2.0, n - 1.0);
        let half = t * self.std_dev() / n.sqrt();
        let interval = [(mean - half).max(0.0) * scale, (mean + half) * scale];
        (mean * scale, interval)
    }

    /// Mean with 95% interval, p50/p95/p99 and max, each multiplied by
    /// `scale` (e.g. `1e-6` to turn microseconds into seconds).
    pub fn summary(&self, scale: f64) -> Summary {
        let (mean, ci95) = self.summary_with_confidence(scale, 0.95);
        Summary {
            mean,
            ci95,
            p50: self.quantile(0.50) * scale,
            p95: self.quantile(0.95) * scale,
            p99: self.quantile(0.99) * scale,
            max: self.max as f64 * scale,
        }
    }
}

impl Extend<u64> for Accumulator {
    fn extend<I: IntoIterator<Item = u64>>(&mut self, values: I) {
        values.into_iter().for_each(|v| self.push(v));
    }
}

impl FromIterator<u64> for Accumulator {
    fn from_iter<I: IntoIterator<Item = u64>>(values: I) -> Self {
        let mut acc = Self::new();
        acc.extend(values);
        acc
    }
}

/// Scaled headline statistics of an [`Accumulator`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Mean.
    pub mean: f64,
    /// 95% Student-t interval for the mean, lower end clamped at 0.
    pub ci95: [f64; 2],
    /// Median (nearest rank, within 0.5%).
    pub p50: f64,
    /// 95th percentile (nearest rank, within 0.5%).
    pub p95: f64,
    /// 99th percentile (nearest rank, within 0.5%).
    pub p99: f64,
    /// Exact maximum.
    pub max: f64,
}

/// Newton steps on `cdf(x) = p` starting from `x`, staying inside `(lo, hi)`.
/// The inverse CDFs of `statrs` lose accuracy for large shape parameters
/// (the Student-t one is off in the 2nd digit at 10⁷ degrees of freedom);
/// its CDFs do not, so a few steps restore full precision.
fn polish<D>(dist: &D, p: f64, mut x: f64, lo: f64, hi: f64) -> f64
where
    D: ContinuousCDF<f64, f64> + Continuous<f64, f64>,
{
    for _ in 0..16 {
        let step = (dist.cdf(x) - p) / dist.pdf(x);
        if !step.is_finite() || step.abs() <= 1e-15 * x.abs() {
            break;
        }
        let next = x - step;
        x = if next <= lo {
            (x + lo) / 2.0
        } else if next >= hi {
            (x + hi) / 2.0
        } else {
            next
        };
    }
    x
}

/// Above this many degrees of freedom the t quantile comes from its
/// expansion in `1/df` instead of `statrs`: its inverse CDF (`inv_beta_reg`)
/// runs for minutes beyond ~10⁷ (a `compare` of 10⁶ trials has ~3·10⁷
/// incidents), while the expansion's first omitted term is O(df⁻³), far
/// below `f64` precision there. At or below it nothing changes.
const T_EXPANSION_ABOVE: f64 = 1e7;

/// Quantile `p > 0.5` of the standard Student-t with `df` degrees of freedom.
fn students_t_quantile(p: f64, df: f64) -> f64 {
    if df > T_EXPANSION_ABOVE {
        // Cornish-Fisher: t = z + (z^3 + z)/(4 df) + (5z^5 + 16z^3 + 3z)/(96 df^2) + ...
        let z = Normal::standard().inverse_cdf(p);
        let (z3, z5) = (z.powi(3), z.powi(5));
        return z + (z3 + z) / (4.0 * df) + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * df * df);
    }
    let dist = StudentsT::new(0.0, 1.0, df).expect("degrees of freedom are positive");
    // The t quantile is never below the normal one, so start no lower.
    let start = dist.inverse_cdf(p).max(Normal::standard().inverse_cdf(p));
    polish(&dist, p, start, 0.0, f64::INFINITY)
}

/// Quantile `p` of Beta(a, b), polished.
fn beta_quantile(a: f64, b: f64, p: f64) -> f64 {
    let dist = Beta::new(a, b).expect("beta shapes are positive");
    polish(&dist, p, dist.inverse_cdf(p), 0.0, 1.0)
}

/// Two-sided standard normal quantile for `confidence`, e.g. 1.96 for 0.95.
fn z_for(confidence: f64) -> f64 {
    assert!(
        confidence > 0.0 && confidence < 1.0,
        "confidence {confidence} is outside (0, 1)"
    );
    Normal::standard().inverse_cdf(0.5 + confidence / 2.0)
}

/// Wilson score interval for a binomial proportion; `[0, 1]` when
/// `trials == 0`. The ends are exactly 0 and 1 for 0 and `trials` successes.
///
/// # Panics
/// If `successes > trials` or `confidence` is not in `(0, 1)`.
pub fn wilson_interval(successes: u64, trials: u64, confidence: f64) -> [f64; 2] {
    assert!(successes <= trials, "more successes than trials");
    let z = z_for(confidence);
    if trials == 0 {
        return [0.0, 1.0];
    }
    let (n, p) = (trials as f64, successes as f64 / trials as f64);
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let lower = if successes == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let upper = if successes == trials {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    [lower, upper]
}

/// Clopper–Pearson ("exact") interval for a binomial proportion, from beta
/// quantiles; `[0, 1]` when `trials == 0`. With 0 successes it is
/// `[0, 1 − ((1−c)/2)^(1/n)]`, and symmetrically with `n` successes.
///
/// # Panics
/// If `successes > trials` or `confidence` is not in `(0, 1)`.
pub fn clopper_pearson(successes: u64, trials: u64, confidence: f64) -> [f64; 2] {
    assert!(successes <= trials, "more successes than trials");
    assert!(
        confidence > 0.0 && confidence < 1.0,
        "confidence {confidence} is outside (0, 1)"
    );
    if trials == 0 {
        return [0.0, 1.0];
    }
    let tail = (1.0 - confidence) / 2.0;
    let (x, n) = (successes as f64, trials as f64);
    // The edge cases have closed forms; `-expm1` keeps 1 − tail^(1/n) precise.
    let lower = match successes {
        0 => 0.0,
        s if s == trials => (tail.ln() / n).exp(),
        _ => beta_quantile(x, n - x + 1.0, tail),
    };
    let upper = match successes {
        s if s == trials => 1.0,
        0 => -(tail.ln() / n).exp_m1(),
        _ => beta_quantile(x + 1.0, n - x, 1.0 - tail),
    };
    [lower, upper]
}

/// Cap on [`nines`]: perfect availability is reported as 12 nines.
pub const MAX_NINES: f64 = 12.0;

/// "Number of nines" `−log10(1 − a)` of an availability `a` in `[0, 1]`
/// (0.999 → 3). Capped at [`MAX_NINES`] so that `a = 1` (no downtime seen)
/// stays finite; `a` is clamped to `[0, 1]`. Near 1, `1 − a` loses precision
/// in `f64`, so prefer [`nines_from_unavailability`] when it is known.
pub fn nines(availability: f64) -> f64 {
    nines_from_unavailability(1.0 - availability.clamp(0.0, 1.0))
}

/// `−log10(u)` for an unavailability `u = 1 − a`, clamped to `[0, 1]` and
/// capped at [`MAX_NINES`].
pub fn nines_from_unavailability(unavailability: f64) -> f64 {
    (-unavailability.clamp(0.0, 1.0).log10()).min(MAX_NINES)
}

/// Minutes in a year of 365.25 days.
pub const MINUTES_PER_YEAR: f64 = 365.25 * 24.0 * 60.0;

/// Expected downtime per year of 365.25 days, in minutes, for availability
/// `a` (clamped to `[0, 1]`): 0.99999 → about 5.26 minutes.
pub fn downtime_minutes_per_year(availability: f64) -> f64 {
    (1.0 - availability.clamp(0.0, 1.0)) * MINUTES_PER_YEAR
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn close(actual: f64, expected: f64, tol: f64) {
        assert!(
            (actual - expected).abs() <= tol,
            "{actual} != {expected} ± {tol}"
        );
    }

    /// Exact nearest-rank quantile of a sorted sample.
    fn exact_quantile(sorted: &[u64], q: f64) -> u64 {
        sorted[nearest_rank(q, sorted.len() as u64) as usize - 1]
    }

    const QS: [f64; 14] = [
        0.0, 0.001, 0.01, 0.07, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999, 1.0,
    ];

    #[test]
    fn mean_variance_and_interval_match_hand_computation() {
        // Mean 5, Σ(x−5)² = 32, s² = 32/7; t(0.975, 7) = 2.364624.
        let acc: Accumulator = [2, 4, 4, 4, 5, 5, 7, 9].into_iter().collect();
        assert_eq!(
            (acc.count(), acc.sum(), acc.min(), acc.max()),
            (8, 40, 2, 9)
        );
        assert_eq!(acc.mean(), 5.0);
        close(acc.variance(), 32.0 / 7.0, 1e-12);
        let half = 2.364624 * (32.0f64 / 7.0).sqrt() / 8.0f64.sqrt();
        let s = acc.summary(1.0);
        close(s.ci95[0], 5.0 - half, 1e-5);
        close(s.ci95[1], 5.0 + half, 1e-5);
        assert_eq!((s.mean, s.p50, s.max), (5.0, 4.0, 9.0));
        // 99%: t(0.995, 7) = 3.499483; the lower end is clamped at 0.
        let (mean, ci99) = acc.summary_with_confidence(1e-3, 0.99);
        close(mean, 5e-3, 1e-15);
        close(
            ci99[1],
            (5.0 + 3.499483 * (32.0f64 / 7.0).sqrt() / 8.0f64.sqrt()) * 1e-3,
            1e-8,
        );
        let wide: Accumulator = [0, 0, 0, 100].into_iter().collect();
        assert_eq!(wide.summary_with_confidence(1.0, 0.95).1[0], 0.0);
    }

    #[test]
    fn degenerate_sizes() {
        let empty = Accumulator::new();
        assert_eq!(empty, Accumulator::default());
        assert_eq!(
            (empty.mean(), empty.quantile(0.5), empty.variance()),
            (0.0, 0.0, 0.0)
        );
        let s = empty.summary(1.0);
        assert_eq!((s.mean, s.ci95, s.max), (0.0, [0.0, 0.0], 0.0));
        let one: Accumulator = [1_500_000].into_iter().collect();
        let s = one.summary(1e-6);
        assert_eq!((s.mean, s.ci95, s.p99, s.max), (1.5, [1.5, 1.5], 1.5, 1.5));
    }

    #[test]
    fn variance_is_exact_for_huge_values() {
        // n·Σx² exceeds u128 here; naive f64 accumulation would give garbage.
        let base = 1u64 << 63;
        let acc: Accumulator = [base, base + 2].into_iter().collect();
        assert_eq!(acc.variance(), 2.0);
        let acc: Accumulator = (0..3).map(|i| 1_000_000_000_000_000 + i).collect();
        assert_eq!(acc.variance(), 1.0);
        assert_eq!(acc.mean(), 1_000_000_000_000_001.0);
        assert_eq!(mul_wide(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
        assert_eq!(mul_wide(1 << 127, 4), (2, 0));
    }

    #[test]
    fn t_quantiles_are_accurate_for_any_sample_size() {
        // Reference values from high-precision quadrature of the t density.
        for (p, df, want) in [
            (0.975, 7.0, 2.364_624_251_592_785),
            (0.995, 7.0, 3.499_483_297_350_494),
            (0.975, 999_999.0, 1.959_966_356_816_479),
            (0.995, 999_999.0, 2.575_834_220_110_251),
            (0.975, 1e7, 1.959_964_221_767_205),
        ] {
            close(students_t_quantile(p, df), want, 1e-7);
        }
        // Past the switch to the expansion: continuous with the polished
        // inverse at the switch (which is itself within 1e-8 of the
        // reference above; the expansion, of its first term, within 1e-13), and quick.
        for p in [0.975, 0.995] {
            let z = Normal::standard().inverse_cdf(p);
            let at = |df: f64| z + (z.powi(3) + z) / (4.0 * df);
            close(
                students_t_quantile(p, T_EXPANSION_ABOVE),
                at(T_EXPANSION_ABOVE),
                1e-8,
            );
            close(students_t_quantile(p, 1.000_001e7), at(1.000_001e7), 1e-13);
            close(students_t_quantile(p, 3.4e7), at(3.4e7), 1e-13);
            close(students_t_quantile(p, 1e12), z, 1e-11);
        }
        let acc: Accumulator = (0..1_000_000u64).map(|i| i % 2).collect();
        let (mean, [lo, hi]) = acc.summary_with_confidence(1.0, 0.95);
        close(mean, 0.5, 1e-12);
        close(
            hi - lo,
            2.0 * 1.959_966_356_816_479 * acc.std_dev() / 1e3,
            1e-12,
        );
    }

    #[test]
    fn nearest_rank_ignores_float_noise() {
        assert_eq!(nearest_rank(0.07, 100), 7);
        assert_eq!(nearest_rank(0.071, 100), 8);
        assert_eq!(nearest_rank(0.0, 10), 1);
        assert_eq!(nearest_rank(1.0, 10), 10);
        assert_eq!(nearest_rank(0.5, 11), 6);
    }

    #[test]
    fn bucket_boundaries_respect_the_error_bound() {
        let bounds = log_bucket_lower_bounds();
        assert_eq!(bounds[0], EXACT_BELOW);
        for (i, &lo) in bounds.iter().enumerate() {
            let hi = bounds.get(i + 1).map_or(u64::MAX, |n| n - 1);
            assert_eq!(bucket_of(lo), (lo, hi));
            assert_eq!(bucket_of(hi), (lo, hi));
            assert!(199 * u128::from(hi) <= 201 * u128::from(lo));
            let r = representative(lo, hi);
            for v in [lo, hi] {
                assert!((r - v as f64).abs() <= RELATIVE_ACCURACY * v as f64 * (1.0 + 1e-12));
            }
        }
    }

    /// The bucket of `value` by binary search over the bounds: the
    /// definition that the constant-time [`bucket_index`] must reproduce.
    fn bucket_of_by_search(value: u64) -> (u64, u64) {
        if value < EXACT_BELOW {
            return (value, value);
        }
        let mut bounds = Vec::new();
        let mut lo = u128::from(EXACT_BELOW);
        while lo <= u128::from(u64::MAX) {
            bounds.push(lo as u64);
            lo = lo * 201 / 199 + 1;
        }
        let i = bounds.partition_point(|&b| b <= value) - 1;
        let hi = bounds.get(i + 1).map_or(u64::MAX, |next| next - 1);
        (bounds[i], hi)
    }

    #[test]
    fn bucket_index_matches_binary_search() {
        let bounds = log_bucket_lower_bounds();
        let mut values: Vec<u64> = (0..4096).chain([u64::MAX - 1, u64::MAX]).collect();
        for &b in bounds {
            values.extend([b - 1, b, b.saturating_add(1)]);
        }
        for octave in FIRST_OCTAVE..64 {
            for prefix in 0..1u64 << PREFIX_BITS {
                let smallest = (1u64 << octave) | (prefix << (octave - PREFIX_BITS));
                values.extend([smallest - 1, smallest]);
            }
        }
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        values.extend((0..100_000).map(|_| rng.random::<u64>() >> rng.random_range(0..64)));
        let reference_bounds: Vec<u64> = bounds.iter().map(|&b| bucket_of_by_search(b).0).collect();
        assert_eq!(reference_bounds, bounds);
        for v in values {
            assert_eq!(bucket_of(v), bucket_of_by_search(v), "value {v}");
        }
        // Indices number the buckets in order, without gaps.
        assert_eq!(BUCKETS, 4763);
        for i in 0..BUCKETS - 1 {
            let (lo, hi) = bucket_bounds(i);
            assert_eq!((bucket_index(lo), bucket_index(hi)), (i, i));
            assert_eq!(hi + 1, bucket_bounds(i + 1).0);
        }
        assert_eq!(bucket_bounds(BUCKETS - 1).1, u64::MAX);
    }

    #[test]
    fn bucket_store_does_not_depend_on_push_order() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let values: Vec<u64> = (0..5_000)
            .map(|_| match rng.random_range(0..3) {
                0 => 0,
                1 => rng.random_range(0..2048),
                _ => rng.random::<u64>() >> rng.random_range(20..64),
            })
            .collect();
        let mut ascending = values.clone();
        ascending.sort_unstable();
        let descending: Vec<u64> = ascending.iter().rev().copied().collect();
        let single: Accumulator = values.iter().copied().collect();
        let json = serde_json::to_string(&single).unwrap();
        let mut distinct: Vec<usize> = values.iter().map(|&v| bucket_index(v)).collect();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(single.bucket_count(), distinct.len());
        for order in [ascending, descending] {
            let acc: Accumulator = order.into_iter().collect();
            assert_eq!(acc, single);
            assert_eq!(serde_json::to_string(&acc).unwrap(), json);
            assert!(acc.buckets.dense.len() < BUCKETS);
        }
        // Zeros take no room in the dense range.
        let acc: Accumulator = [0, 0, 10_000_000_000_000].into_iter().collect();
        assert_eq!((acc.bucket_count(), acc.buckets.dense.len()), (2, 1));
    }

    #[test]
    fn push_repeated_equals_repeated_pushes() {
        let mut acc = Accumulator::new();
        acc.push_repeated(7, 0);
        assert_eq!(acc, Accumulator::new());
        acc.push_repeated(0, 5);
        acc.push_repeated(1500, 3);
        acc.push_repeated(3, 0);
        acc.push_repeated(1 << 40, 2);
        acc.push_repeated(1 << 60, 1);
        let pushed: Accumulator = [0, 0, 0, 0, 0, 1500, 1500, 1500, 1 << 40, 1 << 40, 1 << 60]
            .into_iter()
            .collect();
        assert_eq!(acc, pushed);
        assert_eq!(
            serde_json::to_string(&acc).unwrap(),
            serde_json::to_string(&pushed).unwrap()
        );
    }

    #[test]
    fn deserializing_checks_bucket_keys() {
        let json = r#"{"count":2,"sum":"1024","sum_sq":"1048576","min":0,"max":1024,"buckets":{"0":1,"1024":1,"1035":0}}"#;
        let acc: Accumulator = serde_json::from_str(json).unwrap();
        assert_eq!(acc, [0, 1024].into_iter().collect());
        assert_eq!(acc.bucket_count(), 2);
        let bad = json.replace("\"1035\"", "\"1025\"");
        let err = serde_json::from_str::<Accumulator>(&bad).unwrap_err();
        assert!(
            err.to_string().contains("1025 is not the lower bound"),
            "{err}"
        );
    }

    fn check_quantiles(name: &str, values: Vec<u64>) {
        let acc: Accumulator = values.iter().copied().collect();
        let mut sorted = values;
        sorted.sort_unstable();
        for q in QS {
            let (est, exact) = (acc.quantile(q), exact_quantile(&sorted, q));
            let err = (est - exact as f64).abs();
            assert!(
                err <= RELATIVE_ACCURACY * exact as f64 * (1.0 + 1e-12),
                "{name}: q={q} estimate {est} vs exact {exact}"
            );
            if exact < EXACT_BELOW {
                assert_eq!(est, exact as f64, "{name}: q={q} should be exact");
            }
        }
    }

    #[test]
    fn quantiles_within_relative_accuracy() {
        let mut rng = ChaCha8Rng::seed_from_u64(0x5eed);
        let n = 50_000;
        let uniform = (0..n).map(|_| rng.random_range(0..1_000_000_000)).collect();
        check_quantiles("uniform", uniform);
        let log_uniform = (0..n)
            .map(|_| 10f64.powf(rng.random_range(0.0..13.0)) as u64)
            .collect();
        check_quantiles("log-uniform", log_uniform);
        let exponential = (0..n)
            .map(|_| (-3.6e9 * (1.0 - rng.random::<f64>()).ln()) as u64)
            .collect();
        check_quantiles("exponential", exponential);
        let mostly_zero = (0..n)
            .map(|_| match rng.random_bool(0.7) {
                true => 0,
                false => (1e5 / (1.0 - rng.random::<f64>()).powf(1.0 / 1.5)) as u64,
            })
            .collect();
        check_quantiles("zero-inflated pareto", mostly_zero);
        let small_counts = (0..n)
            .map(|_| rng.random_range(0..40u64).pow(2) % 1500)
            .collect();
        check_quantiles("small counts", small_counts);
    }

    fn shards_equal_single(values: &[u64], cuts: &[usize], order_seed: u64) {
        let single: Accumulator = values.iter().copied().collect();
        let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (values.len() + 1)).collect();
        bounds.extend([0, values.len()]);
        bounds.sort_unstable();
        let mut shards: Vec<Accumulator> = bounds
            .windows(2)
            .map(|w| values[w[0]..w[1]].iter().copied().collect())
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(order_seed);
        for i in (1..shards.len()).rev() {
            shards.swap(i, rng.random_range(0..=i));
        }
        let forward = shards.iter().fold(Accumulator::new(), |mut a, s| {
            a.merge(s);
            a
        });
        // Pairwise tree merge, back to front.
        let mut level = shards;
        while level.len() > 1 {
            level = level
                .rchunks(2)
                .map(|pair| {
                    let mut a = pair[0].clone();
                    pair[1..].iter().for_each(|b| a.merge(b));
                    a
                })
                .collect();
        }
        let tree = level.pop().unwrap_or_default();
        let json = serde_json::to_string(&single).unwrap();
        for merged in [forward, tree] {
            assert_eq!(merged, single);
            assert_eq!(serde_json::to_string(&merged).unwrap(), json);
        }
        assert_eq!(serde_json::from_str::<Accumulator>(&json).unwrap(), single);
    }

    #[test]
    fn merge_of_shards_equals_single_accumulator() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let values: Vec<u64> = (0..20_000)
            .map(|_| match rng.random_range(0..4) {
                0 => 0,
                1 => rng.random_range(0..1024),
                _ => rng.random_range(0..10_000_000_000_000),
            })
            .collect();
        for (seed, cuts) in [
            (1, vec![]),
            (2, vec![10_000]),
            (3, vec![1, 2, 3, 19_999]),
            (4, vec![5_000, 5_000, 777, 12_345]),
        ] {
            shards_equal_single(&values, &cuts, seed);
        }
    }

    #[test]
    fn json_is_stable() {
        let acc: Accumulator = [0, 3, 3, 1500, u64::MAX].into_iter().collect();
        let json = serde_json::to_string(&acc).unwrap();
        assert_eq!(
            json,
            r#"{"count":5,"sum":"18446744073709553121","sum_sq":"340282366920938463426481119284351358243","min":0,"max":18446744073709551615,"buckets":{"0":1,"3":2,"1489":1,"18398297615941322683":1}}"#
        );
        assert_eq!(serde_json::from_str::<Accumulator>(&json).unwrap(), acc);
    }

    #[test]
    fn bucket_count_is_bounded() {
        // Worst case: every bucket from 0 to 10^13 holds a value.
        let mut acc: Accumulator = (0..EXACT_BELOW).collect();
        let bounds = log_bucket_lower_bounds();
        acc.extend(
            bounds
                .iter()
                .copied()
                .take_while(|&b| b <= 10_000_000_000_000),
        );
        acc.push(10_000_000_000_000);
        assert_eq!(acc.bucket_count(), 3320);
        // A million values spread over the same range never add buckets.
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let before = acc.bucket_count();
        acc.extend((0..1_000_000).map(|_| rng.random_range(0..=10_000_000_000_000)));
        assert_eq!(acc.bucket_count(), before);
        assert!(bounds.len() + EXACT_BELOW as usize <= 4763);
    }

    #[test]
    fn wilson_matches_published_values() {
        let [lo, hi] = wilson_interval(0, 10, 0.95);
        assert_eq!(lo, 0.0);
        close(hi, 0.2775, 1e-4);
        let [lo, hi] = wilson_interval(5, 10, 0.95);
        close(lo, 0.2366, 1e-4);
        close(hi, 0.7634, 1e-4);
        let [lo, hi] = wilson_interval(10, 10, 0.95);
        close(lo, 0.7225, 1e-4);
        assert_eq!(hi, 1.0);
        assert_eq!(wilson_interval(0, 0, 0.95), [0.0, 1.0]);
    }

    #[test]
    fn clopper_pearson_matches_published_values() {
        let [lo, hi] = clopper_pearson(0, 10, 0.95);
        assert_eq!(lo, 0.0);
        close(hi, 1.0 - 0.025f64.powf(0.1), 1e-9);
        close(hi, 0.3085, 1e-4);
        let [lo, hi] = clopper_pearson(5, 10, 0.95);
        close(lo, 0.1871, 1e-4);
        close(hi, 0.8129, 1e-4);
        let [lo, hi] = clopper_pearson(10, 10, 0.99);
        close(lo, 0.005f64.powf(0.1), 1e-9);
        assert_eq!(hi, 1.0);
        // Large n, where unpolished beta quantiles are off in the 4th digit;
        // references from exact binomial tail sums at 30 digits.
        let [lo, hi] = clopper_pearson(0, 1_000_000, 0.95);
        assert_eq!(lo, 0.0);
        close(hi, 3.688_872_650_206_489e-6, 1e-15);
        let [lo, hi] = clopper_pearson(5, 1_000_000, 0.95);
        close(lo, 1.623_488_319_241_17e-6, 1e-15);
        close(hi, 1.166_829_317_520_882e-5, 1e-14);
        assert_eq!(clopper_pearson(0, 0, 0.95), [0.0, 1.0]);
    }

    #[test]
    fn availability_helpers() {
        close(nines(0.999), 3.0, 1e-9);
        close(nines(0.99999), 5.0, 1e-6);
        assert_eq!(nines(1.0), MAX_NINES);
        assert_eq!(nines(0.0), 0.0);
        close(nines_from_unavailability(1e-7), 7.0, 1e-12);
        close(downtime_minutes_per_year(0.99999), 5.2596, 1e-9);
        close(downtime_minutes_per_year(0.999), 525.96, 1e-9);
        assert_eq!(downtime_minutes_per_year(1.0), 0.0);
    }

    proptest! {
        #[test]
        fn merge_is_order_independent(
            values in prop::collection::vec(
                prop_oneof![Just(0u64), 0u64..1024, 0u64..1 << 54],
                0..200,
            ),
            cuts in prop::collection::vec(any::<usize>(), 0..6),
            seed in any::<u64>(),
        ) {
            shards_equal_single(&values, &cuts, seed);
        }

        #[test]
        fn quantile_lies_within_min_and_max(
            values in prop::collection::vec(prop_oneof![0u64..2048, 0u64..1 << 57], 1..200),
            q in 0.0f64..=1.0,
        ) {
            let acc: Accumulator = values.iter().copied().collect();
            let est = acc.quantile(q);
            prop_assert!(est >= acc.min() as f64 && est <= acc.max() as f64);
        }
    }
}
