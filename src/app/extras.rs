//! `failsim completions` and `failsim man`: generated from the same clap
//! definitions as the parser, so they cannot drift from it.

use crate::cli::Cli;
use crate::error::{Error, Result};
use crate::output;
use clap::CommandFactory;

/// A completion script for `shell`, on standard output.
pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "failsim", &mut buf);
    output::print(&String::from_utf8_lossy(&buf))?;
    Ok(())
}

/// The manual page as roff: the top-level page (name, synopsis,
/// description, the list of commands, examples, exit status), then one
/// section per command with its synopsis and options.
pub fn man_page() -> Result<String> {
    let io = |e: std::io::Error| Error::internal("rendering the manual page", e);
    let cmd = Cli::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut buf)
        .map_err(io)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let full = format!("failsim {}", sub.get_name());
        let sub = sub.clone().bin_name(full.clone());
        let page = clap_mangen::Man::new(sub.clone());
        buf.extend_from_slice(format!(".SH \"{}\"\n", full.to_uppercase()).as_bytes());
        let mut part = Vec::new();
        page.render_description_section(&mut part).map_err(io)?;
        page.render_synopsis_section(&mut part).map_err(io)?;
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            page.render_options_section(&mut part).map_err(io)?;
        }
        if sub.get_after_help().is_some() || sub.get_after_long_help().is_some() {
            page.render_extra_section(&mut part).map_err(io)?;
        }
        // Each command's parts are subsections of its section.
        let part = String::from_utf8_lossy(&part).replace(".SH ", ".SS ");
        buf.extend_from_slice(part.as_bytes());
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// `failsim man`: the manual page on standard output.
pub fn man() -> Result<()> {
    output::print(&man_page()?)?;
    Ok(())
}
