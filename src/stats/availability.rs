//! Availability read as people quote it: number of nines and expected
//! downtime per year.

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
    use crate::stats::close;

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
}
