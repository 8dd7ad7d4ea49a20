//! Statement tokens for the rules, with their parenthesis depth, and
//! small helpers to match keywords and read names.

use super::lexer::{Kind, Lexer};

/// A token with its text and parenthesis depth, for the classifier.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tok<'a> {
    pub(super) kind: Kind,
    pub(super) text: &'a str,
    pub(super) depth: u32,
}

impl Tok<'_> {
    pub(super) fn is(&self, kw: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(kw)
    }

    pub(super) fn is_any(&self, kws: &[&str]) -> bool {
        kws.iter().any(|k| self.is(k))
    }

    pub(super) fn is_sym(&self, c: char) -> bool {
        self.kind == Kind::Sym && self.text.len() == 1 && self.text.starts_with(c)
    }

    pub(super) fn upper(&self) -> String {
        self.text.to_ascii_uppercase()
    }
}

pub(super) fn tokens(sql: &str) -> Vec<Tok<'_>> {
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

pub(super) fn is_at(t: &[Tok<'_>], i: usize, kw: &str) -> bool {
    t.get(i).is_some_and(|x| x.is(kw))
}

pub(super) fn eat(t: &[Tok<'_>], i: &mut usize, kw: &str) -> bool {
    if is_at(t, *i, kw) {
        *i += 1;
        true
    } else {
        false
    }
}

pub(super) fn eat_seq(t: &[Tok<'_>], i: &mut usize, kws: &[&str]) -> bool {
    if kws.iter().enumerate().all(|(k, kw)| is_at(t, *i + k, kw)) {
        *i += kws.len();
        true
    } else {
        false
    }
}

/// Index of the first word `kw` at the slice's own parenthesis depth.
pub(super) fn find_top(t: &[Tok<'_>], kw: &str) -> Option<usize> {
    let base = t.first()?.depth;
    t.iter().position(|x| x.depth == base && x.is(kw))
}

pub(super) fn has_top(t: &[Tok<'_>], kw: &str) -> bool {
    find_top(t, kw).is_some()
}

pub(super) fn has_top_seq(t: &[Tok<'_>], kws: &[&str]) -> bool {
    let Some(base) = t.first().map(|x| x.depth) else {
        return false;
    };
    (0..t.len()).any(|i| {
        kws.iter()
            .enumerate()
            .all(|(k, kw)| t.get(i + k).is_some_and(|x| x.depth == base && x.is(kw)))
    })
}

pub(super) fn has_word(t: &[Tok<'_>], kw: &str) -> bool {
    t.iter().any(|x| x.is(kw))
}

/// Splits on commas at the slice's own depth.
pub(super) fn split_top_commas<'s, 'a>(t: &'s [Tok<'a>]) -> Vec<&'s [Tok<'a>]> {
    let Some(base) = t.first().map(|x| x.depth) else {
        return Vec::new();
    };
    t.split(|x| x.depth == base && x.is_sym(','))
        .filter(|s| !s.is_empty())
        .collect()
}

pub(super) fn ident(tok: &Tok<'_>) -> Option<String> {
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
pub(super) fn name_at(t: &[Tok<'_>], i: usize) -> Option<(String, usize)> {
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
pub(super) fn name_list(t: &[Tok<'_>], i: &mut usize) -> Vec<String> {
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

pub(super) fn on_names(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!(" on {}", names.join(", "))
    }
}

pub(super) fn snippet(statement: &str) -> String {
    let collapsed: Vec<&str> = statement.split_whitespace().collect();
    let collapsed = collapsed.join(" ");
    let mut s: String = collapsed.chars().take(40).collect();
    if s.len() < collapsed.len() {
        s.push_str("...");
    }
    s
}
