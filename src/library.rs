//! The built-in scenario library: every file of scenarios/, compiled in, so
//! `failsim run` works from any folder and `failsim lessons` can list them.

/// (name, file text) of every built-in scenario.
pub const BUILTIN: &[(&str, &str)] = &[("ecommerce", include_str!("../scenarios/ecommerce.toml"))];

/// The scenario `run`, `compare` and `report` use when none is named.
pub const DEFAULT: &str = "ecommerce";

/// The text of a built-in scenario.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}
