//! `failsim diagram`: Mermaid text for a scenario, ready to paste into
//! Markdown.
//!
//! Two pictures:
//!
//! ```text
//!   topology    flowchart LR: clients -> load balancer -> API servers (by
//!               zone) -> primary -> replicas, inside one subgraph per region
//!               and zone; replication edges labelled with mode and round
//!               trip; backups, their copies and the log archive dotted
//!   write path  sequenceDiagram: who acknowledges a write, and when, under
//!               the scenario's replication modes
//! ```
//!
//! Node ids are generated (`zone_0`, `node_1`), never taken from names, and
//! every label is quoted, so no name can break the Mermaid syntax. Names
//! are user input: in Mermaid they go in as entity codes (`#60;` for `<`),
//! in the Markdown around the diagrams with HTML and Markdown specials
//! escaped, and a line break or other control character in a name becomes
//! a space, so no name can end a line, close a fence or open a tag.

use crate::explain::{article, ordinal_days, span};
use crate::format::format_latency_ms;
use crate::scenario::{FailoverMode, ReplicationMode, Scenario, SyncDown};
use crate::units::{Micros, human_duration};
use std::collections::BTreeSet;
use std::fmt::Write;

/// A label safe inside Mermaid double quotes. Applied to whole labels,
/// which may hold our own `<br/>`: names inside go through [`name`] first.
fn label(s: &str) -> String {
    s.replace('"', "#quot;")
}

