//! A small SQL statement splitter and a heuristic statement classifier.
//!
//! Neither parses SQL. Both work on a stream of tokens from one lexer that
//! knows just enough to not be fooled: quoted strings (`'..'`, `E'..'` with
//! backslash escapes), quoted identifiers (`".."`, `` `..` ``), dollar quotes
//! (`$$..$$`, `$tag$..$tag$`), line comments (`--`) and nested block comments
//! (`/* /* */ */`). A `;` inside any of these does not end a statement, and a
//! `DROP TABLE` inside any of them is not a `DROP TABLE`.
//!
//! ```text
//!   script ──► Lexer ──► split_statements ──► [Statement] ──► classify ──► Classification
//!                │                                               ▲
//!                └─────────────── (re-lexed per statement) ──────┘
//! ```
//!
//! The splitter also follows the conventions real migration folders use
//! beyond `;`: a line holding only `GO` (SQL Server) or `/` (Oracle) ends a
//! statement, a MySQL-client `DELIMITER //` line changes the delimiter, and
//! procedural bodies (`CREATE PROCEDURE … BEGIN … END`, `DECLARE … BEGIN …
//! END`) are kept whole, the way Flyway's parsers track block depth.
//!
//! The classifier is dialect-agnostic and errs towards the PostgreSQL reading
//! of a statement, whose locking rules are the strictest of the common
//! databases. It never sees table sizes. See `docs/migrations.md` for the
//! table of rules and their reasons.

use std::collections::BTreeSet;

use super::Effect;

// ---------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A bare word: keyword or unquoted identifier.
    Word,
    /// A quoted identifier, quotes included in the span.
    Quoted,
    /// A string literal of any quoting style, quotes included.
    Str,
    /// A number.
    Num,
    /// One ASCII punctuation character.
    Sym,
    /// A statement delimiter met inside a line (`;`, `//`, `$$`).
    InlineDelim,
    /// A line that holds only a delimiter (`GO`, `/`).
    LineDelim,
    /// A `DELIMITER x` line; the token's span is the new delimiter `x`.
    Directive,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
    line: usize,
}

/// Which delimiters end a statement.
#[derive(Debug, Clone)]
struct Delims {
    inline: Option<String>,
    lines: Vec<String>,
    /// Whether `DELIMITER x` lines (MySQL client) are honoured.
    directive: bool,
}

impl Delims {
    /// `;`, plus `GO` and `/` lines, plus `DELIMITER` lines.
    fn standard() -> Self {
        Delims {
            inline: Some(";".to_owned()),
            lines: vec!["GO".to_owned(), "/".to_owned()],
            directive: true,
        }
    }

