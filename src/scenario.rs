//! Scenario files: TOML (with comments) or JSON, one serde model.
//!
//! ```text
//!   file text ──parse──▶ RawScenario ──validate──▶ Scenario (immutable)
//!        │                    │                        │
//!   syntax/type errors   unknown fields          cross-references, ranges
//!   (line from parser)   (line from parser)      (line found from the field path)
//! ```
//!
//! Reading a file is the caller's business ([`parse`] takes text), so the
//! model stays free of I/O; [`load`] is the convenience that reads one.

pub mod limits;
pub mod locate;
pub mod model;
pub mod raw;
pub mod validate;

pub use model::*;
pub use raw::RawScenario;

use std::fmt;
use std::path::Path;

/// The file formats a scenario may be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Toml,
    Json,
}

impl Format {
    /// The format a file name implies.
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => Some(Format::Toml),
            Some("json") => Some(Format::Json),
            _ => None,
        }
    }
}

/// One problem, placed in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    /// Dotted field path; empty when the problem concerns the whole file.
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub help: Option<String>,
}

/// A scenario that could not be read: every problem found, each naming the
/// file, the field path and the line. Always the user's to fix (exit 2).
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioError {
    pub file: String,
    pub problems: Vec<Located>,
}

impl ScenarioError {
    /// A problem with the file as a whole (missing, unreadable, empty).
    pub fn whole_file(file: &str, message: impl Into<String>) -> Self {
        ScenarioError {
            file: file.to_string(),
            problems: vec![Located {
                path: String::new(),
                line: None,
                column: None,
                message: message.into(),
                help: None,
            }],
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", self.file)?;
            if let Some(l) = p.line {
                write!(f, ":{l}")?;
                if let Some(c) = p.column {
                    write!(f, ":{c}")?;
                }
            }
            if !p.path.is_empty() {
                write!(f, ": field `{}`", p.path)?;
            }
            write!(f, ": {}", p.message)?;
            if let Some(h) = &p.help {
                for line in h.lines() {
                    write!(f, "\n    help: {line}")?;
                }
            }
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// Parses the text of a scenario file into its raw form (types and unknown
/// fields checked, nothing else).
pub fn parse_raw(text: &str, file: &str, format: Format) -> Result<RawScenario, ScenarioError> {
    if text.trim().is_empty() {
        return Err(ScenarioError::whole_file(
            file,
            "the file is empty; a scenario needs at least `name`, [[regions]] and [[database.nodes]] (see docs/scenario-format.md)",
        ));
    }
    match format {
        Format::Toml => {
            let de = toml::de::Deserializer::parse(text)
                .map_err(|e| toml_error(text, file, String::new(), &e))?;
            serde_path_to_error::deserialize::<_, RawScenario>(de).map_err(|e| {
                let path = e.path().to_string();
                toml_error(
                    text,
                    file,
                    if path == "." { String::new() } else { path },
                    e.inner(),
                )
            })
        }
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let raw: RawScenario = serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let path = e.path().to_string();
                let inner = e.inner();
                let message = strip_json_position(&inner.to_string());
                ScenarioError {
                    file: file.to_string(),
                    problems: vec![Located {
                        path: if path == "." { String::new() } else { path },
                        line: Some(inner.line()),
                        column: Some(inner.column()),
                        help: crate::suggest::serde_hint(&message),
                        message,
                    }],
                }
            })?;
            de.end().map_err(|e| ScenarioError {
                file: file.to_string(),
                problems: vec![Located {
                    path: String::new(),
                    line: Some(e.line()),
                    column: Some(e.column()),
                    message: strip_json_position(&e.to_string()),
                    help: None,
                }],
            })?;
            Ok(raw)
        }
    }
}

fn strip_json_position(s: &str) -> String {
    let s = match s.rfind(" at line ") {
        Some(i) => &s[..i],
        None => s,
    };
    if s == "trailing characters" {
        return "trailing characters after the scenario: a JSON scenario file holds one object"
            .into();
    }
    plain_types(s)
}

