//! Quantities with units, as scenario files write them.
//!
//! Users write `250ms`, `4h`, `500GB`, `200MB/s`, `1.57%`. A bare number is
//! refused for durations, sizes and rates: a scenario that says `lag = 5`
//! could mean seconds or milliseconds, and guessing is how a simulator gets
//! trusted numbers wrong by a factor of a thousand.
//!
//! Simulated time is an integer number of microseconds ([`Micros`]), so the
//! engine never compares floating-point clocks.

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use std::fmt;

/// Simulated time or a span of it, in microseconds.
pub type Micros = u64;

/// One second in microseconds.
pub const SECOND: Micros = 1_000_000;
/// One minute in microseconds.
pub const MINUTE: Micros = 60 * SECOND;
/// One hour in microseconds.
pub const HOUR: Micros = 60 * MINUTE;
/// One day in microseconds.
pub const DAY: Micros = 24 * HOUR;
/// One (365-day) year in microseconds: the unit of "per year" figures.
pub const YEAR: Micros = 365 * DAY;

/// Converts microseconds to seconds, for reporting.
pub fn secs(t: Micros) -> f64 {
    t as f64 / SECOND as f64
}

/// A span of simulated time, written with units: `250ms`, `30s`, `15m`,
/// `4h`, `7d`, `2w`, `1y`, or combined: `1h30m`, `30d 4h`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub Micros);

/// A quantity of data in bytes: `500GB` (SI, powers of 1000) or `500GiB`
/// (IEC, powers of 1024).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Size(pub u64);

/// A data rate in bytes per second: `200MB/s`, `1GiB/s`, `100Mbit/s`.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
pub struct Throughput(pub f64);

/// A fraction in [0, 1], written `1.57%` or `0.0157`.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
pub struct Fraction(pub f64);

const DURATION_UNITS: &[(&str, f64)] = &[
    ("us", 1.0),
    ("µs", 1.0),
    ("ms", 1e3),
    ("s", 1e6),
    ("sec", 1e6),
    ("m", 60e6),
    ("min", 60e6),
    ("h", 3600e6),
    ("d", 86_400e6),
    ("w", 7.0 * 86_400e6),
    ("y", 365.0 * 86_400e6),
];

/// The largest span a scenario may name: 10,000 years. Larger values would
/// overflow the microsecond clock arithmetic long before they meant anything.
pub const DURATION_MAX: Micros = 10_000 * YEAR;

/// Parses a duration such as `250ms`, `1h30m` or `30d 4h`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("empty duration: write a number with a unit, e.g. `30s`".into());
    }
    let mut total = 0.0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let (number, after) = split_number(rest).ok_or_else(|| {
            format!("`{text}` is not a duration: expected a number with a unit, e.g. `250ms`, `30s`, `4h`, `7d`")
        })?;
        let after = after.trim_start();
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.' || c.is_whitespace())
            .unwrap_or(after.len());
        let unit = &after[..unit_len];
        if unit.is_empty() {
            return Err(format!(
                "`{text}` has no unit: write e.g. `{number}s` or `{number}ms` (units: us, ms, s, m, h, d, w, y)"
            ));
        }
        let factor = DURATION_UNITS
            .iter()
            .find(|(u, _)| *u == unit)
            .map(|(_, f)| *f)
            .ok_or_else(|| {
                format!("`{text}`: unknown time unit `{unit}` (units: us, ms, s, m, h, d, w, y)")
            })?;
        total += number * factor;
        rest = after[unit_len..].trim_start();
    }
    if !total.is_finite() || total > DURATION_MAX as f64 {
        return Err(format!(
            "`{text}` is longer than the 10,000 years failsim can simulate"
        ));
    }
    Ok(Duration(total.round() as Micros))
}

/// Splits a leading non-negative decimal number off `s`.
fn split_number(s: &str) -> Option<(f64, &str)> {
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    let digits: String = s[..end].chars().filter(|c| *c != '_').collect();
    let value: f64 = digits.parse().ok()?;
    Some((value, &s[end..]))
}

fn size_factor(unit: &str) -> Option<f64> {
    let f = match unit {
        "B" => 1.0,
        "KB" | "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "TB" => 1e12,
        "PB" => 1e15,
        "KiB" => 1024.0,
        "MiB" => 1024f64.powi(2),
        "GiB" => 1024f64.powi(3),
        "TiB" => 1024f64.powi(4),
        "PiB" => 1024f64.powi(5),
        "bit" => 1.0 / 8.0,
        "Kbit" | "kbit" => 1e3 / 8.0,
        "Mbit" => 1e6 / 8.0,
        "Gbit" => 1e9 / 8.0,
        _ => return None,
    };
    Some(f)
}

