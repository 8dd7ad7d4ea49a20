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
//!   format_duration 1d4h  250ms  3us                   exact, in microseconds (scenario syntax)
//!   format_duration_ms  1h30s  1s500ms                 std Duration, cut to whole milliseconds
//!   format_si       1.5k  0.0123  2M  3e-7             three significant digits, SI suffix (chart labels)
//!   format_tick     0.25  1.5k                         as many decimals as the tick step needs
//! ```
//!
//! Availability in tables (`output::availability`) widens with the nines;
//! [`format_availability`] always shows four decimals.
//!
//! [`format_duration`] is the writing half of the scenario syntax, so it is
//! defined beside its parser in `units` (whose serde impls use it) and
//! re-exported here: `format` depends on `units`, never the reverse.

pub use crate::units::format_duration;
use crate::units::{Micros, human_duration};
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
/// decimal (`12.5%`).
pub fn pct_prose(share: f64) -> String {
    let p = share * 100.0;
    if p.fract() == 0.0 {
        format!("{p:.0}%")
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
