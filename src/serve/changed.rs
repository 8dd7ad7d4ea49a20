//! "What changed and why": one paragraph from the results before and
//! after a knob moved, in the words `failsim explain` uses (the write
//! noun, counts grouped by thousands, durations as spans). The results are
//! read as JSON, field by field, so fields added later are simply unused
//! and a field missing from either side is left out of the sentence.

use super::request::Refused;
use crate::explain::{format_count, plural};
use crate::format::{format_availability, pct_prose};
use crate::scenario::locate::{Step, parse_path};
use crate::units::{SECOND, human_duration};
use serde_json::Value;

fn num(v: &Value, path: &[&str]) -> Option<f64> {
    let mut cur = v;
    for k in path {
        cur = cur.get(*k)?;
    }
    cur.as_f64()
}

fn setting_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "off".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) if a.is_empty() => "none".into(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Object(_)) => "on".into(),
        Some(x) => x.to_string(),
    }
}

/// Why moving `path` to `to` moves the numbers, in one sentence.
fn why(path: &str, to: &str) -> &'static str {
    match (path, to) {
        ("replication.mode", "sync") => {
            "a sync replica holds every write the primary acknowledged, so a failover to it loses none; each write waits a round trip to it"
        }
        ("replication.mode", "async") => {
            "an async replica trails the primary by its lag, so a failover loses the acknowledged writes of that gap"
        }
        ("replication.mode", "semi-sync") => {
            "semi-sync waits for one replica's receipt but falls back to async after its timeout, and a failover in that window loses writes"
        }
        ("replication.mode", "delayed") => {
            "a delayed replica applies the log late: it outlives a bad delete or migration, but is a slow, lossy failover target"
        }
        (p, _) if p.starts_with("replication.lag") => {
            "the lag is the gap of acknowledged writes an async replica does not have yet, and a failover loses that gap"
        }
        ("failover.mode", "automatic") => {
            "automatic failover promotes a replica once the failure is detected, in minutes"
        }
        ("failover.mode", "manual") => {
            "manual failover waits for a paged operator before a replica is promoted"
        }
        ("failover.mode", _) => {
            "without failover, writes stay down until the primary is repaired or restored"
        }
        ("failover.detection", _) => {
            "every failover waits out the detection time before promotion starts"
        }
        ("failover.cross_region", _) => {
            "failing over across regions lets a replica in another region take writes while a region is out"
        }
        ("backups.log_archive", _) => {
            "point-in-time recovery replays the archived log on top of a backup, so a restore loses minutes instead of everything since the last backup"
        }
        ("backups.copy_to", _) => {
            "a copy in another region outlives an outage that destroys the backups' own region"
        }
        ("backups.retention", _) => {
            "retention bounds how far back a restore can reach: damage found late needs an older backup"
        }
        (p, _) if p.starts_with("backups.") => {
            "a restore loses every write since the backup it starts from, so the interval bounds the loss when no replica survives"
        }
        (p, _) if p.starts_with("database.nodes") => {
            "a replica in the primary's zone falls with it in a zone outage; one in another zone or region survives it"
        }
        (p, _) if p.starts_with("faults.") => {
            "faults that come more often make more incidents, and each costs what the design makes it cost"
        }
        _ => "the same simulated years ran under both settings, so the difference is the knob's",
    }
}

/// The value at a dotted field path of a JSON scenario.
fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for s in parse_path(path) {
        cur = match s {
            Step::Key(k) => cur.get(&k)?,
            Step::Index(n) => cur.get(n)?,
        };
    }
    Some(cur)
}

