//! `failsim merge`: shard files (the JSON `run --shard I/N --json` writes).
//! The input is split at NUL bytes into up to four files; each is read or
//! refused with a message naming it, and files that are each accepted are
//! merged or refused; nothing panics. Seeded with real shard files
//! (fuzz/seeds/merge_shards), since valid JSON of that shape is rarely
//! found from nothing.
#![no_main]

use failsim::shard;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let names: Vec<PathBuf> = (0..4).map(|i| PathBuf::from(format!("shard{i}.json"))).collect();
    let mut parts = Vec::new();
    for (k, chunk) in data.split(|&b| b == 0).take(4).enumerate() {
        let Ok(text) = std::str::from_utf8(chunk) else {
            return;
        };
        let file = names[k].display().to_string();
        match shard::parse_part(text, &file) {
            Ok(p) => parts.push((p, names[k].as_path())),
            Err(e) => {
                assert!(e.starts_with(&file), "{e}");
                return;
            }
        }
    }
    if let Err(e) = shard::merge(parts) {
        assert_eq!(e.exit_code(), 2, "{e}");
    }
});
