//! `failsim diagram`: the Mermaid text is well formed for every strategy.
//!
//! A small structural checker stands in for a Mermaid parser (rendering
//! needs a browser): the diagram type comes first, every node and
//! participant is declared before use, `subgraph`/`alt` blocks balance, and
//! no label holds a character that would end it early.

mod common;
use common::*;
use failsim::{app, diagram, strategy};
use std::collections::BTreeSet;

fn is_id(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
        && !matches!(s, "end" | "subgraph" | "graph" | "flowchart")
}

/// A quoted label: `"..."` with no quote inside.
fn check_quoted(label: &str, line: &str) {
    assert!(
        label.len() >= 2 && label.starts_with('"') && label.ends_with('"'),
        "label not quoted: {line}"
    );
    assert!(
        !label[1..label.len() - 1].contains('"'),
        "quote inside a label: {line}"
    );
}

/// Splits `id<open>"label"<close>` into id and label.
fn node_decl(s: &str, line: &str) -> (String, String) {
    let shapes = [
        ("([", "])"),
        ("[(", ")]"),
        ("[", "]"),
        ("((", "))"),
        ("(", ")"),
    ];
    let start = s
        .find(['[', '('])
        .unwrap_or_else(|| panic!("no shape: {line}"));
    let id = &s[..start];
    assert!(is_id(id), "bad node id {id:?}: {line}");
    let rest = &s[start..];
    let (open, close) = shapes
        .iter()
        .find(|(o, c)| rest.starts_with(o) && rest.ends_with(c))
        .unwrap_or_else(|| panic!("unknown node shape: {line}"));
    let label = &rest[open.len()..rest.len() - close.len()];
    check_quoted(label, line);
    (id.to_string(), label.to_string())
}

fn check_flowchart(text: &str) {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart LR"), "first line");
    let mut declared: BTreeSet<String> = BTreeSet::new();
    let mut depth = 0i32;
    let mut edges = 0;
    for line in lines {
        let l = line.trim();
        if l.is_empty() || l.starts_with("%%") {
            continue;
        }
        if let Some(rest) = l.strip_prefix("subgraph ") {
            let (id, _) = node_decl(rest, line);
            assert!(declared.insert(id), "subgraph id reused: {line}");
            depth += 1;
            continue;
        }
        if l == "end" {
            depth -= 1;
            assert!(depth >= 0, "`end` without `subgraph`");
            continue;
        }
        let arrow = ["-.->", "==>", "-->"].iter().find(|a| l.contains(*a));
        match arrow {
            Some(a) => {
                let (from, rest) = l.split_once(a).unwrap();
                let from = from.trim();
                let to = match rest.trim().strip_prefix('|') {
                    Some(r) => {
                        let (label, to) = r
                            .split_once('|')
                            .unwrap_or_else(|| panic!("edge label: {line}"));
                        check_quoted(label, line);
                        to.trim()
                    }
                    None => rest.trim(),
                };
                for id in [from, to] {
                    assert!(is_id(id), "bad id {id:?} in edge: {line}");
                    assert!(declared.contains(id), "edge to undeclared {id:?}: {line}");
                }
                edges += 1;
            }
            None => {
                let (id, _) = node_decl(l, line);
                assert!(declared.insert(id), "node declared twice: {line}");
            }
        }
    }
    assert_eq!(depth, 0, "unbalanced subgraph/end");
    assert!(edges > 0, "no edges");
}

fn check_sequence(text: &str) {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("sequenceDiagram"), "first line");
    let mut participants: BTreeSet<String> = BTreeSet::new();
    let mut blocks = 0i32;
    let mut messages = 0;
    let safe = |t: &str, line: &str| {
        assert!(!t.trim().is_empty(), "empty text: {line}");
        assert!(
            !t.contains([';', '#', '"']),
            "`;`, `#` or a quote in text: {line}"
        );
    };
    for line in lines {
        let l = line.trim();
        if l.is_empty() || l == "autonumber" {
            continue;
        }
        if let Some(rest) = l.strip_prefix("participant ") {
            let (id, alias) = rest.split_once(" as ").unwrap_or((rest, rest));
            assert!(is_id(id), "bad participant id {id:?}");
            safe(alias, line);
            assert!(
                participants.insert(id.to_string()),
                "participant twice: {line}"
            );
            continue;
        }
        if let Some(rest) = l.strip_prefix("Note ") {
            let (place, t) = rest
                .split_once(": ")
                .unwrap_or_else(|| panic!("note: {line}"));
            let who = place
                .strip_prefix("over ")
                .or_else(|| place.strip_prefix("left of "))
                .or_else(|| place.strip_prefix("right of "))
                .unwrap_or_else(|| panic!("note placement: {line}"));
            for p in who.split(',') {
                assert!(
                    participants.contains(p.trim()),
                    "note on undeclared {p}: {line}"
                );
            }
            safe(t, line);
            continue;
        }
        if let Some(t) = l.strip_prefix("alt ") {
            safe(t, line);
            blocks += 1;
            continue;
        }
        if let Some(t) = l.strip_prefix("else") {
            assert!(blocks > 0, "`else` outside a block: {line}");
            if !t.is_empty() {
                safe(t, line);
            }
            continue;
        }
        if l == "end" {
            blocks -= 1;
            assert!(blocks >= 0, "`end` without a block");
            continue;
        }
        let arrow = ["-->>", "->>", "--)", "-)"]
            .iter()
            .find(|a| l.contains(*a))
            .unwrap_or_else(|| panic!("not a message: {line}"));
        let (from, rest) = l.split_once(arrow).unwrap();
        let (to, t) = rest
            .split_once(": ")
            .unwrap_or_else(|| panic!("message text: {line}"));
        for p in [from.trim(), to.trim()] {
            assert!(
                participants.contains(p),
                "message to undeclared {p}: {line}"
            );
        }
        safe(t, line);
        messages += 1;
    }
    assert_eq!(blocks, 0, "unbalanced alt/end");
    assert!(messages > 0, "no messages");
}