    /// One custom delimiter. A word (`GO`) or `/` must fill its line, as in
    /// the scripts that use them; anything else (`//`, `$$`) ends a statement
    /// wherever it appears outside quotes and comments.
    fn custom(delimiter: &str) -> Self {
        let d = delimiter.trim();
        if d.is_empty() {
            return Delims::standard();
        }
        if d == "/" || d.chars().all(char::is_alphabetic) {
            Delims {
                inline: None,
                lines: vec![d.to_owned()],
                directive: false,
            }
        } else {
            Delims {
                inline: Some(d.to_owned()),
                lines: Vec::new(),
                directive: false,
            }
        }
    }
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

/// Scans bytes. Every byte the lexer treats specially is ASCII, and bytes of
/// multi-byte UTF-8 characters are all >= 0x80, so every token boundary falls
/// on a character boundary and slicing the source by token spans is safe.
struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    line: usize,
    /// Only whitespace since the last newline (or the start).
    at_line_start: bool,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Self {
        Lexer {
            src,
            pos: 0,
            line: 1,
            at_line_start: true,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.src.as_bytes()
    }

    fn advance_to(&mut self, end: usize) {
        let end = end.min(self.src.len());
        let b = self.bytes();
        self.line += b[self.pos..end].iter().filter(|&&c| c == b'\n').count();
        self.pos = end;
    }

    fn end_of_line(&self) -> usize {
        let b = self.bytes();
        b[self.pos..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |p| self.pos + p)
    }

    /// The next token, or `None` at the end. With `delims`, delimiters come
    /// out as their own tokens; without, `;` is an ordinary symbol.
    fn next(&mut self, delims: Option<&Delims>, statement_empty: bool) -> Option<Token> {
        let b = self.bytes();
        loop {
            while self.pos < b.len() && b[self.pos].is_ascii_whitespace() {
                if b[self.pos] == b'\n' {
                    self.line += 1;
                    self.at_line_start = true;
                }
                self.pos += 1;
            }
            if self.pos >= b.len() {
                return None;
            }
            let start = self.pos;
            let line = self.line;
            if let Some(d) = delims {
                if self.at_line_start
                    && let Some(t) = self.line_delimiter(d, statement_empty)
                {
                    return Some(t);
                }
                if let Some(inline) = d.inline.as_deref() {
                    let n = inline.len();
                    if n > 0
                        && b.len() - start >= n
                        && b[start..start + n].eq_ignore_ascii_case(inline.as_bytes())
                    {
                        self.pos = start + n;
                        self.at_line_start = false;
                        return Some(Token {
                            kind: Kind::InlineDelim,
                            start,
                            end: self.pos,
                            line,
                        });
                    }
                }
            }
            self.at_line_start = false;
            // A custom delimiter ends a word or number too, as in the MySQL
            // client: `END$$` is `END` then `$$`.
            let inline = delims
                .and_then(|d| d.inline.as_deref())
                .filter(|d| !d.is_empty())
                .map(str::as_bytes);
            let at_delimiter = |i: usize| {
                inline.is_some_and(|d| {
                    b.len() - i >= d.len() && b[i..i + d.len()].eq_ignore_ascii_case(d)
                })
            };
            let c = b[start];
            let next = b.get(start + 1).copied();
            let kind = match c {
                b'-' if next == Some(b'-') => {
                    self.pos = self.end_of_line();
                    continue;
                }
                b'/' if next == Some(b'*') => {
                    let end = block_comment_end(b, start);
                    self.advance_to(end);
                    continue;
                }
                b'\'' => {
                    self.advance_to(quoted_end(b, start, b'\'', false));
                    Kind::Str
                }
                b'"' | b'`' => {
                    self.advance_to(quoted_end(b, start, c, false));
                    Kind::Quoted
                }
                b'$' => match dollar_quote_end(b, start) {
                    Some(end) => {
                        self.advance_to(end);
                        Kind::Str
                    }
                    None => {
                        self.pos += 1;
                        Kind::Sym
                    }
                },
                b'0'..=b'9' => {
                    let mut i = start;
                    while i < b.len() && (is_ident(b[i]) || b[i] == b'.') && !at_delimiter(i) {
                        i += 1;
                    }
                    self.pos = i;
                    Kind::Num
                }
                _ if is_ident_start(c) => {
                    let mut i = start;
                    while i < b.len() && is_ident(b[i]) && !at_delimiter(i) {
                        i += 1;
                    }
                    // PostgreSQL escape string: E'it\'s'.
                    if i - start == 1 && (c == b'E' || c == b'e') && b.get(i) == Some(&b'\'') {
                        self.advance_to(quoted_end(b, i, b'\'', true));
                        Kind::Str
                    } else {
                        self.pos = i;
                        Kind::Word
                    }
                }
                _ => {
                    self.pos += 1;
                    Kind::Sym
                }
            };
            return Some(Token {
                kind,
                start,
                end: self.pos,
                line,
            });
        }
    }

    /// At the start of a line: a line that is only a delimiter, or a
    /// `DELIMITER x` directive before any token of a statement.
    fn line_delimiter(&mut self, d: &Delims, statement_empty: bool) -> Option<Token> {
        let b = self.bytes();
        let start = self.pos;
        let eol = self.end_of_line();
        let content = b[start..eol].trim_ascii_end();
        if d.lines
            .iter()
            .any(|l| content.eq_ignore_ascii_case(l.as_bytes()))
        {
            self.pos = eol;
            self.at_line_start = false;
            return Some(Token {
                kind: Kind::LineDelim,
                start,
                end: eol,
                line: self.line,
            });
        }
        const KEYWORD: &[u8] = b"DELIMITER";
        if d.directive
            && statement_empty
            && content.len() > KEYWORD.len()
            && content[..KEYWORD.len()].eq_ignore_ascii_case(KEYWORD)
            && (content[KEYWORD.len()] == b' ' || content[KEYWORD.len()] == b'\t')
        {
            let rest = &content[KEYWORD.len()..];
            let lead = rest.len() - rest.trim_ascii_start().len();
            let arg_start = start + KEYWORD.len() + lead;
            let arg_len = b[arg_start..start + content.len()]
                .iter()
                .position(u8::is_ascii_whitespace)
                .unwrap_or(start + content.len() - arg_start);
            if arg_len > 0 {
                self.pos = eol;
                self.at_line_start = false;
                return Some(Token {
                    kind: Kind::Directive,
                    start: arg_start,
                    end: arg_start + arg_len,
                    line: self.line,
                });
            }
        }
        None
    }
}

/// End (exclusive) of a possibly nested block comment starting at `start`.
fn block_comment_end(b: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// End (exclusive) of a quoted run starting at `start` (the opening quote).
/// A doubled quote is an escaped quote; with `backslash`, so is `\'`.
/// Unterminated quotes run to the end of the input.
fn quoted_end(b: &[u8], start: usize, quote: u8, backslash: bool) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        if backslash && b[i] == b'\\' {
            i += 2;
        } else if b[i] == quote {
            if b.get(i + 1) == Some(&quote) {
                i += 2;
            } else {
                return i + 1;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// End (exclusive) of a dollar-quoted string starting at `start`, or `None`
/// when the `$` does not open one (`$1` parameters, a lone `$`).
fn dollar_quote_end(b: &[u8], start: usize) -> Option<usize> {
    let mut j = start + 1;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] >= 0x80) {
        j += 1;
    }
    if j >= b.len() || b[j] != b'$' {
        return None;
    }
    if j > start + 1 && b[start + 1].is_ascii_digit() {
        return None;
    }
    let tag = &b[start..=j];
    let body = j + 1;
    Some(
        b[body..]
            .windows(tag.len())
            .position(|w| w == tag)
            .map_or(b.len(), |p| body + p + tag.len()),
    )
}

// ---------------------------------------------------------------------------
// Splitter
// ---------------------------------------------------------------------------

/// One statement of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement as written, from its first token to its last, without
    /// the delimiter and without comments before it.
    pub text: String,
    /// 1-based line of the statement's first token in the split script.
    pub line: usize,
}

/// Splits a script on `;`, on lines holding only `GO` or `/`, and on the
/// delimiter set by a `DELIMITER x` line, never inside quotes, dollar quotes,
/// comments or procedural `BEGIN … END` bodies. Empty statements are dropped.
pub fn split_statements(sql: &str) -> Vec<Statement> {
    split(sql, Delims::standard())
}

/// Splits a script on one custom delimiter, as Liquibase's `endDelimiter`
/// does. `GO` and `/` must stand on a line of their own; other delimiters
/// (`//`, `$$`) end a statement wherever they appear outside quotes and
/// comments. An empty delimiter means the standard rules of
/// [`split_statements`].
pub fn split_statements_with(sql: &str, delimiter: &str) -> Vec<Statement> {
    split(sql, Delims::custom(delimiter))
}

/// The whole script as one statement (Liquibase `splitStatements:false`), or
/// `None` when it holds nothing but whitespace and comments.
pub(crate) fn whole_statement(sql: &str) -> Option<Statement> {
    let mut lexer = Lexer::new(sql);
    let first = lexer.next(None, false)?;
    let mut end = first.end;
    // Bounded: each call consumes at least one byte.
    while let Some(t) = lexer.next(None, false) {
        end = t.end;
    }
    Some(Statement {
        text: sql[first.start..end].to_owned(),
        line: first.line,
    })
}

fn split(sql: &str, mut delims: Delims) -> Vec<Statement> {
    let mut lexer = Lexer::new(sql);
    let mut out = Vec::new();
    let mut current = Pending::default();
    // Bounded: each call to `next` consumes at least one byte.
    while let Some(t) = lexer.next(Some(&delims), current.is_empty()) {
        match t.kind {
            Kind::Directive => delims.inline = Some(sql[t.start..t.end].to_owned()),
            Kind::LineDelim => current.finish(sql, &mut out),
            Kind::InlineDelim => {
                current.block.settle();
                if current.block.depth > 0 {
                    current.push(sql, t);
                } else {
                    current.finish(sql, &mut out);
                }
            }
            _ => current.push(sql, t),
        }
    }
    current.finish(sql, &mut out);
    out
}

/// The statement being collected.
#[derive(Debug, Default)]
struct Pending {
    start: Option<(usize, usize)>,
    end: usize,
    tokens: usize,
    block: Block,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.start.is_none()
    }

