//! Reads real schema migrations, Flyway folders and Liquibase formatted-SQL
//! changelogs, and says what each one would do to a live database.
//!
//! A schema migration is one of the three ways a data tier loses
//! availability or data without any hardware failing (see DESIGN.md):
//! a long lock rejects writes, a half-applied script leaves the schema in
//! between, and a destructive statement replicates to every replica within
//! the replication lag. This module turns a project's own migrations into
//! those events, so a scenario can be built from what the team will
//! actually deploy.
//!
//! ```text
//!   folder of V1__init.sql …      ──► read_flyway_dir ────┐
//!   changelog.sql (--changeset …) ──► read_liquibase_sql ─┤
//!                                                        ▼
//!                              sql::split_statements ──► sql::classify (per statement)
//!                                                        ▼
//!                 MigrationSet { migrations in apply order, warnings }
//!                                                        ▼
//!                      to_scenario_toml (scenario [[migrations]]) / render_text
//! ```
//!
//! Each migration gets the worst effect of its statements:
//! `Destructive` > `Locking` > `Online`. The rules are heuristics over
//! tokens, not a SQL parser, and know nothing of table sizes; every verdict
//! carries its reasons so a reader can check it. `docs/migrations.md` lists
//! the rules and the ordering, duplicate and gap rules taken from Flyway and
//! Liquibase.
//!
//! Nothing here prints or exits: errors come back as [`MigrationError`], and
//! problems that Flyway or Liquibase would tolerate come back as warnings in
//! [`MigrationSet::warnings`].

mod error;
mod flyway;
mod liquibase;
mod report;
pub mod sql;

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use error::MigrationError;
pub use flyway::read_flyway_dir;
pub use liquibase::read_liquibase_sql;
pub use report::{render_text, to_scenario_toml};

/// The migration tool whose files were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tool {
    /// A Flyway folder of `V…__….sql`, `U…__….sql` and `R__….sql` files.
    Flyway,
    /// A Liquibase formatted-SQL changelog.
    Liquibase,
}

/// How a running application feels a migration. Ordered: a migration takes
/// the worst (greatest) effect of its statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// Runs while the application keeps reading and writing.
    Online,
    /// Blocks writes (or fails on a non-empty table) while it runs.
    Locking,
    /// Removes or overwrites data; replicas receive it too.
    Destructive,
}

impl Effect {
    /// The lowercase name used in JSON, TOML and text output.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Online => "online",
            Effect::Locking => "locking",
            Effect::Destructive => "destructive",
        }
    }
}

/// What kind of migration an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MigrationKind {
    /// Flyway `V<version>__<description>.sql`: applied once, in version order.
    Versioned,
    /// Flyway `R__<description>.sql`: applied after all versioned ones, and
    /// again whenever the file changes.
    Repeatable,
    /// A Liquibase changeset, in changelog order.
    Changeset,
}

/// One migration, classified.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Migration {
    /// Flyway: the version as Flyway displays it (`_` read as `.`, so
    /// `V1_2__x.sql` is `1.2`); repeatables, which have no version, get
    /// `R__<description>` so every entry has a unique, non-empty id.
    /// Liquibase: `author:id`.
    pub version: String,
    /// Flyway: the file name's description with `_` read as a space.
    /// Liquibase: the `--comment`, else a summary of the first statement.
    pub description: String,
    /// The file it was read from, as reached from the path given.
    pub file: PathBuf,
    /// 1-based line where it starts: 1 for a Flyway file, the `--changeset`
    /// line for Liquibase.
    pub line: usize,
    /// Versioned, repeatable or changeset.
    pub kind: MigrationKind,
    /// The worst effect of its statements.
    pub effect: Effect,
    /// One reason per statement, worst first, each ending with its line.
    pub reasons: Vec<String>,
    /// Tables its statements touch, in order of first appearance.
    pub tables: Vec<String>,
    /// Flyway: an undo file `U<version>__….sql` exists. Liquibase: the
    /// changeset has a `--rollback` other than `not required` or `empty`.
    pub has_rollback: bool,
    /// Whether the tool runs the whole migration as one transaction, so a
    /// failure part-way leaves nothing applied. False when the tool is told
    /// not to (`executeInTransaction=false`, `runInTransaction:false`), when
    /// Flyway sees a statement PostgreSQL cannot run in a transaction, or
    /// when the script commits part-way. On MySQL and Oracle, DDL commits
    /// implicitly whatever this says.
    pub transactional: bool,
    /// Number of statements (0 for an empty migration).
    pub statements: usize,
    /// Destructive only: default estimate of the share of rows affected
    /// (see [`sql::Classification::share`]).
    pub share: Option<f64>,
    /// Statements no rule recognized; they count as online.
    pub unrecognized: usize,
}

