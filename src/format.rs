//! Numbers written for people: every rule for turning a count, a share, a
//! size or a span into text lives here, so a figure reads the same in each
//! output that uses the same rule.
//!
//! Where two outputs need different rules the functions have different
//! names that say how they differ:
//!
//! ```text
//!   pct_table       0.012%  1.23%  12.3%  99.9951%     digits widen as the share shrinks (tables)
//!   pct_prose       25%  12.5%                         whole percent when exact, else one decimal (stories)
//!   format_count    1,234,567                          an integer, thousands separated
//!   format_grouped  0  3.20  41  8,213  1.20e9         about three significant digits, thousands separated
//!   format_count_words  8,213  12.5 billion            format_grouped, in billions from a billion up
//!   format_seconds_words  50 ms  6.30 h  4 years       format_grouped, in the largest readable unit
//!   format_availability_nines  99.950%  99.999900%     digits widen with the nines (tables, reports)
//!   format_availability  99.9418%                      always four decimals (stories)
//!   format_nines    4.30                               two decimals
//!   format_bytes    2.5 GB  300 MB                     one decimal below ten when not whole
//!   format_bytes_grouped  2.53 GB  300 MB              format_grouped in the largest decimal unit
//!   format_latency  0.5 ms  87 ms  1.5 s               one decimal below 10 ms, then as human_duration
//!   format_latency_ms  0.5 ms  87 ms  1500 ms          one decimal below 10 ms, then whole milliseconds
//!   format_duration 1d4h  250ms  3us                   exact, in microseconds (scenario syntax)
//!   format_duration_ms  1h30s  1s500ms                 std Duration, cut to whole milliseconds
//!   format_si       1.5k  0.0123  2M  3e-7             three significant digits, SI suffix (chart labels)
//!   format_tick     0.25  1.5k                         as many decimals as the tick step needs
//! ```
//!
//! [`format_duration`] is the writing half of the scenario syntax, so it is
//! defined beside its parser in `units` (whose serde impls use it) and
//! re-exported here: `format` depends on `units`, never the reverse. The
//! spans and instants of stories (`units::human_duration`, `units::clock`)
//! are still written in `units`, beside the engine that quotes them.

pub use crate::units::format_duration;
use crate::units::{Micros, YEAR, human_duration};
use std::fmt::Write as _;
use std::time::Duration;

/// A probability as a percentage for tables: `0%`; more decimals the
/// smaller it is (`0.012%`, `1.23%`, `12.3%`); four decimals just under
/// 100% so that `99.9951%` is not rounded up to `100.0%`.
pub fn pct_table(p: f64) -> String {
    let v = p * 100.0;
    if v == 0.0 {
        "0%".into()
    } else if (99.995..100.0).contains(&v) {
        format!("{v:.4}%")
    } else if v >= 10.0 {
        format!("{v:.1}%")
    } else if v >= 0.1 {
        format!("{v:.2}%")
    } else {
        format!("{v:.3}%")
    }
}

/// A share as a percentage for prose: whole when it is (`25%`), else one
/// decimal (`12.5%`); below 0.1%, as many decimals as its first
/// significant digit needs (`0.01%`), so a small share never reads as 0.
pub fn pct_prose(share: f64) -> String {
    let p = share * 100.0;
    if p.fract() == 0.0 {
        format!("{p:.0}%")
    } else if p > 0.0 && p < 0.1 {
        let decimals = (-p.log10()).ceil().clamp(1.0, 12.0) as usize;
        format!("{p:.decimals$}%")
    } else {
        format!("{p:.1}%")
    }
}

/// A count with thousands separators: `1,234,567`.
pub fn format_count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An availability as a percentage, always four decimals: `99.9418%`.
pub fn format_availability(a: f64) -> String {
    format!("{:.4}%", a * 100.0)
}

/// An availability as a percentage with enough digits to tell nines apart:
/// `99.950%`, `99.9990%`, `99.999900%`; `100%` only when nothing was down.
pub fn format_availability_nines(a: f64) -> String {
    let v = a * 100.0;
    if a >= 1.0 {
        "100%".into()
    } else if v >= 99.9999 {
        format!("{v:.6}%")
    } else if v >= 99.99 {
        format!("{v:.4}%")
    } else {
        format!("{v:.3}%")
    }
}

/// A number of nines with two decimals: `4.30`.
pub fn format_nines(n: f64) -> String {
    format!("{n:.2}")
}

