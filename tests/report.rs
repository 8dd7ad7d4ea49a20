//! `failsim report` and `failsim sweep --out`: every file is there and
//! well-formed, the HTML stands alone, the findings quote results.json
//! exactly, and a failure never leaves a half report.

mod common;

use common::{expect_exit_2, expect_success, failsim, fixture};
use failsim::report::{self, Meta, ReportFile};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The charts a report of the default scenario draws (it has no [costs]).
const STEMS: &[&str] = &[
    "rpo-by-strategy",
    "rto-by-strategy",
    "tradeoff-latency",
    "downtime-cdf",
    "timeline",
];

/// Every file of a folder, by name.
fn read_dir(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("folder exists")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("readable"),
            )
        })
        .collect()
}

/// Names in a folder (to spot temporary folders left behind).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("folder exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `failsim report --trials 60 --quiet --out OUT EXTRA...`, to be run.
fn report_cli(out: &Path, extra: &[&str]) -> assert_cmd::Command {
    let mut c = failsim();
    c.arg("report")
        .args(["--trials", "60", "--quiet", "--out"])
        .arg(out)
        .args(extra);
    c
}

/// Decodes a PNG, returning its size.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    (info.width, info.height)
}

/// The width and height an SVG declares.
fn svg_size(text: &str) -> (u32, u32) {
    let doc = roxmltree::Document::parse(text).expect("SVG is XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let dim = |a: &str| {
        root.attribute(a)
            .and_then(|v| v.parse().ok())
            .expect("svg size")
    };
    (dim("width"), dim("height"))
}

#[test]
fn a_report_holds_every_file_well_formed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("ecommerce");
    expect_success(&mut report_cli(&out, &[]));
    let files = read_dir(&out);
    for f in ["report.html", "report.md", "results.json"] {
        assert!(!files.get(f).expect(f).is_empty(), "{f} is empty");
    }
    for stem in STEMS {
        let svg = files.get(&format!("{stem}.svg")).expect("svg");
        let png = files.get(&format!("{stem}.png")).expect("png");
        let text = std::str::from_utf8(svg).expect("UTF-8");
        let declared = svg_size(text);
        assert_eq!(png_size(png), declared, "{stem}: PNG and SVG sizes differ");
        if *stem != "timeline" {
            assert_eq!(
                declared,
                (
                    failsim::charts::DEFAULT_WIDTH,
                    failsim::charts::DEFAULT_HEIGHT
                ),
                "{stem}"
            );
        }
    }
    // Nothing else but the marker naming them, and no cost chart without [costs].
    assert_eq!(files.len(), 4 + 2 * STEMS.len(), "{:?}", files.keys());
    let marker = std::str::from_utf8(&files[".failsim-report"]).expect("UTF-8");
    for f in files.keys().filter(|f| *f != ".failsim-report") {
        assert!(marker.lines().any(|l| l == f), "{f} is not in the marker");
    }
    assert_eq!(names(tmp.path()), vec!["ecommerce".to_string()]);

    let md = String::from_utf8(files["report.md"].clone()).expect("UTF-8");
    for stem in STEMS {
        assert!(
            md.contains(&format!("({stem}.png)")),
            "{stem} not in report.md"
        );
    }
    assert!(md.contains("## At a glance"));
}

#[test]
fn the_html_page_stands_alone() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("r");
    expect_success(&mut report_cli(&out, &["--strategies", "none,async,sync"]));
    let html = std::fs::read_to_string(out.join("report.html")).expect("html");
    let lower = html.to_lowercase();
    for bad in [
        "http://", "https://", "<script", "<link", "<img", "<iframe", "@import", "url(",
    ] {
        assert!(!lower.contains(bad), "report.html contains `{bad}`");
    }
    for attr in ["src=", "href="] {
        for (i, _) in lower.match_indices(attr) {
            let value: String = lower[i + attr.len()..].chars().take(80).collect();
            assert!(!value.contains("//"), "external reference: {attr}{value}");
        }
    }
    // Every chart inline, as SVG.
    assert_eq!(html.matches("<svg ").count(), STEMS.len());
    assert!(html.contains("<meta name=\"viewport\""));
    assert!(html.contains("@media (max-width"));
    // The answers come first.
    let glance = html.find("At a glance").expect("at a glance");
    let table = html.find("<table").expect("table");
    assert!(glance < table);
    assert!(html.contains("Lost the least data: "));
    assert!(html.contains("Down the least: "));
}