/// Says what serde's type names mean: `expected u64` becomes `expected a
/// whole number (0 or more)`.
fn plain_types(message: &str) -> String {
    let mut m = message.to_string();
    for (rust, plain) in [
        ("expected u64", "expected a whole number (0 or more)"),
        ("expected u32", "expected a whole number (0 or more)"),
        ("expected usize", "expected a whole number (0 or more)"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list"),
    ] {
        if let Some(rest) = m.strip_suffix(rust) {
            m = format!("{rest}{plain}");
        }
    }
    m
}

fn toml_error(text: &str, file: &str, path: String, e: &toml::de::Error) -> ScenarioError {
    let (line, column) = match e.span() {
        Some(span) => {
            let (l, c) = locate::line_col(text, span.start);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    let mut message = plain_types(e.message().trim());
    let mut path = path;
    if message == "duplicate key"
        && let Some(span) = e.span()
        && let Some(key) = text.get(span.clone())
    {
        let key = key.trim();
        let table = enclosing_table(&text[..span.start]);
        path = if table.is_empty() {
            key.to_string()
        } else {
            format!("{table}.{key}")
        };
        message = if table.is_empty() {
            format!("duplicate key `{key}`: a key may be given once; remove one of the two")
        } else {
            format!(
                "duplicate key `{key}` in `{table}`: a key may be given once in a table; remove one of the two"
            )
        };
    }
    ScenarioError {
        file: file.to_string(),
        problems: vec![Located {
            path,
            line,
            column,
            help: crate::suggest::serde_hint(&message),
            message,
        }],
    }
}

/// The table a TOML key written at the end of `before` belongs to, as a
/// field path: the last `[table]` header, or `[[list]]` header with the
/// index of that entry (`database.nodes[1]`); empty at the top level.
fn enclosing_table(before: &str) -> String {
    let headers: Vec<&str> = before
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('['))
        .collect();
    let Some(last) = headers.last() else {
        return String::new();
    };
    let name = |h: &str| -> String {
        let h = h.split('#').next().unwrap_or("").trim();
        h.trim_start_matches('[')
            .trim_end_matches(']')
            .split('.')
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(".")
    };
    let table = name(last);
    if last.starts_with("[[") {
        let index = headers
            .iter()
            .filter(|h| h.starts_with("[[") && name(h) == table)
            .count()
            - 1;
        format!("{table}[{index}]")
    } else {
        table
    }
}

/// Parses and validates the text of a scenario file.
pub fn parse(text: &str, file: &str, format: Format) -> Result<Scenario, ScenarioError> {
    let raw = parse_raw(text, file, format)?;
    check(&raw, text, file, format)
}

/// Validates a raw scenario, placing each problem in `text`.
pub fn check(
    raw: &RawScenario,
    text: &str,
    file: &str,
    format: Format,
) -> Result<Scenario, ScenarioError> {
    let place = |path: String, message: String, help: Option<String>| {
        let offset = match format {
            Format::Toml => locate::toml_offset(text, &path),
            Format::Json => locate::json_offset(text, &path),
        };
        let (line, column) = match offset {
            Some(o) => {
                let (l, c) = locate::line_col(text, o);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        Located {
            path,
            line,
            column,
            message,
            help,
        }
    };
    let sc = validate::validate(raw).map_err(|problems| ScenarioError {
        file: file.to_string(),
        problems: problems
            .into_iter()
            .map(|p| place(p.path, p.message, p.help))
            .collect(),
    })?;
    // Bounds on the work of simulating it, known from the scenario alone.
    let problems: Vec<Located> = limits::schedule_problems(&sc)
        .into_iter()
        .map(|(path, message, help)| place(path, message, Some(help)))
        .collect();
    if !problems.is_empty() {
        return Err(ScenarioError {
            file: file.to_string(),
            problems,
        });
    }
    Ok(sc)
}

/// The largest scenario file accepted: far above any real one, small
/// enough that a wrong path to a huge file fails fast.
pub const FILE_BYTES_MAX: u64 = 16 * 1024 * 1024;

/// Reads a scenario file and returns its text and format, with errors that
/// say what is wrong with the file itself.
pub fn read_file(path: &Path) -> Result<(String, Format), ScenarioError> {
    let file = path.display().to_string();
    let format = Format::from_path(path).ok_or_else(|| {
        ScenarioError::whole_file(
            &file,
            "unknown file type: a scenario file ends in .toml or .json",
        )
    })?;
    let meta = std::fs::metadata(path).map_err(|e| {
        ScenarioError::whole_file(
            &file,
            match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                _ => format!("cannot read: {e}"),
            },
        )
    })?;
    if meta.is_dir() {
        return Err(ScenarioError::whole_file(
            &file,
            "this is a directory, not a scenario file",
        ));
    }
    if meta.len() > FILE_BYTES_MAX {
        return Err(ScenarioError::whole_file(
            &file,
            format!(
                "the file is {} bytes; scenario files are limited to 16 MiB",
                meta.len()
            ),
        ));
    }
    // The size above is what the file system says; a device or a pipe
    // (a link to /dev/zero) says 0 and may never end, so the read itself
    // is bounded too.
    let bytes = read_bounded(path, FILE_BYTES_MAX)
        .map_err(|e| ScenarioError::whole_file(&file, format!("cannot read: {e}")))?
        .ok_or_else(|| {
            ScenarioError::whole_file(
                &file,
                "the file holds more than 16 MiB (or never ends); scenario files are limited to 16 MiB",
            )
        })?;
    // A byte-order mark, as some Windows editors write, is not part of the text.
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let (line, _) = locate::line_col(
            &String::from_utf8_lossy(&e.as_bytes()[..e.utf8_error().valid_up_to()]),
            usize::MAX,
        );
        ScenarioError {
            file: file.clone(),
            problems: vec![Located {
                path: String::new(),
                line: Some(line),
                column: None,
                message: "the file is not valid UTF-8 text".into(),
                help: Some("save the scenario as UTF-8".into()),
            }],
        }
    })?;
    Ok((text, format))
}

/// Reads at most `limit` bytes of a file: `None` if it holds more.
pub fn read_bounded(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// Reads, parses and validates a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let (text, format) = read_file(path)?;
    parse(&text, &path.display().to_string(), format)
}
