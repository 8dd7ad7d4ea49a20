//! Confidence intervals: the Student-t quantile behind the interval of a
//! mean, and the Wilson and Clopper–Pearson intervals of a proportion.

use statrs::distribution::{Beta, Continuous, ContinuousCDF, Normal, StudentsT};

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
pub(super) fn students_t_quantile(p: f64, df: f64) -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{Accumulator, close};

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
}
