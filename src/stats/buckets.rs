//! The quantile sketch's buckets: where each value falls (one bucket per
//! value below [`EXACT_BELOW`], then integer ranges growing by 201/199), the
//! value a bucket reports, and the store of counts by bucket with its
//! serialized form. See the parent module for the error bound.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Relative accuracy α of [`Accumulator::quantile`](super::Accumulator::quantile)
/// for values ≥ [`EXACT_BELOW`].
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
pub(super) fn bucket_index(value: u64) -> usize {
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
pub(super) fn bucket_bounds(index: usize) -> (u64, u64) {
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
pub(super) fn representative(lo: u64, hi: u64) -> f64 {
    if lo == hi {
        return lo as f64;
    }
    let (lo, hi) = (lo as f64, hi as f64);
    2.0 * lo * hi / (lo + hi)
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
pub(super) struct Buckets {
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
    pub(super) fn add(&mut self, index: usize, n: u64) {
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
    pub(super) fn merge(&mut self, other: &Buckets) {
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
    pub(super) fn iter(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Accumulator;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

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
}
