//! What the page asks for, and the scenario it describes: the served
//! scenario's text (or one posted whole), the page's knob settings applied
//! with the `--set` machinery ([`crate::knob`]), then the seed, the trials
//! and the strategies. Every step validates as a scenario file does.

use crate::error::{Error, Result};
use crate::knob;
use crate::montecarlo::Arm;
use crate::scenario::locate::{Step, parse_path};
use crate::scenario::{self, Format, RawScenario, Scenario, validate::check_run_size};
use crate::strategy;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The most trials one request may run: 20,000 one-year trials of the
/// default scenario under 8 strategies take about 0.7 s on 2 cores
/// (docs/performance.md); a longer horizon is bounded by `check_run_size`.
pub const TRIALS_MAX: u64 = 20_000;

/// The most strategies one request may compare.
pub const STRATEGIES_MAX: usize = 8;

/// The most knob settings one request may carry.
pub const SETTINGS_MAX: usize = 64;

/// The strategy name that stands for the scenario as written (with the
/// page's settings); its results go by the scenario's own mode, as
/// `failsim run` names them.
pub const AS_WRITTEN: &str = "as-written";

/// A request from the page: every field optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// A whole scenario as TOML text, in place of the served one.
    pub scenario: Option<String>,
    /// Knob settings: field path (as for `--set`) to value. A string,
    /// number or switch is set as `--set PATH=VALUE` sets it; a list or
    /// `null` (remove the field) is set as given.
    #[serde(default)]
    pub settings: BTreeMap<String, Value>,
    /// Strategies to compare, as for `compare --strategies`, where
    /// `as-written` is the scenario with the settings. Default: `as-written`.
    pub strategies: Option<Vec<String>>,
    pub trials: Option<u64>,
    pub seed: Option<u64>,
    /// For `explain`: a trial index, `worst`, `median` or `eventful`.
    pub trial: Option<String>,
    /// For `explain`: the one strategy to tell (default `as-written`).
    pub strategy: Option<String>,
}

/// A refused request: the message and the request field it is about.
#[derive(Debug)]
pub struct Refused {
    pub field: String,
    pub message: String,
}

impl Refused {
    pub fn new(field: &str, message: impl std::fmt::Display) -> Self {
        Refused {
            field: field.to_string(),
            message: message.to_string(),
        }
    }
}

/// Either the user's mistake (HTTP 400, naming the field) or ours (500).
#[derive(Debug)]
pub enum Failure {
    Refused(Refused),
    Internal(String),
}

impl Failure {
    /// An error of the crate, filed under `field`: the user's when its
    /// exit status says so (2), ours otherwise.
    pub fn of(field: &str, e: impl Into<Error>) -> Self {
        let e: Error = e.into();
        if e.exit_code() == 2 {
            Failure::Refused(Refused::new(field, e))
        } else {
            Failure::Internal(e.to_string())
        }
    }
}

impl From<Refused> for Failure {
    fn from(r: Refused) -> Self {
        Failure::Refused(r)
    }
}

/// The scenario a request describes, ready to run.
#[derive(Clone, Debug)]
pub struct Built {
    /// The text the settings were applied to (for the export).
    pub text: String,
    /// The raw scenario with the settings, seed and trials.
    pub raw: RawScenario,
    pub scenario: Scenario,
}

/// The scenario the server was started with.
#[derive(Clone, Debug)]
pub struct Base {
    pub label: String,
    pub text: String,
}

/// Builds the scenario of a request: the text, then each setting, then
/// seed and trials, each checked as `run` and `sweep --set` check them.
pub fn build(base: &Base, req: &Request) -> Result<Built, Failure> {
    let (text, label) = match &req.scenario {
        Some(t) => (t.clone(), "the posted scenario".to_string()),
        None => (base.text.clone(), base.label.clone()),
    };
    let raw =
        scenario::parse_raw(&text, &label, Format::Toml).map_err(|e| Failure::of("scenario", e))?;
    let mut sc = scenario::check(&raw, &text, &label, Format::Toml)
        .map_err(|e| Failure::of("scenario", e))?;
    let mut raw = raw;
    if req.settings.len() > SETTINGS_MAX {
        return Err(Refused::new(
            "settings",
            format!(
                "{} settings; a request carries at most {SETTINGS_MAX}",
                req.settings.len()
            ),
        )
        .into());
    }
    if !req.settings.is_empty() {
        for (path, value) in &req.settings {
            raw = set_one(&raw, path, value, &label)
                .map_err(|e| Failure::of(&format!("settings.{path}"), e))?;
        }
        let file = format!("{label} with the page's settings");
        // The text validated as written, so every problem is a setting's.
        sc = scenario::check(&raw, "", &file, Format::Json)
            .map_err(knob::unplaced)
            .map_err(|e| Failure::of(&settings_field(&e, &req.settings), e))?;
    }
    if let Some(s) = req.seed {
        sc.seed = s;
    }
    let trials = req.trials.unwrap_or(sc.trials);
    if trials == 0 || trials > TRIALS_MAX {
        let why = if req.trials.is_some() {
            format!("{trials} trials; give 1 to {TRIALS_MAX}")
        } else {
            format!(
                "the scenario asks for {trials} trials; the playground runs 1 to {TRIALS_MAX} per request: give `trials`"
            )
        };
        return Err(Refused::new("trials", why).into());
    }
    check_run_size(trials, sc.horizon).map_err(|e| Refused::new("trials", e))?;
    sc.trials = trials;
    let mut v = serde_json::to_value(&raw).map_err(|e| Failure::Internal(e.to_string()))?;
    if let Some(obj) = v.as_object_mut() {
        obj.insert("seed".into(), Value::from(sc.seed));
        obj.insert("trials".into(), Value::from(sc.trials));
    }
    let raw = serde_json::from_value(v).map_err(|e| Failure::Internal(e.to_string()))?;
    Ok(Built {
        text,
        raw,
        scenario: sc,
    })
}

