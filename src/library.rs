//! The built-in scenario library: every file of scenarios/, compiled in, so
//! `failsim run` works from any folder and `failsim lessons` can list them.

/// (name, file text) of every built-in scenario.
pub const BUILTIN: &[(&str, &str)] = &[
    ("ecommerce", include_str!("../scenarios/ecommerce.toml")),
    (
        "stateless-vs-stateful",
        include_str!("../scenarios/stateless-vs-stateful.toml"),
    ),
    (
        "sync-vs-async",
        include_str!("../scenarios/sync-vs-async.toml"),
    ),
    ("failover", include_str!("../scenarios/failover.toml")),
    (
        "replica-is-not-a-backup",
        include_str!("../scenarios/replica-is-not-a-backup.toml"),
    ),
    ("backup-plan", include_str!("../scenarios/backup-plan.toml")),
    (
        "disaster-recovery",
        include_str!("../scenarios/disaster-recovery.toml"),
    ),
    ("both", include_str!("../scenarios/both.toml")),
    ("gitlab-2017", include_str!("../scenarios/gitlab-2017.toml")),
    ("github-2018", include_str!("../scenarios/github-2018.toml")),
];

/// The scenario `run`, `compare` and `report` use when none is named.
pub const DEFAULT: &str = "ecommerce";

/// The text of a built-in scenario.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}
