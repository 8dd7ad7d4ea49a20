//! The `failsim` binary: parse the command line, run, map errors to exit
//! status (0 ok, 1 internal error, 2 invalid input).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = failsim::cli::Cli::parse();
    match failsim::app::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A closed pipe (`failsim ... | head`) is not a failure.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            if failsim::app::is_user_error(&e) {
                eprintln!("error: {e:#}");
                ExitCode::from(2)
            } else {
                eprintln!(
                    "internal error: {e:#}\nthis is a bug in failsim; please report it with the scenario and the command line"
                );
                ExitCode::from(1)
            }
        }
    }
}