const SIZE_UNITS_HELP: &str = "B, KB, MB, GB, TB, PB, KiB, MiB, GiB, TiB, PiB";

fn parse_scaled(text: &str, what: &str) -> Result<f64, String> {
    let s = text.trim();
    let (number, unit) = split_number(s).ok_or_else(|| {
        format!("`{text}` is not a {what}: expected a number with a unit, e.g. `500GB`")
    })?;
    let unit = unit.trim();
    if unit.is_empty() {
        return Err(format!(
            "`{text}` has no unit: write e.g. `{number}GB` (units: {SIZE_UNITS_HELP})"
        ));
    }
    let factor = size_factor(unit)
        .ok_or_else(|| format!("`{text}`: unknown unit `{unit}` (units: {SIZE_UNITS_HELP})"))?;
    let v = number * factor;
    if !v.is_finite() || v > 1e21 {
        return Err(format!("`{text}` is larger than failsim accepts (1 ZB)"));
    }
    Ok(v)
}

/// Parses a size such as `500GB` or `1.5TiB`.
pub fn parse_size(text: &str) -> Result<Size, String> {
    parse_scaled(text, "size").map(|v| Size(v.round() as u64))
}

/// Parses a rate such as `200MB/s` or `1Gbit/s`.
pub fn parse_throughput(text: &str) -> Result<Throughput, String> {
    let s = text.trim();
    let Some(amount) = s.strip_suffix("/s") else {
        return Err(format!(
            "`{text}` is not a rate: write an amount per second, e.g. `200MB/s`"
        ));
    };
    let v = parse_scaled(amount, "rate")?;
    if v <= 0.0 {
        return Err(format!("`{text}`: a rate must be greater than zero"));
    }
    Ok(Throughput(v))
}

/// Parses a fraction: `1.57%` or a plain number in [0, 1].
pub fn parse_fraction(text: &str) -> Result<Fraction, String> {
    let s = text.trim();
    let v = if let Some(p) = s.strip_suffix('%') {
        p.trim()
            .parse::<f64>()
            .map_err(|_| format!("`{text}` is not a percentage"))?
            / 100.0
    } else {
        s.parse::<f64>()
            .map_err(|_| format!("`{text}` is not a fraction: write e.g. `1.5%` or `0.015`"))?
    };
    check_fraction(v).map_err(|e| format!("`{text}`: {e}"))
}

fn check_fraction(v: f64) -> Result<Fraction, String> {
    if !(0.0..=1.0).contains(&v) || v.is_nan() {
        return Err("must lie between 0 and 1 (0% and 100%)".into());
    }
    Ok(Fraction(v))
}

/// Writes a span with the largest units that keep it exact, e.g. `1d4h`, `250ms`.
pub fn format_duration(t: Micros) -> String {
    if t == 0 {
        return "0s".into();
    }
    let parts = [
        (DAY, "d"),
        (HOUR, "h"),
        (MINUTE, "m"),
        (SECOND, "s"),
        (1000, "ms"),
        (1, "us"),
    ];
    let mut out = String::new();
    let mut rest = t;
    for (unit, name) in parts {
        if rest >= unit {
            out.push_str(&format!("{}{}", rest / unit, name));
            rest %= unit;
        }
    }
    out
}

/// Writes a span for people: `0.8 s`, `62 s`, `3.5 min`, `4.2 h`, `2.1 days`.
pub fn human_duration(t: Micros) -> String {
    let s = secs(t);
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else if s < 10.0 {
        format!("{s:.1} s")
    } else if s < 120.0 {
        format!("{s:.0} s")
    } else if s < 7200.0 {
        format!("{:.1} min", s / 60.0)
    } else if s < 2.0 * 86_400.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} days", s / 86_400.0)
    }
}

/// Writes an instant of a trial as `day 31 04:12:09`.
pub fn clock(t: Micros) -> String {
    let s = t / SECOND;
    format!(
        "day {} {:02}:{:02}:{:02}",
        s / 86_400,
        (s % 86_400) / 3600,
        (s % 3600) / 60,
        s % 60
    )
}

