//! Output files are written atomically (`output::write_atomic`): a write
//! that fails leaves no temporary file behind, and never a truncated file
//! where a good one was.
//!
//! Tests run as root, so permission bits do not make a folder unwritable.
//! Two failures that root cannot get around stand in: a path whose folder
//! is a file, and a file-size limit (`ulimit -f`) that makes the write
//! itself fail part-way, after the temporary file was created.

mod common;
use common::*;
use failsim::output::write_atomic;
use std::path::Path;

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_write_replaces_the_file_whole_and_leaves_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.json");
    std::fs::write(&path, "old").unwrap();
    write_atomic(&path, b"new results\n").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"new results\n");
    assert_eq!(entries(dir.path()), ["results.json"]);
}

#[test]
fn a_path_under_a_file_fails_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain");
    std::fs::write(&file, "good").unwrap();
    let err = write_atomic(&file.join("out.json"), b"results").unwrap_err();
    assert!(err.to_string().contains("is not a folder"), "{err}");
    assert_eq!(entries(dir.path()), ["plain"]);
    assert_eq!(std::fs::read(&file).unwrap(), b"good");
}

#[test]
fn a_write_that_fails_part_way_keeps_the_good_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results.json");
    std::fs::write(&out, "previous good results").unwrap();
    // The results are several kilobytes; the limit is one block. SIGXFSZ
    // is ignored so that the write fails with EFBIG instead of killing
    // the process (an ignored signal stays ignored across exec).
    let bin = assert_cmd::cargo::cargo_bin!("failsim");
    let mut sh = std::process::Command::new("sh");
    sh.arg("-c")
        .arg(r#"trap "" XFSZ; ulimit -f 1; exec "$0" "$@""#)
        .arg(bin)
        .args(["run", "--trials", "10", "--quiet", "--json"])
        .arg(&out)
        .env("NO_COLOR", "1");
    let stderr = expect_exit_2(&mut assert_cmd::Command::from_std(sh));
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert!(stderr.contains("results.json"), "{stderr}");
    // The temporary file is gone by now: naming it would mislead.
    assert!(!stderr.contains("at path"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "previous good results",
        "the good file must be left as it was"
    );
    assert_eq!(
        entries(dir.path()),
        ["results.json"],
        "no temporary file may be left"
    );

    // Without the limit the same command replaces it with whole results.
    expect_success(
        failsim()
            .args(["run", "--trials", "10", "--quiet", "--json"])
            .arg(&out),
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["trials"], 10);
    assert_eq!(entries(dir.path()), ["results.json"]);
}

/// Writing results to `/dev/null` (or any device) must write to the device,
/// not rename a temporary file over it: as root that would replace the
/// system's `/dev/null` with a plain file. A named pipe stands in for the
/// device, so a regression cannot damage the machine running the tests.
#[cfg(unix)]
#[test]
fn a_named_pipe_is_written_in_place_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("results.pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    write_atomic(&fifo, b"through the pipe\n").unwrap();
    // Checked before joining: had the pipe been replaced, the reader would
    // wait for a writer forever.
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the pipe was replaced by {kind:?}");
    assert_eq!(reader.join().unwrap(), b"through the pipe\n");
    assert_eq!(entries(dir.path()), ["results.pipe"]);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_is_kept_and_its_target_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.json");
    let link = dir.path().join("latest.json");
    std::fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    write_atomic(&link, b"new\n").unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&real).unwrap(), b"new\n");
    assert_eq!(entries(dir.path()), ["latest.json", "real.json"]);
}

#[cfg(unix)]
#[test]
fn results_can_go_to_dev_stdout() {
    let doc =
        expect_json(failsim().args(["run", "--trials", "20", "--quiet", "--json", "/dev/stdout"]));
    assert_eq!(doc["schema_version"], 2);
}

/// Runs failsim under `umask`, through the shell that sets it.
#[cfg(unix)]
fn under_umask(umask: &str, args: &[&str]) {
    let bin = assert_cmd::cargo::cargo_bin!("failsim");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(bin)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Every command that writes a file: the flag, and the rest of its command.
#[cfg(unix)]
fn writers(scenario: &str, migrations: &str, path: &str) -> Vec<Vec<String>> {
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        v(&["run", scenario, "--trials", "5", "--quiet", "--json", path]),
        v(&[
            "compare",
            scenario,
            "--trials",
            "5",
            "--quiet",
            "--strategies",
            "none",
            "--csv",
            path,
        ]),
        v(&["diagram", scenario, "--out", path]),
        v(&["explain", scenario, "--trials", "5", "--json", path]),
        v(&["migrations", migrations, "--toml", path]),
    ]
}

#[cfg(unix)]
#[test]
fn new_files_honour_the_umask_and_replaced_files_keep_their_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, format!("{WORLD}{PRIMARY}")).unwrap();
    let migrations =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations/flyway-good");
    let out = dir.path().join("out");
    let (s, m, o) = (
        scenario.to_str().unwrap(),
        migrations.to_str().unwrap(),
        out.to_str().unwrap(),
    );
    for args in writers(s, m, o) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        for (umask, want) in [("022", 0o644), ("027", 0o640), ("077", 0o600)] {
            let _ = std::fs::remove_file(&out);
            under_umask(umask, &args);
            assert_eq!(mode(&out), want, "{args:?} under umask {umask}");
        }
        // An existing file keeps its mode, whatever the umask.
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o664)).unwrap();
        under_umask("077", &args);
        assert_eq!(mode(&out), 0o664, "{args:?} replacing a 0664 file");
    }
}

#[cfg(unix)]
#[test]
fn a_report_folder_gets_the_mode_the_umask_gives() {
    let dir = tempfile::tempdir().unwrap();
    let rep = dir.path().join("rep");
    let rep = rep.to_str().unwrap();
    under_umask(
        "022",
        &[
            "report",
            "--trials",
            "5",
            "--strategies",
            "none",
            "--quiet",
            "--out",
            rep,
        ],
    );
    assert_eq!(mode(Path::new(rep)), 0o755);
    assert_eq!(mode(&Path::new(rep).join("report.html")), 0o644);
}