/// A user's name made inert inside a Mermaid label: every character that
/// Mermaid or the HTML it renders could read as syntax becomes an entity
/// code, and control characters (a line break would end the statement
/// and could close the Markdown fence) become spaces.
fn name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("#60;"),
            '>' => out.push_str("#62;"),
            '&' => out.push_str("#38;"),
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text safe after `:` or `as` in a sequence diagram (a `;` would end the
/// line, a `#` start an entity, a `"` open a quoted name); `<`, `>`, `&`
/// and a backtick as entity codes, control characters as spaces.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            ';' => out.push(','),
            '#' => out.push_str("no. "),
            '"' => out.push('\''),
            '<' => out.push_str("#60;"),
            '>' => out.push_str("#62;"),
            '&' => out.push_str("#38;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A user's text safe inline in Markdown (a heading, a sentence): HTML
/// specials as entities, Markdown's inline specials backslash-escaped,
/// control characters (line breaks included) as spaces.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '|' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn mode_words(m: ReplicationMode) -> &'static str {
    match m {
        ReplicationMode::None => "no replication",
        ReplicationMode::Async => "async",
        ReplicationMode::SemiSync => "semi-sync",
        ReplicationMode::Sync => "sync",
        ReplicationMode::Delayed => "delayed",
    }
}

/// The topology as a Mermaid `flowchart LR`.
pub fn topology(sc: &Scenario) -> String {
    let mut out = String::from("flowchart LR\n");
    let p = sc.initial_primary();
    let api_zones: BTreeSet<usize> = sc
        .api
        .as_ref()
        .map(|a| a.servers.iter().copied().collect())
        .unwrap_or_default();
    let node_zones: BTreeSet<usize> = sc.nodes.iter().map(|n| n.zone).collect();
    let backups = sc.backups.as_ref();

    let _ = writeln!(out, "    clients([\"clients\"])");
    if let Some(api) = &sc.api {
        let _ = writeln!(
            out,
            "    lb[\"{}\"]",
            label(&format!(
                "load balancer<br/>{} API servers, at least {} healthy",
                api.servers.len(),
                api.min_healthy
            ))
        );
    }
    for (r, region) in sc.regions.iter().enumerate() {
        let zones: Vec<usize> = region
            .zones
            .iter()
            .copied()
            .filter(|z| api_zones.contains(z) || node_zones.contains(z))
            .collect();
        let holds_backups = backups.is_some_and(|b| b.region == r);
        let holds_copy = backups.is_some_and(|b| b.copy_to.contains(&r));
        if zones.is_empty() && !holds_backups && !holds_copy {
            continue;
        }
        let _ = writeln!(
            out,
            "    subgraph region_{r}[\"{}\"]",
            label(&format!("region {}", name(&region.name)))
        );
        for z in zones {
            let _ = writeln!(
                out,
                "        subgraph zone_{z}[\"{}\"]",
                label(&format!("zone {}", name(&sc.zones[z].name)))
            );
            if let Some(api) = &sc.api {
                let names: Vec<String> = api
                    .servers
                    .iter()
                    .enumerate()
                    .filter(|(_, zz)| **zz == z)
                    .map(|(k, _)| format!("api-{k}"))
                    .collect();
                if !names.is_empty() {
                    let _ = writeln!(
                        out,
                        "            api_{z}[\"{}\"]",
                        label(&format!(
                            "{} API server{}<br/>{}",
                            names.len(),
                            if names.len() == 1 { "" } else { "s" },
                            names.join(", ")
                        ))
                    );
                }
            }
            for (n, node) in sc.nodes.iter().enumerate() {
                if node.zone != z {
                    continue;
                }
                let role = if n == p {
                    "primary".to_string()
                } else {
                    format!(
                        "{} replica{}",
                        mode_words(node.mode),
                        if node.active { "" } else { ", standby" }
                    )
                };
                let _ = writeln!(
                    out,
                    "            node_{n}[(\"{}\")]",
                    label(&format!("{}<br/>{role}", name(&node.name)))
                );
            }
            let _ = writeln!(out, "        end");
        }
        if let Some(b) = backups {
            if holds_backups {
                let mut what = format!("backups<br/>full {}", ordinal_days(b.full_every));
                if let Some(i) = b.incremental_every {
                    let _ = write!(what, ", incremental {}", ordinal_days(i));
                }
                let _ = write!(what, "<br/>kept {}", span(b.retention));
                let _ = writeln!(out, "        backups_{r}[(\"{}\")]", label(&what));
                if let Some(a) = &b.log_archive {
                    let _ = writeln!(
                        out,
                        "        archive_{r}[(\"{}\")]",
                        label(&format!(
                            "log archive<br/>complete to the last {}",
                            span(a.interval)
                        ))
                    );
                }
            }
            if holds_copy {
                let _ = writeln!(out, "        copies_{r}[(\"{}\")]", label("backup copies"));
            }
        }
        let _ = writeln!(out, "    end");
    }

    // Edges.
    match &sc.api {
        Some(_) => {
            let _ = writeln!(out, "    clients --> lb");
            for z in &api_zones {
                let _ = writeln!(out, "    lb --> api_{z}");
            }
            for z in &api_zones {
                let _ = writeln!(out, "    api_{z} -->|\"writes\"| node_{p}");
            }
        }
        None => {
            let _ = writeln!(out, "    clients -->|\"writes\"| node_{p}");
        }
    }
    for (n, node) in sc.nodes.iter().enumerate() {
        if n == p {
            continue;
        }
        let rtt = sc
            .node_rtt(p, n)
            .map(|r| format!(", RTT {}", format_latency_ms(r)))
            .unwrap_or_else(|| ", no route".into());
        let what = match node.mode {
            ReplicationMode::Delayed => {
                format!("delayed, applied {} late{rtt}", span(sc.replication.delay))
            }
            m => format!("{}{rtt}", mode_words(m)),
        };
        let arrow = if matches!(node.mode, ReplicationMode::Sync | ReplicationMode::SemiSync) {
            "==>"
        } else {
            "-->"
        };
        let _ = writeln!(out, "    node_{p} {arrow}|\"{}\"| node_{n}", label(&what));
    }
    if let Some(b) = backups {
        let r = b.region;
        let mut what = format!("full {}", ordinal_days(b.full_every));
        if let Some(i) = b.incremental_every {
            let _ = write!(what, " + incremental {}", ordinal_days(i));
        }
        let _ = writeln!(out, "    node_{p} -.->|\"{}\"| backups_{r}", label(&what));
        if let Some(a) = &b.log_archive {
            let _ = writeln!(
                out,
                "    node_{p} -.->|\"{}\"| archive_{r}",
                label(&format!("log every {}", span(a.interval)))
            );
        }
        for &c in &b.copy_to {
            let _ = writeln!(
                out,
                "    backups_{r} -.->|\"{}\"| copies_{c}",
                label(&format!("copied after {}", span(b.copy_delay)))
            );
        }
    }
    out
}

/// The write path as a Mermaid `sequenceDiagram`: who acknowledges what,
/// and when.
pub fn write_path(sc: &Scenario) -> String {
    let mut out = String::from("sequenceDiagram\n");
    let p = sc.initial_primary();
    let noun = &sc.workload.write_noun;
    let replicas: Vec<usize> = (0..sc.nodes.len()).filter(|&n| n != p).collect();
    let _ = writeln!(out, "    participant C as client");
    if sc.api.is_some() {
        let _ = writeln!(out, "    participant A as API server");
    }
    let _ = writeln!(
        out,
        "    participant P as {}",
        text(&format!("primary {}", sc.nodes[p].name))
    );
    for (k, &n) in replicas.iter().enumerate() {
        let node = &sc.nodes[n];
        let _ = writeln!(
            out,
            "    participant R{k} as {}",
            text(&format!(
                "{} ({} replica)",
                node.name,
                mode_words(node.mode)
            ))
        );
    }
    if let Some(b) = &sc.backups {
        let _ = writeln!(
            out,
            "    participant B as {}",
            text(&format!("backups ({})", sc.regions[b.region].name))
        );
    }
    let front = if sc.api.is_some() { "A" } else { "C" };
    if sc.api.is_some() {
        let _ = writeln!(
            out,
            "    C->>A: {}",
            text(&format!("place {} {noun}", article(noun)))
        );
    }
    let _ = writeln!(out, "    {front}->>P: write and commit");
    let _ = writeln!(
        out,
        "    Note over P: the commit is written to its log on disk"
    );

    let rtt = |n: usize| {
        sc.node_rtt(p, n)
            .map(format_latency_ms)
            .unwrap_or_else(|| "no route".into())
    };
    // Before the acknowledgement: sync and semi-sync replicas.
    for (k, &n) in replicas.iter().enumerate() {
        match sc.nodes[n].mode {
            ReplicationMode::Sync => {
                let _ = writeln!(out, "    P->>R{k}: log record");
                let _ = writeln!(out, "    Note over R{k}: flushes it to disk");
                let _ = writeln!(out, "    R{k}-->>P: flushed");
                let _ = writeln!(
                    out,
                    "    Note over P,R{k}: {}",
                    text(&format!("one round trip, {}, added to every write", rtt(n)))
                );
            }
            ReplicationMode::SemiSync => {
                let timeout = span(sc.replication.semi_sync_timeout);
                let _ = writeln!(out, "    P->>R{k}: log record");
                let _ = writeln!(
                    out,
                    "    alt {}",
                    text(&format!("the replica answers within {timeout}"))
                );
                let _ = writeln!(out, "        R{k}-->>P: received, written to its relay log");
                let _ = writeln!(
                    out,
                    "        Note over P,R{k}: {}",
                    text(&format!("one round trip, {}, added to every write", rtt(n)))
                );
                let _ = writeln!(
                    out,
                    "    else {}",
                    text(&format!("no answer within {timeout}"))
                );
                let _ = writeln!(
                    out,
                    "        Note over P: {}",
                    text(
                        "falls back to async until a replica catches up, acknowledging writes no replica has"
                    )
                );
                let _ = writeln!(out, "    end");
            }
            _ => {}
        }
    }
    if replicas
        .iter()
        .any(|&n| sc.nodes[n].mode == ReplicationMode::Sync)
    {
        let then = match sc.replication.sync_on_replica_down {
            SyncDown::Block => "writes block until one returns",
            SyncDown::Degrade => "writes continue unprotected, as async, until one returns",
        };
        let _ = writeln!(
            out,
            "    Note over P: {}",
            text(&format!("if no sync replica can answer, {then}"))
        );
    }
    let _ = writeln!(out, "    P-->>{front}: committed");
    if sc.api.is_some() {
        let _ = writeln!(out, "    A-->>C: {}", text(&format!("{noun} confirmed")));
    }
    // After the acknowledgement: async and delayed replicas.
    for (k, &n) in replicas.iter().enumerate() {
        match sc.nodes[n].mode {
            ReplicationMode::Async => {
                let _ = writeln!(out, "    P-)R{k}: log record, after the acknowledgement");
                let _ = writeln!(
                    out,
                    "    Note over R{k}: {}",
                    text(&format!(
                        "typically {} behind, the tail a failover would lose",
                        human_duration(sc.replication.lag.median() as Micros)
                    ))
                );
            }
            ReplicationMode::Delayed => {
                let _ = writeln!(out, "    P-)R{k}: log record, shipped at once");
                let _ = writeln!(
                    out,
                    "    Note over R{k}: {}",
                    text(&format!(
                        "applies it {} later, so a mistake can be stopped before it lands",
                        span(sc.replication.delay)
                    ))
                );
            }
            _ => {}
        }
    }
    if replicas.is_empty() {
        let _ = writeln!(
            out,
            "    Note over P: {}",
            text("no replica, so the primary's disk holds the only live copy")
        );
    }
    if let Some(b) = &sc.backups {
        let mut what = format!("full backup {}", ordinal_days(b.full_every));
        if let Some(i) = b.incremental_every {
            let _ = write!(what, ", incremental {}", ordinal_days(i));
        }
        if !b.copy_to.is_empty() {
            let names: Vec<&str> = b
                .copy_to
                .iter()
                .map(|&r| sc.regions[r].name.as_str())
                .collect();
            let _ = write!(
                what,
                ", copied to {} after {}",
                names.join(" and "),
                span(b.copy_delay)
            );
        }
        let _ = writeln!(out, "    Note over P,B: {}", text(&what));
        if let Some(a) = &b.log_archive {
            let _ = writeln!(
                out,
                "    P-)B: {}",
                text(&format!(
                    "log archived every {} for point-in-time recovery",
                    span(a.interval)
                ))
            );
        }
    }
    out
}

/// Both diagrams as Markdown: a heading, a sentence, a fenced block each.
pub fn markdown(sc: &Scenario, strategy: &str) -> String {
    let fo = &sc.failover;
    let failover = match fo.mode {
        FailoverMode::Automatic if fo.cross_region => {
            "Failover is automatic, to a replica in any region."
        }
        FailoverMode::Automatic => "Failover is automatic, within the primary's region.",
        FailoverMode::Manual => "Failover is manual: an operator promotes a replica.",
        FailoverMode::None => "Nothing fails over: writes wait for the primary.",
    };
    let single = sc.nodes.len() == 1;
    format!(
        "## Topology of {name} ({strategy})\n\n\
         How requests reach the data, and where each copy of it lives. \
         Thick arrows: the primary waits for that replica before acknowledging; \
         dotted: backups and copies.{failover}\n\n\
         ```mermaid\n{topo}```\n\n\
         ## Write path of {name} ({strategy})\n\n\
         Who acknowledges {a} {noun}, and when: {when}\n\n\
         ```mermaid\n{seq}```\n",
        name = md(&sc.name),
        strategy = md(strategy),
        failover = if single {
            String::new()
        } else {
            format!(" {failover}")
        },
        topo = topology(sc),
        noun = md(&sc.workload.write_noun),
        a = article(&sc.workload.write_noun),
        when = if single {
            "with one database, its disk is the only copy.".to_string()
        } else {
            "a replica that answers before the acknowledgement holds every acknowledged write; one that receives the log afterwards may miss the last ones.".to_string()
        },
        seq = write_path(sc),
    )
}
