//! Distributions of durations: times to failure, repair times, lags,
//! operator response times.
//!
//! Every law is an increasing function of one standard draw: a standard
//! exponential (exponential, Weibull) or a standard normal (log-normal),
//! both by the ziggurat method (`rand_distr`'s `Exp1` and
//! `StandardNormal`), or one uniform. So the k-th draw of a component's
//! stream is the same standard value whatever the law's parameters: common
//! random numbers line up across strategies and sweeps, and a longer
//! median gives a longer duration draw by draw.

use crate::units::{Micros, YEAR};
use rand::distr::Distribution;
use rand::{Rng, RngExt};
use rand_distr::{Exp1, StandardNormal};
use statrs::distribution::{ContinuousCDF, Normal};
use statrs::function::gamma::gamma;

/// z such that P(Z < z) = 0.95 for a standard normal.
const Z95: f64 = 1.644_853_626_951_472_2;

/// A law of durations, in microseconds.
#[derive(Clone, Debug, PartialEq)]
pub enum Dist {
    /// Always the same duration.
    Fixed(Micros),
    /// Memoryless, with the given mean.
    Exponential { mean: f64 },
    /// Weibull with shape k and scale lambda: k > 1 means wear-out (hazard
    /// rising with age), as disks show in the field.
    Weibull { shape: f64, scale: f64 },
    /// exp(N(mu, sigma^2)): the usual law of repair and response times
    /// (mostly quick, with a long tail).
    LogNormal { mu: f64, sigma: f64 },
    /// Uniform between two bounds.
    Uniform { min: f64, max: f64 },
}

impl Dist {
    /// Draws one duration.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Micros {
        let v = match *self {
            Dist::Fixed(v) => return v,
            Dist::Exponential { mean } => mean * standard_exponential(rng),
            Dist::Weibull { shape, scale } => scale * standard_exponential(rng).powf(1.0 / shape),
            Dist::LogNormal { mu, sigma } => (mu + sigma * standard_normal(rng)).exp(),
            Dist::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
        };
        to_micros(v)
    }

    /// The mean, in microseconds.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v as f64,
            Dist::Exponential { mean } => mean,
            Dist::Weibull { shape, scale } => scale * gamma(1.0 + 1.0 / shape),
            Dist::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Dist::Uniform { min, max } => (min + max) / 2.0,
        }
    }

    /// The median, in microseconds.
    pub fn median(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v as f64,
            Dist::Exponential { mean } => mean * std::f64::consts::LN_2,
            Dist::Weibull { shape, scale } => scale * std::f64::consts::LN_2.powf(1.0 / shape),
            Dist::LogNormal { mu, .. } => mu.exp(),
            Dist::Uniform { min, max } => (min + max) / 2.0,
        }
    }

    /// Log-normal from its median and 95th percentile.
    pub fn lognormal_median_p95(median: f64, p95: f64) -> Dist {
        let mu = median.ln();
        Dist::LogNormal {
            mu,
            sigma: (p95.ln() - mu) / Z95,
        }
    }

    /// Log-normal from its median and sigma.
    pub fn lognormal_median_sigma(median: f64, sigma: f64) -> Dist {
        Dist::LogNormal {
            mu: median.ln(),
            sigma,
        }
    }

    /// Log-normal with the given mean and sigma.
    pub fn lognormal_mean_sigma(mean: f64, sigma: f64) -> Dist {
        Dist::LogNormal {
            mu: mean.ln() - sigma * sigma / 2.0,
            sigma,
        }
    }

    /// Weibull with the given shape and mean.
    pub fn weibull_mean(shape: f64, mean: f64) -> Dist {
        Dist::Weibull {
            shape,
            scale: mean / gamma(1.0 + 1.0 / shape),
        }
    }
}

/// A law of time to failure, from an MTTF or an annualized failure rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FailureLaw {
    Exponential,
    Weibull { shape: f64 },
    LogNormal { sigma: f64 },
}

/// How often: mean time to failure, or the fraction failing within a year.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FailureRate {
    Mttf(Micros),
    Afr(f64),
}

