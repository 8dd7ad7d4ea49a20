//! Liquibase formatted-SQL changelogs, read the way Liquibase's
//! `FormattedSqlChangeLogParser` reads them: a `--liquibase formatted sql`
//! first line, then `--changeset author:id [attribute:value …]` lines, each
//! followed by its SQL, `--rollback` lines (or a `/* liquibase rollback … */`
//! block) and an optional `--comment`.

use std::collections::BTreeMap;
use std::path::Path;

use super::{
    Migration, MigrationError, MigrationKind, MigrationSet, Source, Tool, analyze, read_utf8, sql,
};

/// Whether `line` is the header Liquibase looks for on a changelog's first
/// non-blank line: `--liquibase formatted sql`, any case, any spacing.
pub(super) fn is_header(line: &str) -> bool {
    fn word<'a>(s: &'a str, w: &str) -> Option<&'a str> {
        let head = s.get(..w.len())?;
        head.eq_ignore_ascii_case(w)
            .then(|| s[w.len()..].trim_start())
    }
    let t = line.trim_start_matches('\u{feff}').trim_start();
    let Some(rest) = t.strip_prefix("--") else {
        return false;
    };
    let rest = rest.trim_start();
    let after = word(rest, "liquibase")
        .and_then(|r| word(r, "formatted"))
        .and_then(|r| {
            r.get(..3)
                .filter(|h| h.eq_ignore_ascii_case("sql"))
                .map(|_| &r[3..])
        });
    after.is_some_and(|r| r.is_empty() || r.starts_with(char::is_whitespace))
}

/// Reads a Liquibase formatted-SQL changelog into its changesets, in file
/// order, each classified by its SQL.
///
/// Errors: no `--liquibase formatted sql` header, a `--changeset` line
/// without `author:id`, two changesets with the same `author:id`, a
/// changeset without SQL, an unclosed `/* liquibase rollback` block, a
/// `--comment` outside a changeset, a file that is not UTF-8. Warnings:
/// unknown or mistyped changeset attributes, SQL before the first changeset,
/// statements that cannot run inside the changeset's transaction.
pub fn read_liquibase_sql(path: &Path) -> Result<MigrationSet, MigrationError> {
    let text = read_utf8(path)?;
    parse(&text, path)
}

/// A changeset being read.
#[derive(Debug)]
struct Open<'a> {
    author: String,
    id: String,
    line: usize,
    attrs: Attributes,
    /// Lines after the `--changeset` line; lines that are not SQL (ignored
    /// lines, rollback blocks) are kept as empty lines so that line numbers
    /// still count from the changeset.
    body: Vec<&'a str>,
    rollback: String,
    comment: Option<String>,
}

/// The changeset attributes this reader uses.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Attributes {
    run_in_transaction: bool,
    split_statements: bool,
    end_delimiter: Option<String>,
    run_always: bool,
    run_on_change: bool,
    ignore: bool,
}

impl Default for Attributes {
    fn default() -> Self {
        Attributes {
            run_in_transaction: true,
            split_statements: true,
            end_delimiter: None,
            run_always: false,
            run_on_change: false,
            ignore: false,
        }
    }
}

/// Attributes Liquibase knows on a `--changeset` line.
const KNOWN_ATTRIBUTES: &[&str] = &[
    "runInTransaction",
    "splitStatements",
    "endDelimiter",
    "runAlways",
    "runOnChange",
    "failOnError",
    "stripComments",
    "rollbackSplitStatements",
    "rollbackEndDelimiter",
    "context",
    "contextFilter",
    "labels",
    "dbms",
    "ignore",
    "logicalFilePath",
    "runWith",
    "runWithSpoolFile",
    "created",
    "runOrder",
];

