//! The accumulator's state and how it grows: pushing observations, merging
//! shards exactly (in any order, with the same result), and checking that a
//! state read from a file is one pushing could have produced.

use serde::{Deserialize, Serialize};

use super::buckets::{Buckets, bucket_index};

/// `a · b` as a 256-bit number `(high, low)`.
pub(super) fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & MASK);
    let (b1, b0) = (b >> 64, b & MASK);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let mid = (p00 >> 64) + (p01 & MASK) + (p10 & MASK);
    let low = (p00 & MASK) | (mid << 64);
    let high = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (high, low)
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

/// Exact moments plus a quantile sketch of a stream of `u64` observations.
///
/// Merging is exactly associative and commutative, so any split of the
/// observations into shards, merged in any order, gives an identical value
/// (and identical JSON). An empty accumulator has `min == max == 0`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accumulator {
    pub(super) count: u64,
    #[serde(with = "u128_string")]
    pub(super) sum: u128,
    #[serde(with = "u128_string")]
    pub(super) sum_sq: u128,
    pub(super) min: u64,
    pub(super) max: u64,
    /// Observation counts by bucket, serialized keyed by the lower bound of
    /// their bucket.
    pub(super) buckets: Buckets,
}

impl Accumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one observation.
    ///
    /// # Panics
    /// If the count, sum or sum of squares would overflow (see the `stats`
    /// module docs).
    #[inline]
    pub fn push(&mut self, value: u64) {
        self.push_repeated(value, 1);
    }

    /// Records `times` observations equal to `value`: the same state as
    /// `times` calls of [`Accumulator::push`], in constant time.
    ///
    /// # Panics
    /// If the count, sum or sum of squares would overflow (see the `stats`
    /// module docs).
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

    /// Number of non-empty sketch buckets (what the sketch needs to keep;
    /// in memory the counts take 8 bytes for each bucket index between the
    /// smallest and the largest non-zero value seen).
    pub fn bucket_count(&self) -> usize {
        self.buckets.iter().count()
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

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
    }
}
