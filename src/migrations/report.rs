//! Output back ends for a [`MigrationSet`]: scenario TOML and plain text.
//! Both are pure functions of the set, so the same set always renders to
//! the same bytes.

use std::fmt::Write as _;
use std::time::Duration;

use super::{Effect, Migration, MigrationKind, MigrationSet, Tool};
use crate::format::format_duration_ms;

/// Default lock estimate for a locking migration. Table rewrites and index
/// builds take from seconds to hours with table size, which the reader
/// cannot see; five minutes is a middle guess the user is told to adjust.
const DEFAULT_LOCK: Duration = Duration::from_secs(5 * 60);

/// Default time until someone notices a destructive migration: a couple of
/// hours, the time for an alert or a customer report to reach a human in
/// working hours.
const DEFAULT_DETECT: Duration = Duration::from_secs(2 * 60 * 60);

/// A TOML basic string, quotes included.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for a `#` comment: TOML comments may not hold control characters.
fn comment_text(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
        .collect()
}

fn tool_name(tool: Tool) -> &'static str {
    match tool {
        Tool::Flyway => "Flyway folder",
        Tool::Liquibase => "Liquibase changelog",
    }
}

/// Where a migration is, for people: `V2__x.sql` or `changelog.sql:12`.
fn location(m: &Migration) -> String {
    match m.kind {
        MigrationKind::Changeset => format!("{}:{}", m.file.display(), m.line),
        MigrationKind::Versioned | MigrationKind::Repeatable => m.file.display().to_string(),
    }
}

/// Writes the set as scenario `[[migrations]]` entries, one per migration in
/// apply order, the i-th (from 0) running at `start + i * spacing`. Each
/// entry is preceded by a comment naming its file and reasons. The estimates
/// (`lock`, `share`, `detect`) are defaults with a comment saying what to
/// adjust; the output is meant to be pasted into a scenario and edited.
///
/// The scenario format also knows the effect `failing` (a migration that
/// fails part-way), used by staged lessons. The classifier never produces
/// it: whether a migration fails depends on the data, not on its text.
pub fn to_scenario_toml(set: &MigrationSet, start: Duration, spacing: Duration) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Schema migrations read from a {} ({} in apply order).",
        tool_name(set.tool),
        set.migrations.len()
    );
    out.push_str(
        "# effect: online | locking | failing | destructive. The reader never writes `failing`:\n\
         # that effect is for staged lessons in which a migration fails part-way.\n\
         # `lock`, `share` and `detect` are default estimates: adjust them to your tables.\n",
    );
    for w in &set.warnings {
        let _ = writeln!(out, "# warning: {}", comment_text(w));
    }
    for (i, m) in set.migrations.iter().enumerate() {
        let steps = u32::try_from(i).unwrap_or(u32::MAX);
        let at = start.saturating_add(spacing.saturating_mul(steps));
        let reasons = if m.reasons.is_empty() {
            "no statements".to_owned()
        } else {
            m.reasons.join("; ")
        };
        out.push('\n');
        let _ = writeln!(
            out,
            "# {}: {}",
            comment_text(&location(m)),
            comment_text(&reasons)
        );
        out.push_str("[[migrations]]\n");
        let _ = writeln!(out, "version = {}", toml_string(&m.version));
        let _ = writeln!(out, "description = {}", toml_string(&m.description));
        let _ = writeln!(out, "at = {}", toml_string(&format_duration_ms(at)));
        let _ = writeln!(out, "effect = {}", toml_string(m.effect.as_str()));
        if m.effect == Effect::Locking {
            let tables = if m.tables.is_empty() {
                "the tables".to_owned()
            } else {
                m.tables.join(", ")
            };
            let _ = writeln!(
                out,
                "lock = {}  # estimate: writes are rejected this long; scale it with the size of {}",
                toml_string(&format_duration_ms(DEFAULT_LOCK)),
                comment_text(&tables)
            );
        }
        let _ = writeln!(out, "rollback = {}", m.has_rollback);
        if m.effect == Effect::Destructive {
            let share = m.share.unwrap_or(1.0);
            let why = if share >= 1.0 {
                "rows are removed from the whole table (DROP, TRUNCATE, DELETE without WHERE)"
            } else {
                "values are overwritten or a column dropped, the rows survive; 0.1 is a guess"
            };
            let _ = writeln!(out, "share = {share:?}  # share of rows affected: {why}");
            let _ = writeln!(
                out,
                "detect = {}  # time until someone notices: a guess for an alert in working hours",
                toml_string(&format_duration_ms(DEFAULT_DETECT))
            );
        }
    }
    out
}

/// Renders the set for a terminal: one block per migration (version,
/// effect, whether it has a rollback, whether it runs as one transaction,
/// description, then its file and reasons), the migrations without a
/// rollback, statements not recognized, and warnings.
pub fn render_text(set: &MigrationSet) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} migration{} in apply order",
        tool_name(set.tool),
        set.migrations.len(),
        if set.migrations.len() == 1 { "" } else { "s" }
    );
    let rows: Vec<[String; 6]> = set
        .migrations
        .iter()
        .enumerate()
        .map(|(i, m)| {
            [
                (i + 1).to_string(),
                m.version.clone(),
                m.effect.as_str().to_owned(),
                if m.has_rollback { "yes" } else { "no" }.to_owned(),
                if m.transactional { "yes" } else { "no" }.to_owned(),
                m.description.clone(),
            ]
        })
        .collect();
    let header = [
        "#",
        "version",
        "effect",
        "rollback",
        "transaction",
        "description",
    ]
    .map(str::to_owned);
    let mut widths = header.each_ref().map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String; 6]| {
        let mut s = String::new();
        for (k, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if k + 1 == cells.len() {
                s.push_str(cell);
            } else {
                let pad = w - cell.chars().count();
                let _ = write!(s, "{cell}{}  ", " ".repeat(pad));
            }
        }
        s.trim_end().to_owned()
    };
    out.push('\n');
    let _ = writeln!(out, "{}", line(&header));
    for (row, m) in rows.iter().zip(&set.migrations) {
        let _ = writeln!(out, "{}", line(row));
        let _ = writeln!(out, "      {}", location(m));
        for r in &m.reasons {
            let _ = writeln!(out, "      - {r}");
        }
    }

    let without: Vec<String> = set
        .migrations
        .iter()
        .filter(|m| !m.has_rollback)
        .map(|m| format!("{} {}", m.version, m.description))
        .collect();
    out.push('\n');
    if without.is_empty() {
        out.push_str("Every migration has a rollback.\n");
    } else {
        let _ = writeln!(out, "No rollback ({}):", without.len());
        for w in &without {
            let _ = writeln!(out, "  - {w}");
        }
    }
    let unrecognized: usize = set.migrations.iter().map(|m| m.unrecognized).sum();
    if unrecognized > 0 {
        let _ = writeln!(
            out,
            "\n{unrecognized} statement{} not recognized and counted as online: check {} by hand.",
            if unrecognized == 1 { " was" } else { "s were" },
            if unrecognized == 1 { "it" } else { "them" }
        );
    }
    if !set.warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings ({}):", set.warnings.len());
        for w in &set.warnings {
            let _ = writeln!(out, "  - {w}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_strings_escape() {
        assert_eq!(
            toml_string("a \"b\" \\ c\n\u{7f}"),
            "\"a \\\"b\\\" \\\\ c\\n\\u007F\""
        );
        assert_eq!(comment_text("a\nb\tc"), "a b\tc");
    }
}