pub(super) fn parse(text: &str, path: &Path) -> Result<MigrationSet, MigrationError> {
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let Some(first) = first.filter(|&i| is_header(lines[i])) else {
        return Err(MigrationError::NotLiquibase {
            path: path.to_owned(),
            line: first.map_or(1, |i| i + 1),
        });
    };
    let error = |line: usize, message: String| MigrationError::Changelog {
        path: path.to_owned(),
        line,
        message,
    };

    let mut warnings = Vec::new();
    let mut migrations = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut open: Option<Open<'_>> = None;
    let mut warned_preamble = false;
    let mut n = first + 1;
    // Bounded: every iteration moves `n` forward by at least one line.
    while n < lines.len() {
        let line_no = n + 1;
        let raw = lines[n];
        n += 1;
        let trimmed = raw.trim_start();
        let directive = trimmed.strip_prefix("--").map(str::trim_start);

        if let Some(d) = directive {
            if starts_with_ci(d, "changeset") {
                if let Some(o) = open.take()
                    && let Some(m) = finish(o, path, &mut warnings)?
                {
                    migrations.push(m);
                }
                let (author, id, attrs) = parse_changeset(d, raw, line_no, path, &mut warnings)?;
                let key = format!("{author}:{id}");
                if let Some(&first_line) = seen.get(&key) {
                    return Err(MigrationError::DuplicateChangeset {
                        path: path.to_owned(),
                        id: key,
                        line: line_no,
                        first_line,
                    });
                }
                seen.insert(key, line_no);
                open = Some(Open {
                    author,
                    id,
                    line: line_no,
                    attrs,
                    body: Vec::new(),
                    rollback: String::new(),
                    comment: None,
                });
                continue;
            }
            if let Some(arg) = strip_prefix_ci(d, "ignoreLines:") {
                let arg = arg.trim();
                let skipped = if arg.eq_ignore_ascii_case("start") {
                    let end = lines[n..].iter().position(|l| {
                        l.trim_start()
                            .strip_prefix("--")
                            .and_then(|r| strip_prefix_ci(r.trim_start(), "ignoreLines:"))
                            .is_some_and(|r| r.trim().eq_ignore_ascii_case("end"))
                    });
                    end.map_or(lines.len() - n, |e| e + 1)
                } else if let Ok(count) = arg.parse::<usize>() {
                    count.min(lines.len() - n)
                } else {
                    return Err(error(
                        line_no,
                        format!(
                            "unknown ignoreLines syntax `{arg}`: use `--ignoreLines:<count>` or `--ignoreLines:start` … `--ignoreLines:end`"
                        ),
                    ));
                };
                if let Some(o) = open.as_mut() {
                    o.body.extend(std::iter::repeat_n("", skipped + 1));
                }
                n += skipped;
                continue;
            }
            if let Some(rest) = rollback_text(d)
                && let Some(o) = open.as_mut()
            {
                o.rollback.push_str(rest.trim());
                o.rollback.push('\n');
                o.body.push("");
                continue;
            }
            if let Some(comment) = comment_text(d) {
                match open.as_mut() {
                    Some(o) => {
                        o.comment = Some(comment.trim().to_owned());
                        o.body.push("");
                        continue;
                    }
                    None => {
                        return Err(error(
                            line_no,
                            "`--comment` outside a changeset: Liquibase allows it only after a `--changeset` line"
                                .to_owned(),
                        ));
                    }
                }
            }
        } else if let Some(o) = open.as_mut()
            && is_rollback_block_start(trimmed)
        {
            let end = lines[n..]
                .iter()
                .position(|l| l.trim_end().ends_with("*/"))
                .ok_or_else(|| {
                    error(
                        line_no,
                        "the `/* liquibase rollback` block is not closed with `*/`".to_owned(),
                    )
                })?;
            for l in &lines[n..=n + end] {
                let l = l.trim_end();
                let l = l.strip_suffix("*/").unwrap_or(l);
                o.rollback.push_str(l);
                o.rollback.push('\n');
            }
            o.body.extend(std::iter::repeat_n("", end + 2));
            n += end + 1;
            continue;
        }

        match open.as_mut() {
            Some(o) => o.body.push(raw),
            None => {
                if !trimmed.is_empty() && directive.is_none() && !warned_preamble {
                    warned_preamble = true;
                    warnings.push(format!(
                        "{}:{line_no}: SQL before the first `--changeset` is ignored by Liquibase",
                        path.display()
                    ));
                }
            }
        }
    }
    if let Some(o) = open.take()
        && let Some(m) = finish(o, path, &mut warnings)?
    {
        migrations.push(m);
    }
    if migrations.is_empty() {
        warnings.push(format!("{}: no changesets found", path.display()));
    }
    Ok(MigrationSet {
        tool: Tool::Liquibase,
        migrations,
        warnings,
    })
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    strip_prefix_ci(s, prefix).is_some()
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// `rollback <sql>` (after `--`): the SQL. A bare `--rollback` is an empty
/// rollback.
fn rollback_text(d: &str) -> Option<&str> {
    let rest = strip_prefix_ci(d, "rollback")?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some(rest)
}

/// `comment: text` or `comment text` (after `--`).
fn comment_text(d: &str) -> Option<&str> {
    let rest = strip_prefix_ci(d, "comment")?;
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    rest.starts_with(char::is_whitespace).then_some(rest)
}

/// `/* liquibase rollback` alone on its line opens a multi-line rollback.
fn is_rollback_block_start(t: &str) -> bool {
    t.strip_prefix("/*")
        .map(str::trim_start)
        .and_then(|r| strip_prefix_ci(r, "liquibase"))
        .map(str::trim_start)
        .and_then(|r| strip_prefix_ci(r, "rollback"))
        .is_some_and(|r| r.trim().is_empty())
}

/// Parses `changeset author:id attr:value …` (after `--`).
fn parse_changeset(
    d: &str,
    raw: &str,
    line: usize,
    path: &Path,
    warnings: &mut Vec<String>,
) -> Result<(String, String, Attributes), MigrationError> {
    let fail = |why: &str| MigrationError::Changelog {
        path: path.to_owned(),
        line,
        message: format!(
            "expected `--changeset <author>:<id>` (for example `--changeset alice:1`), found `{}`: {why}",
            raw.trim()
        ),
    };
    let rest = &d["changeset".len()..];
    if !rest.starts_with(char::is_whitespace) {
        return Err(fail("there is no `<author>:<id>` after `--changeset`"));
    }
    let rest = rest.trim_start();
    let (author, after_author) = match rest.strip_prefix('"') {
        Some(q) => {
            let end = q
                .find('"')
                .ok_or_else(|| fail("the quoted author is not closed"))?;
            (&q[..end], &q[end + 1..])
        }
        None => {
            let colon = rest
                .find(':')
                .ok_or_else(|| fail("`<author>:<id>` needs a colon between author and id"))?;
            (rest[..colon].trim_end(), &rest[colon..])
        }
    };
    let author = author.trim();
    if author.is_empty() {
        return Err(fail("the author is empty"));
    }
    let after = after_author
        .strip_prefix(':')
        .ok_or_else(|| fail("`<author>:<id>` needs a colon right after the author"))?;
    let (id, attrs_text) = match after.strip_prefix('"') {
        Some(q) => {
            let end = q
                .find('"')
                .ok_or_else(|| fail("the quoted id is not closed"))?;
            (&q[..end], &q[end + 1..])
        }
        None => {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (&after[..end], &after[end..])
        }
    };
    if id.trim().is_empty() {
        return Err(fail("the id must follow the colon, with no space"));
    }
    // Liquibase reads everything up to the first colon as the author, so
    // `--changeset bob 1 runInTransaction:false` has author
    // `bob 1 runInTransaction` and id `false`: surely a missing `author:id`.
    if let Some(last) = author.split_whitespace().last()
        && author.contains(char::is_whitespace)
        && KNOWN_ATTRIBUTES
            .iter()
            .any(|a| a.eq_ignore_ascii_case(last))
    {
        return Err(fail(&format!(
            "the first colon belongs to the attribute `{last}`, so `<author>:<id>` is missing"
        )));
    }

    let mut attrs = Attributes::default();
    let here = format!("{}:{line}", path.display());
    for token in attribute_tokens(attrs_text) {
        let Some((k, v)) = token.split_once(':') else {
            warnings.push(format!(
                "{here}: `{token}` is not an attribute (`name:value`); ignored"
            ));
            continue;
        };
        let v = v.trim_matches('"');
        let Some(known) = KNOWN_ATTRIBUTES.iter().find(|a| a.eq_ignore_ascii_case(k)) else {
            warnings.push(format!(
                "{here}: unknown changeset attribute `{k}`, which Liquibase ignores (a typo?)"
            ));
            continue;
        };
        let mut flag = || {
            if !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false") {
                warnings.push(format!(
                    "{here}: `{known}:{v}` is not true or false; Liquibase reads it as false"
                ));
            }
            v.eq_ignore_ascii_case("true")
        };
        match *known {
            "runInTransaction" => attrs.run_in_transaction = flag(),
            "splitStatements" => attrs.split_statements = flag(),
            "runAlways" => attrs.run_always = flag(),
            "runOnChange" => attrs.run_on_change = flag(),
            "ignore" => attrs.ignore = flag(),
            "endDelimiter" => attrs.end_delimiter = plain_delimiter(v),
            _ => {}
        }
    }
    Ok((author.to_owned(), id.to_owned(), attrs))
}

