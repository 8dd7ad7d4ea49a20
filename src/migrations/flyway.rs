//! Flyway folders: `V<version>__<description>.sql` (versioned),
//! `U<version>__<description>.sql` (undo) and `R__<description>.sql`
//! (repeatable), found recursively, named, ordered and checked the way
//! Flyway's `ResourceNameParser` and `MigrationVersion` do it.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use super::{
    Migration, MigrationError, MigrationKind, MigrationSet, Source, Tool, analyze, read_utf8, sql,
};

/// How deep folders may nest before the reader suspects a link loop.
const MAX_DEPTH: usize = 32;

/// Flyway's callback events (`org.flywaydb.core.api.callback.Event`). A
/// script named after one (`afterMigrate.sql`, `beforeEachMigrate__x.sql`)
/// is a callback, run around migrations, not a migration.
const CALLBACK_EVENTS: &[&str] = &[
    "beforeClean",
    "afterClean",
    "afterCleanError",
    "beforeMigrate",
    "beforeEachMigrate",
    "beforeEachMigrateStatement",
    "afterEachMigrateStatement",
    "afterEachMigrateStatementError",
    "afterEachMigrate",
    "afterEachMigrateError",
    "beforeRepeatables",
    "afterVersioned",
    "afterMigrate",
    "afterMigrateApplied",
    "afterMigrateError",
    "beforeUndo",
    "beforeEachUndo",
    "beforeEachUndoStatement",
    "afterEachUndoStatement",
    "afterEachUndoStatementError",
    "afterEachUndo",
    "afterEachUndoError",
    "afterUndo",
    "afterUndoError",
    "beforeValidate",
    "afterValidate",
    "afterValidateError",
    "beforeBaseline",
    "afterBaseline",
    "afterBaselineError",
    "beforeRepair",
    "afterRepair",
    "afterRepairError",
    "beforeInfo",
    "afterInfo",
    "afterInfoError",
    "afterMigrateOperationFinish",
    "afterInfoOperationFinish",
    "createSchema",
    "beforeConnect",
    "afterConnect",
];

/// A Flyway version: numeric parts compared one by one, missing parts read
/// as zero, so `1.10 > 1.9` and `1 == 1.0`.
///
/// Invariant: every part is a digit string without leading zeros (`"0"` for
/// zero), and there are no trailing zero parts except a lone `"0"`. Parts
/// are kept as strings so that no version, however long, overflows.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    parts: Vec<String>,
}

impl Version {
    /// Parses the text between the prefix and `__`. `_` separates parts like
    /// `.`, as in Flyway (`1_2` is `1.2`).
    fn parse(text: &str) -> Option<Version> {
        let mut parts = Vec::new();
        for part in text.split(['.', '_']) {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let trimmed = part.trim_start_matches('0');
            parts.push(if trimmed.is_empty() { "0" } else { trimmed }.to_owned());
        }
        while parts.len() > 1 && parts.last().is_some_and(|p| p == "0") {
            parts.pop();
        }
        Some(Version { parts })
    }

    fn part(&self, i: usize) -> &str {
        self.parts.get(i).map_or("0", String::as_str)
    }
}

