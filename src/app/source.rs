//! Where a scenario comes from: a file, a built-in name, or standard
//! input (`-`).

use crate::cli::FormatArg;
use crate::library;
use crate::scenario::{self, FILE_BYTES_MAX, Format, RawScenario, Scenario, ScenarioError};
use std::path::Path;

/// The name a scenario read from standard input goes by in errors.
pub const STDIN_LABEL: &str = "<stdin>";

/// A scenario as loaded: the file text (for error locations and `--set`),
/// its raw and validated forms.
pub struct Loaded {
    pub label: String,
    pub text: String,
    pub format: Format,
    pub raw: RawScenario,
    pub scenario: Scenario,
}

/// Loads a scenario named on the command line: a file path, `-` for
/// standard input, or the name of a built-in scenario; `None` is the
/// built-in default.
pub fn load(arg: Option<&str>) -> Result<Loaded, ScenarioError> {
    load_as(arg, None)
}

/// [`load`], with the format of standard input given (`--format`).
pub fn load_as(arg: Option<&str>, format: Option<FormatArg>) -> Result<Loaded, ScenarioError> {
    let name = arg.unwrap_or(library::DEFAULT);
    let path = Path::new(name);
    if format.is_some() && name != "-" {
        return Err(ScenarioError::whole_file(
            name,
            "--format applies to a scenario read from standard input (`-`); a file's format is its extension's, a built-in's TOML",
        ));
    }
    let (text, format, label) = if name == "-" {
        let text = read_stdin()?;
        let format = match format {
            Some(FormatArg::Toml) => Format::Toml,
            Some(FormatArg::Json) => Format::Json,
            None => sniff(&text),
        };
        (text, format, STDIN_LABEL.to_string())
    } else if path.exists() || Format::from_path(path).is_some() || name.contains('/') {
        let (t, f) = scenario::read_file(path)?;
        (t, f, path.display().to_string())
    } else if let Some(t) = library::builtin(name) {
        (
            t.to_string(),
            Format::Toml,
            format!("scenarios/{name}.toml (built in)"),
        )
    } else {
        let names: Vec<&str> = library::BUILTIN.iter().map(|(n, _)| *n).collect();
        let hint = crate::suggest::did_you_mean(name, names.iter().copied())
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        return Err(ScenarioError::whole_file(
            name,
            format!(
                "no such file, and no built-in scenario of that name ({hint}built in: {})",
                names.join(", ")
            ),
        ));
    };
    let raw = scenario::parse_raw(&text, &label, format)?;
    let scenario = scenario::check(&raw, &text, &label, format)?;
    Ok(Loaded {
        label,
        text,
        format,
        raw,
        scenario,
    })
}

/// JSON when the first thing in the text is `{`, else TOML (a TOML file
/// starts with a key, a `[table]` or a comment, never with a brace).
fn sniff(text: &str) -> Format {
    if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        Format::Json
    } else {
        Format::Toml
    }
}

/// Standard input, bounded as a file is (16 MiB), as UTF-8 text.
fn read_stdin() -> Result<String, ScenarioError> {
    use std::io::Read;
    let err = |m: String| ScenarioError::whole_file(STDIN_LABEL, m);
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(FILE_BYTES_MAX + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| err(format!("cannot read standard input: {e}")))?;
    if bytes.len() as u64 > FILE_BYTES_MAX {
        return Err(err(
            "standard input holds more than 16 MiB (or never ends); scenario files are limited to 16 MiB".into(),
        ));
    }
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&bytes)
        .to_vec();
    String::from_utf8(bytes).map_err(|_| {
        err("standard input is not valid UTF-8 text; give the scenario as UTF-8".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_sniffed_by_its_brace() {
        assert_eq!(sniff("  \n{\"name\": 1}"), Format::Json);
        assert_eq!(sniff("# comment\nname = 'x'"), Format::Toml);
        assert_eq!(sniff("[database]"), Format::Toml);
    }
}
