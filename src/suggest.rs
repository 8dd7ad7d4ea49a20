//! "Did you mean": the nearest of the known names to a mistyped one.
//!
//! Similarity is the Jaro measure with clap's threshold (above 0.7): what
//! `failsim rn` is already corrected with, so every name the tool knows
//! is corrected alike. Case is ignored. The messages keep the full list of
//! names beside the suggestion.

/// The known name nearest to `typed`, if any is near enough (and `typed`
/// is not itself one of them).
pub fn did_you_mean<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let typed_lower = typed.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for k in known {
        if k == typed {
            return None;
        }
        let score = strsim::jaro(&typed_lower, &k.to_lowercase());
        if score > 0.7 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, k));
        }
    }
    best.map(|(_, k)| k)
}

/// For serde's `unknown field `x`, expected one of `a`, `b`` and `unknown
/// variant ...` messages: the nearest expected name, as a sentence
/// (`did you mean `a`?`); `None` for other messages or no near name.
pub fn serde_hint(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field ")
        .or_else(|| message.strip_prefix("unknown variant "))?;
    let mut quoted = rest.split('`').skip(1).step_by(2);
    let typed = quoted.next()?;
    let known: Vec<&str> = quoted.collect();
    did_you_mean(typed, known).map(|k| format!("did you mean `{k}`?"))
}

/// For a validation message `unknown <kind> `x`` whose help lists the
/// names it takes (`use automatic, manual or none`): the nearest of those
/// names, as a sentence; `None` otherwise.
pub fn unknown_name_hint(message: &str, help: &str) -> Option<String> {
    const NOT_NAMES: &[&str] = &["use", "one", "of", "or", "and", "the", "a", "an"];
    let rest = message.strip_prefix("unknown ")?;
    let typed = rest.split('`').nth(1)?;
    let names: Vec<&str> = help
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '.')))
        .filter(|w| !w.is_empty() && !NOT_NAMES.contains(w))
        .collect();
    did_you_mean(typed, names).map(|k| format!("did you mean `{k}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_are_found_and_far_ones_are_not() {
        let known = ["async", "sync", "semi-sync", "backup-only", "none"];
        assert_eq!(did_you_mean("asycn", known), Some("async"));
        assert_eq!(did_you_mean("backup-onyl", known), Some("backup-only"));
        assert_eq!(did_you_mean("SYNC", known), Some("sync"));
        assert_eq!(did_you_mean("kubernetes", known), None);
        assert_eq!(did_you_mean("async", known), None);
    }

    #[test]
    fn serde_messages_get_the_nearest_expected_name() {
        assert_eq!(
            serde_hint(
                "unknown field `trails`, expected one of `name`, `seed`, `trials`, `horizon`"
            )
            .as_deref(),
            Some("did you mean `trials`?")
        );
        assert_eq!(
            serde_hint("unknown variant `automatc`, expected `automatic` or `manual`").as_deref(),
            Some("did you mean `automatic`?")
        );
        assert_eq!(serde_hint("invalid type: string, expected u64"), None);
        assert_eq!(
            unknown_name_hint(
                "unknown failover mode `automatc`",
                "use automatic, manual or none"
            )
            .as_deref(),
            Some("did you mean `automatic`?")
        );
        assert_eq!(
            unknown_name_hint("unknown role `primery`", "use \"primary\" or \"replica\"")
                .as_deref(),
            Some("did you mean `primary`?")
        );
        assert_eq!(serde_hint("unknown field `zzzzzz`, expected `name`"), None);
    }
}
