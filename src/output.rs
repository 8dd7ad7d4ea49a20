//! Writing results: terminal tables ([`tables`], laid out by [`layout`]),
//! JSON and CSV, and atomic files.
//!
//! Files are written to a temporary file beside the target and renamed
//! into place, so an error or a crash never leaves a truncated file where a
//! good one was. A path that already names something other than a regular
//! file (`/dev/null`, a named pipe, a terminal) is written in place instead:
//! renaming over it would replace the device with a plain file. A symbolic
//! link is followed, so the file it points to is replaced and the link kept.
//! A replaced file keeps its mode; a new file gets the mode the umask gives
//! (0644 under the usual 022), as any program's new file would.

use std::io::Write;

pub mod layout;
pub mod tables;

use std::path::Path;
pub use tables::{compare_table, csv, run_table, sweep_csv, sweep_table};

/// An output path that cannot be written. Always the user's to fix.
#[derive(Debug)]
pub struct OutputError {
    pub path: String,
    pub message: String,
    /// The operating system's error, when there is one: `main` looks for a
    /// broken pipe in the chain of sources.
    pub source: Option<std::io::Error>,
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Whether an output flag names standard output (`-`).
pub fn is_stdout(path: Option<&Path>) -> bool {
    path.is_some_and(|p| p.as_os_str() == "-")
}

fn out_err(path: &Path, message: impl Into<String>) -> OutputError {
    OutputError {
        path: path.display().to_string(),
        message: message.into(),
        source: None,
    }
}

/// [`out_err`] keeping the operating system's error as the source (so a
/// broken pipe is recognised) and in the message (`main` prints the
/// error's own `Display`, not its chain of sources).
fn io_err(path: &Path, what: &str, e: std::io::Error) -> OutputError {
    OutputError {
        path: if path.as_os_str() == "-" {
            "standard output".into()
        } else {
            path.display().to_string()
        },
        message: format!("{what}: {e}"),
        source: Some(e),
    }
}

/// Writes `text` to standard output through its lock, flushed. Unlike
/// `print!`, a full disk or a closed pipe is an error, not a panic: `main`
/// ends quietly on a broken pipe and with status 2 on anything else.
pub fn print(text: &str) -> Result<(), OutputError> {
    write_atomic(Path::new("-"), text.as_bytes())
}

/// Writes `text` to standard error through its lock. Unlike `eprint!`, a
/// full or closed standard error is not a panic: the write is given up,
/// since there is nowhere left to say so; the exit status still tells.
pub fn eprint(text: &str) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// Checks, before any work, that `path` can be written: its folder exists,
/// is a folder, and accepts a new file; the path itself is not a folder.
pub fn check_writable(path: &Path) -> Result<(), OutputError> {
    // Opening a named pipe to check it would wait for its reader.
    if path.as_os_str() == "-" || is_special(path) {
        return Ok(());
    }
    check_file(&resolve_link(path)).map(drop)
}

/// [`check_writable`] for a path that is a regular file or none yet, links
/// already followed; returns the folder it goes in.
fn check_file(path: &Path) -> Result<&Path, OutputError> {
    if path.is_dir() {
        return Err(out_err(path, "is a directory; give a file name"));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !parent.exists() {
        return Err(out_err(
            path,
            format!("the folder {} does not exist", parent.display()),
        ));
    }
    if !parent.is_dir() {
        return Err(out_err(
            path,
            format!("{} is not a folder", parent.display()),
        ));
    }
    tempfile::NamedTempFile::new_in(parent)
        .map(drop)
        .map_err(|e| out_err(path, format!("cannot write in {}: {e}", parent.display())))?;
    Ok(parent)
}

/// True when `path` exists and, links followed, is neither a regular file
/// nor a folder: a device, a named pipe or a socket, written in place.
fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// The path a symbolic link finally points to (itself when it is not a
/// link). A dangling link resolves to its target, which is then created.
fn resolve_link(path: &Path) -> std::path::PathBuf {
    let mut current = path.to_path_buf();
    // A bound instead of loop detection: a cycle ends here and the write
    // then fails with the operating system's own "too many links" error.
    for _ in 0..40 {
        let Ok(meta) = std::fs::symlink_metadata(&current) else {
            break;
        };
        if !meta.file_type().is_symlink() {
            break;
        }
        let Ok(target) = std::fs::read_link(&current) else {
            break;
        };
        current = match current.parent() {
            Some(dir) if target.is_relative() => dir.join(target),
            _ => target,
        };
    }
    current
}

/// Where an output path ends up, to tell two outputs of one command apart.
#[derive(PartialEq, Eq)]
enum Destination {
    Stdout,
    /// An existing file or device, by device and inode.
    Inode(u64, u64),
    /// A file not there yet, by its folder's canonical path and its name.
    New(std::path::PathBuf),
    /// Written to any number of times without harm (`/dev/null`).
    Discarded,
}

fn destination(path: &Path) -> Destination {
    if path.as_os_str() == "-" {
        // Standard output is whatever it was opened on: `-` and a path to
        // the same file or pipe collide, and `-` on /dev/null is harmless.
        let stdout = Path::new("/dev/stdout");
        return match destination(stdout) {
            d @ (Destination::Inode(..) | Destination::Discarded) => d,
            _ => Destination::Stdout,
        };
    }
    if std::fs::canonicalize(path).is_ok_and(|p| p == Path::new("/dev/null")) {
        return Destination::Discarded;
    }
    #[cfg(unix)]
    if let Ok(m) = std::fs::metadata(path) {
        use std::os::unix::fs::MetadataExt;
        return Destination::Inode(m.dev(), m.ino());
    }
    let resolved = resolve_link(path);
    let parent = match resolved.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let parent = std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf());
    Destination::New(match resolved.file_name() {
        Some(name) => parent.join(name),
        None => resolved.clone(),
    })
}

/// Refuses two outputs of one command that go to the same place (the same
/// file, or both to standard output): one would overwrite or interleave
/// with the other. `outputs` pairs a flag with its path, if given.
pub fn check_distinct(outputs: &[(&str, Option<&Path>)]) -> Result<(), OutputError> {
    let given: Vec<(&str, &Path, Destination)> = outputs
        .iter()
        .filter_map(|(flag, p)| p.map(|p| (*flag, p, destination(p))))
        .collect();
    for (i, (flag_a, path_a, a)) in given.iter().enumerate() {
        for (flag_b, _, b) in &given[i + 1..] {
            if a == b && *a != Destination::Discarded {
                let mut e = out_err(
                    path_a,
                    format!(
                        "given to both {flag_a} and {flag_b}; one would overwrite the other, so give each its own path"
                    ),
                );
                if path_a.as_os_str() == "-" {
                    e.path = "standard output (`-`)".into();
                }
                return Err(e);
            }
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically, or to standard output for `-`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        return out
            .write_all(bytes)
            .and_then(|_| out.flush())
            .map_err(|e| io_err(path, "cannot write", e));
    }
    if is_special(path) {
        // Opened through the path itself: links such as /dev/stdout point
        // into /proc at names that only the kernel can follow.
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut f| f.write_all(bytes).and_then(|_| f.flush()))
            .map_err(|e| io_err(path, "cannot write", e));
    }
    let resolved = resolve_link(path);
    let path = resolved.as_path();
    let parent = check_file(path)?;
    // A file being replaced keeps its mode; a new one gets what the umask
    // allows of 0666, as `File::create` would (a temporary file alone
    // would be 0600 whatever the umask).
    let existing = std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(parent)
        .map_err(|e| out_err(path, format!("cannot create a file: {e}")))?;
    if let Some(mode) = existing {
        tmp.as_file()
            .set_permissions(mode)
            .map_err(|e| out_err(path, format!("cannot keep the file's mode: {e}")))?;
    }
    tmp.as_file_mut()
        .write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| out_err(path, format!("cannot write: {e}")))?;
    tmp.persist(path)
        .map_err(|e| out_err(path, format!("cannot move into place: {}", e.error)))?;
    Ok(())
}

/// Pretty JSON with a final newline.
pub fn to_json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(value).expect("results always serialize");
    v.push(b'\n');
    v
}