    fn push(&mut self, sql: &str, t: Token) {
        if self.start.is_none() {
            self.start = Some((t.start, t.line));
        }
        self.end = t.end;
        let word = (t.kind == Kind::Word).then(|| &sql[t.start..t.end]);
        let sym = (t.kind == Kind::Sym).then(|| sql.as_bytes()[t.start]);
        self.block.observe(self.tokens, word, sym);
        self.tokens += 1;
    }

    fn finish(&mut self, sql: &str, out: &mut Vec<Statement>) {
        if let Some((start, line)) = self.start {
            debug_assert!(start < self.end, "a statement has at least one token");
            out.push(Statement {
                text: sql[start..self.end].to_owned(),
                line,
            });
        }
        *self = Pending::default();
    }
}

/// Whether the statement is a procedural body whose inner `;` must not end
/// it, and how deep in `BEGIN`/`CASE` … `END` it is.
#[derive(Debug, Default)]
struct Block {
    context: BlockContext,
    depth: u32,
    /// An `END` was seen; the next word tells whether it closes a level
    /// (`END`, `END CASE`) or not (`END IF`, `END LOOP`).
    pending_end: bool,
    /// The statement starts with `BEGIN`; the next token tells a block from
    /// a transaction start (`BEGIN;`, `BEGIN TRANSACTION`).
    pending_begin: bool,
    /// `DECLARE` opened a level that its `BEGIN` takes over.
    declare_open: bool,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum BlockContext {
    #[default]
    Unknown,
    Create,
    Declare,
    Yes,
    No,
}

const TRANSACTION_WORDS: &[&str] = &[
    "TRANSACTION",
    "TRAN",
    "WORK",
    "ISOLATION",
    "READ",
    "DEFERRED",
    "IMMEDIATE",
    "EXCLUSIVE",
    "DISTRIBUTED",
];

fn word_is(word: Option<&str>, kw: &str) -> bool {
    word.is_some_and(|w| w.eq_ignore_ascii_case(kw))
}

fn word_in(word: Option<&str>, kws: &[&str]) -> bool {
    kws.iter().any(|k| word_is(word, k))
}

impl Block {
    /// Resolves what a delimiter (or the end) makes certain.
    fn settle(&mut self) {
        if self.pending_end {
            self.pending_end = false;
            self.depth = self.depth.saturating_sub(1);
        }
        if self.pending_begin {
            self.pending_begin = false;
            self.context = BlockContext::No;
        }
    }

