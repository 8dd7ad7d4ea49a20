//! The `failsim` binary: parse the command line, run, map errors to exit
//! status (0 ok, 1 internal error, 2 invalid input; see docs/errors.md).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = failsim::cli::Cli::parse();
    match failsim::app::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`failsim ... | head`) is not a failure.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            // Through a fallible write: a full standard error must not
            // turn an error into a panic.
            if e.exit_code() == 2 {
                failsim::output::eprint(&format!("error: {e}\n"));
            } else {
                failsim::output::eprint(&format!(
                    "internal error: {e}\nthis is a bug in failsim; please report it with the scenario and the command line\n"
                ));
            }
            ExitCode::from(e.exit_code())
        }
    }
}