/// Migrations read from one Flyway folder or Liquibase changelog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MigrationSet {
    /// The tool the files were written for.
    pub tool: Tool,
    /// In the order the tool applies them.
    pub migrations: Vec<Migration>,
    /// Problems the tool itself would tolerate (gaps in versions, empty
    /// files, skipped callbacks), each naming its file.
    pub warnings: Vec<String>,
}

/// Reads `path` as whatever it is: a folder is read as Flyway migrations, a
/// file whose first line is `--liquibase formatted sql` as a Liquibase
/// changelog. Anything else is an error that says what was expected.
pub fn read_path(path: &Path) -> Result<MigrationSet, MigrationError> {
    let meta = fs::metadata(path).map_err(|e| MigrationError::io(path, e))?;
    if meta.is_dir() {
        return read_flyway_dir(path);
    }
    let bytes = read_bytes(path)?;
    let is_changelog = String::from_utf8_lossy(&bytes)
        .trim_start_matches('\u{feff}')
        .lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(liquibase::is_header);
    if is_changelog {
        return liquibase::parse(&decode_utf8(path, bytes)?, path);
    }
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let message = match extension.as_str() {
        "xml" | "yaml" | "yml" | "json" => format!(
            "Liquibase {} changelogs are not supported; give a formatted SQL changelog \
             (first line `--liquibase formatted sql`) or a Flyway folder",
            extension.to_uppercase()
        ),
        _ => "not a Flyway folder nor a Liquibase formatted SQL changelog: give the folder that \
              holds V<version>__<description>.sql files, or a changelog whose first line is \
              `--liquibase formatted sql`"
            .to_owned(),
    };
    Err(MigrationError::UnknownFormat {
        path: path.to_owned(),
        message,
    })
}

/// Reads a file as UTF-8, dropping a byte-order mark as both tools do.
fn read_utf8(path: &Path) -> Result<String, MigrationError> {
    decode_utf8(path, read_bytes(path)?)
}

/// A file's bytes, bounded as a scenario file's are: a link to /dev/zero
/// must not fill memory.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, MigrationError> {
    crate::scenario::read_bounded(path, crate::scenario::FILE_BYTES_MAX)
        .map_err(|e| MigrationError::io(path, e))?
        .ok_or_else(|| MigrationError::TooLarge {
            path: path.to_owned(),
        })
}

/// `bytes` of the file at `path` as UTF-8, without a byte-order mark.
fn decode_utf8(path: &Path, mut bytes: Vec<u8>) -> Result<String, MigrationError> {
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let bad = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..bad].iter().filter(|&&b| b == b'\n').count();
        MigrationError::NotUtf8 {
            path: path.to_owned(),
            line,
        }
    })
}

/// The statements of one migration, classified together so that later
/// statements know what earlier ones created.
#[derive(Debug, Clone, PartialEq)]
struct Analysis {
    effect: Effect,
    reasons: Vec<String>,
    tables: Vec<String>,
    statements: usize,
    share: Option<f64>,
    unrecognized: usize,
    /// Lines of statements PostgreSQL cannot run inside a transaction.
    no_transaction: Vec<usize>,
    /// Line of the first statement that commits part-way.
    commits_at: Option<usize>,
    /// Summary of the first statement, for descriptions.
    first_summary: Option<String>,
}

