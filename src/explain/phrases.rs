//! Small pieces of English: plurals, articles, lists, spans of time.

use crate::sim::RecoveryHow;
use crate::units::{DAY, Micros, human_duration};

/// The plural of a write noun: `order` -> `orders`, `entry` -> `entries`.
pub fn plural(noun: &str) -> String {
    let consonant_y = noun.ends_with('y')
        && !noun.ends_with("ay")
        && !noun.ends_with("ey")
        && !noun.ends_with("oy")
        && !noun.ends_with("uy");
    if consonant_y {
        format!("{}ies", &noun[..noun.len() - 1])
    } else if noun.ends_with('s')
        || noun.ends_with('x')
        || noun.ends_with("ch")
        || noun.ends_with("sh")
    {
        format!("{noun}es")
    } else {
        format!("{noun}s")
    }
}

pub(super) fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// `a`, `a and b`, `a, b and c`.
pub(super) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

pub(super) fn count_of(n: usize, one: &str, many: &str) -> String {
    match n {
        1 => format!("one {one}"),
        _ => format!("{n} {many}"),
    }
}

/// How often a schedule runs: `daily`, `weekly`, `every 3 days`,
/// `every 6 h`.
pub fn ordinal_days(t: Micros) -> String {
    if t.is_multiple_of(DAY) {
        match t / DAY {
            1 => "daily".into(),
            7 => "weekly".into(),
            d => format!("every {d} days"),
        }
    } else {
        format!("every {}", span(t))
    }
}

/// A configured span in words, exact when it is a whole number of units:
/// `35 days`, `1 day`, `4 h`, `5 min`, `10 s`; else as [`human_duration`].
pub fn span(t: Micros) -> String {
    use crate::units::{HOUR, MINUTE, SECOND};
    let whole = |unit: Micros| t > 0 && t.is_multiple_of(unit);
    if whole(DAY) {
        match t / DAY {
            1 => "1 day".into(),
            d => format!("{d} days"),
        }
    } else if whole(HOUR) {
        format!("{} h", t / HOUR)
    } else if whole(MINUTE) {
        format!("{} min", t / MINUTE)
    } else if whole(SECOND) {
        format!("{} s", t / SECOND)
    } else {
        human_duration(t)
    }
}

/// `a` or `an` before a word.
pub fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

pub(super) fn article_n(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "n"
    } else {
        ""
    }
}

/// Lowers the first letter of a sentence that follows "After X, ", unless
/// the sentence starts with a name or an acronym (`db1`, `API`).
pub(super) fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.next()) {
        (Some(f), Some(g)) if f.is_uppercase() && g.is_lowercase() => {
            f.to_lowercase().collect::<String>() + &s[f.len_utf8()..]
        }
        _ => s.to_string(),
    }
}

/// A recovery as a noun phrase that reads fine after "a" or "the":
/// `restore of the full backup + 2 incrementals`, `point-in-time recovery
/// (...)`. Kept as one place to adjust.
pub(super) fn how_prose(how: &RecoveryHow) -> String {
    match how {
        RecoveryHow::Restore(r) => r.prose(),
        RecoveryHow::SideRestore(r) => {
            let restore = r.prose();
            match restore.strip_prefix("restore ") {
                Some(rest) => format!("side restore {rest}"),
                None => format!("side restore by {restore}"),
            }
        }
        other => other.to_string(),
    }
}
