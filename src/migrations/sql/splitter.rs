//! The splitter: a script cut into statements at delimiters, `GO` and
//! `/` lines and `DELIMITER` directives, procedural bodies kept whole.

use super::lexer::{Delims, Kind, Lexer, Token};

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

/// The line of the first quoted string, quoted identifier, dollar quote
/// or block comment that the script never closes: everything after it is
/// read as part of it, so the classification of what follows is unsure.
pub(crate) fn unterminated_line(sql: &str) -> Option<usize> {
    let mut lexer = Lexer::new(sql);
    // Bounded: each call consumes at least one byte.
    while lexer.next(None, false).is_some() {}
    lexer.unterminated
}

pub(super) fn split(sql: &str, mut delims: Delims) -> Vec<Statement> {
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
    pub(super) fn is_empty(&self) -> bool {
        self.start.is_none()
    }

    pub(super) fn push(&mut self, sql: &str, t: Token) {
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

pub(super) const TRANSACTION_WORDS: &[&str] = &[
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
    pub(super) fn settle(&mut self) {
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
