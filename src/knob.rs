//! `sweep --set PATH=V1,V2,...`: one field of the raw scenario, named by
//! its dotted path, set to each value in turn.
//!
//! A `--set` argument is input like a scenario file: its path is bounded
//! ([`PATH_BYTES_MAX`], [`PATH_STEPS_MAX`]) and walked only through fields
//! the scenario format has, a switch takes `true` or `false` and nothing
//! else, and errors name the `--set` argument rather than a place in the
//! JSON rendering the value is set in.

use crate::error::{Error, Result};
use crate::scenario::locate::{Step, parse_path};
use crate::scenario::{self, Format, RawScenario, ScenarioError};
use serde_json::Value;

/// The longest field path `--set` accepts, in bytes: the longest real one
/// (`database.nodes[12].restart.distribution`) is under 50.
pub const PATH_BYTES_MAX: usize = 256;

/// The most steps a `--set` path may have: no field of a scenario is
/// nested more than 5 deep.
pub const PATH_STEPS_MAX: usize = 16;

fn user(msg: impl Into<String>) -> Error {
    Error::user(msg)
}

/// A path as quoted in a message: at most 60 characters of it.
fn shown(path: &str) -> String {
    if path.chars().count() <= 60 {
        path.to_string()
    } else {
        let head: String = path.chars().take(60).collect();
        format!("{head}... ({} bytes)", path.len())
    }
}

/// Splits `PATH=V1,V2,...` into the path and its values.
pub fn parse_set(s: &str) -> Result<(String, Vec<String>)> {
    let (path, values) = s.split_once('=').ok_or_else(|| {
        user(format!(
            "--set `{}`: write PATH=V1,V2,... e.g. replication.lag=100ms,1s,10s",
            shown(s)
        ))
    })?;
    let path = path.trim();
    if path.len() > PATH_BYTES_MAX {
        return Err(user(format!(
            "--set `{}`: the field path is {} bytes; field paths are at most {PATH_BYTES_MAX}",
            shown(path),
            path.len()
        )));
    }
    let steps = parse_path(path).len();
    if steps > PATH_STEPS_MAX {
        return Err(user(format!(
            "--set `{}`: the field path has {steps} steps; no scenario field is more than {PATH_STEPS_MAX} deep",
            shown(path)
        )));
    }
    let values: Vec<String> = values
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    if path.is_empty() || values.is_empty() {
        return Err(user(format!(
            "--set `{}`: needs a field path and at least one value",
            shown(s)
        )));
    }
    Ok((path.to_string(), values))
}

/// Refuses `steps` (the path up to a key about to be created) unless every
/// key on it is a field of the scenario format. A skeleton holding just
/// that path is read as a scenario: serde reports an unknown key as soon as
/// it meets it, before any missing field.
fn check_fields(path: &str, steps: &[Step]) -> Result<()> {
    let mut v = Value::Object(Default::default());
    for step in steps.iter().rev() {
        v = match step {
            Step::Key(k) => {
                let mut m = serde_json::Map::new();
                m.insert(k.clone(), v);
                Value::Object(m)
            }
            Step::Index(_) => Value::Array(vec![v]),
        };
    }
    match serde_path_to_error::deserialize::<_, RawScenario>(v) {
        Err(e) if e.inner().to_string().starts_with("unknown field") => {
            // The path serde reports ends at the unknown key itself.
            let full = e.path().to_string();
            let at = full.rsplit_once('.').map_or("", |(parent, _)| parent);
            let mut inner = e.inner().to_string();
            if let Some(hint) = crate::suggest::serde_hint(&inner) {
                inner = format!("{inner}; {hint}");
            }
            Err(user(if at.is_empty() {
                format!("--set {}: {inner}", shown(path))
            } else {
                format!("--set {}: {inner} (inside `{at}`)", shown(path))
            }))
        }
        _ => Ok(()),
    }
}

