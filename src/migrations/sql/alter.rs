//! The rules for `ALTER`: each action of an `ALTER TABLE` (columns,
//! constraints, types), the statement taking the worst of them.

use super::classify::{Classification, Context, key};
use super::tokens::{
    Tok, eat, eat_seq, find_top, has_top, has_top_seq, has_word, is_at, name_at, split_top_commas,
};

pub(super) fn alter_stmt(ctx: &mut Context, t: &[Tok<'_>]) -> Classification {
    let object = t.get(1).map(|x| x.upper()).unwrap_or_default();
    match object.as_str() {
        "TABLE" => alter_table(ctx, t),
        "VIEW" | "MATERIALIZED" if has_top(t, "RENAME") => Classification::locking(
            format!("ALTER {object} ... RENAME"),
            "code that still uses the old name fails",
        ),
        "TYPE" if has_top_seq(t, &["ADD", "VALUE"]) => {
            Classification::online("ALTER TYPE ... ADD VALUE")
                .detail("cannot run inside a transaction before PostgreSQL 12")
                .no_transaction()
        }
        "SYSTEM" => Classification::online("ALTER SYSTEM").no_transaction(),
        "" => Classification::unrecognized("ALTER", "counted as online"),
        _ => Classification::online(format!("ALTER {object}")),
    }
}

fn alter_table(ctx: &mut Context, t: &[Tok<'_>]) -> Classification {
    let mut i = 2;
    eat_seq(t, &mut i, &["IF", "EXISTS"]);
    eat(t, &mut i, "ONLY");
    let Some((table, j)) = name_at(t, i) else {
        return Classification::unrecognized(
            "ALTER TABLE without a table name",
            "counted as online",
        );
    };
    let mut i = j;
    if t.get(i).is_some_and(|x| x.is_sym('*')) {
        i += 1;
    }
    let mut parts = Vec::new();
    for action in split_top_commas(&t[i..]) {
        if let Some(c) = alter_action(ctx, &table, action) {
            parts.push(ctx.settle(c));
        }
    }
    combine(parts, &table)
}

/// One classification from the actions of one `ALTER TABLE`, worst first.
pub(super) fn combine(mut parts: Vec<Classification>, table: &str) -> Classification {
    if parts.len() == 1
        && let Some(only) = parts.pop()
    {
        return only;
    }
    if parts.is_empty() {
        return Classification::online(format!("ALTER TABLE {table}")).on(vec![table.to_owned()]);
    }
    parts.sort_by_key(|p| std::cmp::Reverse(p.effect));
    let mut c = Classification::new(
        parts[0].effect,
        parts
            .iter()
            .map(Classification::reason)
            .collect::<Vec<_>>()
            .join("; "),
    );
    let mut subjects = Vec::new();
    let mut refs = Vec::new();
    for p in &parts {
        for s in p.subjects() {
            push_unique(&mut subjects, s);
        }
        for r in &p.tables[p.subjects..] {
            push_unique(&mut refs, r);
        }
        c.share = match (c.share, p.share) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        c.recognized &= p.recognized;
        c.cannot_run_in_transaction |= p.cannot_run_in_transaction;
        c.ends_transaction |= p.ends_transaction;
    }
    c.on(subjects).referencing(refs)
}

pub(crate) fn push_unique(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|x| x.eq_ignore_ascii_case(name)) {
        list.push(name.to_owned());
    }
}

const CONSTRAINT_WORDS: &[&str] = &[
    "CONSTRAINT",
    "PRIMARY",
    "UNIQUE",
    "FOREIGN",
    "CHECK",
    "EXCLUDE",
    "INDEX",
    "KEY",
    "FULLTEXT",
    "SPATIAL",
    "PARTITION",
    "PERIOD",
];

fn alter_action(ctx: &mut Context, table: &str, a: &[Tok<'_>]) -> Option<Classification> {
    let first = a.first()?.upper();
    let on_table = vec![table.to_owned()];
    let c = match first.as_str() {
        "ADD" => {
            let mut j = 1;
            let column_keyword = eat(a, &mut j, "COLUMN");
            eat_seq(a, &mut j, &["IF", "NOT", "EXISTS"]);
            if !column_keyword && a.get(j).is_some_and(|x| x.is_any(CONSTRAINT_WORDS)) {
                add_constraint(table, &a[j..])
            } else {
                add_column(ctx, table, &a[j..])
            }
        }
        "DROP" => {
            let mut j = 1;
            let column_keyword = eat(a, &mut j, "COLUMN");
            let what = a.get(1).map(|x| x.upper()).unwrap_or_default();
            if !column_keyword && what == "PARTITION" {
                Classification::destructive(format!("DROP PARTITION on {table}"), 0.1)
                    .detail("deletes the partition's rows")
            } else if !column_keyword
                && a.get(1).is_some_and(|x| {
                    x.is_any(&[
                        "CONSTRAINT",
                        "INDEX",
                        "KEY",
                        "PRIMARY",
                        "FOREIGN",
                        "CHECK",
                        "TRIGGER",
                        "PERIOD",
                        "SYSTEM",
                        "DEFAULT",
                    ])
                })
            {
                Classification::online(format!("DROP {what} on {table}"))
            } else {
                eat_seq(a, &mut j, &["IF", "EXISTS"]);
                let column = name_at(a, j).map(|(n, _)| n).unwrap_or_default();
                Classification::destructive(format!("DROP COLUMN {column} on {table}"), 0.1)
                    .detail("deletes the column's value in every row")
            }
        }
        "TRUNCATE" => Classification::destructive(format!("TRUNCATE PARTITION on {table}"), 0.1)
            .detail("deletes the partition's rows"),
        "ALTER" => {
            let mut j = 1;
            eat(a, &mut j, "COLUMN");
            let (column, k) = name_at(a, j).unwrap_or_default();
            // After the name, so that a column called `type` is not a TYPE change.
            let change = a.get(k..).unwrap_or_default();
            if has_top(change, "TYPE") {
                Classification::locking(
                    format!("ALTER COLUMN {column} TYPE on {table}"),
                    "rewrites the table, blocking reads and writes until it is done",
                )
            } else if has_top_seq(change, &["SET", "NOT", "NULL"]) {
                Classification::locking(
                    format!("ALTER COLUMN {column} SET NOT NULL on {table}"),
                    "scans every row while blocking writes",
                )
            } else {
                Classification::online(format!("ALTER COLUMN {column} on {table}"))
            }
        }
        "MODIFY" => {
            let mut j = 1;
            eat(a, &mut j, "COLUMN");
            let column = name_at(a, j).map(|(n, _)| n).unwrap_or_default();
            Classification::locking(
                format!("MODIFY {column} on {table}"),
                "MySQL copies the table for most column changes, blocking writes",
            )
        }
        "CHANGE" => {
            let mut j = 1;
            eat(a, &mut j, "COLUMN");
            let column = name_at(a, j).map(|(n, _)| n).unwrap_or_default();
            Classification::locking(
                format!("CHANGE {column} on {table}"),
                "MySQL may copy the table, and code that uses the old name fails",
            )
        }
        "RENAME" => {
            if a.get(1)
                .is_some_and(|x| x.is_any(&["INDEX", "KEY", "CONSTRAINT"]))
            {
                Classification::online(format!("RENAME {} on {table}", a[1].upper()))
            } else {
                Classification::locking(
                    format!("RENAME on {table}"),
                    "code that still uses the old name fails",
                )
            }
        }
        "SET" => {
            if a.get(1)
                .is_some_and(|x| x.is_any(&["TABLESPACE", "LOGGED", "UNLOGGED", "ACCESS"]))
            {
                Classification::locking(
                    format!("SET {} on {table}", a[1].upper()),
                    "rewrites the table under an exclusive lock",
                )
            } else if is_at(a, 1, "SCHEMA") {
                Classification::locking(
                    format!("SET SCHEMA on {table}"),
                    "moves the table: code that uses the old qualified name fails",
                )
            } else {
                Classification::online(format!("SET on {table}"))
            }
        }
        "ENGINE" | "CONVERT" | "FORCE" | "ROW_FORMAT" => Classification::locking(
            format!("{first} on {table}"),
            "MySQL rebuilds the table, blocking writes",
        ),
        "VALIDATE" => Classification::online(format!("VALIDATE CONSTRAINT on {table}"))
            .detail("checks existing rows without blocking writes"),
        // Options of the statement, not changes to the table.
        "ALGORITHM" | "LOCK" => return None,
        "OWNER" | "ENABLE" | "DISABLE" | "REPLICA" | "CLUSTER" | "RESET" | "INHERIT" | "NO"
        | "OF" | "NOT" | "ATTACH" | "DETACH" | "COMMENT" | "AUTO_INCREMENT" | "DEFAULT"
        | "CHARACTER" | "CHARSET" | "COLLATE" => {
            Classification::online(format!("{first} on {table}"))
        }
        _ => Classification::unrecognized(
            format!("ALTER TABLE {table} {first} ..."),
            "not recognized: counted as online",
        ),
    };
    Some(c.on(on_table))
}

/// Functions whose value differs per row, so a DEFAULT using them must be
/// written into every existing row.
const VOLATILE_FUNCTIONS: &[&str] = &[
    "RANDOM",
    "GEN_RANDOM_UUID",
    "UUID_GENERATE_V1",
    "UUID_GENERATE_V1MC",
    "UUID_GENERATE_V4",
    "CLOCK_TIMESTAMP",
    "TIMEOFDAY",
    "NEXTVAL",
    "UUID",
    "NEWID",
    "SYS_GUID",
];

fn add_column(ctx: &mut Context, table: &str, d: &[Tok<'_>]) -> Classification {
    // MySQL: ADD (a INT, b INT); the first column stands for the list.
    if d.first().is_some_and(|x| x.is_sym('(')) {
        return add_column(ctx, table, &d[1..]);
    }
    let Some((column, k)) = name_at(d, 0) else {
        return Classification::unrecognized(format!("ADD on {table}"), "counted as online");
    };
    let def = &d[k..];
    ctx.added.insert((key(table), key(&column)));
    let not_null = has_top_seq(def, &["NOT", "NULL"]);
    let default = find_top(def, "DEFAULT");
    let volatile = default.is_some_and(|p| def[p..].iter().any(|x| x.is_any(VOLATILE_FUNCTIONS)));
    let serial = def.first().is_some_and(|x| {
        x.is_any(&[
            "SERIAL",
            "BIGSERIAL",
            "SMALLSERIAL",
            "SERIAL2",
            "SERIAL4",
            "SERIAL8",
        ])
    });
    let fills = serial
        || volatile
        || has_word(def, "IDENTITY")
        || has_word(def, "AUTO_INCREMENT")
        || has_word(def, "AUTOINCREMENT")
        || (has_word(def, "GENERATED") && has_word(def, "STORED"));
    let indexed = has_top(def, "UNIQUE") || has_top_seq(def, &["PRIMARY", "KEY"]);
    if fills {
        Classification::locking(
            format!("ADD COLUMN {column} on {table}"),
            "computes a value for every existing row, rewriting the table under an exclusive lock",
        )
    } else if not_null && default.is_some() {
        Classification::locking(
            format!("ADD COLUMN {column} NOT NULL DEFAULT on {table}"),
            "rewrites the table on PostgreSQL before 11 and MySQL before 8.0, blocking writes meanwhile",
        )
    } else if not_null {
        Classification::locking(
            format!("ADD COLUMN {column} NOT NULL without DEFAULT on {table}"),
            format!("fails if {table} already has rows"),
        )
    } else if indexed {
        Classification::locking(
            format!("ADD COLUMN {column} UNIQUE on {table}"),
            "builds an index while blocking writes",
        )
    } else if default.is_some() {
        Classification::online(format!("ADD COLUMN {column} DEFAULT on {table}"))
            .detail("instant on PostgreSQL 11+ and MySQL 8.0+; older versions rewrite the table")
    } else {
        Classification::online(format!("ADD COLUMN {column} on {table}"))
            .detail("nullable, no default: a catalog-only change")
    }
}

fn add_constraint(table: &str, c: &[Tok<'_>]) -> Classification {
    let mut j = 0;
    if eat(c, &mut j, "CONSTRAINT")
        && let Some((_, next)) = name_at(c, j)
    {
        j = next;
    }
    let not_valid = has_top_seq(c, &["NOT", "VALID"]);
    let kind = c.get(j).map(|x| x.upper()).unwrap_or_default();
    match kind.as_str() {
        "FOREIGN" => {
            let refs: Vec<String> = find_top(c, "REFERENCES")
                .and_then(|r| name_at(c, r + 1))
                .map(|(n, _)| vec![n])
                .unwrap_or_default();
            if not_valid {
                Classification::online(format!("ADD FOREIGN KEY NOT VALID on {table}"))
                    .detail("existing rows are checked later, by VALIDATE CONSTRAINT")
                    .referencing(refs)
            } else {
                let also = refs
                    .first()
                    .map(|r| format!(" and {r}"))
                    .unwrap_or_default();
                Classification::locking(
                    format!("ADD FOREIGN KEY on {table} without NOT VALID"),
                    format!("checks every existing row while blocking writes to {table}{also}"),
                )
                .referencing(refs)
            }
        }
        "CHECK" if not_valid => Classification::online(format!("ADD CHECK NOT VALID on {table}"))
            .detail("existing rows are checked later, by VALIDATE CONSTRAINT"),
        "CHECK" => Classification::locking(
            format!("ADD CHECK on {table} without NOT VALID"),
            "checks every existing row while blocking writes",
        ),
        "UNIQUE" | "PRIMARY" if has_top_seq(c, &["USING", "INDEX"]) => {
            Classification::online(format!("ADD {} USING INDEX on {table}", key_kind(&kind)))
                .detail("reuses an index built beforehand")
        }
        "UNIQUE" | "PRIMARY" | "EXCLUDE" => Classification::locking(
            format!("ADD {} on {table}", key_kind(&kind)),
            "builds an index while blocking writes (build it CONCURRENTLY first, then add the constraint USING INDEX)",
        ),
        "FULLTEXT" | "SPATIAL" => Classification::locking(
            format!("ADD {kind} INDEX on {table}"),
            "MySQL blocks writes while it builds",
        ),
        "INDEX" | "KEY" => Classification::online(format!("ADD INDEX on {table}"))
            .detail("MySQL (InnoDB) builds secondary indexes without blocking writes"),
        _ => Classification::online(format!("ADD {kind} on {table}")),
    }
}

/// `PRIMARY` reads better as `PRIMARY KEY`.
fn key_kind(kind: &str) -> &str {
    if kind == "PRIMARY" {
        "PRIMARY KEY"
    } else {
        kind
    }
}
