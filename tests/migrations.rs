//! Reading real Flyway folders and Liquibase changelogs through the public
//! API, from the fixtures in tests/fixtures/migrations (and a few written to
//! temporary folders where committing them would be awkward: bytes that are
//! not UTF-8, names that only differ in a character).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use failsim::migrations::{
    Effect, Migration, MigrationError, MigrationKind, MigrationSet, Tool, read_flyway_dir,
    read_liquibase_sql, read_path, render_text, sql, to_scenario_toml,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/migrations")
        .join(name)
}

fn by_version<'a>(set: &'a MigrationSet, version: &str) -> &'a Migration {
    set.migrations
        .iter()
        .find(|m| m.version == version)
        .unwrap_or_else(|| panic!("no migration {version} in {:?}", set.migrations))
}

/// A folder holding `files` (name, contents).
fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    dir
}

fn error_text(result: Result<MigrationSet, MigrationError>) -> String {
    match result {
        Ok(set) => panic!("expected an error, got {set:?}"),
        Err(e) => e.to_string(),
    }
}

// --- Flyway ------------------------------------------------------------------

#[test]
fn flyway_folder_is_read_in_apply_order_with_subfolders() {
    let set = read_flyway_dir(&fixture("flyway-good")).unwrap();
    assert_eq!(set.tool, Tool::Flyway);
    let versions: Vec<&str> = set.migrations.iter().map(|m| m.version.as_str()).collect();
    assert_eq!(versions, ["1", "2", "3", "4", "R__views"]);
    let kinds: Vec<MigrationKind> = set.migrations.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        [
            MigrationKind::Versioned,
            MigrationKind::Versioned,
            MigrationKind::Versioned,
            MigrationKind::Versioned,
            MigrationKind::Repeatable
        ]
    );
    assert!(
        by_version(&set, "3")
            .file
            .ends_with("data/V3__backfill.sql")
    );
    assert_eq!(by_version(&set, "2").description, "add status");
    assert!(set.warnings.is_empty(), "{:?}", set.warnings);
}

#[test]
fn flyway_migrations_are_classified_with_reasons() {
    let set = read_flyway_dir(&fixture("flyway-good")).unwrap();

    let init = by_version(&set, "1");
    assert_eq!(init.effect, Effect::Online, "{:?}", init.reasons);
    assert_eq!(init.statements, 4);
    assert_eq!(init.tables, ["customers", "orders", "legacy_orders"]);
    assert!(
        init.reasons
            .iter()
            .any(|r| r.contains("orders is created earlier in this migration")),
        "{:?}",
        init.reasons
    );

    let status = by_version(&set, "2");
    assert_eq!(status.effect, Effect::Locking);
    assert_eq!(
        status.reasons,
        [
            "ADD COLUMN status NOT NULL DEFAULT on orders: rewrites the table on PostgreSQL before 11 \
          and MySQL before 8.0, blocking writes meanwhile (line 2)"
        ]
    );

    let backfill = by_version(&set, "3");
    assert_eq!(backfill.effect, Effect::Online);
    assert_eq!(backfill.reasons, ["UPDATE with WHERE on orders (line 2)"]);

    let drop = by_version(&set, "4");
    assert_eq!(drop.effect, Effect::Destructive);
    assert_eq!(drop.reasons, ["DROP TABLE legacy_orders (line 1)"]);
    assert_eq!(drop.share, Some(1.0));

    let views = by_version(&set, "R__views");
    assert_eq!(views.effect, Effect::Online);
    assert_eq!(views.description, "views");
}

#[test]
fn flyway_undo_files_are_rollbacks() {
    let set = read_flyway_dir(&fixture("flyway-good")).unwrap();
    let with: Vec<&str> = set
        .migrations
        .iter()
        .filter(|m| m.has_rollback)
        .map(|m| m.version.as_str())
        .collect();
    assert_eq!(with, ["4"]);
}

#[test]
fn flyway_duplicate_version_names_both_files() {
    let e = error_text(read_flyway_dir(&fixture("flyway-duplicate")));
    assert!(
        e.starts_with("Found more than one migration with version 2:"),
        "{e}"
    );
    assert!(
        e.contains("V2.0__add_notes.sql") && e.contains("V2__add_status.sql"),
        "{e}"
    );
}