#[test]
fn results_json_is_what_compare_writes() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("r");
    let args = ["--strategies", "none,async,sync+backup", "--seed", "9"];
    expect_success(&mut report_cli(&out, &args));
    let compare = expect_success(
        failsim()
            .arg("compare")
            .args(["--trials", "60", "--quiet", "--json", "-"])
            .args(args),
    );
    let written = std::fs::read(out.join("results.json")).expect("results.json");
    assert_eq!(written, compare.stdout);
}

fn json_number(v: &Value, pointer: &str) -> f64 {
    v.pointer(pointer)
        .unwrap_or_else(|| panic!("{pointer} is not in results.json"))
        .as_f64()
        .unwrap_or_else(|| panic!("{pointer} is not a number"))
}

#[test]
fn findings_quote_results_json_exactly() {
    let mut loaded = failsim::app::load(None).expect("built-in scenario");
    loaded.scenario.trials = 120;
    let sc = &loaded.scenario;
    let names: Vec<String> = failsim::strategy::DEFAULT_SET
        .iter()
        .map(|s| s.to_string())
        .collect();
    let arms = failsim::app::arms_for(sc, &names).expect("strategies");
    let rep = report::build(sc, &arms, &Meta::default(), &|_| {}).expect("report");
    let file =
        |name: &str| -> &ReportFile { rep.files.iter().find(|f| f.path == name).expect(name) };
    let json: Value = serde_json::from_slice(&file("results.json").bytes).expect("JSON");
    let html = String::from_utf8(file("report.html").bytes.clone()).expect("UTF-8");
    let md = String::from_utf8(file("report.md").bytes.clone()).expect("UTF-8");

    assert_eq!(rep.glance.len(), 2);
    let all: Vec<_> = rep.glance.iter().chain(&rep.findings).collect();
    assert!(all.len() > rep.glance.len());
    for f in &all {
        assert!(
            !f.quotes.is_empty(),
            "a finding without numbers: {}",
            f.text
        );
        for q in &f.quotes {
            let v = json_number(&json, &q.field);
            assert_eq!(v, q.value, "{} in: {}", q.field, f.text);
            let shown = q.style.format(v);
            assert!(
                f.text.contains(&shown),
                "`{shown}` ({}) is not in: {}",
                q.field,
                f.text
            );
        }
        let escaped = failsim::report::html::escape(&f.text);
        assert!(
            html.contains(&escaped),
            "finding missing from HTML: {}",
            f.text
        );
        // Markdown escapes a few characters; the numbers survive as is.
        for q in &f.quotes {
            assert!(md.contains(&q.style.format(q.value)));
        }
    }

    // At a glance names the strategies with the fewest lost writes and
    // the least downtime, as results.json has them.
    let strategies = json["strategies"].as_array().expect("strategies");
    let best = |field: &str| -> Vec<String> {
        let min = strategies
            .iter()
            .map(|s| s[field].as_f64().expect("number"))
            .fold(f64::INFINITY, f64::min);
        strategies
            .iter()
            .filter(|s| s[field].as_f64() == Some(min))
            .map(|s| s["strategy"].as_str().expect("name").to_string())
            .collect()
    };
    let lost = rep.glance[0].headline.as_deref().expect("headline");
    let down = rep.glance[1].headline.as_deref().expect("headline");
    assert!(lost.starts_with("Lost the least data: "), "{lost}");
    assert!(down.starts_with("Down the least: "), "{down}");
    for s in best("lost_writes_per_year") {
        assert!(lost.contains(&s), "{lost} should name {s}");
    }
    for s in best("downtime_minutes_per_year") {
        assert!(down.contains(&s), "{down} should name {s}");
    }
}

#[test]
fn a_scenario_with_prices_gets_a_cost_chart() {
    let text = format!(
        "{}\n[costs]\nnode_per_month = 350.0\nbackup_storage_per_gb_month = 0.05\ncross_region_transfer_per_gb = 0.02\n",
        failsim::library::builtin("ecommerce").expect("built in")
    );
    let f = fixture("priced.toml", &text);
    let out = f.dir.path().join("priced");
    expect_success(
        failsim()
            .arg("report")
            .arg(&f.path)
            .args([
                "--trials",
                "40",
                "--quiet",
                "--strategies",
                "none,async+backup,warm-standby",
                "--out",
            ])
            .arg(&out),
    );
    let files = read_dir(&out);
    let svg = std::str::from_utf8(&files["tradeoff-cost.svg"]).expect("UTF-8");
    svg_size(svg);
    assert!(svg.contains("monthly cost (USD)"));
    png_size(&files["tradeoff-cost.png"]);
}