    fn observe(&mut self, index: usize, word: Option<&str>, sym: Option<u8>) {
        if self.pending_end {
            self.pending_end = false;
            if word_in(word, &["IF", "LOOP", "WHILE", "REPEAT", "FOR"]) {
                return;
            }
            self.depth = self.depth.saturating_sub(1);
            if word_is(word, "CASE") {
                return;
            }
        }
        if self.pending_begin {
            self.pending_begin = false;
            if word_in(word, TRANSACTION_WORDS) {
                self.context = BlockContext::No;
                return;
            }
            self.context = BlockContext::Yes;
            self.depth = 1;
        }
        if index == 0 {
            self.context = if word_is(word, "CREATE") {
                BlockContext::Create
            } else if word_is(word, "DECLARE") {
                BlockContext::Declare
            } else if word_is(word, "BEGIN") {
                self.pending_begin = true;
                BlockContext::Unknown
            } else {
                BlockContext::No
            };
            return;
        }
        match self.context {
            BlockContext::Create => {
                if sym == Some(b'(') || index > 12 {
                    self.context = BlockContext::No;
                } else if word_in(
                    word,
                    &["PROCEDURE", "FUNCTION", "TRIGGER", "PACKAGE", "EVENT"],
                ) {
                    self.context = BlockContext::Yes;
                }
            }
            BlockContext::Declare => {
                // SQL Server `DECLARE @x INT`, PostgreSQL `DECLARE c CURSOR`.
                if sym == Some(b'@') {
                    self.context = BlockContext::No;
                } else if index >= 2 {
                    let cursor = [
                        "CURSOR",
                        "BINARY",
                        "INSENSITIVE",
                        "ASENSITIVE",
                        "SCROLL",
                        "NO",
                    ];
                    if word_in(word, &cursor) {
                        self.context = BlockContext::No;
                    } else {
                        self.context = BlockContext::Yes;
                        self.depth = 1;
                        self.declare_open = true;
                    }
                }
            }
            BlockContext::Yes => {
                if word_is(word, "BEGIN") {
                    if self.declare_open {
                        self.declare_open = false;
                    } else {
                        self.depth += 1;
                    }
                } else if word_is(word, "CASE") {
                    self.depth += 1;
                } else if word_is(word, "END") {
                    self.pending_end = true;
                }
            }
            BlockContext::Unknown | BlockContext::No => {}
        }
    }
}

// ---------------------------------------------------------------------------
// Classifier
// ---------------------------------------------------------------------------

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
    subjects: usize,
}