/// Every strategy the catalog lists, and the modifiers.
fn strategies() -> Vec<String> {
    let mut v: Vec<String> = strategy::CATALOG
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    v.extend(
        [
            "async+backup",
            "async+pitr",
            "semi-sync+delayed",
            "sync+pitr+delayed",
        ]
        .map(String::from),
    );
    v
}

#[test]
fn every_strategy_draws_well_formed_mermaid() {
    let base = app::load(None).unwrap().scenario;
    for name in strategies() {
        let sc = strategy::apply(&base, &name).unwrap();
        let topo = diagram::topology(&sc);
        let seq = diagram::write_path(&sc);
        std::panic::catch_unwind(|| check_flowchart(&topo))
            .unwrap_or_else(|_| panic!("topology of {name}:\n{topo}"));
        std::panic::catch_unwind(|| check_sequence(&seq))
            .unwrap_or_else(|_| panic!("write path of {name}:\n{seq}"));
    }
}

#[test]
fn names_that_would_break_mermaid_are_kept_in_quotes() {
    let world = WORLD.replace(
        "history = \"30d\"",
        "history = \"30d\"\nwrite_noun = \"row; #1\"",
    );
    let text = format!(
        "{world}{}",
        r#"
[[database.nodes]]
name = "db (main) \"1\""
zone = "east-a"
role = "primary"

[[database.nodes]]
name = "end"
zone = "east-b"
role = "replica"

[replication]
mode = "semi-sync"
"#
    );
    let f = fixture("odd.toml", &text);
    let sc = failsim::scenario::load(&f.path).expect("odd names are valid names");
    assert_eq!(sc.workload.write_noun, "row; #1");
    check_flowchart(&diagram::topology(&sc));
    check_sequence(&diagram::write_path(&sc));
}

#[test]
fn the_sequence_tells_who_acknowledges() {
    let base = app::load(None).unwrap().scenario;
    let seq = |name: &str| diagram::write_path(&strategy::apply(&base, name).unwrap());
    let sync = seq("sync");
    let ack = sync.find("P-->>A: committed").unwrap();
    assert!(
        sync.find("-->>P: flushed").unwrap() < ack,
        "sync: the replica answers first"
    );
    let asy = seq("async");
    assert!(asy.find("P-)R0").unwrap() > asy.find("P-->>A: committed").unwrap());
    assert!(seq("semi-sync").contains("alt the replica answers within 10 s"));
    assert!(seq("delayed").contains("applies it 1 h later"));
    assert!(seq("async+pitr").contains("log archived every 5 min"));
}

#[test]
fn the_command_prints_markdown_with_two_diagrams() {
    let out = expect_success(failsim().args(["diagram", "--strategy", "warm-standby"]));
    let md = String::from_utf8(out.stdout).unwrap();
    assert_eq!(md.matches("```mermaid\n").count(), 2);
    assert_eq!(md.matches("\n```\n").count(), 2);
    assert!(md.starts_with("## Topology of ecommerce (warm-standby)"));
    assert!(md.contains("## Write path of ecommerce (warm-standby)"));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("d.md");
    let out = expect_success(failsim().args(["diagram", "--out"]).arg(&p));
    assert!(out.stdout.is_empty());
    assert!(
        std::fs::read_to_string(&p)
            .unwrap()
            .contains("flowchart LR")
    );
    expect_exit_2(failsim().args(["diagram", "--strategy", "nope"]));
}