/// A number for people, with about three significant digits and thousands
/// separated: `0`, `3.20`, `41`, `8,213`, `0.05`, `1.20e9`; whole numbers
/// below a billion in full.
pub fn format_grouped(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    if x.fract() == 0.0 && a < 1e9 {
        return format_signed_count(x as i64);
    }
    if a >= 1e9 {
        format!("{x:.2e}")
    } else if a >= 1000.0 {
        format_signed_count(x.round() as i64)
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 0.01 {
        format!("{x:.2}")
    } else {
        format!("{x:.1e}")
    }
}

/// [`format_count`] with a sign: `-1,234`.
fn format_signed_count(v: i64) -> String {
    let out = format_count(v.unsigned_abs());
    if v < 0 { format!("-{out}") } else { out }
}

/// A count for people: [`format_grouped`] below a billion, then
/// `11 billion`, `12.5 billion`.
pub fn format_count_words(x: f64) -> String {
    if x.abs() >= 1e9 {
        format!("{} billion", format_grouped(x / 1e9))
    } else {
        format_grouped(x)
    }
}

/// Seconds for people, [`format_grouped`] in the largest unit that keeps
/// them readable: `50 ms`, `41 s`, `3.50 min`, `6.30 h`, `12 days`,
/// `4 years`.
pub fn format_seconds_words(s: f64) -> String {
    const DAY_S: f64 = 86_400.0;
    let year_s = YEAR as f64 / 1e6;
    if s == 0.0 {
        "0 s".into()
    } else if s < 1.0 {
        format!("{} ms", format_grouped(s * 1000.0))
    } else if s < 120.0 {
        format!("{} s", format_grouped(s))
    } else if s < 7200.0 {
        format!("{} min", format_grouped(s / 60.0))
    } else if s < 2.0 * DAY_S {
        format!("{} h", format_grouped(s / 3600.0))
    } else if s < 2.0 * year_s {
        format!("{} days", format_grouped(s / DAY_S))
    } else {
        format!("{} years", format_grouped(s / year_s))
    }
}

/// A round trip or added latency: one decimal of a millisecond below
/// 10 ms (`0.5 ms`, `1.0 ms`), else as [`human_duration`] (`87 ms`).
pub fn format_latency(t: Micros) -> String {
    let ms = t as f64 / 1000.0;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        human_duration(t)
    }
}

/// A round trip in milliseconds: one decimal below 10 ms (`0.5 ms`), else
/// whole milliseconds (`87 ms`, `1500 ms`), so neighbouring links compare
/// in one unit.
pub fn format_latency_ms(t: Micros) -> String {
    let ms = t as f64 / 1000.0;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

/// A size in decimal units (`2.5 GB`, `300 MB`, `12 B`): one decimal below
/// ten when the value is not whole, else none.
pub fn format_bytes(b: f64) -> String {
    for (unit, f) in [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)] {
        if b >= f {
            let v = b / f;
            return if v < 10.0 && v.fract() != 0.0 {
                format!("{v:.1} {unit}")
            } else {
                format!("{v:.0} {unit}")
            };
        }
    }
    format!("{b:.0} B")
}

/// A size in decimal units with [`format_grouped`]'s digits: `2.53 GB`,
/// `12.5 GB`, `300 MB`, `12 B`.
pub fn format_bytes_grouped(bytes: f64) -> String {
    for (unit, f) in [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)] {
        if bytes >= f {
            return format!("{} {unit}", format_grouped(bytes / f));
        }
    }
    format!("{} B", format_grouped(bytes))
}

/// A [`Duration`] with units, largest first, leaving out zero units:
/// `30d`, `30d12h`, `45m`, `1h0m30s` is written `1h30s`. Sub-second rests
/// are written in whole `ms` (anything finer is dropped); zero is `0s`.
pub fn format_duration_ms(d: Duration) -> String {
    let mut secs = d.as_secs();
    let millis = d.subsec_millis();
    let mut out = String::new();
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        let n = secs / size;
        secs %= size;
        if n > 0 {
            let _ = write!(out, "{n}{unit}");
        }
    }
    if millis > 0 {
        let _ = write!(out, "{millis}ms");
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}

// ----- chart labels ----------------------------------------------------

/// SI-style suffix for a magnitude: (divisor, suffix).
fn suffix_for(magnitude: f64) -> (f64, &'static str) {
    if magnitude >= 1e12 {
        (1e12, "T")
    } else if magnitude >= 1e9 {
        (1e9, "G")
    } else if magnitude >= 1e6 {
        (1e6, "M")
    } else if magnitude >= 1e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    }
}

