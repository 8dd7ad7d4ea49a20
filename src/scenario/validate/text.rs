//! Text the scenario gives: names, notes, descriptions. Names are printed
//! by `validate`, `run`, `explain` and every report, so a control
//! character in one (an escape sequence, NUL, a carriage return) would
//! reach the terminal or a file as a command rather than as text: refused
//! everywhere, before any other check echoes the text back. Free text
//! (`description`, `lesson`, `note`) may hold line breaks and tabs.

use super::Problem;
use crate::scenario::raw::RawScenario;
use serde_json::Value;

/// Keys whose text may span lines.
const FREE_TEXT: &[&str] = &["description", "lesson", "note"];

/// Every string of the scenario holding a control character, by path.
pub(super) fn control_characters(raw: &RawScenario) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Ok(v) = serde_json::to_value(raw) {
        walk(&v, "", false, &mut out);
    }
    out
}

fn walk(v: &Value, path: &str, free: bool, out: &mut Vec<Problem>) {
    match v {
        Value::String(s) => {
            let bad = s
                .chars()
                .find(|&ch| ch.is_control() && !(free && (ch == '\n' || ch == '\t')));
            if let Some(ch) = bad {
                out.push(Problem {
                    path: path.to_string(),
                    message: format!(
                        "holds the control character U+{:04X}; names and text are printed to terminals and reports, where it would act rather than show",
                        ch as u32
                    ),
                    help: Some(if free {
                        "remove it (line breaks and tabs are allowed here)".to_string()
                    } else {
                        "use printable characters only".to_string()
                    }),
                });
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), free, out);
            }
        }
        Value::Object(fields) => {
            for (k, item) in fields {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(item, &p, FREE_TEXT.contains(&k.as_str()), out);
            }
        }
        _ => {}
    }
}
