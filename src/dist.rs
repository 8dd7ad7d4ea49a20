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
            Dist::Exponential { mean } => -mean * open_unit(rng).ln(),
            Dist::Weibull { shape, scale } => scale * (-open_unit(rng).ln()).powf(1.0 / shape),
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

/// A uniform draw in (0, 1]: never zero, so its logarithm is finite.
pub fn open_unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    1.0 - rng.random::<f64>()
}

/// A standard normal draw by inversion (one uniform per draw, so streams
/// stay aligned).
pub fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    normal_quantile(open_unit(rng).min(1.0 - f64::EPSILON))
}

/// The standard normal quantile: z with P(Z < z) = p, for 0 < p < 1.
///
/// Wichura's algorithm AS 241 (PPND16, Applied Statistics 37, 1988), as R's
/// `qnorm` uses it: relative error about 1e-16. Chosen over statrs's
/// `erfc_inv`-based inverse, which agrees with it to a few units in the
/// last place (tested below), because 85% of draws (|p - 0.5| <= 0.425)
/// need one rational function and no logarithm, where `erfc_inv` takes a
/// logarithm for half of them: the log-normal draw was the costliest step
/// of an API-server crash.
#[allow(clippy::excessive_precision)]
pub fn normal_quantile(p: f64) -> f64 {
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q
            * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r
                + 67265.770927008700853)
                * r
                + 45921.953931549871457)
                * r
                + 13731.693765509461125)
                * r
                + 1971.5909503065514427)
                * r
                + 133.14166789178437745)
                * r
                + 3.387132872796366608)
            / (((((((r * 5226.495278852854561 + 28729.085735721942674) * r
                + 39307.89580009271061)
                * r
                + 21213.794301586595867)
                * r
                + 5394.1960214247511077)
                * r
                + 687.1870074920579083)
                * r
                + 42.313330701600911252)
                * r
                + 1.0);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let mut r = (-tail.ln()).sqrt();
    let z = if r <= 5.0 {
        r -= 1.6;
        (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r
            + 0.24178072517745061177)
            * r
            + 1.27045825245236838258)
            * r
            + 3.64784832476320460504)
            * r
            + 5.7694972214606914055)
            * r
            + 4.6303378461565452959)
            * r
            + 1.42343711074968357734)
            / (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r
                + 0.0151986665636164571966)
                * r
                + 0.14810397642748007459)
                * r
                + 0.68976733498510000455)
                * r
                + 1.6763848301838038494)
                * r
                + 2.05319162663775882187)
                * r
                + 1.0)
    } else {
        r -= 5.0;
        (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r
            + 0.0012426609473880784386)
            * r
            + 0.026532189526576123093)
            * r
            + 0.29656057182850489123)
            * r
            + 1.7848265399172913358)
            * r
            + 5.4637849111641143699)
            * r
            + 6.6579046435011037772)
            / (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r
                + 1.8463183175100546818e-5)
                * r
                + 7.868691311456132591e-4)
                * r
                + 0.0148753612908506148525)
                * r
                + 0.13692988092273580531)
                * r
                + 0.59983220655588793769)
                * r
                + 1.0)
    };
    if q < 0.0 { -z } else { z }
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

    #[test]
    fn normal_quantile_agrees_with_statrs() {
        let reference =
            |p: f64| -(std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * p));
        let mut worst: f64 = 0.0;
        let mut check = |p: f64| {
            let (ours, theirs) = (normal_quantile(p), reference(p));
            let err = (ours - theirs).abs() / theirs.abs().max(1e-300);
            assert!(err < 1e-13, "p = {p:e}: {ours:e} vs {theirs:e}");
            worst = worst.max(err);
        };
        // Every branch: the centre, both tails, the far tails.
        for i in 1..200_000 {
            check(i as f64 / 200_000.0);
        }
        for e in 1..300 {
            let p = 10f64.powf(-(e as f64));
            check(p);
            check(1.0 - p.max(f64::EPSILON));
        }
        check(f64::EPSILON);
        check(1.0 - f64::EPSILON);
        assert!(worst < 1e-14, "worst relative difference {worst:e}");
        assert_eq!(normal_quantile(0.5), 0.0);
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-15);
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