#[test]
fn flyway_versions_compare_numerically() {
    let dir = folder(&[
        ("V1.9__a.sql", b"SELECT 1;"),
        ("V1.10__b.sql", b"SELECT 1;"),
        ("V1.2__c.sql", b"SELECT 1;"),
        ("V1_11__d.sql", b"SELECT 1;"),
    ]);
    let set = read_flyway_dir(dir.path()).unwrap();
    let versions: Vec<&str> = set.migrations.iter().map(|m| m.version.as_str()).collect();
    assert_eq!(versions, ["1.2", "1.9", "1.10", "1.11"]);

    let dir = folder(&[("V1__a.sql", b"SELECT 1;"), ("V1.0__b.sql", b"SELECT 1;")]);
    let e = error_text(read_flyway_dir(dir.path()));
    assert!(
        e.starts_with("Found more than one migration with version 1:"),
        "{e}"
    );
}

#[test]
fn flyway_malformed_names_are_errors_naming_the_file() {
    let e = error_text(read_flyway_dir(&fixture("flyway-malformed")));
    assert!(
        e.contains("V2_add_status.sql: not a valid Flyway migration name"),
        "{e}"
    );
    assert!(e.contains("rename it to V2__add_status.sql."), "{e}");

    for (name, why) in [
        ("V1_init.sql", "no `__`"),
        ("Vx__a.sql", "could not recognise version number `x`"),
        ("V__a.sql", "no version"),
        ("R1__a.sql", "repeatable migration has no version"),
        ("v1__a.sql", "case-sensitive"),
        ("seed.sql", "does not start with V, U or R"),
    ] {
        let dir = folder(&[("V0__ok.sql", b"SELECT 1;"), (name, b"SELECT 1;")]);
        let e = error_text(read_flyway_dir(dir.path()));
        assert!(e.contains(name), "{name}: {e}");
        assert!(e.contains(why), "{name}: {e}");
    }
}

#[test]
fn flyway_empty_file_is_online_with_a_warning() {
    let set = read_flyway_dir(&fixture("flyway-empty-file")).unwrap();
    let empty = by_version(&set, "2");
    assert_eq!(empty.effect, Effect::Online);
    assert_eq!(empty.statements, 0);
    assert!(empty.reasons.is_empty());
    assert_eq!(set.warnings.len(), 1, "{:?}", set.warnings);
    assert!(
        set.warnings[0].contains("V2__placeholder.sql: empty migration"),
        "{:?}",
        set.warnings
    );
}

#[test]
fn flyway_gap_is_a_warning_not_an_error() {
    let set = read_flyway_dir(&fixture("flyway-gap")).unwrap();
    assert_eq!(set.migrations.len(), 3);
    assert_eq!(set.warnings.len(), 1, "{:?}", set.warnings);
    let w = &set.warnings[0];
    assert!(w.starts_with("gap in versions: 2 ("), "{w}");
    assert!(
        w.contains("is followed by 4 (") && w.contains("so 3 is missing"),
        "{w}"
    );
}

#[test]
fn flyway_non_utf8_file_is_an_error_naming_the_file() {
    let dir = folder(&[
        ("V1__ok.sql", b"SELECT 1;"),
        ("V2__latin1.sql", b"-- caf\xe9\nSELECT 1;"),
    ]);
    let e = error_text(read_flyway_dir(dir.path()));
    assert!(
        e.contains("V2__latin1.sql: not valid UTF-8 (first bad byte on line 1)"),
        "{e}"
    );
}

#[test]
fn flyway_splitting_survives_quotes_comments_and_dollar_quotes() {
    let set = read_flyway_dir(&fixture("flyway-tricky")).unwrap();
    let tricky = by_version(&set, "1");
    assert_eq!(tricky.statements, 7, "{:#?}", tricky.reasons);
    assert_eq!(tricky.effect, Effect::Destructive);
    assert_eq!(
        tricky.reasons[0],
        "TRUNCATE audit_log: removes every row (line 18)"
    );
    assert!(
        tricky
            .reasons
            .contains(&"DELETE with WHERE on notes (line 15)".to_owned())
    );
    // What hid in strings and comments is not a statement.
    assert!(
        !tricky
            .tables
            .iter()
            .any(|t| t == "orders" || t == "customers"),
        "{:?}",
        tricky.tables
    );
    assert_eq!(tricky.unrecognized, 0);
    assert!(tricky.transactional);

    let concurrently = by_version(&set, "2");
    assert_eq!(concurrently.effect, Effect::Online);
    assert!(!concurrently.transactional);
    assert!(set.warnings.is_empty(), "{:?}", set.warnings);
}

