//! The layout the code promises a reader (docs/design-decisions.md,
//! "Layout"): no import circle between the crate's top-level modules, and
//! no source file so long that a reader cannot hold it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const LINES_MAX: usize = 800;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without its comments, so that a doc link is not an import.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::NAME` a file mentions.
fn mentions(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&root).expect("under src/");
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .expect("a file name")
            .trim_end_matches(".rs")
            .to_string();
        if top == "main" || top == "lib" {
            continue;
        }
        let code = code_of(&fs::read_to_string(&f).expect("UTF-8 source"));
        let deps = g.entry(top.clone()).or_default();
        deps.extend(mentions(&code).into_iter().filter(|m| *m != top));
    }
    g
}

/// A circle through `from`, if there is one (depth-first search).
fn circle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        g: &BTreeMap<String, BTreeSet<String>>,
        u: &str,
        on_path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = on_path.iter().position(|v| v == u) {
            let mut c = on_path[i..].to_vec();
            c.push(u.to_string());
            return Some(c);
        }
        if done.contains(u) {
            return None;
        }
        on_path.push(u.to_string());
        for v in g.get(u).into_iter().flatten() {
            if let Some(c) = visit(g, v, on_path, done) {
                return Some(c);
            }
        }
        on_path.pop();
        done.insert(u.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for u in g.keys() {
        if let Some(c) = visit(g, u, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_import_circle_between_top_level_modules() {
    let g = graph();
    assert!(g.contains_key("sim") && g.contains_key("app"), "{g:?}");
    assert_eq!(circle(&g), None, "modules that import each other: {g:#?}");
}

#[test]
fn the_circle_check_finds_a_circle() {
    let mut g = graph();
    g.entry("units".into()).or_default().insert("app".into());
    assert!(circle(&g).is_some());
}

#[test]
fn no_source_file_is_over_800_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = fs::read_to_string(f).expect("UTF-8 source").lines().count();
            (n > LINES_MAX).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "over {LINES_MAX} lines: {long:?}");
}
