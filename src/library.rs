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
    (
        "bad-migration",
        include_str!("../scenarios/bad-migration.toml"),
    ),
];

/// The scenario `run`, `compare` and `report` use when none is named.
pub const DEFAULT: &str = "ecommerce";

/// The text of a built-in scenario.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The command line (after `failsim`) that shows each built-in's lesson
/// best: a plain run, a comparison of strategies, or a sweep of the knob
/// the lesson is about. A built-in not listed here is shown with `run`.
const COMMANDS: &[(&str, &[&str])] = &[
    ("ecommerce", &["compare", "ecommerce"]),
    (
        "sync-vs-async",
        &[
            "compare",
            "sync-vs-async",
            "--strategies",
            "async,semi-sync,sync",
        ],
    ),
    (
        "failover",
        &[
            "sweep",
            "failover",
            "--set",
            "failover.mode=automatic,manual",
            "--set",
            "database.nodes[1].mode=active,standby",
        ],
    ),
    (
        "replica-is-not-a-backup",
        &[
            "compare",
            "replica-is-not-a-backup",
            "--strategies",
            "async,sync,async+backup,async+pitr,async+delayed",
        ],
    ),
    (
        "bad-migration",
        &[
            "compare",
            "bad-migration",
            "--strategies",
            "async,async+rollback,async+pre-migration-backup,async+pitr,async+delayed",
        ],
    ),
    (
        "disaster-recovery",
        &[
            "compare",
            "disaster-recovery",
            "--strategies",
            "none,backup-only,backup-and-restore,pilot-light,warm-standby,hot-standby",
        ],
    ),
    (
        "both",
        &[
            "compare",
            "both",
            "--strategies",
            "none,backup-only,async,async+backup",
        ],
    ),
    (
        "github-2018",
        &[
            "sweep",
            "github-2018",
            "--set",
            "failover.fencing=false,true",
        ],
    ),
];

/// The arguments (after `failsim`) of the command that teaches a built-in
/// scenario's lesson.
pub fn lesson_args(name: &str) -> Vec<String> {
    match COMMANDS.iter().find(|(n, _)| *n == name) {
        Some((_, args)) => args.iter().map(|a| a.to_string()).collect(),
        None => vec!["run".to_string(), name.to_string()],
    }
}

/// [`lesson_args`] as a line to paste into a shell: arguments holding
/// characters a shell would expand are single-quoted.
pub fn lesson_command(name: &str) -> String {
    let mut line = String::from("failsim");
    for a in lesson_args(name) {
        line.push(' ');
        if a.contains(|c: char| "[]*?{}$&|;<>()'\" ".contains(c)) {
            line.push('\'');
            line.push_str(&a.replace('\'', r"'\''"));
            line.push('\'');
        } else {
            line.push_str(&a);
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_names_a_builtin() {
        for (name, args) in COMMANDS {
            assert!(builtin(name).is_some(), "{name} is not built in");
            assert_eq!(args.get(1), Some(name), "{name}: the scenario comes second");
        }
    }

    #[test]
    fn commands_quote_what_a_shell_would_expand() {
        assert_eq!(
            lesson_command("failover"),
            "failsim sweep failover --set failover.mode=automatic,manual --set 'database.nodes[1].mode=active,standby'"
        );
        assert_eq!(lesson_command("backup-plan"), "failsim run backup-plan");
    }
}