#[test]
fn flyway_transactions_follow_script_config_and_statements() {
    let dir = folder(&[
        ("V1__a.sql", b"ALTER TABLE t ADD COLUMN c int;"),
        ("V1__a.sql.conf", b"executeInTransaction=false\n"),
        (
            "V2__b.sql",
            b"CREATE INDEX CONCURRENTLY i ON t (c);\nALTER TABLE t ADD COLUMN d int;",
        ),
        (
            "V3__c.sql",
            b"INSERT INTO t VALUES (1);\nCOMMIT;\nINSERT INTO t VALUES (2);",
        ),
    ]);
    let set = read_flyway_dir(dir.path()).unwrap();
    assert!(!by_version(&set, "1").transactional);
    assert!(
        by_version(&set, "1")
            .reasons
            .iter()
            .any(|r| r.contains("executeInTransaction=false"))
    );
    assert!(!by_version(&set, "2").transactional);
    assert!(!by_version(&set, "3").transactional);
    assert!(
        set.warnings
            .iter()
            .any(|w| w.contains("V2__b.sql: line 1 cannot run inside a transaction")),
        "{:?}",
        set.warnings
    );
}

#[test]
fn flyway_undo_without_migration_callbacks_and_duplicate_repeatables() {
    let dir = folder(&[
        ("V1__a.sql", b"SELECT 1;"),
        ("U2__b.sql", b"SELECT 1;"),
        ("afterMigrate.sql", b"ANALYZE;"),
        ("V1__a.SQL.bak", b"ignored"),
        ("notes.txt", b"ignored"),
    ]);
    let set = read_flyway_dir(dir.path()).unwrap();
    assert_eq!(set.migrations.len(), 1);
    assert_eq!(set.warnings.len(), 2, "{:?}", set.warnings);
    assert!(
        set.warnings
            .iter()
            .any(|w| w.contains("U2__b.sql: undo migration for version 2"))
    );
    assert!(
        set.warnings
            .iter()
            .any(|w| w.contains("afterMigrate.sql: skipped"))
    );

    let dir = folder(&[
        ("R__views.sql", b"SELECT 1;"),
        ("more/R__views.sql", b"SELECT 2;"),
    ]);
    let e = error_text(read_flyway_dir(dir.path()));
    assert!(
        e.starts_with("Found more than one repeatable migration with description views"),
        "{e}"
    );

    let e = error_text(read_flyway_dir(&fixture("flyway-good/V1__init.sql")));
    assert!(e.contains("is not a folder"), "{e}");
}

// --- Liquibase ---------------------------------------------------------------

