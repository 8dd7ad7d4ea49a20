//! What is read from an accumulator: mean, exact variance, nearest-rank
//! quantiles from the sketch, the Student-t interval of the mean, and the
//! scaled [`Summary`] the outputs print.

use serde::{Deserialize, Serialize};

use super::accumulator::{Accumulator, mul_wide};
use super::buckets::{bucket_bounds, representative};
use super::intervals::students_t_quantile;

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

/// `a − b` for 256-bit numbers with `a ≥ b`, converted to `f64`.
fn sub_wide_to_f64(a: (u128, u128), b: (u128, u128)) -> f64 {
    let (low, borrow) = a.1.overflowing_sub(b.1);
    let high = a.0 - b.0 - u128::from(borrow);
    const TWO_POW_128: f64 = 340_282_366_920_938_463_463_374_607_431_768_211_456.0;
    high as f64 * TWO_POW_128 + low as f64
}

impl Accumulator {
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
    /// `⌈q·n⌉` (at least 1), within [`RELATIVE_ACCURACY`](super::RELATIVE_ACCURACY) relative
    /// error, exact below [`EXACT_BELOW`](super::EXACT_BELOW), clamped to `[min, max]`; `q = 0` gives the
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::close;
    use crate::stats::{EXACT_BELOW, RELATIVE_ACCURACY};
    use proptest::prelude::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

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
    fn nearest_rank_ignores_float_noise() {
        assert_eq!(nearest_rank(0.07, 100), 7);
        assert_eq!(nearest_rank(0.071, 100), 8);
        assert_eq!(nearest_rank(0.0, 10), 1);
        assert_eq!(nearest_rank(1.0, 10), 10);
        assert_eq!(nearest_rank(0.5, 11), 6);
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

    proptest! {
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