/// Removes trailing zeros after a decimal point ("2.50" -> "2.5",
/// "3.00" -> "3"), and turns "-0" into "0".
fn trim_decimal(s: String) -> String {
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".to_string() } else { s }
}

/// Scientific notation with up to three significant digits: "1.5e-5".
fn format_sci(v: f64) -> String {
    let s = format!("{v:.2e}");
    match s.split_once('e') {
        Some((mantissa, exponent)) => {
            format!("{}e{}", trim_decimal(mantissa.to_string()), exponent)
        }
        None => s,
    }
}

/// A chart label: three significant digits and an SI suffix,
/// `1500 -> "1.5k"`, `0.0123 -> "0.0123"`, `2e6 -> "2M"`, `3e-7 -> "3e-7"`.
pub(crate) fn format_si(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    if v == 0.0 {
        return "0".to_string();
    }
    // Round to 3 significant digits first, so 999_950 becomes "1M" rather
    // than "1000k".
    let exponent = v.abs().log10().floor();
    let unit = 10f64.powf(exponent - 2.0);
    let rounded = (v / unit).round() * unit;
    let magnitude = rounded.abs();
    if !(1e-4..1e15).contains(&magnitude) {
        return format_sci(rounded);
    }
    let (divisor, suffix) = suffix_for(magnitude);
    let scaled = rounded / divisor;
    let digits_before_point = scaled.abs().log10().floor();
    let decimals = (2.0 - digits_before_point).clamp(0.0, 8.0) as usize;
    format!("{}{}", trim_decimal(format!("{scaled:.decimals$}")), suffix)
}