#[test]
fn liquibase_changelog_is_read_with_rollbacks() {
    let set = read_liquibase_sql(&fixture("liquibase/changelog.sql")).unwrap();
    assert_eq!(set.tool, Tool::Liquibase);
    assert!(set.warnings.is_empty(), "{:?}", set.warnings);
    let summary: Vec<(&str, Effect, bool, bool, usize)> = set
        .migrations
        .iter()
        .map(|m| {
            (
                m.version.as_str(),
                m.effect,
                m.has_rollback,
                m.transactional,
                m.line,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("alice:1", Effect::Online, true, true, 3),
            ("alice:2", Effect::Locking, true, true, 10),
            ("bob:3", Effect::Online, true, false, 14),
            ("bob:4", Effect::Destructive, false, true, 19),
            ("carol:5", Effect::Online, true, true, 24),
        ]
    );
    let m = by_version(&set, "alice:1");
    assert_eq!(m.description, "create customers and orders");
    assert_eq!(m.statements, 2);
    assert_eq!(m.kind, MigrationKind::Changeset);
    // Without a --comment, the description is the first statement's summary.
    assert_eq!(
        by_version(&set, "alice:2").description,
        "ADD COLUMN status NOT NULL DEFAULT on orders"
    );
    let delete = by_version(&set, "bob:4");
    assert_eq!(
        delete.reasons,
        ["DELETE without WHERE on orders: deletes every row (line 21)"]
    );
    assert_eq!(
        by_version(&set, "carol:5").reasons,
        ["UPDATE with WHERE on orders (line 25)"]
    );
}

#[test]
fn liquibase_missing_header_is_an_error() {
    let e = error_text(read_liquibase_sql(&fixture("liquibase/no-header.sql")));
    assert!(
        e.contains("no-header.sql:1: not a Liquibase formatted SQL changelog"),
        "{e}"
    );
    assert!(e.contains("--liquibase formatted sql"), "{e}");
}

#[test]
fn liquibase_duplicate_id_is_an_error_naming_both_lines() {
    let e = error_text(read_liquibase_sql(&fixture("liquibase/duplicate-id.sql")));
    assert!(
        e.contains("duplicate-id.sql:6: duplicate changeset alice:1 (first at line 3)"),
        "{e}"
    );
}

#[test]
fn liquibase_bad_changeset_line_is_an_error_naming_the_line() {
    let e = error_text(read_liquibase_sql(&fixture("liquibase/bad-changeset.sql")));
    assert!(
        e.contains("bad-changeset.sql:6: expected `--changeset <author>:<id>`"),
        "{e}"
    );
    assert!(e.contains("found `--changeset alice`"), "{e}");
}

#[test]
fn liquibase_concurrently_inside_a_transaction_is_a_warning() {
    let dir = folder(&[(
        "changelog.sql",
        b"--liquibase formatted sql\n--changeset a:1\nCREATE INDEX CONCURRENTLY i ON t (c);\n",
    )]);
    let set = read_liquibase_sql(&dir.path().join("changelog.sql")).unwrap();
    assert_eq!(set.warnings.len(), 1, "{:?}", set.warnings);
    assert!(
        set.warnings[0].contains("changelog.sql:3: changeset a:1"),
        "{:?}",
        set.warnings
    );
    assert!(set.warnings[0].contains("runInTransaction:false"));
}

// --- read_path ---------------------------------------------------------------

#[test]
fn read_path_detects_the_format() {
    assert_eq!(
        read_path(&fixture("flyway-good")).unwrap().tool,
        Tool::Flyway
    );
    assert_eq!(
        read_path(&fixture("liquibase/changelog.sql")).unwrap().tool,
        Tool::Liquibase
    );
    let e = error_text(read_path(&fixture("flyway-good/V1__init.sql")));
    assert!(
        e.contains("not a Flyway folder nor a Liquibase formatted SQL changelog"),
        "{e}"
    );
    let dir = folder(&[("changelog.xml", b"<databaseChangeLog/>")]);
    let e = error_text(read_path(&dir.path().join("changelog.xml")));
    assert!(
        e.contains("Liquibase XML changelogs are not supported"),
        "{e}"
    );
    let e = error_text(read_path(&fixture("does-not-exist")));
    assert!(e.starts_with("cannot read "), "{e}");
}

// --- output ------------------------------------------------------------------

#[test]
fn scenario_toml_has_one_entry_per_migration() {
    let set = read_flyway_dir(&fixture("flyway-good")).unwrap();
    let day = Duration::from_secs(86_400);
    let text = to_scenario_toml(&set, day * 30, Duration::from_secs(12 * 3_600));

    let value: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let entries = value["migrations"].as_array().unwrap();
    assert_eq!(entries.len(), 5);
    let field = |i: usize, k: &str| entries[i].get(k).cloned();
    let s = |v: &str| Some(toml::Value::String(v.to_owned()));
    let at: Vec<_> = (0..5).map(|i| field(i, "at")).collect();
    assert_eq!(at, [s("30d"), s("30d12h"), s("31d"), s("31d12h"), s("32d")]);
    assert_eq!(field(0, "version"), s("1"));
    assert_eq!(field(1, "description"), s("add status"));
    assert_eq!(field(1, "effect"), s("locking"));
    assert_eq!(field(1, "lock"), s("5m"));
    assert_eq!(field(1, "share"), None);
    assert_eq!(field(3, "effect"), s("destructive"));
    assert_eq!(field(3, "rollback"), Some(toml::Value::Boolean(true)));
    assert_eq!(field(3, "share"), Some(toml::Value::Float(1.0)));
    assert_eq!(field(3, "detect"), s("2h"));
    assert_eq!(field(3, "lock"), None);
    assert_eq!(field(0, "rollback"), Some(toml::Value::Boolean(false)));

    // Each entry is preceded by a comment naming its file and reasons.
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if *line == "[[migrations]]" {
            let comment = lines[i - 1];
            assert!(
                comment.starts_with("# ") && comment.contains(".sql"),
                "{comment}"
            );
        }
    }
    assert!(
        text.contains("V4__drop_legacy.sql: DROP TABLE legacy_orders (line 1)"),
        "{text}"
    );
    assert!(
        text.contains("failing"),
        "the header documents the scenario-only effect"
    );
}