impl Classification {
    fn new(effect: Effect, summary: impl Into<String>) -> Self {
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

    fn online(summary: impl Into<String>) -> Self {
        Self::new(Effect::Online, summary)
    }

    fn locking(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(Effect::Locking, summary).detail(detail)
    }

    fn destructive(summary: impl Into<String>, share: f64) -> Self {
        let mut c = Self::new(Effect::Destructive, summary);
        c.share = Some(share);
        c
    }

    fn unrecognized(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        let mut c = Self::online(summary).detail(detail);
        c.recognized = false;
        c
    }

    fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    fn on(mut self, tables: Vec<String>) -> Self {
        let refs = self.tables.split_off(self.subjects);
        self.subjects += tables.len();
        self.tables.extend(tables);
        self.tables.extend(refs);
        self
    }

    fn referencing(mut self, tables: Vec<String>) -> Self {
        self.tables.extend(tables);
        self
    }

    fn no_transaction(mut self) -> Self {
        self.cannot_run_in_transaction = true;
        self
    }

    /// Tables whose rows the statement changes or locks.
    fn subjects(&self) -> &[String] {
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
    created: BTreeSet<String>,
    added: BTreeSet<(String, String)>,
}

fn key(name: &str) -> String {
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
    fn created(&self, table: &str) -> bool {
        let k = key(table);
        self.created.iter().any(|c| same_table(c, &k))
    }

    fn added(&self, table: &str, column: &str) -> bool {
        let (t, c) = (key(table), key(column));
        self.added
            .iter()
            .any(|(at, ac)| *ac == c && same_table(at, &t))
    }

    /// A lock on, or damage to, a table created earlier in this migration
    /// harms nothing: the table is still empty and unused.
    fn settle(&self, mut c: Classification) -> Classification {
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

/// A token with its text and parenthesis depth, for the classifier.
#[derive(Debug, Clone, Copy)]
struct Tok<'a> {
    kind: Kind,
    text: &'a str,
    depth: u32,
}

impl Tok<'_> {
    fn is(&self, kw: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(kw)
    }

    fn is_any(&self, kws: &[&str]) -> bool {
        kws.iter().any(|k| self.is(k))
    }

    fn is_sym(&self, c: char) -> bool {
        self.kind == Kind::Sym && self.text.len() == 1 && self.text.starts_with(c)
    }

    fn upper(&self) -> String {
        self.text.to_ascii_uppercase()
    }
}

fn tokens(sql: &str) -> Vec<Tok<'_>> {
    let mut lexer = Lexer::new(sql);
    let mut out = Vec::new();
    let mut depth = 0u32;
    // Bounded: each call consumes at least one byte.
    while let Some(t) = lexer.next(None, false) {
        let text = &sql[t.start..t.end];
        let tok = Tok {
            kind: t.kind,
            text,
            depth,
        };
        if tok.is_sym('(') {
            depth += 1;
        } else if tok.is_sym(')') {
            depth = depth.saturating_sub(1);
            out.push(Tok { depth, ..tok });
            continue;
        }
        out.push(tok);
    }
    out
}

// --- small token helpers -----------------------------------------------------

fn is_at(t: &[Tok<'_>], i: usize, kw: &str) -> bool {
    t.get(i).is_some_and(|x| x.is(kw))
}

fn eat(t: &[Tok<'_>], i: &mut usize, kw: &str) -> bool {
    if is_at(t, *i, kw) {
        *i += 1;
        true
    } else {
        false
    }
}

fn eat_seq(t: &[Tok<'_>], i: &mut usize, kws: &[&str]) -> bool {
    if kws.iter().enumerate().all(|(k, kw)| is_at(t, *i + k, kw)) {
        *i += kws.len();
        true
    } else {
        false
    }
}

/// Index of the first word `kw` at the slice's own parenthesis depth.
fn find_top(t: &[Tok<'_>], kw: &str) -> Option<usize> {
    let base = t.first()?.depth;
    t.iter().position(|x| x.depth == base && x.is(kw))
}

fn has_top(t: &[Tok<'_>], kw: &str) -> bool {
    find_top(t, kw).is_some()
}

fn has_top_seq(t: &[Tok<'_>], kws: &[&str]) -> bool {
    let Some(base) = t.first().map(|x| x.depth) else {
        return false;
    };
    (0..t.len()).any(|i| {
        kws.iter()
            .enumerate()
            .all(|(k, kw)| t.get(i + k).is_some_and(|x| x.depth == base && x.is(kw)))
    })
}

fn has_word(t: &[Tok<'_>], kw: &str) -> bool {
    t.iter().any(|x| x.is(kw))
}

/// Splits on commas at the slice's own depth.
fn split_top_commas<'s, 'a>(t: &'s [Tok<'a>]) -> Vec<&'s [Tok<'a>]> {
    let Some(base) = t.first().map(|x| x.depth) else {
        return Vec::new();
    };
    t.split(|x| x.depth == base && x.is_sym(','))
        .filter(|s| !s.is_empty())
        .collect()
}

fn ident(tok: &Tok<'_>) -> Option<String> {
    match tok.kind {
        Kind::Word => Some(tok.text.to_owned()),
        Kind::Quoted => {
            let q = tok.text.chars().next()?;
            let inner = tok.text.strip_prefix(q)?;
            let inner = inner.strip_suffix(q).unwrap_or(inner);
            let doubled: String = [q, q].iter().collect();
            Some(inner.replace(&doubled, &q.to_string()))
        }
        _ => None,
    }
}

/// A possibly qualified name at `i`: `orders`, `public.orders`, `"Orders"`.
fn name_at(t: &[Tok<'_>], i: usize) -> Option<(String, usize)> {
    let mut name = ident(t.get(i)?)?;
    let mut j = i + 1;
    while t.get(j).is_some_and(|x| x.is_sym('.')) {
        match t.get(j + 1).and_then(ident) {
            Some(part) => {
                name.push('.');
                name.push_str(&part);
                j += 2;
            }
            None => break,
        }
    }
    Some((name, j))
}

/// Comma-separated names from `i` (`DROP TABLE a, b`), skipping `ONLY` and
/// a trailing `*`.
fn name_list(t: &[Tok<'_>], i: &mut usize) -> Vec<String> {
    let mut names = Vec::new();
    loop {
        eat(t, i, "ONLY");
        let Some((n, j)) = name_at(t, *i) else { break };
        names.push(n);
        *i = j;
        if t.get(*i).is_some_and(|x| x.is_sym('*')) {
            *i += 1;
        }
        if t.get(*i).is_some_and(|x| x.is_sym(',')) {
            *i += 1;
        } else {
            break;
        }
    }
    names
}

fn on_names(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!(" on {}", names.join(", "))
    }
}

fn snippet(statement: &str) -> String {
    let collapsed: Vec<&str> = statement.split_whitespace().collect();
    let collapsed = collapsed.join(" ");
    let mut s: String = collapsed.chars().take(40).collect();
    if s.len() < collapsed.len() {
        s.push_str("...");
    }
    s
}

// --- rules -------------------------------------------------------------------

fn classify_tokens(ctx: &mut Context, t: &[Tok<'_>], statement: &str) -> Classification {
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

fn alter_stmt(ctx: &mut Context, t: &[Tok<'_>]) -> Classification {
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
fn combine(mut parts: Vec<Classification>, table: &str) -> Classification {
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

fn create_stmt(ctx: &mut Context, t: &[Tok<'_>]) -> Classification {
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
fn with_stmt(ctx: &mut Context, t: &[Tok<'_>], statement: &str) -> Classification {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<String> {
        split_statements(sql).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn splits_on_semicolons_outside_quotes_and_comments() {
        let sql = "INSERT INTO t VALUES ('a;b'); -- c;d\nSELECT \"x;y\" FROM t; /* e; /* nested; */ f; */ SELECT 1";
        assert_eq!(
            texts(sql),
            vec![
                "INSERT INTO t VALUES ('a;b')",
                "SELECT \"x;y\" FROM t",
                "SELECT 1"
            ]
        );
    }

    #[test]
    fn statements_span_lines_and_keep_their_first_line() {
        let sql = "\n-- header\nUPDATE orders\n   SET status = 'new'\n WHERE status IS NULL;\n\nDELETE FROM t WHERE id = 1;";
        let s = split_statements(sql);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].line, 3);
        assert!(s[0].text.ends_with("IS NULL"));
        assert_eq!(s[1].line, 7);
    }

    #[test]
    fn dollar_quotes_hide_semicolons() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $$ BEGIN DELETE FROM x; RETURN 1; END $$ LANGUAGE plpgsql;\n\
                   CREATE FUNCTION g() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n\
                   SELECT $1, $2;";
        let s = texts(sql);
        assert_eq!(s.len(), 3, "{s:?}");
        assert!(s[0].ends_with("LANGUAGE plpgsql"));
    }

    #[test]
    fn escape_strings_and_doubled_quotes() {
        assert_eq!(texts("SELECT E'it\\'s;'; SELECT 'it''s;'").len(), 2);
        assert_eq!(texts("SELECT `a;b` FROM t; SELECT 1").len(), 2);
    }

    #[test]
    fn go_and_slash_lines_end_statements() {
        assert_eq!(texts("SELECT 1\nGO\nSELECT 2\ngo\n").len(), 2);
        assert_eq!(texts("SELECT 1\n/\nSELECT 2").len(), 2);
        // A slash inside a line is division.
        assert_eq!(texts("SELECT 4 / 2").len(), 1);
    }

    #[test]
    fn mysql_delimiter_directive() {
        let sql = "DELIMITER //\nCREATE PROCEDURE p() BEGIN DELETE FROM x; SELECT 1; END//\nDELIMITER ;\nSELECT 2;";
        let s = texts(sql);
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s[0].starts_with("CREATE PROCEDURE") && s[0].ends_with("END"));
        // The delimiter right after a word, as MySQL dumps write it.
        let sql = "DELIMITER $$\nCREATE TRIGGER t BEFORE UPDATE ON o FOR EACH ROW\nBEGIN\n  IF NEW.a THEN SET NEW.b = 1; END IF;\nEND$$\nDELIMITER ;\nUPDATE o SET b = 2;";
        let s = texts(sql);
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(
            s[0].ends_with("END") && s[1] == "UPDATE o SET b = 2",
            "{s:?}"
        );
        // Without a custom delimiter, `$` stays part of an identifier.
        assert_eq!(texts("SELECT a$b FROM t"), vec!["SELECT a$b FROM t"]);
    }

    #[test]
    fn procedural_bodies_stay_whole() {
        let sql = "CREATE OR REPLACE PROCEDURE p AS BEGIN IF x THEN DELETE FROM t; END IF; CASE WHEN a THEN b; END CASE; END;\n/\nSELECT 1;";
        let s = texts(sql);
        assert_eq!(s.len(), 2, "{s:?}");
        let s = texts("DECLARE n NUMBER; BEGIN n := 1; END;\nSELECT 1;");
        assert_eq!(s.len(), 2, "{s:?}");
        let s = texts("BEGIN;\nDELETE FROM t WHERE a = 1;\nCOMMIT;");
        assert_eq!(s, vec!["BEGIN", "DELETE FROM t WHERE a = 1", "COMMIT"]);
        let s = texts("DECLARE @x INT; SET @x = 1;");
        assert_eq!(s.len(), 2, "{s:?}");
    }

    #[test]
    fn custom_delimiters() {
        assert_eq!(
            split_statements_with("SELECT 1; SELECT 2\nGO\nSELECT 3", "GO").len(),
            2
        );
        assert_eq!(
            split_statements_with("SELECT 1; SELECT 2 // SELECT 3", "//").len(),
            2
        );
        assert_eq!(split_statements_with("a; b", "").len(), 2);
    }

    #[test]
    fn unterminated_quotes_do_not_panic() {
        for sql in [
            "'abc",
            "\"abc",
            "$$abc",
            "/* abc",
            "E'\\",
            "$a$",
            "`",
            "DELIMITER",
            "DELIMITER  \n",
        ] {
            let _ = split_statements(sql);
            let _ = classify(sql);
        }
    }

    fn effect(sql: &str) -> Effect {
        classify(sql).effect
    }

    #[test]
    fn destructive_statements() {
        for sql in [
            "DROP TABLE legacy_orders",
            "drop table if exists a, b cascade",
            "ALTER TABLE orders DROP COLUMN note",
            "ALTER TABLE orders DROP note",
            "DROP SCHEMA app CASCADE",
            "DROP DATABASE app",
            "TRUNCATE TABLE orders",
            "DELETE FROM orders",
            "DELETE FROM orders WHERE 1 = 1",
            "UPDATE orders SET status = 'x'",
            "UPDATE orders SET status = (SELECT s FROM t WHERE t.id = 1)",
            "WITH gone AS (DELETE FROM orders RETURNING *) INSERT INTO archive SELECT * FROM gone",
            "CREATE OR REPLACE TABLE t (a int)",
        ] {
            assert_eq!(effect(sql), Effect::Destructive, "{sql}");
        }
        let c = classify("DELETE FROM orders");
        assert_eq!(c.summary, "DELETE without WHERE on orders");
        assert_eq!(c.tables, vec!["orders"]);
        assert_eq!(c.share, Some(1.0));
        assert_eq!(classify("UPDATE orders SET a = 1").share, Some(0.1));
    }

    #[test]
    fn locking_statements() {
        for sql in [
            "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new'",
            "ALTER TABLE orders ADD status text NOT NULL",
            "ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12,2)",
            "ALTER TABLE orders ALTER COLUMN amount SET DATA TYPE bigint",
            "ALTER TABLE orders MODIFY amount bigint",
            "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id)",
            "CREATE INDEX idx ON orders (status)",
            "CREATE UNIQUE INDEX IF NOT EXISTS idx ON public.orders USING btree (status)",
            "ALTER TABLE orders RENAME COLUMN a TO b",
            "ALTER TABLE orders ALTER COLUMN type SET NOT NULL",
            "ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id)",
            "ALTER TABLE orders ADD (status VARCHAR2(10) DEFAULT 'new' NOT NULL)",
            "ALTER TABLE orders RENAME TO purchases",
            "RENAME TABLE orders TO purchases",
            "VACUUM FULL orders",
            "CLUSTER orders USING idx",
            "LOCK TABLE orders IN ACCESS EXCLUSIVE MODE",
            "ALTER TABLE orders ADD COLUMN id bigserial",
            "ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid()",
        ] {
            assert_eq!(effect(sql), Effect::Locking, "{sql}");
        }
        assert_eq!(
            classify("ALTER TABLE orders ADD CONSTRAINT pk PRIMARY KEY (id)").summary,
            "ADD PRIMARY KEY on orders"
        );
        let c = classify("CREATE INDEX idx ON orders (status)");
        assert_eq!(c.summary, "CREATE INDEX on orders without CONCURRENTLY");
        assert_eq!(
            classify(
                "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id)"
            )
            .tables,
            vec!["orders", "customers"]
        );
    }

    #[test]
    fn online_statements() {
        for sql in [
            "CREATE TABLE orders (id bigint PRIMARY KEY)",
            "CREATE INDEX CONCURRENTLY idx ON orders (status)",
            "ALTER TABLE orders ADD COLUMN note text",
            "ALTER TABLE orders ADD COLUMN note text DEFAULT 'x'",
            "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id) NOT VALID",
            "ALTER TABLE orders VALIDATE CONSTRAINT fk",
            "INSERT INTO orders (id) VALUES (1)",
            "CREATE OR REPLACE VIEW v AS SELECT 1",
            "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql",
            "COMMENT ON TABLE orders IS 'x'",
            "GRANT SELECT ON orders TO app",
            "DELETE FROM orders WHERE id = 1",
            "UPDATE orders SET status = 'x' WHERE status IS NULL",
            "DELETE a FROM a JOIN b ON a.id = b.id",
            "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'x'",
            "ALTER TABLE orders ALTER COLUMN type SET DEFAULT 'x'",
            "DROP INDEX idx",
            "DROP VIEW v",
        ] {
            let c = classify(sql);
            assert_eq!(c.effect, Effect::Online, "{sql}");
            assert!(c.recognized, "{sql}");
        }
    }

    #[test]
    fn unrecognized_statements_are_online_and_flagged() {
        let c = classify("FROBNICATE the_database");
        assert_eq!(c.effect, Effect::Online);
        assert!(!c.recognized);
        assert!(c.summary.contains("FROBNICATE"));
        assert!(!classify("DO $$ BEGIN DELETE FROM t; END $$").recognized);
    }

    #[test]
    fn transaction_flags() {
        assert!(classify("CREATE INDEX CONCURRENTLY i ON t (a)").cannot_run_in_transaction);
        assert!(classify("VACUUM orders").cannot_run_in_transaction);
        assert!(classify("COMMIT").ends_transaction);
        assert!(classify("END").ends_transaction);
        assert!(!classify("CREATE INDEX i ON t (a)").cannot_run_in_transaction);
    }

    #[test]
    fn context_knows_new_tables_and_columns() {
        let mut ctx = Context::default();
        assert_eq!(
            classify_in(&mut ctx, "CREATE TABLE t (a int)").effect,
            Effect::Online
        );
        let c = classify_in(&mut ctx, "CREATE INDEX i ON t (a)");
        assert_eq!(c.effect, Effect::Online);
        assert!(c.reason().contains("created earlier in this migration"));
        assert_eq!(classify_in(&mut ctx, "DROP TABLE t").effect, Effect::Online);

        let mut ctx = Context::default();
        assert_eq!(
            classify_in(&mut ctx, "ALTER TABLE orders ADD COLUMN status text").effect,
            Effect::Online
        );
        let c = classify_in(&mut ctx, "UPDATE orders SET status = 'new'");
        assert_eq!(c.effect, Effect::Online, "{c:?}");
        assert!(c.reason().contains("backfills status"));
        assert_eq!(
            classify_in(&mut ctx, "UPDATE orders SET status = 'new', total = 0").effect,
            Effect::Destructive
        );
    }

    #[test]
    fn multi_action_alter_takes_the_worst() {
        let c = classify("ALTER TABLE orders ADD COLUMN a text, DROP COLUMN b, ALGORITHM=INPLACE");
        assert_eq!(c.effect, Effect::Destructive);
        assert!(
            c.summary.starts_with("DROP COLUMN b on orders"),
            "{}",
            c.summary
        );
        assert_eq!(c.tables, vec!["orders"]);
    }

    #[test]
    fn names_are_unquoted() {
        assert_eq!(
            classify("DROP TABLE \"My \"\"Odd\"\" Table\"").tables,
            vec!["My \"Odd\" Table"]
        );
        assert_eq!(
            classify("DROP TABLE `shop`.`orders`").tables,
            vec!["shop.orders"]
        );
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        fn sqlish() -> impl Strategy<Value = String> {
            prop_oneof![
                any::<String>(),
                "[-;'\"$/*`()a-zA-Z0-9_ \t\n.,=@é]{0,200}",
                proptest::collection::vec(
                    prop_oneof![
                        Just("DROP TABLE x".to_owned()),
                        Just("DELETE FROM t".to_owned()),
                        Just("UPDATE t SET a = 1".to_owned()),
                        Just("ALTER TABLE t ADD COLUMN c int NOT NULL".to_owned()),
                        Just("WITH a AS (".to_owned()),
                        Just("BEGIN".to_owned()),
                        Just("END".to_owned()),
                        Just("CREATE PROCEDURE p".to_owned()),
                        Just("DECLARE".to_owned()),
                        Just("DELIMITER //\n".to_owned()),
                        Just("\nGO\n".to_owned()),
                        Just("$$".to_owned()),
                        Just("$t$".to_owned()),
                        Just("'".to_owned()),
                        Just("/*".to_owned()),
                        Just("*/".to_owned()),
                        Just("--".to_owned()),
                        Just(";".to_owned()),
                        Just("\n".to_owned()),
                        Just("(".to_owned()),
                        Just(")".to_owned()),
                        Just(",".to_owned()),
                    ],
                    0..40
                )
                .prop_map(|v| v.join(" ")),
            ]
        }

        proptest! {
            #[test]
            fn splitter_and_classifier_never_panic(sql in sqlish(), delimiter in "[;/$a-zA-Z]{0,3}") {
                let statements = split_statements(&sql);
                let mut previous_line = 0;
                for s in &statements {
                    prop_assert!(!s.text.is_empty());
                    prop_assert!(sql.contains(&s.text));
                    prop_assert!(s.line >= previous_line.max(1));
                    previous_line = s.line;
                    let c = classify(&s.text);
                    prop_assert!(c.subjects <= c.tables.len());
                    prop_assert!(c.share.is_none() || c.effect == Effect::Destructive);
                }
                let _ = split_statements_with(&sql, &delimiter);
                let _ = whole_statement(&sql);
                let _ = classify(&sql);
            }
        }
    }
}