/// Builds the time-to-failure distribution of a component.
///
/// An AFR `p` is read as P(T < 1 year) = p: the fraction of a fleet of new
/// components that fails within its first year, which is what drive-fleet
/// statistics report.
pub fn time_to_failure(law: FailureLaw, rate: FailureRate) -> Dist {
    let year = YEAR as f64;
    match (law, rate) {
        (FailureLaw::Exponential, FailureRate::Mttf(m)) => Dist::Exponential { mean: m as f64 },
        (FailureLaw::Exponential, FailureRate::Afr(p)) => Dist::Exponential {
            mean: year / -(1.0 - p).ln(),
        },
        (FailureLaw::Weibull { shape }, FailureRate::Mttf(m)) => {
            Dist::weibull_mean(shape, m as f64)
        }
        (FailureLaw::Weibull { shape }, FailureRate::Afr(p)) => Dist::Weibull {
            shape,
            scale: year / (-(1.0 - p).ln()).powf(1.0 / shape),
        },
        (FailureLaw::LogNormal { sigma }, FailureRate::Mttf(m)) => {
            Dist::lognormal_mean_sigma(m as f64, sigma)
        }
        (FailureLaw::LogNormal { sigma }, FailureRate::Afr(p)) => {
            let z = Normal::standard().inverse_cdf(p);
            Dist::LogNormal {
                mu: year.ln() - sigma * z,
                sigma,
            }
        }
    }
}

/// A drawn duration in microseconds, rounded to the nearest.
///
/// Clamped: a law with a huge tail must not overflow the clock (and NaN,
/// which `max` discards, gives zero). Adding a half and truncating rounds
/// as `round` does for these non-negative values, without a libm call on
/// baseline x86-64; the value is known to fit an `i64`, so the conversion
/// is one instruction instead of the checked sequence `as u64` needs.
#[inline(always)]
fn to_micros(v: f64) -> Micros {
    let x = v.max(0.0).min(crate::units::DURATION_MAX as f64) + 0.5;
    // SAFETY: `x` is finite and in [0.5, DURATION_MAX + 0.5], far inside
    // the range of i64 (DURATION_MAX is about 3.2e17 < 9.2e18).
    let whole = unsafe { x.to_int_unchecked::<i64>() };
    whole as Micros
}

/// A standard exponential draw (mean 1), by the ziggurat method: one
/// 64-bit number for nearly every draw, where inversion (`-ln(1 - u)`)
/// waited for a logarithm each time.
#[inline]
pub fn standard_exponential<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    Exp1.sample(rng)
}

