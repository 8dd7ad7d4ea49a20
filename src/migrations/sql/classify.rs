//! The classifier's verdict on one statement, and the context (tables
//! and columns created earlier in the same migration) it is judged in.

use super::rules::classify_tokens;
use super::tokens::tokens;
use crate::migrations::Effect;
use std::collections::BTreeSet;

/// What one statement does to a live database, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    /// How a running application feels the statement.
    pub effect: Effect,
    /// What the statement is, shortly: `DELETE without WHERE on orders`.
    pub summary: String,
    /// Why that matters, when it is not obvious from the summary.
    pub detail: Option<String>,
    /// Tables the statement touches: first those whose rows it changes or
    /// locks, then those it only references (a foreign key's target).
    pub tables: Vec<String>,
    /// Destructive only: default estimate of the share of the table's rows
    /// affected. 1.0 when rows are removed (DROP, TRUNCATE, DELETE without
    /// WHERE); 0.1 when values are overwritten or a column or partition is
    /// dropped (the rows survive) or when only LIMIT bounds the statement.
    pub share: Option<f64>,
    /// False when no rule matched; the effect is then `Online` by default.
    pub recognized: bool,
    /// PostgreSQL refuses to run it inside a transaction block
    /// (`CREATE INDEX CONCURRENTLY`, `VACUUM`, …).
    pub cannot_run_in_transaction: bool,
    /// It commits the surrounding transaction (`COMMIT`, `END`).
    pub ends_transaction: bool,
    /// How many leading entries of `tables` are changed or locked.
    pub(super) subjects: usize,
}

impl Classification {
    pub(super) fn new(effect: Effect, summary: impl Into<String>) -> Self {
        Classification {
            effect,
            summary: summary.into(),
            detail: None,
            tables: Vec::new(),
            share: None,
            recognized: true,
            cannot_run_in_transaction: false,
            ends_transaction: false,
            subjects: 0,
        }
    }

    pub(super) fn online(summary: impl Into<String>) -> Self {
        Self::new(Effect::Online, summary)
    }

    pub(super) fn locking(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(Effect::Locking, summary).detail(detail)
    }

    pub(super) fn destructive(summary: impl Into<String>, share: f64) -> Self {
        let mut c = Self::new(Effect::Destructive, summary);
        c.share = Some(share);
        c
    }

    pub(super) fn unrecognized(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        let mut c = Self::online(summary).detail(detail);
        c.recognized = false;
        c
    }

    pub(super) fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub(super) fn on(mut self, tables: Vec<String>) -> Self {
        let refs = self.tables.split_off(self.subjects);
        self.subjects += tables.len();
        self.tables.extend(tables);
        self.tables.extend(refs);
        self
    }

    pub(super) fn referencing(mut self, tables: Vec<String>) -> Self {
        self.tables.extend(tables);
        self
    }

    pub(super) fn no_transaction(mut self) -> Self {
        self.cannot_run_in_transaction = true;
        self
    }

    /// Tables whose rows the statement changes or locks.
    pub(super) fn subjects(&self) -> &[String] {
        &self.tables[..self.subjects]
    }

    /// `summary: detail`, or the summary alone.
    pub fn reason(&self) -> String {
        match &self.detail {
            Some(d) => format!("{}: {d}", self.summary),
            None => self.summary.clone(),
        }
    }
}

/// Classifies one statement on its own. Within a migration, prefer the
/// migration readers: they also know which tables the migration itself
/// created (and so are still empty) and which columns it added.
pub fn classify(statement: &str) -> Classification {
    classify_in(&mut Context::default(), statement)
}

/// What earlier statements of the same migration did.
#[derive(Debug, Default)]
pub(crate) struct Context {
    pub(super) created: BTreeSet<String>,
    pub(super) added: BTreeSet<(String, String)>,
}

pub(super) fn key(name: &str) -> String {
    name.to_lowercase()
}

/// `orders` and `public.orders` name the same table unless both are
/// qualified differently.
fn same_table(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let last = |s: &str| s.rsplit('.').next().unwrap_or(s).to_owned();
    (!a.contains('.') || !b.contains('.')) && last(a) == last(b)
}

impl Context {
    pub(super) fn created(&self, table: &str) -> bool {
        let k = key(table);
        self.created.iter().any(|c| same_table(c, &k))
    }

    pub(super) fn added(&self, table: &str, column: &str) -> bool {
        let (t, c) = (key(table), key(column));
        self.added
            .iter()
            .any(|(at, ac)| *ac == c && same_table(at, &t))
    }

    /// A lock on, or damage to, a table created earlier in this migration
    /// harms nothing: the table is still empty and unused.
    pub(super) fn settle(&self, mut c: Classification) -> Classification {
        let subjects = c.subjects();
        if c.effect > Effect::Online
            && !subjects.is_empty()
            && subjects.iter().all(|t| self.created(t))
        {
            let names = subjects.join(", ");
            c.effect = Effect::Online;
            c.share = None;
            c.detail = Some(format!(
                "{names} is created earlier in this migration, so it is still empty"
            ));
        }
        c
    }
}

pub(crate) fn classify_in(ctx: &mut Context, statement: &str) -> Classification {
    let toks = tokens(statement);
    if toks.is_empty() {
        return Classification::unrecognized("empty statement", "nothing to run");
    }
    // Each rule settles its own verdict against the context (see
    // `Context::settle`), before the statement itself updates the context.
    classify_tokens(ctx, &toks, statement)
}