/// The raw scenario with one field set by its dotted path. The value keeps
/// the JSON type of the field it replaces (a number stays a number, a
/// switch takes `true` or `false`); type and unit errors come back as
/// scenario errors naming the `--set` argument.
pub fn set_raw(raw: &RawScenario, path: &str, value: &str, label: &str) -> Result<RawScenario> {
    let mut v =
        serde_json::to_value(raw).map_err(|e| Error::internal("serializing the scenario", e))?;
    let steps = parse_path(path);
    if steps.len() > PATH_STEPS_MAX {
        return Err(user(format!(
            "--set `{}`: the field path has {} steps; no scenario field is more than {PATH_STEPS_MAX} deep",
            shown(path),
            steps.len()
        )));
    }
    let Some((last, parents)) = steps.split_last() else {
        return Err(user(format!("--set {}: empty field path", shown(path))));
    };
    let path = &shown(path);
    let mut cur = &mut v;
    for (depth, step) in parents.iter().enumerate() {
        cur = match step {
            Step::Key(k) => {
                let obj = cur
                    .as_object_mut()
                    .ok_or_else(|| user(format!("--set {path}: `{k}` is not inside a table")))?;
                if obj.get(k).is_none_or(Value::is_null) {
                    // About to create a table: only where the format has one.
                    check_fields(path, &steps[..=depth])?;
                }
                let next = obj.entry(k.clone()).or_insert(Value::Null);
                if next.is_null() {
                    *next = Value::Object(Default::default());
                }
                next
            }
            Step::Index(n) => {
                let arr = cur
                    .as_array_mut()
                    .ok_or_else(|| user(format!("--set {path}: not a list before [{n}]")))?;
                let len = arr.len();
                arr.get_mut(*n).ok_or_else(|| {
                    user(format!(
                        "--set {path}: index {n} is out of range (the list has {len})"
                    ))
                })?
            }
        };
    }
    let number = || {
        value.parse::<f64>().ok().and_then(|x| {
            if x.fract() == 0.0 && (0.0..9e15).contains(&x) {
                Some(Value::from(x as u64))
            } else {
                serde_json::Number::from_f64(x).map(Value::Number)
            }
        })
    };
    let switch = || match value {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        _ => Err(user(format!(
            "--set {path}={value}: `{path}` is a switch: write true or false"
        ))),
    };
    match last {
        Step::Key(k) => {
            let obj = cur
                .as_object_mut()
                .ok_or_else(|| user(format!("--set {path}: `{k}` is not inside a table")))?;
            if !obj.contains_key(k) {
                check_fields(path, &steps)?;
            }
            let new = match obj.get(k) {
                Some(Value::String(_)) => Value::String(value.into()),
                Some(Value::Bool(_)) => switch()?,
                _ if value == "true" || value == "false" => switch()?,
                _ => number().unwrap_or_else(|| Value::String(value.into())),
            };
            obj.insert(k.clone(), new);
        }
        Step::Index(n) => {
            let arr = cur
                .as_array_mut()
                .ok_or_else(|| user(format!("--set {path}: not a list before [{n}]")))?;
            let len = arr.len();
            let slot = arr.get_mut(*n).ok_or_else(|| {
                user(format!(
                    "--set {path}: index {n} is out of range (the list has {len})"
                ))
            })?;
            *slot = number().unwrap_or_else(|| Value::String(value.into()));
        }
    }
    let text = serde_json::to_string_pretty(&v)
        .map_err(|e| Error::internal("serializing the scenario", e))?;
    scenario::parse_raw(
        &text,
        &format!("{label} with --set {path}={value}"),
        Format::Json,
    )
    .map_err(|e| unplaced(e).into())
}

/// A scenario error about a value given on the command line: its lines and
/// columns would point into the JSON rendering, which the user never saw,
/// so they are dropped; the file name already cites the `--set` argument.
pub fn unplaced(mut e: ScenarioError) -> ScenarioError {
    for p in &mut e.problems {
        p.line = None;
        p.column = None;
    }
    e
}