/// The settings key a validation error is about: the first setting whose
/// path starts the field the error names, else `settings`.
fn settings_field(e: &scenario::ScenarioError, settings: &BTreeMap<String, Value>) -> String {
    for p in &e.problems {
        for k in settings.keys() {
            if p.path.starts_with(k.as_str())
                || k.starts_with(p.path.as_str()) && !p.path.is_empty()
            {
                return format!("settings.{k}");
            }
        }
    }
    "settings".into()
}

/// Sets one knob. Scalars go through [`knob::set_raw`], as `--set` does;
/// a list or `null` is put in place and the whole read back as a scenario.
pub fn set_one(raw: &RawScenario, path: &str, value: &Value, label: &str) -> Result<RawScenario> {
    let scalar = match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    if let Some(s) = scalar {
        return knob::set_raw(raw, path, &s, label);
    }
    // The path is bounded and walked as `--set` walks it.
    knob::parse_set(&format!("{path}=x"))?;
    let mut v =
        serde_json::to_value(raw).map_err(|e| Error::internal("serializing the scenario", e))?;
    let steps = parse_path(path);
    let Some((last, parents)) = steps.split_last() else {
        return Err(Error::user(format!("setting {path}: empty field path")));
    };
    let mut cur = &mut v;
    for step in parents {
        cur = match step {
            Step::Key(k) => {
                let obj = cur.as_object_mut().ok_or_else(|| {
                    Error::user(format!("setting {path}: `{k}` is not inside a table"))
                })?;
                let next = obj.entry(k.clone()).or_insert(Value::Null);
                if next.is_null() {
                    *next = Value::Object(Default::default());
                }
                next
            }
            Step::Index(n) => cur.get_mut(*n).ok_or_else(|| {
                Error::user(format!("setting {path}: no list entry [{n}] to set"))
            })?,
        };
    }
    match (last, cur) {
        (Step::Key(k), Value::Object(obj)) => {
            if value.is_null() {
                obj.remove(k);
            } else {
                obj.insert(k.clone(), value.clone());
            }
        }
        (Step::Index(n), Value::Array(arr)) if *n < arr.len() && !value.is_null() => {
            arr[*n] = value.clone();
        }
        _ => {
            return Err(Error::user(format!(
                "setting {path}: there is no such field to set"
            )));
        }
    }
    let text = serde_json::to_string_pretty(&v)
        .map_err(|e| Error::internal("serializing the scenario", e))?;
    scenario::parse_raw(&text, &format!("{label} with setting {path}"), Format::Json)
        .map_err(|e| knob::unplaced(e).into())
}

/// The arms a request compares, `as-written` by the scenario's own name.
pub fn arms(sc: &Scenario, names: Option<&[String]>) -> Result<Vec<Arm>, Failure> {
    let default = [AS_WRITTEN.to_string()];
    let names = names.unwrap_or(&default);
    if names.is_empty() {
        return Err(Refused::new("strategies", "needs at least one strategy").into());
    }
    if names.len() > STRATEGIES_MAX {
        return Err(Refused::new(
            "strategies",
            format!(
                "{} strategies; a request compares at most {STRATEGIES_MAX}",
                names.len()
            ),
        )
        .into());
    }
    let mut out: Vec<Arm> = Vec::new();
    for n in names {
        let n = n.trim();
        let arm = if n == AS_WRITTEN {
            Arm {
                name: strategy::own_name(sc),
                scenario: sc.clone(),
            }
        } else {
            let scenario = strategy::apply(sc, n).map_err(|e| Failure::of("strategies", e))?;
            Arm {
                name: n.to_string(),
                scenario,
            }
        };
        if out.iter().any(|a| a.name == arm.name) {
            return Err(Refused::new(
                "strategies",
                format!(
                    "`{}` is listed twice (the scenario as written goes by its own replication mode, `{}`)",
                    arm.name,
                    strategy::own_name(sc)
                ),
            )
            .into());
        }
        out.push(arm);
    }
    Ok(out)
}