/// Classifies `statements`, whose lines count from `first_line` in the file.
fn analyze(statements: &[sql::Statement], first_line: usize) -> Analysis {
    let mut ctx = sql::Context::default();
    let mut reasons: Vec<(Effect, String)> = Vec::with_capacity(statements.len());
    let mut a = Analysis {
        effect: Effect::Online,
        reasons: Vec::new(),
        tables: Vec::new(),
        statements: statements.len(),
        share: None,
        unrecognized: 0,
        no_transaction: Vec::new(),
        commits_at: None,
        first_summary: None,
    };
    for s in statements {
        let c = sql::classify_in(&mut ctx, &s.text);
        let line = first_line + s.line - 1;
        a.effect = a.effect.max(c.effect);
        reasons.push((c.effect, format!("{} (line {line})", c.reason())));
        for t in &c.tables {
            sql::push_unique(&mut a.tables, t);
        }
        if let Some(share) = c.share {
            a.share = Some(a.share.map_or(share, |s| s.max(share)));
        }
        if !c.recognized {
            a.unrecognized += 1;
        }
        if c.cannot_run_in_transaction {
            a.no_transaction.push(line);
        }
        if c.ends_transaction && a.commits_at.is_none() {
            a.commits_at = Some(line);
        }
        if a.first_summary.is_none() {
            a.first_summary = Some(c.summary);
        }
    }
    // Stable: statements of equal effect keep their file order.
    reasons.sort_by_key(|r| std::cmp::Reverse(r.0));
    a.reasons = reasons.into_iter().map(|(_, r)| r).collect();
    debug_assert!(a.share.is_none() || a.effect == Effect::Destructive);
    a
}

/// Where a migration came from and how its tool runs it.
struct Source {
    version: String,
    description: String,
    file: PathBuf,
    line: usize,
    kind: MigrationKind,
    has_rollback: bool,
    /// The tool is set to wrap the migration in a transaction.
    in_transaction: bool,
}

impl Source {
    fn into_migration(self, a: Analysis, extra_reasons: Vec<String>) -> Migration {
        let mut reasons = a.reasons;
        reasons.extend(extra_reasons);
        Migration {
            version: self.version,
            description: self.description,
            file: self.file,
            line: self.line,
            kind: self.kind,
            effect: a.effect,
            reasons,
            tables: a.tables,
            has_rollback: self.has_rollback,
            transactional: self.in_transaction && a.commits_at.is_none(),
            statements: a.statements,
            share: a.share,
            unrecognized: a.unrecognized,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effects_order_worst_last() {
        assert!(Effect::Online < Effect::Locking && Effect::Locking < Effect::Destructive);
        assert_eq!(
            serde_json::to_string(&Effect::Destructive).unwrap(),
            "\"destructive\""
        );
        assert_eq!(
            serde_json::to_string(&Tool::Liquibase).unwrap(),
            "\"liquibase\""
        );
        assert_eq!(
            serde_json::to_string(&MigrationKind::Changeset).unwrap(),
            "\"changeset\""
        );
    }

    #[test]
    fn analysis_sorts_reasons_worst_first_and_counts_lines_from_the_offset() {
        let statements = sql::split_statements("CREATE TABLE a (x int);\nDROP TABLE b;\nFOO;");
        let a = analyze(&statements, 10);
        assert_eq!(a.effect, Effect::Destructive);
        assert_eq!(a.reasons[0], "DROP TABLE b (line 11)");
        assert_eq!(a.reasons[1], "CREATE TABLE a (line 10)");
        assert_eq!(a.tables, vec!["a", "b"]);
        assert_eq!(a.unrecognized, 1);
        assert_eq!(a.share, Some(1.0));
    }
}
