//! From a field path (`database.nodes[1].zone`) back to the place in the
//! file, so that a semantic error can name the line the user must edit.
//!
//! Parsing errors carry their own position; checks that run after parsing
//! (an unknown zone, two primaries) only know the path, and find the line
//! here. TOML uses the parser's spans; JSON has no spanned parser in our
//! dependencies, so a small scanner walks the text.

use toml::de::{DeTable, DeValue};

/// One step of a field path.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// Splits `a.b[2].c` into steps.
pub fn parse_path(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            if open > 0 {
                steps.push(Step::Key(rest[..open].to_string()));
            }
            rest = &rest[open..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let close = stripped.find(']').unwrap_or(stripped.len());
                if let Ok(i) = stripped[..close].parse() {
                    steps.push(Step::Index(i));
                }
                rest = stripped.get(close + 1..).unwrap_or("");
            }
        } else if !rest.is_empty() {
            steps.push(Step::Key(rest.to_string()));
        }
    }
    steps
}

/// Byte offset of the deepest part of `path` found in a TOML text.
pub fn toml_offset(text: &str, path: &str) -> Option<usize> {
    let root = DeTable::parse(text).ok()?;
    let mut best = None;
    let mut table: Option<&DeTable> = Some(root.get_ref());
    let mut value: Option<&DeValue> = None;
    for step in parse_path(path) {
        match step {
            Step::Key(k) => {
                let Some(t) = table.take().or(match value {
                    Some(DeValue::Table(t)) => Some(t),
                    _ => None,
                }) else {
                    return best;
                };
                // A missing key: point at the nearest part that exists.
                let Some((key, v)) = t.iter().find(|(key, _)| key.get_ref().as_ref() == k) else {
                    return best;
                };
                best = Some(key.span().start);
                value = Some(v.get_ref());
                table = None;
            }
            Step::Index(i) => {
                let Some(DeValue::Array(a)) = value else {
                    return best;
                };
                let Some(item) = a.get(i) else { return best };
                // Array-of-tables items have no span of their own worth
                // pointing at; their first key will refine it below.
                if item.span().start < text.len() && item.span().end > item.span().start {
                    best = Some(item.span().start);
                }
                value = Some(item.get_ref());
            }
        }
    }
    best
}

/// Byte offset of the deepest part of `path` found in a JSON text.
pub fn json_offset(text: &str, path: &str) -> Option<usize> {
    let mut s = Scanner {
        b: text.as_bytes(),
        i: 0,
    };
    let mut best = None;
    for step in parse_path(path) {
        s.ws();
        match step {
            Step::Key(k) => {
                if s.peek()? != b'{' {
                    return best;
                }
                s.i += 1;
                loop {
                    s.ws();
                    if s.peek()? == b'}' {
                        return best;
                    }
                    let key_at = s.i;
                    let key = s.string()?;
                    s.ws();
                    if s.peek()? != b':' {
                        return best;
                    }
                    s.i += 1;
                    s.ws();
                    if key == k {
                        best = Some(key_at);
                        break;
                    }
                    s.skip_value()?;
                    s.ws();
                    if s.peek()? == b',' {
                        s.i += 1;
                    }
                }
            }
            Step::Index(n) => {
                if s.peek()? != b'[' {
                    return best;
                }
                s.i += 1;
                for _ in 0..n {
                    s.ws();
                    s.skip_value()?;
                    s.ws();
                    if s.peek()? != b',' {
                        return best;
                    }
                    s.i += 1;
                }
                s.ws();
                best = Some(s.i);
            }
        }
    }
    best
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }
    fn string(&mut self) -> Option<String> {
        if self.peek()? != b'"' {
            return None;
        }
        self.i += 1;
        let start = self.i;
        while self.peek()? != b'"' {
            if self.peek()? == b'\\' {
                self.i += 1;
            }
            self.i += 1;
        }
        let s = String::from_utf8_lossy(&self.b[start..self.i]).into_owned();
        self.i += 1;
        Some(s)
    }
    /// Skips one value; bounded by the text length.
    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.i += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
            }
            _ => {
                while self
                    .peek()
                    .is_some_and(|c| !matches!(c, b',' | b'}' | b']'))
                {
                    self.i += 1;
                }
            }
        }
        Some(())
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let col = offset
        - before
            .iter()
            .rposition(|&c| c == b'\n')
            .map(|p| p + 1)
            .unwrap_or(0)
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split() {
        assert_eq!(
            parse_path("database.nodes[1].zone"),
            vec![
                Step::Key("database".into()),
                Step::Key("nodes".into()),
                Step::Index(1),
                Step::Key("zone".into())
            ]
        );
    }

    #[test]
    fn toml_lines() {
        let t = "name = \"x\"\n\n[[database.nodes]]\nname = \"a\"\nzone = \"z1\"\n\n[[database.nodes]]\nname = \"b\"\nzone = \"nowhere\"\n";
        let off = toml_offset(t, "database.nodes[1].zone").unwrap();
        assert_eq!(line_col(t, off).0, 9);
        let off = toml_offset(t, "name").unwrap();
        assert_eq!(line_col(t, off).0, 1);
        // A key that is missing points at its parent.
        let off = toml_offset(t, "database.nodes[1].role").unwrap();
        assert_eq!(line_col(t, off).0, 7);
    }

    #[test]
    fn json_lines() {
        let t = "{\n \"name\": \"x\",\n \"database\": {\n  \"nodes\": [\n   {\"name\": \"a\", \"zone\": \"z\"},\n   {\"name\": \"b\",\n    \"zone\": \"nowhere\"}\n  ]\n }\n}";
        let off = json_offset(t, "database.nodes[1].zone").unwrap();
        assert_eq!(line_col(t, off).0, 7);
    }
}