/// A standard normal draw, by the ziggurat method: one 64-bit number for
/// nearly every draw, where inversion took a rational function of high
/// degree (and a logarithm in the tails).
#[inline]
pub fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    StandardNormal.sample(rng)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn durations_round_to_the_nearest_microsecond_within_the_clock() {
        use crate::units::DURATION_MAX;
        // What `(v.clamp(0.0, max) + 0.5) as u64` gave, NaN included.
        let reference = |v: f64| (v.clamp(0.0, DURATION_MAX as f64) + 0.5) as Micros;
        for v in [
            0.0,
            -0.0,
            0.49,
            0.5,
            2.5,
            1e6 - 0.5,
            7.776e12 + 0.4999,
            -3.0,
            -f64::INFINITY,
            f64::INFINITY,
            1e300,
            DURATION_MAX as f64,
            DURATION_MAX as f64 + 0.6,
            f64::NAN,
        ] {
            assert_eq!(to_micros(v), reference(v), "{v}");
        }
        assert_eq!(to_micros(f64::NAN), 0);
        assert_eq!(to_micros(f64::INFINITY), DURATION_MAX);
    }

    fn sample_mean(d: &Dist, n: usize) -> f64 {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        (0..n).map(|_| d.sample(&mut rng) as f64).sum::<f64>() / n as f64
    }

    #[test]
    fn sample_means_match_closed_form() {
        let hour = 3.6e9;
        for d in [
            Dist::Exponential { mean: hour },
            Dist::weibull_mean(1.5, hour),
            Dist::lognormal_mean_sigma(hour, 0.8),
            Dist::Uniform {
                min: 0.0,
                max: 2.0 * hour,
            },
        ] {
            let m = sample_mean(&d, 200_000);
            assert!(
                (m / d.mean() - 1.0).abs() < 0.02,
                "{d:?}: {m} vs {}",
                d.mean()
            );
        }
    }

    #[test]
    fn afr_means_one_year_failure_fraction() {
        for law in [
            FailureLaw::Exponential,
            FailureLaw::Weibull { shape: 1.3 },
            FailureLaw::LogNormal { sigma: 1.0 },
        ] {
            let d = time_to_failure(law, FailureRate::Afr(0.2));
            let mut rng = ChaCha8Rng::seed_from_u64(11);
            let n = 100_000;
            let within = (0..n).filter(|_| d.sample(&mut rng) < YEAR).count();
            let frac = within as f64 / n as f64;
            assert!((frac - 0.2).abs() < 0.01, "{law:?}: {frac}");
        }
    }

    /// The draws follow each law in the tails as in the middle: the share
    /// of a million draws below the law's quantile at p is p, within five
    /// binomial standard deviations, from p = 1e-4 to 1 - 1e-4.
    #[test]
    fn draws_follow_each_law_from_tail_to_tail() {
        let hour = 3.6e9;
        let normal = Normal::standard();
        type Quantile = Box<dyn Fn(f64) -> f64>;
        let laws: [(Dist, Quantile); 3] = [
            (
                Dist::Exponential { mean: hour },
                Box::new(move |p: f64| -hour * (1.0 - p).ln()),
            ),
            (
                Dist::Weibull {
                    shape: 1.2,
                    scale: hour,
                },
                Box::new(move |p: f64| hour * (-(1.0 - p).ln()).powf(1.0 / 1.2)),
            ),
            (
                Dist::LogNormal {
                    mu: hour.ln(),
                    sigma: 1.3,
                },
                Box::new(move |p: f64| (hour.ln() + 1.3 * normal.inverse_cdf(p)).exp()),
            ),
        ];
        let n = 1_000_000;
        for (d, quantile) in &laws {
            let mut rng = ChaCha8Rng::seed_from_u64(17);
            let mut draws: Vec<Micros> = (0..n).map(|_| d.sample(&mut rng)).collect();
            draws.sort_unstable();
            for p in [
                1e-4,
                1e-3,
                0.01,
                0.1,
                0.3,
                0.5,
                0.7,
                0.9,
                0.99,
                0.999,
                1.0 - 1e-4,
            ] {
                let q = quantile(p);
                let below = draws.partition_point(|&x| (x as f64) < q) as f64 / n as f64;
                let sd = (p * (1.0 - p) / n as f64).sqrt();
                assert!(
                    (below - p).abs() < 5.0 * sd,
                    "{d:?}: {below} of draws below the {p} quantile ({sd:e} sd)"
                );
            }
        }
    }

    /// A law's parameters scale the same standard draw: the same stream
    /// gives draws in proportion under two means, and a longer log-normal
    /// median gives a longer draw, draw by draw (what common random numbers
    /// across a sweep rest on).
    #[test]
    fn parameters_scale_the_same_standard_draws() {
        let draws = |d: &Dist| -> Vec<f64> {
            let mut rng = ChaCha8Rng::seed_from_u64(5);
            (0..10_000).map(|_| d.sample(&mut rng) as f64).collect()
        };
        let hour = 3.6e9;
        let one = draws(&Dist::Exponential { mean: hour });
        let three = draws(&Dist::Exponential { mean: 3.0 * hour });
        for (a, b) in one.iter().zip(&three) {
            assert!((b - 3.0 * a).abs() <= 2.0, "{a} and {b}");
        }
        let short = draws(&Dist::lognormal_median_p95(60e6, 600e6));
        let long = draws(&Dist::lognormal_median_p95(120e6, 1200e6));
        assert!(short.iter().zip(&long).all(|(a, b)| b >= a));
    }

    #[test]
    fn lognormal_quantiles() {
        let d = Dist::lognormal_median_p95(60e6, 600e6);
        assert!((d.median() - 60e6).abs() < 1.0);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let n = 100_000;
        let above = (0..n).filter(|_| d.sample(&mut rng) > 600_000_000).count();
        assert!((above as f64 / n as f64 - 0.05).abs() < 0.005);
    }

    #[test]
    fn uniform_quantiles_and_monotone_draws() {
        let (lo, hi) = (5.0 * 60e6, 20.0 * 60e6);
        let d = Dist::Uniform { min: lo, max: hi };
        assert_eq!(d.median(), 12.5 * 60e6);
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let n = 100_000;
        let mut v: Vec<f64> = (0..n).map(|_| d.sample(&mut rng) as f64).collect();
        assert!(v.iter().all(|&x| (lo..=hi).contains(&x)));
        v.sort_by(f64::total_cmp);
        // The q-quantile of U(lo, hi) is lo + q (hi - lo); the sample's
        // is within 1% of the range (its standard error is about 0.16%).
        for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
            let got = v[(q * n as f64) as usize];
            let want = lo + q * (hi - lo);
            assert!(
                (got - want).abs() < 0.01 * (hi - lo),
                "q{q}: {got} vs {want}"
            );
        }
        // An increasing function of one uniform draw: wider bounds give a
        // draw at least as long, draw by draw.
        let draws = |d: &Dist| -> Vec<Micros> {
            let mut rng = ChaCha8Rng::seed_from_u64(5);
            (0..10_000).map(|_| d.sample(&mut rng)).collect()
        };
        let short = draws(&d);
        let long = draws(&Dist::Uniform {
            min: lo,
            max: 2.0 * hi,
        });
        assert!(short.iter().zip(&long).all(|(a, b)| b >= a));
    }
}
