//! Distributions of durations: times to failure, repair times, lags,
//! operator response times.
//!
//! Every distribution samples by inversion from one uniform draw (or one
//! normal draw for the log-normal), so a component's stream consumes a fixed
//! number of random values per sample and common random numbers line up
//! across strategies.

use crate::units::{Micros, YEAR};
use rand::{Rng, RngExt};
use statrs::distribution::{ContinuousCDF, Normal};
use statrs::function::erf::erfc_inv;
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
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Micros {
        let v = match *self {
            Dist::Fixed(v) => return v,
            Dist::Exponential { mean } => -mean * open_unit(rng).ln(),
            Dist::Weibull { shape, scale } => scale * (-open_unit(rng).ln()).powf(1.0 / shape),
            Dist::LogNormal { mu, sigma } => (mu + sigma * standard_normal(rng)).exp(),
            Dist::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
        };
        // Clamp: a law with a huge tail must not overflow the clock. Adding
        // a half and truncating rounds as `round` does for these
        // non-negative values, without a libm call on baseline x86-64.
        (v.clamp(0.0, crate::units::DURATION_MAX as f64) + 0.5) as Micros
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

/// A uniform draw in (0, 1]: never zero, so its logarithm is finite.
pub fn open_unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    1.0 - rng.random::<f64>()
}

/// A standard normal draw by inversion (one uniform per draw, so streams
/// stay aligned).
pub fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let u = open_unit(rng).min(1.0 - f64::EPSILON);
    // statrs's `Normal::inverse_cdf` for mean 0 and deviation 1, without
    // building and checking a `Normal` per draw.
    -(std::f64::consts::SQRT_2 * erfc_inv(2.0 * u))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

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

    #[test]
    fn lognormal_quantiles() {
        let d = Dist::lognormal_median_p95(60e6, 600e6);
        assert!((d.median() - 60e6).abs() < 1.0);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let n = 100_000;
        let above = (0..n).filter(|_| d.sample(&mut rng) > 600_000_000).count();
        assert!((above as f64 / n as f64 - 0.05).abs() < 0.005);
    }
}
