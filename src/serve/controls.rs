//! What the page shows: the knobs that teach (each a field path of the
//! scenario, as `sweep --set` names it, with its current value), and the
//! topology it draws (regions, zones, API servers, database nodes, links,
//! backups).

use super::request::{Built, STRATEGIES_MAX, TRIALS_MAX};
use crate::strategy;
use serde::Serialize;
use serde_json::{Value, json};

/// The trials the page runs per knob change unless told otherwise: the
/// most that keep a knob change of the default scenario under 300 ms on
/// 2 cores (docs/performance.md).
pub const PAGE_TRIALS: u64 = 5000;

/// One control of the page.
#[derive(Clone, Debug, Serialize)]
pub struct Control {
    /// The field path it sets (a `settings` key).
    pub path: String,
    pub label: String,
    /// The heading it goes under.
    pub group: &'static str,
    /// `select`, `duration`, `fraction`, `switch` (value or `null`),
    /// `regions` (a list of region names), `replicas` (the list of
    /// database nodes, whose replicas the page adds, removes and places).
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// The value in the served scenario (`null`: absent).
    pub value: Value,
    /// For `switch`: the value set when switched on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<Value>,
}

fn control(
    path: &str,
    label: &str,
    group: &'static str,
    kind: &'static str,
    value: Value,
) -> Control {
    Control {
        path: path.into(),
        label: label.into(),
        group,
        kind,
        options: Vec::new(),
        value,
        on: None,
    }
}

fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for k in path {
        cur = cur.get(*k)?;
    }
    (!cur.is_null()).then_some(cur)
}

/// The controls of the served scenario, and what the page needs besides.
pub fn controls(built: &Built) -> Value {
    let v = serde_json::to_value(&built.raw).unwrap_or(Value::Null);
    let mut out: Vec<Control> = Vec::new();
    let str_or = |p: &[&str], d: &str| get(&v, p).cloned().unwrap_or_else(|| Value::from(d));
    let mut mode = control(
        "replication.mode",
        "Replication mode",
        "Replication",
        "select",
        str_or(&["replication", "mode"], "async"),
    );
    mode.options = ["async", "semi-sync", "sync", "delayed"]
        .map(String::from)
        .to_vec();
    out.push(mode);
    match get(&v, &["replication", "lag"]) {
        Some(Value::Object(m)) if m.contains_key("median") => {
            for key in ["median", "p95"] {
                if let Some(x) = m.get(key) {
                    out.push(control(
                        &format!("replication.lag.{key}"),
                        &format!("Replication lag ({key})"),
                        "Replication",
                        "duration",
                        x.clone(),
                    ));
                }
            }
        }
        Some(x @ Value::String(_)) => out.push(control(
            "replication.lag",
            "Replication lag",
            "Replication",
            "duration",
            x.clone(),
        )),
        _ => {}
    }
    let zones: Vec<String> = built
        .scenario
        .zones
        .iter()
        .map(|z| z.name.clone())
        .collect();
    if let Some(nodes @ Value::Array(_)) = get(&v, &["database", "nodes"]) {
        // The whole list of nodes: the page adds, removes and places
        // replicas, keeping the primary and the replicas it keeps as written.
        let mut c = control(
            "database.nodes",
            "Replicas and their zones",
            "Replicas",
            "replicas",
            nodes.clone(),
        );
        c.options = zones.clone();
        out.push(c);
    }
    let mut fo = control(
        "failover.mode",
        "Failover",
        "Failover",
        "select",
        str_or(&["failover", "mode"], "automatic"),
    );
    fo.options = ["automatic", "manual", "none"].map(String::from).to_vec();
    out.push(fo);
    out.push(control(
        "failover.detection",
        "Detection time",
        "Failover",
        "duration",
        str_or(&["failover", "detection"], "30s"),
    ));
    out.push(control(
        "failover.cross_region",
        "Fail over across regions",
        "Failover",
        "select",
        get(&v, &["failover", "cross_region"])
            .map(|b| Value::from(b.to_string()))
            .unwrap_or_else(|| Value::from("false")),
    ));
    if let Some(last) = out.last_mut() {
        last.options = vec!["false".into(), "true".into()];
    }
    if get(&v, &["backups"]).is_some() {
        for (key, label) in [
            ("full_every", "Full backup every"),
            ("incremental_every", "Incremental backup every"),
            ("retention", "Retention"),
        ] {
            if let Some(x) = get(&v, &["backups", key]) {
                out.push(control(
                    &format!("backups.{key}"),
                    label,
                    "Backups",
                    "duration",
                    x.clone(),
                ));
            }
        }
        let mut pitr = control(
            "backups.log_archive",
            "Point-in-time recovery (log archive)",
            "Backups",
            "switch",
            get(&v, &["backups", "log_archive"])
                .cloned()
                .unwrap_or(Value::Null),
        );
        pitr.on = Some(json!({"interval": "5m"}));
        out.push(pitr);
        let home = get(&v, &["backups", "region"]).and_then(Value::as_str);
        let mut copy = control(
            "backups.copy_to",
            "Copy backups to",
            "Backups",
            "regions",
            get(&v, &["backups", "copy_to"])
                .cloned()
                .unwrap_or_else(|| json!([])),
        );
        copy.options = built
            .scenario
            .regions
            .iter()
            .map(|r| r.name.clone())
            .filter(|r| Some(r.as_str()) != home)
            .collect();
        out.push(copy);
    }
    if let Some(Value::Object(faults)) = get(&v, &["faults"]) {
        for (kind, f) in faults {
            for key in ["mttf", "afr"] {
                if let Some(x) = f.get(key).filter(|x| x.is_string() || x.is_number()) {
                    out.push(control(
                        &format!("faults.{kind}.{key}"),
                        &format!("{} ({key})", kind.replace('_', " ")),
                        "Faults",
                        if key == "afr" { "fraction" } else { "duration" },
                        x.clone(),
                    ));
                }
            }
        }
    }
    // `compare`'s default set, then the presets it does not hold.
    let mut strategies: Vec<&str> = strategy::DEFAULT_SET.to_vec();
    for (n, _) in strategy::CATALOG {
        if !strategies.contains(n) {
            strategies.push(n);
        }
    }
    json!({
        "scenario": built.scenario.name,
        "description": built.scenario.description,
        "seed": built.scenario.seed,
        "trials": built.scenario.trials.min(PAGE_TRIALS),
        "trials_max": TRIALS_MAX,
        "strategies_max": STRATEGIES_MAX,
        "strategies": strategies,
        "controls": out,
    })
}