#[test]
fn scenario_toml_escapes_what_it_quotes() {
    let dir = folder(&[(
        "changelog.sql",
        "--liquibase formatted sql\n--changeset o'brien:1\n--comment: say \"hi\" \\ bye\nDELETE FROM t;\n"
            .as_bytes(),
    )]);
    let set = read_liquibase_sql(&dir.path().join("changelog.sql")).unwrap();
    let text = to_scenario_toml(&set, Duration::ZERO, Duration::from_secs(60));
    let value: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let entry = &value["migrations"].as_array().unwrap()[0];
    assert_eq!(entry["description"].as_str(), Some("say \"hi\" \\ bye"));
    assert_eq!(entry["at"].as_str(), Some("0s"));
}

#[test]
fn text_report_lists_migrations_rollbacks_and_warnings() {
    let set = read_flyway_dir(&fixture("flyway-gap")).unwrap();
    let text = render_text(&set);
    assert!(
        text.starts_with("Flyway folder: 3 migrations in apply order\n"),
        "{text}"
    );
    assert!(
        text.contains("version  effect       rollback  transaction  description"),
        "{text}"
    );
    assert!(
        text.contains("4        destructive  no        yes          drop legacy"),
        "{text}"
    );
    assert!(
        text.contains("      - DROP TABLE legacy_orders (line 1)"),
        "{text}"
    );
    assert!(
        text.contains("No rollback (3):\n  - 1 init\n  - 2 add status\n  - 4 drop legacy"),
        "{text}"
    );
    assert!(
        text.contains("Warnings (1):\n  - gap in versions: 2"),
        "{text}"
    );
}

#[test]
fn migration_sets_serialize_to_json() {
    let set = read_flyway_dir(&fixture("flyway-good")).unwrap();
    let json = serde_json::to_value(&set).unwrap();
    assert_eq!(json["tool"], "flyway");
    assert_eq!(json["migrations"][3]["effect"], "destructive");
    assert_eq!(json["migrations"][4]["kind"], "repeatable");
    assert_eq!(json["migrations"][1]["has_rollback"], false);
}

#[test]
fn public_splitter_and_classifier() {
    let statements = sql::split_statements("SELECT ';';\nDELETE\nFROM orders;");
    assert_eq!(statements.len(), 2);
    assert_eq!(statements[1].line, 2);
    let c = sql::classify(&statements[1].text);
    assert_eq!(c.effect, Effect::Destructive);
    assert_eq!(
        c.reason(),
        "DELETE without WHERE on orders: deletes every row"
    );
}

// --- never panic -------------------------------------------------------------

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn contents() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..200),
            any::<String>().prop_map(String::into_bytes),
            "(--liquibase formatted sql\n)?(--changeset [a-z: ]{0,8}\n|--rollback [a-z;]{0,8}\n|/\\* liquibase rollback\n|\\*/\n|DROP TABLE t;\n|CREATE INDEX CONCURRENTLY i ON t (a);\n|'\n|\\$\\$\n){0,12}"
                .prop_map(String::into_bytes),
        ]
    }

    fn names() -> impl Strategy<Value = String> {
        prop_oneof![
            "V[0-9._]{0,4}(__[a-z_]{0,6})?\\.sql",
            "[URV][0-9]{0,2}__[a-z]{0,4}\\.sql",
            "[a-zA-Z][a-zA-Z0-9_.]{0,9}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn readers_never_panic(files in proptest::collection::vec((names(), contents()), 0..5)) {
            let dir = tempfile::tempdir().unwrap();
            for (name, bytes) in &files {
                fs::write(dir.path().join(name), bytes).unwrap();
            }
            let _ = read_flyway_dir(dir.path());
            let _ = read_path(dir.path());
            for (name, _) in &files {
                let path = dir.path().join(name);
                let _ = read_liquibase_sql(&path);
                if let Ok(set) = read_path(&path) {
                    let _ = render_text(&set);
                    let text = to_scenario_toml(&set, Duration::MAX, Duration::MAX);
                    prop_assert!(toml::from_str::<toml::Table>(&text).is_ok(), "{}", text);
                }
            }
        }
    }
}
