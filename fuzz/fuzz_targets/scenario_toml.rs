//! Scenario files as TOML: any bytes are accepted or refused with a
//! message naming the file; nothing panics.
#![no_main]

use failsim::scenario::{self, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match scenario::parse(text, "fuzz.toml", Format::Toml) {
        Ok(sc) => {
            // Accepted: building the engine must not panic either.
            let _ = failsim::sim::Engine::new(&sc);
        }
        Err(e) => {
            assert!(!e.problems.is_empty());
            assert!(e.problems.iter().all(|p| !p.message.trim().is_empty()));
        }
    }
});