/// Splits attribute text on whitespace, keeping `"quoted values"` whole.
fn attribute_tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match (start, c) {
            (None, c) if c.is_whitespace() => {}
            (None, c) => {
                start = Some(i);
                quoted = c == '"';
            }
            (Some(_), '"') => quoted = !quoted,
            (Some(s), c) if c.is_whitespace() && !quoted => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// Liquibase's `endDelimiter` is a regular expression; scripts use it for a
/// plain delimiter (`/`, `GO`, `//`, `$$`), sometimes anchored (`\nGO`,
/// `\n/\s*\n|\n/\s*$`). Keep the plain delimiter of the first alternative.
fn plain_delimiter(v: &str) -> Option<String> {
    if !v.contains('\\') {
        return (!v.is_empty()).then(|| v.to_owned());
    }
    let first = v.split('|').next().unwrap_or(v);
    let mut s = first.to_owned();
    for anchor in ["\\n", "\\r", "\\s*", "\\s+", "\\s"] {
        s = s.replace(anchor, "");
    }
    let s = s
        .trim_start_matches('^')
        .trim_end_matches('$')
        .replace('\\', "");
    (!s.is_empty()).then_some(s)
}

/// Classifies a finished changeset; `None` for one marked `ignore:true`.
fn finish(
    o: Open<'_>,
    path: &Path,
    warnings: &mut Vec<String>,
) -> Result<Option<Migration>, MigrationError> {
    let id = format!("{}:{}", o.author, o.id);
    let here = format!("{}:{}", path.display(), o.line);
    let body = o.body.join("\n");
    if body.trim().is_empty() {
        return Err(MigrationError::Changelog {
            path: path.to_owned(),
            line: o.line,
            message: format!(
                "changeset {id} has no SQL; Liquibase refuses it (\"No SQL for changeset\")"
            ),
        });
    }
    if o.attrs.ignore {
        warnings.push(format!(
            "{here}: changeset {id} has ignore:true; Liquibase skips it"
        ));
        return Ok(None);
    }
    let statements = if !o.attrs.split_statements {
        sql::whole_statement(&body).into_iter().collect()
    } else if let Some(d) = &o.attrs.end_delimiter {
        sql::split_statements_with(&body, d)
    } else {
        sql::split_statements(&body)
    };
    let analysis = analyze(&statements, o.line + 1);
    if let Some(line) = sql::unterminated_line(&body) {
        warnings.push(super::flyway::unterminated_warning(
            &path.display().to_string(),
            o.line + line,
        ));
    }
    if analysis.statements == 0 {
        warnings.push(format!("{here}: changeset {id} holds only comments"));
    }
    if o.attrs.run_in_transaction
        && let Some(line) = analysis.no_transaction.first()
    {
        warnings.push(format!(
            "{}:{line}: changeset {id} runs a statement that cannot run inside a transaction, \
             but runInTransaction is true (the default), so PostgreSQL refuses it: add \
             runInTransaction:false to the changeset",
            path.display()
        ));
    }
    let mut extra = Vec::new();
    if !o.attrs.run_in_transaction {
        extra.push(
            "runInTransaction:false: a failure part-way leaves the statements before it applied"
                .to_owned(),
        );
    }
    if o.attrs.run_always {
        extra.push("runAlways:true: Liquibase runs it again on every update".to_owned());
    } else if o.attrs.run_on_change {
        extra.push("runOnChange:true: Liquibase runs it again whenever it changes".to_owned());
    }
    let rollback = o.rollback.trim().to_ascii_lowercase();
    let has_rollback = !rollback.is_empty()
        && !rollback.starts_with("not required")
        && !rollback.starts_with("empty");
    let description = o
        .comment
        .clone()
        .or_else(|| analysis.first_summary.clone())
        .unwrap_or_default();
    let source = Source {
        version: id,
        description,
        file: path.to_owned(),
        line: o.line,
        kind: MigrationKind::Changeset,
        has_rollback,
        in_transaction: o.attrs.run_in_transaction,
    };
    Ok(Some(source.into_migration(analysis, extra)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrations::Effect;

    fn read(text: &str) -> Result<MigrationSet, MigrationError> {
        parse(text, Path::new("changelog.sql"))
    }

    #[test]
    fn headers() {
        for ok in [
            "--liquibase formatted sql",
            "-- liquibase formatted sql",
            "  --  Liquibase   Formatted   SQL  ",
            "--liquibase formatted sql logicalFilePath:x",
            "\u{feff}--liquibase formatted sql",
        ] {
            assert!(is_header(ok), "{ok:?}");
        }
        for bad in [
            "",
            "-- liquibase",
            "--liquibase formatted sqlx",
            "liquibase formatted sql",
            "-- changeset a:1",
        ] {
            assert!(!is_header(bad), "{bad:?}");
        }
    }

    #[test]
    fn changesets_rollbacks_and_attributes() {
        let set = read(
            "--liquibase formatted sql\n\
             \n\
             --changeset alice:1\n\
             --comment: create orders\n\
             CREATE TABLE orders (id int);\n\
             --rollback DROP TABLE orders;\n\
             \n\
             --changeset bob:idx runInTransaction:false\n\
             CREATE INDEX CONCURRENTLY i ON orders (id);\n\
             --rollback not required\n\
             \n\
             --changeset \"Carol Smith\":\"3 a\" runAlways:true\n\
             DELETE FROM orders;\n\
             /* liquibase rollback\n\
             INSERT INTO orders SELECT * FROM orders_backup;\n\
             */\n",
        )
        .unwrap();
        let m = &set.migrations;
        assert_eq!(m.len(), 3);
        assert_eq!(
            (m[0].version.as_str(), m[0].description.as_str(), m[0].line),
            ("alice:1", "create orders", 3)
        );
        assert!(m[0].has_rollback && m[0].transactional);
        assert_eq!(m[1].effect, Effect::Online);
        assert!(!m[1].has_rollback && !m[1].transactional);
        assert_eq!(m[2].version, "Carol Smith:3 a");
        assert_eq!(m[2].effect, Effect::Destructive);
        assert!(m[2].has_rollback);
        assert_eq!(
            m[2].reasons[0],
            "DELETE without WHERE on orders: deletes every row (line 13)"
        );
        assert!(m[2].reasons.iter().any(|r| r.starts_with("runAlways")));
        assert!(set.warnings.is_empty(), "{:?}", set.warnings);
    }

    #[test]
    fn bad_changeset_lines_name_the_line() {
        for (line, why) in [
            ("--changeset", "no `<author>:<id>`"),
            ("--changeset alice", "colon"),
            ("--changeset alice: 1", "no space"),
            ("--changeset :1", "author is empty"),
            (
                "--changeset alice 1 runInTransaction:false",
                "attribute `runInTransaction`",
            ),
        ] {
            let e = read(&format!("--liquibase formatted sql\n{line}\nSELECT 1;\n")).unwrap_err();
            let text = e.to_string();
            assert!(
                text.starts_with("changelog.sql:2: expected `--changeset <author>:<id>`"),
                "{text}"
            );
            assert!(text.contains(why), "{line}: {text}");
        }
    }

    #[test]
    fn other_errors_and_warnings() {
        let e = read("--liquibase formatted sql\n--changeset a:1\n\n--changeset a:2\nSELECT 1;")
            .unwrap_err();
        assert!(e.to_string().contains("changeset a:1 has no SQL"), "{e}");
        let e = read("--liquibase formatted sql\n--comment: hi\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("changelog.sql:2: `--comment` outside"),
            "{e}"
        );
        let e = read("--liquibase formatted sql\n--changeset a:1\nSELECT 1;\n/* liquibase rollback\nDROP x;\n").unwrap_err();
        assert!(e.to_string().contains("not closed"), "{e}");
        let set = read("--liquibase formatted sql\nSELECT 0;\n--changeset a:1 runInTransation:false splitStatements:nope\nSELECT 1;\n").unwrap();
        assert_eq!(set.warnings.len(), 3, "{:?}", set.warnings);
    }

    #[test]
    fn split_statements_and_end_delimiter() {
        let set = read(
            "--liquibase formatted sql\n\
             --changeset a:1 splitStatements:false\n\
             CREATE PROCEDURE p() BEGIN DELETE FROM t; END;\n\
             --changeset a:2 endDelimiter:GO\n\
             SELECT 1; SELECT 2\n\
             GO\n\
             SELECT 3\n\
             --changeset a:3 endDelimiter:\\nGO\n\
             SELECT 4\n",
        )
        .unwrap();
        let counts: Vec<usize> = set.migrations.iter().map(|m| m.statements).collect();
        assert_eq!(counts, vec![1, 2, 1]);
        assert_eq!(
            plain_delimiter("\\n/\\s*\\n|\\n/\\s*$").as_deref(),
            Some("/")
        );
    }

    #[test]
    fn ignored_lines_and_changesets() {
        let set = read(
            "--liquibase formatted sql\n\
             --changeset a:1\n\
             --ignoreLines:start\n\
             DROP TABLE t;\n\
             --ignoreLines:end\n\
             SELECT 1;\n\
             --changeset a:2 ignore:true\n\
             DROP TABLE u;\n",
        )
        .unwrap();
        assert_eq!(set.migrations.len(), 1);
        assert_eq!(set.migrations[0].effect, Effect::Online);
        assert_eq!(set.migrations[0].reasons, vec!["SELECT (line 6)"]);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn changelog() -> impl Strategy<Value = String> {
            let line = prop_oneof![
                Just("--changeset a:1".to_owned()),
                Just("--changeset b:2 runInTransaction:false endDelimiter:GO".to_owned()),
                Just("--changeset".to_owned()),
                Just("--rollback DROP TABLE t;".to_owned()),
                Just("/* liquibase rollback".to_owned()),
                Just("*/".to_owned()),
                Just("--comment: x".to_owned()),
                Just("--ignoreLines:start".to_owned()),
                Just("--ignoreLines:end".to_owned()),
                Just("--ignoreLines:2".to_owned()),
                Just("DELETE FROM t;".to_owned()),
                Just("GO".to_owned()),
                "[-:;'\"$a-z /*é]{0,30}",
            ];
            (any::<bool>(), proptest::collection::vec(line, 0..30)).prop_map(|(header, lines)| {
                let mut s = if header {
                    "--liquibase formatted sql\n".to_owned()
                } else {
                    String::new()
                };
                s.push_str(&lines.join("\n"));
                s
            })
        }

        proptest! {
            #[test]
            fn parser_never_panics(text in prop_oneof![changelog(), any::<String>()]) {
                if let Ok(set) = read(&text) {
                    for m in &set.migrations {
                        prop_assert!(m.line >= 2);
                        prop_assert!(m.share.is_none() || m.effect == Effect::Destructive);
                    }
                }
            }
        }
    }
}
