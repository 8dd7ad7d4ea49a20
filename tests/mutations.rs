//! Bad bytes in, a clear answer out: arbitrary bytes and damaged copies of
//! real files are fed to the scenario reader (TOML and JSON, from text and
//! from a file) and to the migration readers (a Liquibase changelog, a
//! Flyway folder, the SQL splitter and classifier). Every input must be
//! either accepted or refused with a message; none may panic or hang.
//!
//! This is the part of fuzzing that runs in CI; the coverage-guided
//! targets are in `fuzz/` (docs/fuzzing.md). The seeds are every scenario
//! in `scenarios/` (also as JSON) and every migration fixture; the damage
//! is byte flips, deletions, insertions (random bytes and tokens that
//! matter to TOML, JSON and SQL), duplicated, swapped and shuffled lines,
//! and truncation.

use failsim::migrations::{self, sql};
use failsim::scenario::{self, Format};
use failsim::sim::Engine;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

/// The seed files: (name, bytes).
static SEEDS: LazyLock<Vec<(String, Vec<u8>)>> = LazyLock::new(|| {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&root.join("scenarios"), &mut files);
    collect(&root.join("tests/fixtures"), &mut files);
    files.sort();
    let mut seeds = Vec::new();
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let name = f.strip_prefix(root).unwrap().display().to_string();
        if name.ends_with(".toml") {
            // The same scenario as JSON, for the JSON reader.
            let text = String::from_utf8(bytes.clone()).unwrap();
            let raw = scenario::parse_raw(&text, &name, Format::Toml).unwrap();
            let json = serde_json::to_vec_pretty(&raw).unwrap();
            seeds.push((name.replace(".toml", ".json"), json));
        }
        seeds.push((name, bytes));
    }
    assert!(seeds.len() > 20, "seed files not found");
    seeds
});

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Fragments that matter to the three grammars.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    ",",
    ":",
    "\n",
    "#",
    ".",
    "0",
    "-1",
    "1e999",
    "nan",
    "inf",
    "18446744073709551616",
    "\"0s\"",
    "\"1000000y\"",
    "\"99999999999999999999d\"",
    "\"-5s\"",
    "\"100%\"",
    "\"1e308GB\"",
    "\u{0}",
    "\u{feff}",
    "é",
    "\u{202e}",
    "\"\"\"",
    "'''",
    "\\",
    "\\u",
    "--changeset a:1",
    "--changeset a:1 runInTransaction:false splitStatements:false endDelimiter:GO",
    "--rollback ",
    "/* liquibase rollback",
    "/*",
    "*/",
    "--",
    "$$",
    "$tag$",
    "DELIMITER //",
    ";",
    "GO",
    "BEGIN",
    "END;",
    "COMMIT;",
    "DROP TABLE x;",
    "DELETE FROM t",
    "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 1;",
    "CREATE INDEX CONCURRENTLY i ON t (c);",
    "UPDATE t SET a = 1",
    "E'",
];

#[derive(Clone, Debug)]
enum Damage {
    Flip {
        at: usize,
        bit: u8,
    },
    Delete {
        at: usize,
        len: usize,
    },
    Insert {
        at: usize,
        bytes: Vec<u8>,
    },
    Token {
        at: usize,
        token: usize,
        times: usize,
    },
    DuplicateLine {
        line: usize,
    },
    SwapLines {
        a: usize,
        b: usize,
    },
    ShuffleLines {
        seed: u64,
    },
    Truncate {
        at: usize,
    },
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Damage::Flip { at, bit }),
        (any::<usize>(), 1usize..64).prop_map(|(at, len)| Damage::Delete { at, len }),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..16)
        )
            .prop_map(|(at, bytes)| Damage::Insert { at, bytes }),
        (
            any::<usize>(),
            0..TOKENS.len(),
            prop_oneof![8 => Just(1usize), 1 => 2usize..200]
        )
            .prop_map(|(at, token, times)| Damage::Token { at, token, times }),
        any::<usize>().prop_map(|line| Damage::DuplicateLine { line }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Damage::SwapLines { a, b }),
        any::<u64>().prop_map(|seed| Damage::ShuffleLines { seed }),
        any::<usize>().prop_map(|at| Damage::Truncate { at }),
    ]
}

fn apply(bytes: &mut Vec<u8>, d: &Damage) {
    let n = bytes.len();
    let pos = |at: usize| if n == 0 { 0 } else { at % (n + 1) };
    match d {
        Damage::Flip { at, bit } => {
            if n > 0 {
                bytes[at % n] ^= 1 << bit;
            }
        }
        Damage::Delete { at, len } => {
            let a = pos(*at);
            let b = (a + len).min(n);
            bytes.drain(a..b);
        }
        Damage::Insert { at, bytes: new } => {
            let a = pos(*at);
            bytes.splice(a..a, new.iter().copied());
        }
        Damage::Token { at, token, times } => {
            let a = pos(*at);
            let t = TOKENS[*token].as_bytes().repeat(*times);
            bytes.splice(a..a, t);
        }
        Damage::DuplicateLine { line } => {
            let mut lines = split_lines(bytes);
            if !lines.is_empty() {
                let l = lines[line % lines.len()].clone();
                lines.insert(line % lines.len(), l);
            }
            *bytes = lines.concat();
        }
        Damage::SwapLines { a, b } => {
            let mut lines = split_lines(bytes);
            if !lines.is_empty() {
                let k = lines.len();
                lines.swap(a % k, b % k);
            }
            *bytes = lines.concat();
        }
        Damage::ShuffleLines { seed } => {
            let mut lines = split_lines(bytes);
            // Fisher-Yates with a small xorshift: the shuffle is part of
            // the case, so it shrinks and replays.
            let mut x = seed | 1;
            for i in (1..lines.len()).rev() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                lines.swap(i, (x % (i as u64 + 1)) as usize);
            }
            *bytes = lines.concat();
        }
        Damage::Truncate { at } => bytes.truncate(pos(*at)),
    }
}