/// The paragraph for a body `{"before": {"settings", "results"},
/// "after": {"settings", "results"}}`; a knob one side does not set has
/// its value in `served`, the served scenario as JSON.
pub fn paragraph(body: &Value, served: &Value) -> Result<String, Refused> {
    let side = |k: &str| {
        body.get(k)
            .ok_or_else(|| Refused::new(k, "missing: give {\"settings\", \"results\"}"))
    };
    let (before, after) = (side("before")?, side("after")?);
    let empty = serde_json::Map::new();
    let settings = |s: &Value| {
        s.get("settings")
            .and_then(Value::as_object)
            .unwrap_or(&empty)
            .clone()
    };
    let (sb, sa) = (settings(before), settings(after));
    let mut keys: Vec<&String> = sb.keys().chain(sa.keys()).collect();
    keys.sort();
    keys.dedup();
    let moved: Vec<(&String, String, String)> = keys
        .into_iter()
        .filter(|k| sb.get(*k) != sa.get(*k))
        .map(|k| {
            let was = sb.get(k).or_else(|| at(served, k));
            let now = sa.get(k).or_else(|| at(served, k));
            (k, setting_text(was), setting_text(now))
        })
        .collect();
    let first = |s: &Value| {
        s.get("results")
            .and_then(|r| r.get("strategies"))
            .and_then(|x| x.get(0))
            .cloned()
    };
    let (Some(rb), Some(ra)) = (first(before), first(after)) else {
        return Err(Refused::new(
            "results",
            "each side needs the results of /api/simulate",
        ));
    };
    let res = after.get("results").cloned().unwrap_or(Value::Null);
    let noun = res
        .get("write_noun")
        .and_then(Value::as_str)
        .unwrap_or("write");
    let trials = num(&res, &["trials"]).unwrap_or(0.0) as u64;
    let mut out = String::new();
    if moved.is_empty() {
        out.push_str("With no knob moved");
    } else {
        let list: Vec<String> = moved
            .iter()
            .map(|(k, a, b)| format!("{k} from {a} to {b}"))
            .collect();
        out.push_str(&format!("Moving {}", list.join(" and ")));
    }
    let name = ra
        .get("strategy")
        .and_then(Value::as_str)
        .unwrap_or("the design");
    out.push_str(&format!(
        ", the same {} simulated {} ran again under {name}: ",
        format_count(trials),
        if trials == 1 { "trial" } else { "trials" }
    ));
    let mut parts = Vec::new();
    let pair = |p: &[&str]| Some((num(&rb, p)?, num(&ra, p)?));
    if let Some((a, b)) = pair(&["metrics", "lost_writes", "mean"]) {
        parts.push(format!(
            "acknowledged {} lost per trial went from {} to {}",
            plural(noun),
            rounded(a),
            rounded(b)
        ));
    }
    if let Some((a, b)) = pair(&["p_data_loss"]) {
        parts.push(format!(
            "the chance of losing any went from {} to {}",
            pct_prose(a),
            pct_prose(b)
        ));
    }
    if let Some((a, b)) = pair(&["metrics", "downtime_seconds", "mean"]) {
        parts.push(format!(
            "writes were down {} per trial instead of {}",
            spoken(b),
            spoken(a)
        ));
    }
    if let Some((a, b)) = pair(&["metrics", "availability", "mean"])
        && format_availability(a) != format_availability(b)
    {
        parts.push(format!(
            "availability went from {} to {}",
            format_availability(a),
            format_availability(b)
        ));
    }
    if let Some((a, b)) = pair(&["write_latency_added_ms"])
        && a != b
    {
        parts.push(format!(
            "each write waits {b:.1} ms longer for its acknowledgement (was {a:.1} ms)"
        ));
    }
    if parts.is_empty() {
        out.push_str("the results carry no figures to compare.");
    } else {
        out.push_str(&parts.join("; "));
        out.push('.');
    }
    let same =
        rb.get("metrics") == ra.get("metrics") && rb.get("p_data_loss") == ra.get("p_data_loss");
    if same && !moved.is_empty() {
        out.push_str(" Nothing moved: in these years, no incident turned on this knob.");
    } else if let Some((k, _, to)) = moved.first() {
        let w = why(k, to);
        let mut c = w.chars();
        let w = c
            .next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default();
        out.push_str(&format!(" Why: {w}."));
    }
    Ok(out)
}

fn rounded(x: f64) -> String {
    if x >= 100.0 || x == 0.0 {
        format_count(x.round() as u64)
    } else {
        format!("{x:.1}")
    }
}

fn spoken(seconds: f64) -> String {
    human_duration((seconds.max(0.0) * SECOND as f64) as u64)
}
