//! The lexer: quoted strings and identifiers, dollar quotes, comments
//! and delimiters, so that a `;` or a keyword inside them is not seen.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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
pub(super) struct Token {
    pub(super) kind: Kind,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) line: usize,
}

/// Which delimiters end a statement.
#[derive(Debug, Clone)]
pub(super) struct Delims {
    pub(super) inline: Option<String>,
    lines: Vec<String>,
    /// Whether `DELIMITER x` lines (MySQL client) are honoured.
    directive: bool,
}

impl Delims {
    /// `;`, plus `GO` and `/` lines, plus `DELIMITER` lines.
    pub(super) fn standard() -> Self {
        Delims {
            inline: Some(";".to_owned()),
            lines: vec!["GO".to_owned(), "/".to_owned()],
            directive: true,
        }
    }

    /// One custom delimiter. A word (`GO`) or `/` must fill its line, as in
    /// the scripts that use them; anything else (`//`, `$$`) ends a statement
    /// wherever it appears outside quotes and comments.
    pub(super) fn custom(delimiter: &str) -> Self {
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
pub(super) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    line: usize,
    /// Only whitespace since the last newline (or the start).
    at_line_start: bool,
    /// The line of the first quote, dollar quote or block comment left
    /// open at the end of the input (it ran to the end).
    pub(super) unterminated: Option<usize>,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Lexer {
            src,
            pos: 0,
            line: 1,
            at_line_start: true,
            unterminated: None,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.src.as_bytes()
    }

    /// Moves to `end`; [`OPEN`] (a run left open) means the end of input.
    fn advance_to(&mut self, end: usize) {
        if end == OPEN {
            self.unterminated.get_or_insert(self.line);
        }
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
    pub(super) fn next(&mut self, delims: Option<&Delims>, statement_empty: bool) -> Option<Token> {
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
    OPEN
}

/// What the helpers below return for a run that the input ends inside.
const OPEN: usize = usize::MAX;

/// End (exclusive) of a quoted run starting at `start` (the opening quote).
/// A doubled quote is an escaped quote; with `backslash`, so is `\'`.
/// Unterminated quotes run to the end of the input ([`OPEN`]).
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
    OPEN
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
            .map_or(OPEN, |p| body + p + tag.len()),
    )
}