fn split_lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .map(|l| l.to_vec())
        .collect()
}

/// Loose: a reader that takes this long on an input of this size is stuck.
fn time_limit(len: usize) -> Duration {
    Duration::from_secs(10) + Duration::from_millis(len as u64 / 100)
}

/// Feeds one input to every reader; fails on an empty refusal or a hang.
/// (A panic fails the test by itself.)
fn feed(bytes: &[u8]) -> Result<(), TestCaseError> {
    let start = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let text = String::from_utf8_lossy(bytes);

    // Scenarios: from text, and from a file (which adds the UTF-8 and size
    // checks), in both formats.
    for (format, ext) in [(Format::Toml, "toml"), (Format::Json, "json")] {
        match scenario::parse(&text, "input", format) {
            Ok(sc) => {
                // Accepted: the engine can be built for it.
                let _ = Engine::new(&sc);
            }
            Err(e) => {
                prop_assert!(!e.problems.is_empty(), "a refusal with no problem");
                for p in &e.problems {
                    prop_assert!(!p.message.trim().is_empty(), "an empty message: {e:?}");
                }
                prop_assert!(e.to_string().starts_with("input"), "{e}");
            }
        }
        let path = dir.path().join(format!("input.{ext}"));
        std::fs::write(&path, bytes).unwrap();
        if let Err(e) = scenario::load(&path) {
            prop_assert!(!e.problems.is_empty());
            for p in &e.problems {
                prop_assert!(!p.message.trim().is_empty(), "an empty message: {e:?}");
            }
        }
    }

    // Migrations: as a Liquibase changelog (with and without the header
    // the reader looks for), as a Flyway folder, and straight to the SQL
    // splitter and classifier.
    for (name, body) in [
        ("changelog.sql", bytes.to_vec()),
        (
            "headed.sql",
            [b"--liquibase formatted sql\n".as_slice(), bytes].concat(),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &body).unwrap();
        if let Err(e) = migrations::read_path(&path) {
            prop_assert!(!e.to_string().trim().is_empty(), "an empty message");
        }
    }
    let flyway = dir.path().join("flyway");
    std::fs::create_dir(&flyway).unwrap();
    std::fs::write(flyway.join("V1__input.sql"), bytes).unwrap();
    std::fs::write(flyway.join("V2__next.sql"), bytes).unwrap();
    if let Err(e) = migrations::read_path(&flyway) {
        prop_assert!(!e.to_string().trim().is_empty(), "an empty message");
    }
    for s in sql::split_statements(&text) {
        let c = sql::classify(&s.text);
        prop_assert!(!c.reason().trim().is_empty());
    }

    let took = start.elapsed();
    prop_assert!(
        took < time_limit(bytes.len()),
        "{} bytes took {took:?}",
        bytes.len()
    );
    Ok(())
}

/// A number from the environment, for longer searches by hand
/// (`FAILSIM_PROPTEST_CASES=20000`); the default is what CI runs.
fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(env_or("FAILSIM_PROPTEST_SEED", 0xbad_b17e5)),
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(env_or("FAILSIM_PROPTEST_CASES", 600) as u32))]

    #[test]
    fn damaged_files_are_accepted_or_refused_with_a_message(
        seed in any::<prop::sample::Index>(),
        damage in proptest::collection::vec(damage(), 1..6),
    ) {
        let (_, original) = &SEEDS[seed.index(SEEDS.len())];
        let mut bytes = original.clone();
        for d in &damage {
            apply(&mut bytes, d);
        }
        feed(&bytes)?;
    }

    #[test]
    fn arbitrary_bytes_are_accepted_or_refused_with_a_message(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        feed(&bytes)?;
    }

    #[test]
    fn arbitrary_text_is_accepted_or_refused_with_a_message(
        text in "(\\PC|\n|\\[|\\]|=|\"|\\{|\\}|;|--|\\$\\$)*",
    ) {
        feed(text.as_bytes())?;
    }
}

/// Every seed, undamaged, reads as before: the scenarios are accepted, the
/// migration fixtures give their verdicts (so the damage above starts from
/// real, valid input).
#[test]
fn seeds_are_fed_whole() {
    for (name, bytes) in SEEDS.iter() {
        feed(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        if name.starts_with("scenarios/") {
            let format = if name.ends_with(".json") {
                Format::Json
            } else {
                Format::Toml
            };
            let text = std::str::from_utf8(bytes).unwrap();
            scenario::parse(text, name, format).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}