/// Formats a tick on a linear axis whose ticks are `step` apart, with just
/// enough decimals to tell neighbouring ticks apart.
pub(crate) fn format_tick(v: f64, step: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let magnitude = v.abs();
    let fixed_point = (1e-4..1e15).contains(&magnitude) && step > 0.0 && step.is_finite();
    if !fixed_point {
        return format_sci(v);
    }
    let (divisor, suffix) = suffix_for(magnitude);
    let scaled_step = step / divisor;
    let decimals = if scaled_step >= 1.0 {
        0
    } else {
        (-scaled_step.log10() - 1e-9).ceil().clamp(0.0, 12.0) as usize
    };
    format!(
        "{}{}",
        trim_decimal(format!("{:.decimals$}", v / divisor)),
        suffix
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{DAY, HOUR};

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1000), "1,000");
        assert_eq!(format_count(246_012_089), "246,012,089");
    }

    #[test]
    fn durations_with_units() {
        let d = |s: u64| format_duration_ms(Duration::from_secs(s));
        assert_eq!(d(0), "0s");
        assert_eq!(d(30 * 86_400), "30d");
        assert_eq!(d(30 * 86_400 + 12 * 3_600), "30d12h");
        assert_eq!(d(45 * 60), "45m");
        assert_eq!(d(3_600 + 30), "1h30s");
        assert_eq!(format_duration_ms(Duration::from_millis(1_500)), "1s500ms");
        assert_eq!(format_duration_ms(Duration::MAX).chars().last(), Some('s'));
    }

    #[test]
    fn format_si_uses_si_suffixes_and_three_significant_digits() {
        assert_eq!(format_si(0.0), "0");
        assert_eq!(format_si(1.0), "1");
        assert_eq!(format_si(1000.0), "1k");
        assert_eq!(format_si(1500.0), "1.5k");
        assert_eq!(format_si(999_950.0), "1M");
        assert_eq!(format_si(2.5e9), "2.5G");
        assert_eq!(format_si(0.01), "0.01");
        assert_eq!(format_si(0.012345), "0.0123");
        assert_eq!(format_si(52.56), "52.6");
        assert_eq!(format_si(-1234.0), "-1.23k");
        assert_eq!(format_si(3e-7), "3e-7");
        assert_eq!(format_si(1.5e20), "1.5e20");
        assert_eq!(format_si(f64::NAN), "n/a");
    }

    #[test]
    fn format_tick_shows_enough_decimals_for_the_step() {
        assert_eq!(format_tick(0.2, 0.2), "0.2");
        assert_eq!(format_tick(0.6000000000000001, 0.2), "0.6");
        assert_eq!(format_tick(0.006000000000000001, 0.002), "0.006");
        assert_eq!(format_tick(1500.0, 500.0), "1.5k");
        assert_eq!(format_tick(2000.0, 500.0), "2k");
        assert_eq!(format_tick(250.0, 50.0), "250");
        assert_eq!(format_tick(0.25, 0.05), "0.25");
        assert_eq!(format_tick(-0.0, 1.0), "0");
    }

    #[test]
    fn the_two_percentages_differ_as_named() {
        assert_eq!(pct_table(0.25), "25.0%");
        assert_eq!(pct_prose(0.25), "25%");
        assert_eq!(pct_table(0.125), "12.5%");
        assert_eq!(pct_prose(0.125), "12.5%");
        assert_eq!(pct_table(0.00012), "0.012%");
        assert_eq!(pct_table(0.999951), "99.9951%");
        assert_eq!(pct_table(0.0), "0%");
    }

    #[test]
    fn a_small_share_in_prose_keeps_its_first_significant_digit() {
        assert_eq!(pct_prose(0.0001), "0.01%");
        assert_eq!(pct_prose(0.00005), "0.005%");
        assert_eq!(pct_prose(0.0009), "0.09%");
        assert_eq!(pct_prose(0.001), "0.1%");
        assert_eq!(pct_prose(0.0), "0%");
    }

    #[test]
    fn grouped_numbers_keep_about_three_digits() {
        assert_eq!(format_grouped(0.0), "0");
        assert_eq!(format_grouped(3.2), "3.20");
        assert_eq!(format_grouped(41.0), "41");
        assert_eq!(format_grouped(8213.0), "8,213");
        assert_eq!(format_grouped(8213.4), "8,213");
        assert_eq!(format_grouped(-1234.0), "-1,234");
        assert_eq!(format_grouped(123.4), "123");
        assert_eq!(format_grouped(12.34), "12.3");
        assert_eq!(format_grouped(0.05), "0.05");
        assert_eq!(format_grouped(0.004), "4.0e-3");
        assert_eq!(format_grouped(1.2e9), "1.20e9");
    }

    #[test]
    fn seconds_in_words() {
        assert_eq!(format_seconds_words(0.0), "0 s");
        assert_eq!(format_seconds_words(0.05), "50 ms");
        assert_eq!(format_seconds_words(41.0), "41 s");
        assert_eq!(format_seconds_words(600.0), "10 min");
        assert_eq!(format_seconds_words(6.3 * 3600.0), "6.30 h");
        assert_eq!(format_seconds_words(12.0 * 86_400.0), "12 days");
        assert_eq!(format_seconds_words(4.0 * 31_536_000.0), "4 years");
    }

    #[test]
    fn billions_in_words() {
        assert_eq!(format_count_words(8213.0), "8,213");
        assert_eq!(format_count_words(1.1e10), "11 billion");
        assert_eq!(format_count_words(1.25e10), "12.5 billion");
        assert_eq!(format_count_words(2.1e11), "210 billion");
    }

    #[test]
    fn the_two_availabilities_differ_as_named() {
        assert_eq!(format_availability_nines(1.0), "100%");
        assert_eq!(format_availability(1.0), "100.0000%");
        assert_eq!(format_availability_nines(0.9995), "99.950%");
        assert_eq!(format_availability(0.9995), "99.9500%");
        assert_eq!(format_availability_nines(0.99999), "99.9990%");
        assert_eq!(format_availability_nines(0.999999), "99.999900%");
        assert_eq!(format_nines(4.3), "4.30");
    }

    #[test]
    fn the_two_sizes_differ_as_named() {
        assert_eq!(format_bytes(2.53e9), "2.5 GB");
        assert_eq!(format_bytes_grouped(2.53e9), "2.53 GB");
        assert_eq!(format_bytes(3e8), "300 MB");
        assert_eq!(format_bytes_grouped(3e8), "300 MB");
        assert_eq!(format_bytes_grouped(12.0), "12 B");
    }

    #[test]
    fn the_two_latencies_differ_as_named() {
        assert_eq!(format_latency(500), "0.5 ms");
        assert_eq!(format_latency_ms(500), "0.5 ms");
        assert_eq!(format_latency_ms(87_000), "87 ms");
        assert_eq!(format_latency_ms(1_500_000), "1500 ms");
        assert_eq!(format_latency(1_500_000), "1.5 s");
    }

    #[test]
    fn the_two_durations_differ_as_named() {
        assert_eq!(format_duration(1_500_003), "1s500ms3us");
        assert_eq!(
            format_duration_ms(Duration::from_micros(1_500_003)),
            "1s500ms"
        );
        assert_eq!(format_duration(0), "0s");
        assert_eq!(format_duration(DAY + 4 * HOUR), "1d4h");
    }
}