/// The topology of a built request, for the page to draw.
pub fn topology(built: &Built) -> Value {
    let sc = &built.scenario;
    let zone = |z: usize| sc.zones.get(z).map_or("", |z| z.name.as_str());
    let regions: Vec<Value> = sc
        .regions
        .iter()
        .map(|r| json!({"name": r.name, "zones": r.zones.iter().map(|&z| zone(z)).collect::<Vec<_>>()}))
        .collect();
    let nodes: Vec<Value> = sc
        .nodes
        .iter()
        .map(|n| {
            json!({
                "name": n.name,
                "zone": zone(n.zone),
                "role": n.role,
                "active": n.active,
                "mode": n.mode.name(),
            })
        })
        .collect();
    let api = sc.api.as_ref().map(|a| {
        json!({
            "servers": a.servers.iter().map(|&z| zone(z)).collect::<Vec<_>>(),
            "min_healthy": a.min_healthy,
        })
    });
    let v = serde_json::to_value(&built.raw).unwrap_or(Value::Null);
    let links = get(&v, &["network", "links"]).cloned().unwrap_or(json!([]));
    let backups = sc.backups.as_ref().map(|b| {
        let region = |r: usize| sc.regions.get(r).map_or("", |r| r.name.as_str());
        json!({
            "region": region(b.region),
            "copy_to": b.copy_to.iter().map(|&r| region(r)).collect::<Vec<_>>(),
            "pitr": b.log_archive.is_some(),
        })
    });
    json!({
        "scenario": sc.name,
        "regions": regions,
        "nodes": nodes,
        "api": api,
        "links": links,
        "backups": backups,
        "replication": sc.replication.mode.name(),
        "failover": sc.failover.mode,
    })
}
