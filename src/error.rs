//! The crate's one error type: every way a command can fail, and the exit
//! status each one gives (0 ok, 1 internal error, 2 invalid input).
//!
//! The kinds themselves stay beside the code that raises them
//! ([`ScenarioError`] in `scenario`, [`OutputError`] in `output`, ...);
//! [`Error`] wraps each one, and a `From` impl per kind lets `?` convert.
//! The catalogue of the messages a user can see is docs/errors.md.

use crate::charts::ChartError;
use crate::migrations::MigrationError;
use crate::montecarlo::EventCapReached;
use crate::output::OutputError;
use crate::scenario::ScenarioError;
use crate::strategy::StrategyError;

/// A mistake on the command line, or in a file that is not a scenario
/// (the partial results given to `merge`): the user's to fix (exit 2).
#[derive(Debug)]
pub struct UserError(pub String);

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

/// Why a command failed. Its `Display` is the whole message the binary
/// prints after `error: ` (or `internal error: `).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad command-line value or a bad `merge` input.
    #[error(transparent)]
    User(#[from] UserError),
    /// A scenario that cannot be read: syntax, unknown fields, bad values.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A strategy that is unknown or cannot be built from the scenario.
    #[error(transparent)]
    Strategy(#[from] StrategyError),
    /// An output path that cannot be written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A Flyway folder or Liquibase changelog that cannot be read.
    #[error(transparent)]
    Migration(#[from] MigrationError),
    /// A trial that reached the engine's cap of events: the scenario's
    /// rates are too high for its horizon.
    #[error(transparent)]
    EventCap(#[from] EventCapReached),
    /// A chart that could not be drawn: a bug, the input was checked.
    #[error("{context}: {source}")]
    Chart {
        /// What was being drawn.
        context: &'static str,
        #[source]
        source: ChartError,
    },
    /// An input or output failure that no check above caught.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Anything else that is our bug, not the user's.
    #[error("{0}")]
    Internal(String),
}

/// The crate's result, [`Error`] unless told otherwise.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A mistake in the user's input, in the user's words.
    pub fn user(message: impl Into<String>) -> Self {
        Error::User(UserError(message.into()))
    }

    /// A chart that failed while drawing `context`.
    pub fn chart(context: &'static str, source: ChartError) -> Self {
        Error::Chart { context, source }
    }

    /// An error that is ours: `context: cause`.
    pub fn internal(context: &str, cause: impl std::fmt::Display) -> Self {
        Error::Internal(format!("{context}: {cause}"))
    }

    /// Whether the user's input caused it (2) or failsim did (1).
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::User(_)
            | Error::Scenario(_)
            | Error::Strategy(_)
            | Error::Output(_)
            | Error::Migration(_)
            | Error::EventCap(_) => 2,
            Error::Chart { .. } | Error::Io(_) | Error::Internal(_) => 1,
        }
    }

    /// True when standard output (or any pipe) was closed by its reader,
    /// as in `failsim ... | head`: an input or output error of kind
    /// `BrokenPipe` anywhere in the chain of causes. The one place that
    /// decides it; `main` then exits 0 without a message.
    pub fn is_broken_pipe(&self) -> bool {
        // A transparent variant's `source()` is its kind's `source()`, so
        // the walk starts at the kind itself.
        let first: &(dyn std::error::Error + 'static) = match self {
            Error::User(e) => e,
            Error::Scenario(e) => e,
            Error::Strategy(e) => e,
            Error::Output(e) => e,
            Error::Migration(e) => e,
            Error::EventCap(e) => e,
            Error::Io(e) => e,
            Error::Chart { .. } | Error::Internal(_) => self,
        };
        let mut cause = Some(first);
        while let Some(c) = cause {
            if c.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return true;
            }
            cause = c.source();
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    #[test]
    fn the_users_kinds_exit_2_and_ours_exit_1() {
        let out = OutputError {
            path: "x".into(),
            message: "m".into(),
            source: None,
        };
        assert_eq!(Error::user("bad").exit_code(), 2);
        assert_eq!(
            Error::from(ScenarioError::whole_file("f", "m")).exit_code(),
            2
        );
        assert_eq!(Error::from(StrategyError("s".into())).exit_code(), 2);
        let capped = EventCapReached {
            strategy: "async".into(),
            trial: 7,
            cap: 3,
        };
        assert_eq!(Error::from(capped).exit_code(), 2);
        assert_eq!(Error::from(out).exit_code(), 2);
        assert_eq!(
            Error::from(MigrationError::NotADirectory { path: "p".into() }).exit_code(),
            2
        );
        assert_eq!(Error::chart("drawing", ChartError::Font).exit_code(), 1);
        assert_eq!(Error::from(io::Error::other("x")).exit_code(), 1);
        assert_eq!(Error::internal("doing", "cause").exit_code(), 1);
    }

    #[test]
    fn messages_are_the_kinds_own() {
        assert_eq!(
            Error::user("--trials must be at least 1").to_string(),
            "--trials must be at least 1"
        );
        assert_eq!(
            Error::chart("drawing the report", ChartError::Font).to_string(),
            "drawing the report: the embedded chart font could not be loaded; charts cannot be drawn"
        );
        assert_eq!(
            Error::internal("serializing the scenario", "x").to_string(),
            "serializing the scenario: x"
        );
    }

    #[test]
    fn a_closed_pipe_is_found_anywhere_in_the_chain() {
        let pipe = || io::Error::from(io::ErrorKind::BrokenPipe);
        assert!(Error::from(pipe()).is_broken_pipe());
        let wrapped = MigrationError::Io {
            path: "p".into(),
            source: pipe(),
        };
        assert!(Error::from(wrapped).is_broken_pipe());
        assert!(!Error::from(io::Error::from(io::ErrorKind::NotFound)).is_broken_pipe());
        assert!(!Error::user("broken pipe").is_broken_pipe());
    }
}
