//! The rules, by statement: the dispatch on the first keyword, then
//! `DROP`, `DELETE` and `UPDATE`.

use super::alter::alter_stmt;
use super::classify::{Classification, Context};
use super::create::{create_stmt, with_stmt};
use super::lexer::Kind;
use super::splitter::TRANSACTION_WORDS;
use super::tokens::{
    Tok, eat, eat_seq, find_top, has_top, has_top_seq, has_word, ident, is_at, name_at, name_list,
    on_names, snippet, split_top_commas,
};

pub(super) fn classify_tokens(ctx: &mut Context, t: &[Tok<'_>], statement: &str) -> Classification {
    let Some(first) = t.first() else {
        return Classification::unrecognized("empty statement", "nothing to run");
    };
    let verb = first.upper();
    match verb.as_str() {
        "DROP" => drop_stmt(ctx, t),
        "TRUNCATE" => {
            let mut i = 1;
            eat(t, &mut i, "TABLE");
            let names = name_list(t, &mut i);
            let c = Classification::destructive(format!("TRUNCATE {}", names.join(", ")), 1.0)
                .detail("removes every row");
            ctx.settle(c.on(names))
        }
        "DELETE" => delete_stmt(ctx, t),
        "UPDATE" => update_stmt(ctx, t),
        "ALTER" => alter_stmt(ctx, t),
        "CREATE" => create_stmt(ctx, t),
        "WITH" => with_stmt(ctx, t, statement),
        "INSERT" | "REPLACE" | "UPSERT" | "MERGE" => {
            let mut i = 1;
            while t
                .get(i)
                .is_some_and(|x| x.is_any(&["IGNORE", "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY"]))
            {
                i += 1;
            }
            eat(t, &mut i, "INTO");
            match name_at(t, i) {
                Some((n, _)) => Classification::online(format!("{verb} INTO {n}")).on(vec![n]),
                None => Classification::online(verb),
            }
        }
        "COPY" => match name_at(t, 1) {
            Some((n, _)) => Classification::online(format!("COPY {n}")).on(vec![n]),
            None => Classification::online("COPY"),
        },
        "LOAD" => Classification::online("LOAD DATA"),
        "COMMIT" => commit(),
        "END" if t.len() == 1 || (t.len() == 2 && t[1].is_any(&["WORK", "TRANSACTION"])) => {
            commit()
        }
        "BEGIN" => {
            if t.len() == 1 || t[1].is_any(TRANSACTION_WORDS) {
                Classification::online("BEGIN")
            } else {
                Classification::unrecognized(
                    "procedural block (BEGIN ... END)",
                    "its body is not analysed: check it by hand",
                )
            }
        }
        "DECLARE" if !t.get(1).is_some_and(|x| x.is_sym('@')) => Classification::unrecognized(
            "procedural block (DECLARE ... END)",
            "its body is not analysed: check it by hand",
        ),
        "DO" => {
            Classification::unrecognized("DO block", "its body is not analysed: check it by hand")
        }
        "CALL" | "EXEC" | "EXECUTE" => Classification::unrecognized(
            format!("{verb} {}", t.get(1).map_or("", |x| x.text)),
            "what the procedure does is not analysed: check it by hand",
        ),
        "VACUUM" => {
            let mut i = 1;
            let mut full = false;
            // Bounded: every branch moves `i` forward.
            loop {
                match t.get(i) {
                    Some(x) if x.is_any(&["FULL", "FREEZE", "VERBOSE", "ANALYZE", "ANALYSE"]) => {
                        full |= x.is("FULL");
                        i += 1;
                    }
                    Some(x) if x.is_sym('(') => {
                        let close = t[i + 1..]
                            .iter()
                            .position(|p| p.depth == x.depth && p.is_sym(')'))
                            .map_or(t.len(), |p| i + 1 + p);
                        full |= t[i..close].iter().any(|p| p.is("FULL"));
                        i = close + 1;
                    }
                    _ => break,
                }
            }
            let names = name_list(t, &mut i);
            let c = if full {
                Classification::locking(
                    format!("VACUUM FULL{}", on_names(&names)),
                    "rewrites the table under an exclusive lock: no reads or writes meanwhile",
                )
            } else {
                Classification::online("VACUUM")
            };
            ctx.settle(c.on(names).no_transaction())
        }
        "CLUSTER" => {
            let mut i = 1;
            eat(t, &mut i, "VERBOSE");
            let names: Vec<String> = name_at(t, i).map(|(n, _)| vec![n]).unwrap_or_default();
            ctx.settle(
                Classification::locking(
                    format!("CLUSTER{}", on_names(&names)),
                    "rewrites the table in index order under an exclusive lock",
                )
                .on(names),
            )
        }
        "LOCK" => {
            let mut i = 1;
            if !eat(t, &mut i, "TABLE") {
                eat(t, &mut i, "TABLES");
            }
            let names = name_list(t, &mut i);
            let weak = has_top_seq(t, &["ACCESS", "SHARE"]) || has_top_seq(t, &["ROW", "SHARE"]);
            let c = if weak {
                Classification::online(format!("LOCK TABLE {} in a share mode", names.join(", ")))
            } else {
                Classification::locking(
                    format!("LOCK TABLE {}", names.join(", ")),
                    "blocks writes until the migration's transaction ends",
                )
            };
            ctx.settle(c.on(names))
        }
        "REINDEX" => {
            let concurrently = has_word(t, "CONCURRENTLY");
            let wide = t
                .iter()
                .any(|x| x.is_any(&["SCHEMA", "DATABASE", "SYSTEM"]));
            let names: Vec<String> = find_top(t, "TABLE")
                .or_else(|| find_top(t, "INDEX"))
                .and_then(|k| {
                    let mut i = k + 1;
                    eat(t, &mut i, "CONCURRENTLY");
                    name_at(t, i)
                })
                .map(|(n, _)| vec![n])
                .unwrap_or_default();
            let c = if concurrently {
                Classification::online(format!("REINDEX CONCURRENTLY{}", on_names(&names)))
                    .detail("rebuilds without blocking writes, but cannot run inside a transaction")
                    .no_transaction()
            } else if wide {
                Classification::locking(
                    "REINDEX of a whole schema or database",
                    "blocks writes to each table while its indexes rebuild, and cannot run inside a transaction",
                )
                .no_transaction()
            } else {
                Classification::locking(
                    format!("REINDEX{}", on_names(&names)),
                    "blocks writes to the table while its indexes rebuild",
                )
            };
            ctx.settle(c.on(names))
        }
        "RENAME" => {
            let mut i = 1;
            if !eat(t, &mut i, "TABLE") {
                eat(t, &mut i, "TABLES");
            }
            let names: Vec<String> = name_at(t, i).map(|(n, _)| vec![n]).unwrap_or_default();
            ctx.settle(
                Classification::locking(
                    format!("RENAME TABLE{}", on_names(&names).replacen(" on ", " ", 1)),
                    "code that still uses the old name fails",
                )
                .on(names),
            )
        }
        "OPTIMIZE" => {
            let mut i = 1;
            eat(t, &mut i, "TABLE");
            let names = name_list(t, &mut i);
            ctx.settle(
                Classification::locking(
                    format!("OPTIMIZE TABLE {}", names.join(", ")),
                    "MySQL rebuilds the table",
                )
                .on(names),
            )
        }
        "REFRESH" => {
            let concurrently = has_word(t, "CONCURRENTLY");
            let c = Classification::online("REFRESH MATERIALIZED VIEW");
            if concurrently {
                c
            } else {
                c.detail("blocks reads of the view while it refreshes")
            }
        }
        "DISCARD" => Classification::online("DISCARD").no_transaction(),
        "COMMENT" | "GRANT" | "REVOKE" | "SET" | "RESET" | "SELECT" | "VALUES" | "SHOW"
        | "EXPLAIN" | "ANALYZE" | "ANALYSE" | "USE" | "SAVEPOINT" | "RELEASE" | "ROLLBACK"
        | "START" | "PREPARE" | "DEALLOCATE" | "NOTIFY" | "LISTEN" | "UNLISTEN" | "CHECKPOINT"
        | "SECURITY" | "PRAGMA" | "IMPORT" => Classification::online(verb),
        _ => Classification::unrecognized(
            format!("unrecognized statement `{}`", snippet(statement)),
            "counted as online",
        ),
    }
}

fn commit() -> Classification {
    let mut c = Classification::online("COMMIT").detail(
        "ends the migration's transaction early: if a later statement fails, the earlier ones stay applied",
    );
    c.ends_transaction = true;
    c
}

fn drop_stmt(ctx: &mut Context, t: &[Tok<'_>]) -> Classification {
    let mut i = 1;
    let temporary = eat(t, &mut i, "TEMPORARY");
    let cascade = has_top(t, "CASCADE");
    let object = t.get(i).map(|x| x.upper()).unwrap_or_default();
    match object.as_str() {
        "TABLE" => {
            i += 1;
            eat_seq(t, &mut i, &["IF", "EXISTS"]);
            let names = name_list(t, &mut i);
            let summary = format!("DROP TABLE {}", names.join(", "));
            let c = if temporary {
                Classification::online(format!("DROP TEMPORARY {}", &summary[5..]))
            } else if cascade {
                Classification::destructive(summary, 1.0)
                    .detail("CASCADE also drops the views and foreign keys that depend on it")
            } else {
                Classification::destructive(summary, 1.0)
            };
            ctx.settle(c.on(names))
        }
        "SCHEMA" | "DATABASE" => {
            i += 1;
            eat_seq(t, &mut i, &["IF", "EXISTS"]);
            let names = name_list(t, &mut i);
            let c = Classification::destructive(format!("DROP {object} {}", names.join(", ")), 1.0)
                .detail("drops every table in it");
            if object == "DATABASE" {
                c.no_transaction()
            } else {
                c
            }
        }
        "OWNED" => Classification::destructive("DROP OWNED", 1.0)
            .detail("drops every object the role owns, tables included"),
        "INDEX" => {
            i += 1;
            let concurrently = eat(t, &mut i, "CONCURRENTLY");
            eat_seq(t, &mut i, &["IF", "EXISTS"]);
            let index = name_at(t, i).map(|(n, _)| n).unwrap_or_default();
            let table: Vec<String> = find_top(t, "ON")
                .and_then(|k| name_at(t, k + 1))
                .map(|(n, _)| vec![n])
                .unwrap_or_default();
            let c = Classification::online(format!("DROP INDEX {index}"))
                .detail("no data is lost; queries that used it may slow down")
                .on(table);
            if concurrently { c.no_transaction() } else { c }
        }
        "TYPE" | "DOMAIN" | "EXTENSION" if cascade => {
            Classification::destructive(format!("DROP {object} ... CASCADE"), 0.1)
                .detail("also drops every column that uses it")
        }
        "TABLESPACE" | "SUBSCRIPTION" => {
            Classification::online(format!("DROP {object}")).no_transaction()
        }
        "" => Classification::unrecognized("DROP", "counted as online"),
        _ => {
            let mut j = i + 1;
            if object == "MATERIALIZED" {
                j += 1;
            }
            eat_seq(t, &mut j, &["IF", "EXISTS"]);
            let name = name_at(t, j)
                .map(|(n, _)| format!(" {n}"))
                .unwrap_or_default();
            Classification::online(format!("DROP {object}{name}"))
                .detail("no table rows are removed")
        }
    }
}

/// `WHERE TRUE` and `WHERE 1 = 1` bound nothing.
fn trivial_where(t: &[Tok<'_>], w: usize) -> bool {
    let base = t[w].depth;
    let cond: Vec<&Tok<'_>> = t[w + 1..]
        .iter()
        .take_while(|x| !(x.depth == base && x.is_any(&["ORDER", "LIMIT", "RETURNING"])))
        .collect();
    match cond.as_slice() {
        [one] => one.is("TRUE"),
        [a, eq, b] => {
            a.kind == Kind::Num && eq.is_sym('=') && b.kind == Kind::Num && a.text == b.text
        }
        _ => false,
    }
}

/// Whether a DELETE or UPDATE is bounded by a real WHERE (or, in MySQL's
/// multi-table form, by a JOIN … ON).
fn bounded(t: &[Tok<'_>]) -> bool {
    match find_top(t, "WHERE") {
        Some(w) => !trivial_where(t, w),
        None => has_top(t, "JOIN") && has_top(t, "ON"),
    }
}

fn delete_stmt(ctx: &mut Context, t: &[Tok<'_>]) -> Classification {
    let mut i = 1;
    while t
        .get(i)
        .is_some_and(|x| x.is_any(&["LOW_PRIORITY", "QUICK", "IGNORE"]))
    {
        i += 1;
    }
    let mut names = Vec::new();
    if !is_at(t, i, "FROM") {
        // MySQL multi-table form: DELETE a, b FROM a JOIN b ...
        names = name_list(t, &mut i);
    }
    if eat(t, &mut i, "FROM") && names.is_empty() {
        eat(t, &mut i, "ONLY");
        if let Some((n, _)) = name_at(t, i) {
            names.push(n);
        }
    }
    let on = on_names(&names);
    let c = if bounded(t) {
        Classification::online(format!("DELETE with WHERE{on}"))
    } else if has_top(t, "LIMIT") {
        Classification::destructive(format!("DELETE without WHERE{on}"), 0.1)
            .detail("deletes rows picked only by LIMIT")
    } else {
        Classification::destructive(format!("DELETE without WHERE{on}"), 1.0)
            .detail("deletes every row")
    };
    ctx.settle(c.on(names))
}

fn update_stmt(ctx: &mut Context, t: &[Tok<'_>]) -> Classification {
    let mut i = 1;
    while t
        .get(i)
        .is_some_and(|x| x.is_any(&["LOW_PRIORITY", "IGNORE", "ONLY"]))
    {
        i += 1;
    }
    let names: Vec<String> = name_at(t, i).map(|(n, _)| vec![n]).unwrap_or_default();
    let on = on_names(&names);
    let c = if bounded(t) {
        Classification::online(format!("UPDATE with WHERE{on}"))
    } else {
        let assigned = assigned_columns(t);
        let table = names.first().map(String::as_str).unwrap_or("");
        if !assigned.is_empty() && assigned.iter().all(|col| ctx.added(table, col)) {
            Classification::online(format!("UPDATE without WHERE{on}")).detail(format!(
                "backfills {}, added earlier in this migration",
                assigned.join(", ")
            ))
        } else if has_top(t, "LIMIT") {
            Classification::destructive(format!("UPDATE without WHERE{on}"), 0.1)
                .detail("overwrites rows picked only by LIMIT")
        } else {
            Classification::destructive(format!("UPDATE without WHERE{on}"), 0.1)
                .detail("overwrites the values in every row")
        }
    };
    ctx.settle(c.on(names))
}

/// Columns on the left of `=` after `SET`: `SET a = 1, t.b = 2, (c, d) = …`.
fn assigned_columns(t: &[Tok<'_>]) -> Vec<String> {
    let Some(set) = find_top(t, "SET") else {
        return Vec::new();
    };
    let base = t[set].depth;
    let end = t[set + 1..]
        .iter()
        .position(|x| {
            x.depth == base && x.is_any(&["FROM", "WHERE", "RETURNING", "ORDER", "LIMIT"])
        })
        .map_or(t.len(), |p| set + 1 + p);
    let mut cols = Vec::new();
    for seg in split_top_commas(&t[set + 1..end]) {
        let lhs: Vec<&Tok<'_>> = seg.iter().take_while(|x| !x.is_sym('=')).collect();
        for (k, tok) in lhs.iter().enumerate() {
            let qualified_next = lhs.get(k + 1).is_some_and(|x| x.is_sym('.'));
            if !qualified_next && let Some(name) = ident(tok) {
                cols.push(name);
            }
        }
    }
    cols
}
