//! The rules for `CREATE` (tables, indexes, views, procedures) and for
//! `WITH` statements.

use super::alter::combine;
use super::classify::{Classification, Context, key};
use super::rules::classify_tokens;
use super::tokens::{Tok, eat, eat_seq, find_top, name_at, on_names, snippet};

pub(super) fn create_stmt(ctx: &mut Context, t: &[Tok<'_>]) -> Classification {
    let mut i = 1;
    let or_replace = eat_seq(t, &mut i, &["OR", "REPLACE"]);
    while t.get(i).is_some_and(|x| {
        x.is_any(&[
            "GLOBAL",
            "LOCAL",
            "TEMP",
            "TEMPORARY",
            "UNLOGGED",
            "UNIQUE",
            "CLUSTERED",
            "NONCLUSTERED",
            "RECURSIVE",
            "MATERIALIZED",
            "CONSTRAINT",
        ])
    }) {
        i += 1;
    }
    let object = t.get(i).map(|x| x.upper()).unwrap_or_default();
    match object.as_str() {
        "TABLE" => {
            let mut j = i + 1;
            eat_seq(t, &mut j, &["IF", "NOT", "EXISTS"]);
            let Some((name, _)) = name_at(t, j) else {
                return Classification::unrecognized("CREATE TABLE", "counted as online");
            };
            let c = if or_replace {
                Classification::destructive(format!("CREATE OR REPLACE TABLE {name}"), 1.0)
                    .detail("replaces the existing table and its rows")
            } else {
                Classification::online(format!("CREATE TABLE {name}"))
            };
            let c = ctx.settle(c.on(vec![name.clone()]));
            ctx.created.insert(key(&name));
            c
        }
        "INDEX" => create_index(ctx, t, i),
        "FULLTEXT" | "SPATIAL" => {
            let names: Vec<String> = find_top(t, "ON")
                .and_then(|k| name_at(t, k + 1))
                .map(|(n, _)| vec![n])
                .unwrap_or_default();
            ctx.settle(
                Classification::locking(
                    format!("CREATE {object} INDEX{}", on_names(&names)),
                    "MySQL blocks writes while it builds",
                )
                .on(names),
            )
        }
        "TRIGGER" => {
            let names: Vec<String> = find_top(t, "ON")
                .and_then(|k| name_at(t, k + 1))
                .map(|(n, _)| vec![n])
                .unwrap_or_default();
            Classification::online(format!("CREATE TRIGGER{}", on_names(&names)))
        }
        "DATABASE" | "TABLESPACE" | "SUBSCRIPTION" => {
            Classification::online(format!("CREATE {object}")).no_transaction()
        }
        "" => Classification::unrecognized("CREATE", "counted as online"),
        _ => {
            let mut j = i + 1;
            eat_seq(t, &mut j, &["IF", "NOT", "EXISTS"]);
            let name = name_at(t, j)
                .map(|(n, _)| format!(" {n}"))
                .unwrap_or_default();
            Classification::online(format!("CREATE {object}{name}"))
        }
    }
}

fn create_index(ctx: &mut Context, t: &[Tok<'_>], index_at: usize) -> Classification {
    let mut i = index_at + 1;
    let concurrently = eat(t, &mut i, "CONCURRENTLY");
    let names: Vec<String> = find_top(t, "ON")
        .and_then(|k| {
            let mut j = k + 1;
            eat(t, &mut j, "ONLY");
            name_at(t, j)
        })
        .map(|(n, _)| vec![n])
        .unwrap_or_default();
    let on = on_names(&names);
    let lock_none = t
        .windows(3)
        .any(|w| w[0].is("LOCK") && w[1].is_sym('=') && w[2].is("NONE"));
    let c = if concurrently {
        Classification::online(format!("CREATE INDEX CONCURRENTLY{on}"))
            .detail("builds without blocking writes, but cannot run inside a transaction")
            .no_transaction()
    } else if lock_none {
        Classification::online(format!("CREATE INDEX{on} with LOCK=NONE"))
    } else {
        let table = names.first().map(String::as_str).unwrap_or("the table");
        Classification::locking(
            format!("CREATE INDEX{on} without CONCURRENTLY"),
            format!("writes to {table} wait until the index is built"),
        )
    };
    ctx.settle(c.on(names))
}

/// `WITH … AS (…) main`: the main statement and every data-modifying
/// common table expression count.
pub(super) fn with_stmt(ctx: &mut Context, t: &[Tok<'_>], statement: &str) -> Classification {
    let base = t[0].depth;
    let mut parts = Vec::new();
    let mut i = 1;
    let mut main = None;
    while i < t.len() {
        let x = &t[i];
        if x.depth == base && x.is("AS") {
            let mut j = i + 1;
            eat(t, &mut j, "NOT");
            eat(t, &mut j, "MATERIALIZED");
            if t.get(j).is_some_and(|p| p.is_sym('(')) {
                let close = t[j + 1..]
                    .iter()
                    .position(|p| p.depth == base && p.is_sym(')'))
                    .map_or(t.len(), |p| j + 1 + p);
                let body = &t[j + 1..close];
                if body
                    .first()
                    .is_some_and(|b| b.is_any(&["DELETE", "UPDATE", "INSERT", "MERGE"]))
                {
                    parts.push(classify_tokens(ctx, body, statement));
                }
                i = close + 1;
                continue;
            }
        }
        if x.depth == base && x.is_any(&["SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES"])
        {
            main = Some(i);
            break;
        }
        i += 1;
    }
    if let Some(m) = main {
        parts.push(classify_tokens(ctx, &t[m..], statement));
    }
    if parts.is_empty() {
        return Classification::unrecognized(
            format!("unrecognized statement `{}`", snippet(statement)),
            "counted as online",
        );
    }
    let parts = parts.into_iter().map(|c| ctx.settle(c)).collect();
    combine(parts, "")
}