fn cmp_digits(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// The canonical form: `2` for `V2`, `V2.0` and `V002`.
impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.parts.join("."))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.parts.len().max(other.parts.len());
        (0..n)
            .map(|i| cmp_digits(self.part(i), other.part(i)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Versions that look like dates or timestamps (`20240101120000`) jump by
/// design; only small numbers are checked for gaps.
const GAP_CHECK_DIGITS: usize = 6;

/// The versions missing between `a` and the next version `b`, if any:
/// `Some((2, 4))` for 2 → 4.
fn gap(a: &Version, b: &Version) -> Option<(u64, u64)> {
    let n = a.parts.len().max(b.parts.len());
    let i = (0..n).find(|&i| a.part(i) != b.part(i))?;
    let (pa, pb) = (a.part(i), b.part(i));
    if pa.len() > GAP_CHECK_DIGITS || pb.len() > GAP_CHECK_DIGITS {
        return None;
    }
    let (x, y) = (pa.parse::<u64>().ok()?, pb.parse::<u64>().ok()?);
    (y > x + 1).then_some((x, y))
}

/// What a file name means to Flyway.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Name {
    Versioned {
        version: Version,
        shown: String,
        description: String,
    },
    Undo {
        version: Version,
        shown: String,
    },
    Repeatable {
        raw: String,
        description: String,
    },
    Callback,
}

/// Parses a file name without its `.sql` suffix; the error says why Flyway
/// would not accept it.
fn parse_name(stem: &str) -> Result<Name, String> {
    if let Some(event) = CALLBACK_EVENTS
        .iter()
        .filter(|e| stem.starts_with(*e))
        .max_by_key(|e| e.len())
    {
        let rest = &stem[event.len()..];
        if rest.is_empty() || rest.starts_with("__") {
            return Ok(Name::Callback);
        }
        return Err(format!(
            "it starts like the Flyway callback `{event}` but is not `{event}.sql` or `{event}__<description>.sql`"
        ));
    }
    let prefix = stem.chars().next().ok_or("the name is empty")?;
    if !matches!(prefix, 'V' | 'U' | 'R') {
        let hint = if matches!(prefix, 'v' | 'u' | 'r') {
            " (Flyway's prefixes are case-sensitive)"
        } else {
            ""
        };
        return Err(format!("it does not start with V, U or R{hint}"));
    }
    let rest = &stem[1..];
    let Some(separator) = rest.find("__") else {
        let hint = suggest_separator(prefix, rest)
            .map(|s| format!("; rename it to {s}.sql"))
            .unwrap_or_default();
        return Err(format!(
            "there is no `__` (two underscores) between the version and the description{hint}"
        ));
    };
    let (version_text, raw) = (&rest[..separator], &rest[separator + 2..]);
    let description = raw.replace('_', " ");
    if prefix == 'R' {
        if !version_text.is_empty() {
            return Err(format!(
                "a repeatable migration has no version, so it should look like R__{raw}.sql"
            ));
        }
        return Ok(Name::Repeatable {
            raw: raw.to_owned(),
            description,
        });
    }
    if version_text.is_empty() {
        return Err(format!(
            "it has no version; it should look like {prefix}1.2__{raw}.sql"
        ));
    }
    let version = Version::parse(version_text).ok_or_else(|| {
        format!(
            "could not recognise version number `{version_text}`: only digits separated by `.` or `_` are allowed"
        )
    })?;
    let shown = version_text.replace('_', ".");
    Ok(match prefix {
        'U' => Name::Undo { version, shown },
        _ => Name::Versioned {
            version,
            shown,
            description,
        },
    })
}

/// `V1_init` → `V1__init`: the most common naming slip.
fn suggest_separator(prefix: char, rest: &str) -> Option<String> {
    let digits = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .map(|(i, _)| i)?;
    let version = rest[..digits].trim_end_matches('_');
    let description = &rest[digits..];
    (!version.is_empty() && Version::parse(version).is_some() && rest[..digits].ends_with('_'))
        .then(|| format!("{prefix}{version}__{description}"))
}

/// Every file under `dir`, depth first, each folder's entries sorted by name
/// so the result does not depend on the file system's order. Hidden entries
/// (`.git`, editor lock files such as `.#V1__init.sql`) are skipped.
fn collect_files(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), MigrationError> {
    if depth > MAX_DEPTH {
        return Err(MigrationError::TooDeep {
            path: dir.to_owned(),
            limit: MAX_DEPTH,
        });
    }
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| MigrationError::io(dir, e))? {
        let entry = entry.map_err(|e| MigrationError::io(dir, e))?;
        if entry.file_name().as_encoded_bytes().starts_with(b".") {
            continue;
        }
        entries.push(entry.path());
    }
    entries.sort();
    for path in entries {
        let meta = fs::metadata(&path).map_err(|e| MigrationError::io(&path, e))?;
        if meta.is_dir() {
            collect_files(&path, depth + 1, out)?;
        } else if meta.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads a Flyway migrations folder (and its subfolders, as Flyway scans a
/// location recursively) into migrations in the order Flyway applies them:
/// versioned migrations by version, then repeatable migrations by
/// description. Undo migrations are not applied; they mark their version
/// as having a rollback.
///
/// Errors: a `.sql` file whose name Flyway would not accept, two migrations
/// with the same version (or repeatables with the same description), a file
/// that is not UTF-8. Warnings: gaps between versions, empty migrations,
/// undo files without their migration, skipped callbacks and `.SQL` files.
pub fn read_flyway_dir(path: &Path) -> Result<MigrationSet, MigrationError> {
    let meta = fs::metadata(path).map_err(|e| MigrationError::io(path, e))?;
    if !meta.is_dir() {
        return Err(MigrationError::NotADirectory {
            path: path.to_owned(),
        });
    }
    let mut files = Vec::new();
    collect_files(path, 0, &mut files)?;

    let mut warnings = Vec::new();
    let mut versioned: Vec<(Version, String, String, PathBuf)> = Vec::new();
    let mut undo: Vec<(Version, String, PathBuf)> = Vec::new();
    let mut repeatable: Vec<(String, String, PathBuf)> = Vec::new();
    for file in files {
        let Some(name) = file.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let Some(stem) = name.strip_suffix(".sql") else {
            if name.to_ascii_lowercase().ends_with(".sql") {
                warnings.push(format!(
                    "{}: ignored: Flyway matches the suffix `.sql` case-sensitively",
                    file.display()
                ));
            }
            continue;
        };
        if file.file_name().and_then(|n| n.to_str()).is_none() {
            return Err(MigrationError::BadFileName {
                path: file.clone(),
                reason: "the file name is not valid UTF-8".to_owned(),
            });
        }
        match parse_name(stem) {
            Ok(Name::Versioned {
                version,
                shown,
                description,
            }) => versioned.push((version, shown, description, file)),
            Ok(Name::Undo { version, shown }) => undo.push((version, shown, file)),
            Ok(Name::Repeatable { raw, description }) => repeatable.push((raw, description, file)),
            Ok(Name::Callback) => warnings.push(format!(
                "{}: skipped: a Flyway callback script, run around migrations rather than as one",
                file.display()
            )),
            Err(reason) => return Err(MigrationError::BadFileName { path: file, reason }),
        }
    }

    // Stable sorts: files of equal version stay in path order, so the error
    // names them in a repeatable order.
    versioned.sort_by(|a, b| a.0.cmp(&b.0));
    for pair in versioned.windows(2) {
        if pair[0].0 == pair[1].0 {
            return Err(MigrationError::DuplicateVersion {
                version: pair[0].0.to_string(),
                first: pair[0].3.clone(),
                second: pair[1].3.clone(),
            });
        }
    }
    undo.sort_by(|a, b| a.0.cmp(&b.0));
    for pair in undo.windows(2) {
        if pair[0].0 == pair[1].0 {
            return Err(MigrationError::DuplicateUndo {
                version: pair[0].0.to_string(),
                first: pair[0].2.clone(),
                second: pair[1].2.clone(),
            });
        }
    }
    repeatable.sort_by(|a, b| a.1.cmp(&b.1));
    for pair in repeatable.windows(2) {
        if pair[0].1 == pair[1].1 {
            return Err(MigrationError::DuplicateRepeatable {
                description: pair[0].1.clone(),
                first: pair[0].2.clone(),
                second: pair[1].2.clone(),
            });
        }
    }

    for pair in versioned.windows(2) {
        if let Some((from, to)) = gap(&pair[0].0, &pair[1].0) {
            let missing = if to - from == 2 {
                format!("{} is missing", from + 1)
            } else {
                format!("{} to {} are missing", from + 1, to - 1)
            };
            warnings.push(format!(
                "gap in versions: {} ({}) is followed by {} ({}), so {missing}. Flyway applies them \
                 anyway, but a missing version added later is refused as out of order unless \
                 outOfOrder is set",
                pair[0].1,
                pair[0].3.display(),
                pair[1].1,
                pair[1].3.display()
            ));
        }
    }
    let undone: BTreeMap<String, &PathBuf> =
        undo.iter().map(|(v, _, f)| (v.to_string(), f)).collect();
    for (version, shown, file) in &undo {
        if versioned
            .binary_search_by(|(v, ..)| v.cmp(version))
            .is_err()
        {
            warnings.push(format!(
                "{}: undo migration for version {shown}, but there is no versioned migration {shown}",
                file.display()
            ));
        }
    }

    let mut migrations = Vec::with_capacity(versioned.len() + repeatable.len());
    for (version, shown, description, file) in versioned {
        let has_rollback = undone.contains_key(&version.to_string());
        let source = Source {
            version: shown,
            description,
            file,
            line: 1,
            kind: MigrationKind::Versioned,
            has_rollback,
            in_transaction: true,
        };
        migrations.push(read_migration(source, &mut warnings)?);
    }
    for (raw, description, file) in repeatable {
        let source = Source {
            version: format!("R__{raw}"),
            description,
            file,
            line: 1,
            kind: MigrationKind::Repeatable,
            has_rollback: false,
            in_transaction: true,
        };
        migrations.push(read_migration(source, &mut warnings)?);
    }
    if migrations.is_empty() {
        warnings.push(format!(
            "{}: no Flyway migrations found (V<version>__<description>.sql, R__<description>.sql)",
            path.display()
        ));
    }
    Ok(MigrationSet {
        tool: Tool::Flyway,
        migrations,
        warnings,
    })
}

/// The warning for a quote or comment opened on `line` and never closed.
pub(super) fn unterminated_warning(file_line: &str, line: usize) -> String {
    format!(
        "{file_line}: line {line} opens a quoted string, quoted name or comment that is never closed: the rest of the script is read as part of it, so its classification is unsure"
    )
}

/// Reads and classifies one migration file.
fn read_migration(
    mut source: Source,
    warnings: &mut Vec<String>,
) -> Result<Migration, MigrationError> {
    let text = read_utf8(&source.file)?;
    let statements = sql::split_statements(&text);
    let analysis = analyze(&statements, 1);
    let file = source.file.display().to_string();
    let mut extra = Vec::new();

    if let Some(line) = sql::unterminated_line(&text) {
        warnings.push(unterminated_warning(&file, line));
    }
    if analysis.statements == 0 {
        warnings.push(format!(
            "{file}: empty migration: Flyway records it as applied and runs nothing"
        ));
    }
    if script_config_disables_transaction(&source.file) {
        source.in_transaction = false;
        extra.push(format!(
            "executeInTransaction=false in {file}.conf: runs without a transaction, so a failure part-way leaves the statements before it applied"
        ));
    }
    // Flyway's PostgreSQL parser runs a script that holds a statement it
    // cannot run in a transaction (CREATE INDEX CONCURRENTLY, VACUUM, …)
    // without one, and refuses a script mixing both kinds unless `mixed`.
    if let Some(&line) = analysis.no_transaction.first() {
        source.in_transaction = false;
        if analysis.no_transaction.len() < analysis.statements {
            warnings.push(format!(
                "{file}: line {line} cannot run inside a transaction but other statements can: \
                 Flyway refuses such a migration unless `mixed` is enabled, and then runs all of it \
                 without a transaction; put the statement in a migration of its own"
            ));
        }
    }
    if source.kind == MigrationKind::Repeatable && analysis.effect > super::Effect::Online {
        extra.push("repeatable: Flyway runs it again every time the file changes".to_owned());
    }
    Ok(source.into_migration(analysis, extra))
}

/// Whether the script's configuration file (`V1__x.sql.conf`, Flyway 6.1+)
/// sets `executeInTransaction=false`.
fn script_config_disables_transaction(file: &Path) -> bool {
    let mut conf = OsString::from(file.as_os_str());
    conf.push(".conf");
    let Ok(bytes) = super::read_bytes(&PathBuf::from(conf)) else {
        return false;
    };
    String::from_utf8_lossy(&bytes).lines().any(|line| {
        line.split_once('=').is_some_and(|(k, v)| {
            k.trim() == "executeInTransaction" && v.trim().eq_ignore_ascii_case("false")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn versions_compare_numerically_part_by_part() {
        assert!(v("1.10") > v("1.9"));
        assert!(v("2") > v("1.9.9"));
        assert_eq!(v("1"), v("1.0"));
        assert_eq!(v("1.0.0"), v("1"));
        assert_eq!(v("001"), v("1"));
        assert_eq!(v("1_2"), v("1.2"));
        assert!(v("20240102000000") > v("20240101235959"));
        assert!(v("123456789012345678901234567890") > v("99999999999999999999999999999"));
        for bad in ["", "1.", ".1", "1..2", "x", "1a", "1-2"] {
            assert!(Version::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn gaps_are_found_between_small_versions_only() {
        assert_eq!(gap(&v("2"), &v("4")), Some((2, 4)));
        assert_eq!(gap(&v("1"), &v("2")), None);
        assert_eq!(gap(&v("1.9"), &v("2")), None);
        assert_eq!(gap(&v("1.1"), &v("1.3")), Some((1, 3)));
        assert_eq!(gap(&v("20240101"), &v("20240305")), None);
    }

    #[test]
    fn names() {
        assert!(
            matches!(parse_name("V1__init"), Ok(Name::Versioned { shown, description, .. }) if shown == "1" && description == "init")
        );
        assert!(
            matches!(parse_name("V1_1__add_status"), Ok(Name::Versioned { shown, description, .. }) if shown == "1.1" && description == "add status")
        );
        assert!(matches!(parse_name("U4__drop"), Ok(Name::Undo { shown, .. }) if shown == "4"));
        assert!(
            matches!(parse_name("R__views"), Ok(Name::Repeatable { description, .. }) if description == "views")
        );
        assert_eq!(parse_name("afterMigrate"), Ok(Name::Callback));
        assert_eq!(
            parse_name("beforeEachMigrate__set_role"),
            Ok(Name::Callback)
        );
        let e = parse_name("V1_init").unwrap_err();
        assert!(e.contains("rename it to V1__init.sql"), "{e}");
        assert!(parse_name("Vx__a").unwrap_err().contains("`x`"));
        assert!(parse_name("V__a").unwrap_err().contains("no version"));
        assert!(parse_name("R1__a").unwrap_err().contains("R__a.sql"));
        assert!(parse_name("v1__a").unwrap_err().contains("case-sensitive"));
        assert!(parse_name("seed").is_err());
        assert!(parse_name("afterMigrateX").is_err());
    }
}