#[test]
fn reports_are_reproducible_and_replace_the_previous_one() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("r");
    expect_success(&mut report_cli(&out, &["--seed", "1"]));
    let first = read_dir(&out);
    expect_success(&mut report_cli(&out, &["--seed", "1"]));
    assert_eq!(read_dir(&out), first, "same arguments, different bytes");
    expect_success(&mut report_cli(&out, &["--seed", "2"]));
    let second = read_dir(&out);
    assert_ne!(second["results.json"], first["results.json"]);
    assert_eq!(
        second.keys().collect::<Vec<_>>(),
        first.keys().collect::<Vec<_>>()
    );
    assert_eq!(
        names(tmp.path()),
        vec!["r".to_string()],
        "temporary folders left behind"
    );
}

#[test]
fn a_failed_report_leaves_the_previous_one_untouched() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("r");
    expect_success(&mut report_cli(&out, &[]));
    let before = read_dir(&out);

    // An invalid scenario: exit 2, nothing written.
    let bad = fixture("bad.toml", "name = \"bad\"\ntrials = 0\n");
    expect_exit_2(
        failsim()
            .arg("report")
            .arg(&bad.path)
            .arg("--out")
            .arg(&out),
    );
    // An unknown strategy: exit 2.
    expect_exit_2(&mut report_cli(&out, &["--strategies", "async,bogus"]));
    assert_eq!(read_dir(&out), before);
    assert_eq!(names(tmp.path()), vec!["r".to_string()]);

    // A failure while writing (two files where one path can hold only
    // one): the temporary folder goes, the old report stays.
    let files = vec![
        ReportFile {
            path: "a.svg".into(),
            bytes: b"<svg/>".to_vec(),
        },
        ReportFile {
            path: "a.svg/b.png".into(),
            bytes: vec![1],
        },
    ];
    let err = report::write_dir(&out, &files).expect_err("cannot write");
    assert!(err.to_string().contains("a.svg/b.png"), "{err}");
    assert_eq!(read_dir(&out), before);
    assert_eq!(names(tmp.path()), vec!["r".to_string()]);

    // A parent that refuses new entries (skipped where permissions do not
    // bind, e.g. as root).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let parent = tmp.path();
        std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o555)).expect("chmod");
        let probe = parent.join("probe");
        let binding = std::fs::create_dir(&probe).is_err();
        let _ = std::fs::remove_dir(&probe);
        if binding {
            expect_exit_2(&mut report_cli(&out, &["--seed", "5"]));
            assert_eq!(read_dir(&out), before);
            assert_eq!(names(parent), vec!["r".to_string()]);
        }
        std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

#[test]
fn a_folder_holding_other_files_is_not_replaced() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("mine");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("notes.txt"), "keep me").expect("write");
    let stderr = expect_exit_2(&mut report_cli(&out, &[]));
    assert!(stderr.contains("notes.txt"));
    assert_eq!(names(&out), vec!["notes.txt".to_string()]);
    assert_eq!(names(tmp.path()), vec!["mine".to_string()]);

    // A file where the folder should be.
    let file = tmp.path().join("file");
    std::fs::write(&file, "x").expect("write");
    expect_exit_2(&mut report_cli(&file, &[]));
    assert_eq!(std::fs::read_to_string(&file).expect("file"), "x");
}

#[test]
fn a_sweep_writes_charts_against_the_knob() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("sweep");
    expect_success(
        failsim()
            .args([
                "sweep",
                "ecommerce",
                "--set",
                "replication.lag=100ms,1s,10s",
                "--strategies",
                "async,semi-sync",
                "--trials",
                "30",
                "--quiet",
                "--out",
            ])
            .arg(&out),
    );
    let files = read_dir(&out);
    for f in ["report.html", "report.md", "sweep.json"] {
        assert!(!files[f].is_empty(), "{f}");
    }
    let svgs: Vec<&String> = files.keys().filter(|k| k.ends_with(".svg")).collect();
    assert_eq!(svgs.len(), 4, "{svgs:?}");
    for name in svgs {
        let text = std::str::from_utf8(&files[name]).expect("UTF-8");
        assert!(
            text.contains("replication.lag (s)"),
            "{name}: knob not numeric"
        );
        let png = name.replace(".svg", ".png");
        assert_eq!(png_size(&files[&png]), svg_size(text));
    }
    let json: Value = serde_json::from_slice(&files["sweep.json"]).expect("JSON");
    assert_eq!(json["points"].as_array().map(Vec::len), Some(3));
    let html = String::from_utf8(files["report.html"].clone()).expect("UTF-8");
    assert!(!html.contains("http"));
}