/// Serde visitor accepting a string and running a parser on it.
macro_rules! string_quantity {
    ($ty:ident, $parse:ident, $expect:literal, $fmt:expr) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl de::Visitor<'_> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str($expect)
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$ty, E> {
                        $parse(v).map_err(E::custom)
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$ty, E> {
                        Err(E::custom(format!(
                            "`{v}` has no unit; write it as a string with a unit, e.g. {}",
                            $expect
                        )))
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$ty, E> {
                        self.visit_i64(v as i64)
                    }
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<$ty, E> {
                        Err(E::custom(format!(
                            "`{v}` has no unit; write it as a string with a unit, e.g. {}",
                            $expect
                        )))
                    }
                }
                d.deserialize_any(V)
            }
        }
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                #[allow(clippy::redundant_closure_call)]
                s.serialize_str(&($fmt)(self))
            }
        }
    };
}

string_quantity!(
    Duration,
    parse_duration,
    "a duration such as \"250ms\", \"30s\", \"4h\" or \"7d\"",
    |d: &Duration| format_duration(d.0)
);
string_quantity!(
    Size,
    parse_size,
    "a size such as \"500GB\"",
    |s: &Size| format!("{}B", s.0)
);
string_quantity!(
    Throughput,
    parse_throughput,
    "a rate such as \"200MB/s\"",
    |t: &Throughput| format!("{}B/s", t.0)
);

impl<'de> Deserialize<'de> for Fraction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Fraction;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a fraction such as \"1.5%\" or 0.015")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Fraction, E> {
                parse_fraction(v).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Fraction, E> {
                check_fraction(v).map_err(|e| E::custom(format!("`{v}` {e}")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Fraction, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Fraction, E> {
                self.visit_f64(v as f64)
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Fraction {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("250ms").unwrap().0, 250_000);
        assert_eq!(parse_duration("30s").unwrap().0, 30 * SECOND);
        assert_eq!(parse_duration("15m").unwrap().0, 15 * MINUTE);
        assert_eq!(parse_duration("4h").unwrap().0, 4 * HOUR);
        assert_eq!(parse_duration("7d").unwrap().0, 7 * DAY);
        assert_eq!(parse_duration("1y").unwrap().0, YEAR);
        assert_eq!(parse_duration("1h30m").unwrap().0, 90 * MINUTE);
        assert_eq!(parse_duration("30d 4h").unwrap().0, 30 * DAY + 4 * HOUR);
        assert_eq!(parse_duration("1.5s").unwrap().0, 1_500_000);
        assert_eq!(parse_duration("0s").unwrap().0, 0);
    }

    #[test]
    fn durations_refuse_missing_or_unknown_units() {
        assert!(parse_duration("5").unwrap_err().contains("no unit"));
        assert!(
            parse_duration("5 parsecs")
                .unwrap_err()
                .contains("unknown time unit")
        );
        assert!(parse_duration("-5s").is_err());
        assert!(parse_duration("").is_err());
        assert!(
            parse_duration("1000000y")
                .unwrap_err()
                .contains("10,000 years")
        );
    }

    #[test]
    fn sizes_and_rates() {
        assert_eq!(parse_size("500GB").unwrap().0, 500_000_000_000);
        assert_eq!(parse_size("1KiB").unwrap().0, 1024);
        assert_eq!(parse_throughput("200MB/s").unwrap().0, 200e6);
        assert_eq!(parse_throughput("8Mbit/s").unwrap().0, 1e6);
        assert!(parse_throughput("200MB").is_err());
        assert!(parse_throughput("0MB/s").is_err());
        assert!(parse_size("12 furlongs").is_err());
    }

    #[test]
    fn fractions() {
        assert!((parse_fraction("1.57%").unwrap().0 - 0.0157).abs() < 1e-12);
        assert_eq!(parse_fraction("0.25").unwrap().0, 0.25);
        assert!(parse_fraction("150%").is_err());
        assert!(parse_fraction("-1%").is_err());
    }

    #[test]
    fn formatting_round_trips() {
        for t in [1, 999, SECOND, 90 * MINUTE, 30 * DAY + 4 * HOUR + 250_000] {
            assert_eq!(parse_duration(&format_duration(t)).unwrap().0, t);
        }
        assert_eq!(
            clock(31 * DAY + 4 * HOUR + 12 * MINUTE + 9 * SECOND),
            "day 31 04:12:09"
        );
    }
}
