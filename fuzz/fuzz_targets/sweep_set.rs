//! `sweep --set PATH=V1,V2,...`: each line of the input is one `--set`
//! argument, applied in turn to the built-in default scenario, which is
//! then validated. Every argument is applied or refused with a message
//! (exit 2, never an internal error); nothing panics or overflows the
//! stack.
#![no_main]

use failsim::{knob, library, scenario};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static RAW: LazyLock<scenario::RawScenario> = LazyLock::new(|| {
    let text = library::builtin(library::DEFAULT).unwrap();
    scenario::parse_raw(text, "default.toml", scenario::Format::Toml).unwrap()
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut raw = RAW.clone();
    for arg in text.lines().take(4) {
        let (path, values) = match knob::parse_set(arg) {
            Ok(k) => k,
            Err(e) => {
                assert_eq!(e.exit_code(), 2, "{e}");
                return;
            }
        };
        for v in values.iter().take(3) {
            match knob::set_raw(&raw, &path, v, "default.toml") {
                Ok(r) => raw = r,
                Err(e) => {
                    assert_eq!(e.exit_code(), 2, "{e}");
                    return;
                }
            }
        }
    }
    if let Err(e) = scenario::check(&raw, "", "default.toml", scenario::Format::Json) {
        assert!(e.problems.iter().all(|p| !p.message.trim().is_empty()));
    }
});
