//! `failsim explain`: the story's numbers are the trial's numbers, one
//! staged story reads exactly as reviewed, `--json` parses, and the default
//! trial is chosen the same way every time.

mod common;
use common::*;
use failsim::explain::{self, Story, format_availability, format_count};
use failsim::montecarlo::{self, Arm};
use failsim::sim::{Engine, TrialOutcome};
use failsim::units::human_duration;
use failsim::{app, strategy};

/// A month with every fault placed by hand: one of each lesson.
const STAGED: &str = r##"# A staged month: every fault is scheduled, so the story is the same every
# time and each paragraph teaches one thing.
name = "staged-month"
description = "A payments service for one month, with faults placed by hand."
seed = 11
trials = 20
horizon = "30d"

[workload]
writes_per_sec = 20
write_size = "1KB"
data_size = "50GB"
history = "1y"
write_noun = "payment"

[[regions]]
name = "east"
zones = ["east-a", "east-b", "east-c"]

[[regions]]
name = "west"
zones = ["west-a"]

[network]
rtt_same_zone = "500us"
rtt_cross_zone = "1ms"

[[network.links]]
between = ["east", "west"]
rtt = "70ms"

[api]
servers = 4
min_healthy = 2
zones = ["east-a", "east-b"]
restart = "3m"

[database]
restart = "45s"
disk_replace = "1h"
rebuild_throughput = "200MB/s"

[[database.nodes]]
name = "db1"
zone = "east-a"
role = "primary"

[[database.nodes]]
name = "db2"
zone = "east-b"
role = "replica"

[replication]
mode = "async"
lag = "800ms"

[failover]
mode = "automatic"
detection = "30s"
promotion = "40s"
standby_warmup = "2m"

[operators]
response = "20m"
night_multiplier = 1.0

[backups]
full_every = "7d"
incremental_every = "1d"
first_at = "2h"
throughput = "100MB/s"
restore_throughput = "100MB/s"
provision = "10m"
retention = "14d"
region = "east"
copy_to = ["west"]
copy_delay = "1h"

[[events]]
at = "2d 10h"
fault = "api-crash"
target = "api-1"

[[events]]
at = "4d 3h"
fault = "zone-outage"
target = "east-b"
duration = "45m"

[[events]]
at = "9d 4h 12m 9s"
fault = "disk-loss"
target = "primary"

[[events]]
at = "20d 14h"
fault = "accidental-delete"
share = "2%"
detect = "40m"
note = "a cleanup script with the wrong WHERE clause"

[[migrations]]
version = "7"
description = "add an index on payments.customer_id"
at = "25d 11h"
effect = "locking"
lock = "90s"
"##;

fn tell(sc: &failsim::scenario::Scenario, name: &str, trial: u64) -> (TrialOutcome, Story) {
    let o = Engine::new(sc).run_trial(sc.seed, trial, true);
    let s = explain::narrate(sc, &o, name);
    (o, s)
}

/// Every number the story states agrees with the trial's metrics.
fn check_numbers(o: &TrialOutcome, s: &Story, noun: &str) {
    let context = || format!("trial {} under {}", o.trial, s.strategy);
    let lost: u64 = s.lines.iter().map(|l| l.lost_writes).sum();
    assert_eq!(
        lost,
        o.lost_writes,
        "lost writes of the lines, {}",
        context()
    );
    let down: u64 = s.lines.iter().map(|l| l.downtime).sum();
    assert_eq!(down, o.downtime, "downtime of the lines, {}", context());
    for l in &s.lines {
        if let Some(i) = l.incident {
            let inc = &o.incidents[i];
            assert_eq!(
                l.lost_writes,
                inc.lost_writes,
                "incident {i} ({:?} {}), {}",
                inc.cause,
                inc.target,
                context()
            );
            let cost = if l.lost_writes == 0 {
                format!("no {noun} lost")
            } else {
                format!("{} acknowledged", format_count(l.lost_writes))
            };
            assert!(l.text.contains(&cost), "{cost:?} in {:?}", l.text);
            if l.downtime > 0 {
                assert!(
                    l.text.contains(&format!(
                        "Cost: {} with {} rejected",
                        human_duration(l.downtime),
                        explain::plural(noun)
                    )),
                    "downtime in {:?}",
                    l.text
                );
            }
        } else {
            assert_eq!(
                l.lost_writes, 0,
                "a roll-up line loses nothing: {:?}",
                l.text
            );
        }
    }
    // Every incident that cost something is told in its own paragraph.
    for (i, inc) in o.incidents.iter().enumerate() {
        if inc.lost_writes > 0 || inc.rto > 0 {
            assert!(
                s.lines.iter().any(|l| l.incident == Some(i)),
                "incident {i} ({:?} {}) is not told, {}",
                inc.cause,
                inc.target,
                context()
            );
        }
    }
    // The summary quotes the totals, formatted as the paragraphs are.
    if o.lost_writes > 0 {
        assert!(
            s.summary
                .contains(&format!("{} acknowledged", format_count(o.lost_writes))),
            "{:?}",
            s.summary
        );
    } else {
        assert!(s.summary.contains("no acknowledged"), "{:?}", s.summary);
    }
    if o.downtime > 0 {
        assert!(
            s.summary.contains(&format!(
                "rejected for {} in total",
                human_duration(o.downtime)
            )),
            "{:?}",
            s.summary
        );
        assert!(s.summary.contains(&format_availability(o.availability())));
    } else {
        assert!(s.summary.contains("never rejected"), "{:?}", s.summary);
    }
}

#[test]
fn the_story_adds_up_to_the_trial_under_every_strategy() {
    let base = app::load(None).expect("built-in scenario").scenario;
    let noun = base.workload.write_noun.clone();
    let names = [
        "async",
        "none",
        "backup-only",
        "sync",
        "semi-sync",
        "delayed",
        "async+pitr",
        "pilot-light",
        "warm-standby",
        "hot-standby",
        "active-active",
    ];
    for name in names {
        let sc = strategy::apply(&base, name).expect("strategy builds");
        for trial in 0..40 {
            let (o, s) = tell(&sc, name, trial);
            check_numbers(&o, &s, &noun);
        }
    }
}

#[test]
fn the_staged_story_adds_up() {
    let f = fixture("staged.toml", STAGED);
    let sc = failsim::scenario::load(&f.path).expect("valid");
    for trial in 0..5 {
        let (o, s) = tell(&sc, "async", trial);
        check_numbers(&o, &s, "payment");
        assert!(o.lost_writes > 0 && o.downtime > 0);
    }
}

#[test]
fn the_staged_story_reads_as_reviewed() {
    let f = fixture("staged.toml", STAGED);
    let out = expect_success(failsim().arg("explain").arg(&f.path).args(["--trial", "0"]));
    let got = String::from_utf8(out.stdout).expect("utf-8");
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/explain-staged.txt");
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    if got != want {
        let new = path.with_extension("txt.new");
        std::fs::write(&new, &got).expect("write the new story");
        panic!(
            "the story changed; read {} and, if it is right, move it over {}",
            new.display(),
            path.display()
        );
    }
}

#[test]
fn json_gives_records_story_and_totals() {
    let f = fixture("staged.toml", STAGED);
    let v = expect_json(
        failsim()
            .arg("explain")
            .arg(&f.path)
            .args(["--trial", "3", "--json", "-"]),
    );
    assert_eq!(v["trial"], 3);
    assert_eq!(v["scenario"], "staged-month");
    assert_eq!(v["chosen"], "given");
    let lines = v["story"]["lines"].as_array().expect("lines");
    let lost: u64 = lines
        .iter()
        .map(|l| l["lost_writes"].as_u64().unwrap())
        .sum();
    assert_eq!(v["totals"]["lost_writes"].as_u64(), Some(lost));
    let records = v["records"].as_array().expect("records");
    assert!(
        records
            .iter()
            .all(|r| r["event"].is_string() && r["at_us"].is_u64())
    );
    assert!(
        records
            .iter()
            .any(|r| r["event"] == "promoted" && r["incident"].is_u64())
    );
    assert!(v["story"]["summary"].as_str().unwrap().contains("payments"));
    // The same document, written to a file, and the story still printed.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("story.json");
    let out = expect_success(
        failsim()
            .arg("explain")
            .arg(&f.path)
            .args(["--trial", "3", "--json"])
            .arg(&p),
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("What happened"));
    let w: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    assert_eq!(w, v);
}

#[test]
fn the_default_trial_is_the_most_eventful_every_time() {
    let run =
        || expect_success(failsim().args(["explain", "--trials", "300", "--json", "-"])).stdout;
    let (a, b) = (run(), run());
    assert_eq!(a, b, "two runs told different stories");
    let v: serde_json::Value = serde_json::from_slice(&a).unwrap();
    assert_eq!(v["chosen"], "most eventful of 300");
    // The same choice, made serially by hand.
    let sc = app::load(None).unwrap().scenario;
    let e = Engine::new(&sc);
    let best = (0..300u64)
        .max_by_key(|&t| {
            let o = e.run_trial(sc.seed, t, false);
            (
                o.lost_writes > 0,
                o.downtime > 0,
                o.incident_count(),
                std::cmp::Reverse(t),
            )
        })
        .unwrap();
    assert_eq!(v["trial"].as_u64(), Some(best));
    let arm = Arm {
        name: "async".into(),
        scenario: sc.clone(),
    };
    assert_eq!(montecarlo::most_eventful(&arm, sc.seed, 0..300), best);
}

#[test]
fn a_strategy_changes_the_story_and_a_bad_one_is_refused() {
    let f = fixture("staged.toml", STAGED);
    let out = expect_success(failsim().arg("explain").arg(&f.path).args([
        "--trial",
        "0",
        "--strategy",
        "sync",
    ]));
    // The terminal text is wrapped: compare words.
    let text = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("under sync"), "{text}");
    assert!(
        text.contains("It had every acknowledged payment, so nothing is lost."),
        "{text}"
    );
    expect_exit_2(
        failsim()
            .arg("explain")
            .arg(&f.path)
            .args(["--strategy", "quorum"]),
    );
    expect_exit_2(failsim().args(["explain", "--trials", "0"]));
}

/// The story's text for a built-in scenario (and strategy).
fn told(args: &[&str]) -> String {
    let out = expect_success(failsim().arg("explain").args(args));
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Words wrapped over lines read as one line again.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn gitlab_2017_does_not_advise_the_replica_it_already_had() {
    let s = flat(&told(&["gitlab-2017"]));
    assert!(
        !s.contains("A replica in another zone would have"),
        "the scenario had a replica in another zone: {s}"
    );
    assert!(s.contains("The scenario had one replica (db2)"), "{s}");
}

#[test]
fn a_burnt_region_asks_for_another_region_not_another_zone() {
    // One database whose region burns: only a copy in another region helps.
    let text = format!(
        "{}{}[backups]\nfull_every = \"1d\"\nfirst_at = \"0s\"\ncopy_to = [\"west\"]\n\
         [[events]]\nat = \"3d\"\nfault = \"region-outage\"\ntarget = \"east\"\nduration = \"6h\"\ndestroys_data = true\n",
        WORLD, PRIMARY
    );
    let f = fixture("burn.toml", &text);
    let out = expect_success(failsim().arg("explain").arg(&f.path).args(["--trial", "0"]));
    let s = flat(&String::from_utf8(out.stdout).expect("UTF-8"));
    assert!(s.contains("A replica in another region would have"), "{s}");
    assert!(!s.contains("A replica in another zone would have"), "{s}");
}

#[test]
fn a_delayed_replica_that_saved_the_rows_is_not_advised() {
    let s = flat(&told(&["--strategy", "async+delayed"]));
    assert!(
        !s.contains("only a backup or a delayed replica could have"),
        "{s}"
    );
}

#[test]
fn github_2018_reseeds_the_old_primary_from_the_new_one_and_heals_once() {
    let s = flat(&told(&["github-2018"]));
    assert!(
        !s.contains("mysql-east-1 is re-seeded from the primary mysql-east-1"),
        "{s}"
    );
    assert!(
        s.contains("mysql-east-1 is re-seeded from the primary mysql-west-1"),
        "{s}"
    );
    assert_eq!(
        s.matches("The network heals.").count() + s.matches("the network heals.").count(),
        1,
        "{s}"
    );
}

#[test]
fn a_noun_takes_its_article() {
    let s = flat(&told(&["--strategy", "sync"]));
    assert!(!s.contains("a order"), "{s}");
    assert!(s.contains("an order is acknowledged only once"), "{s}");
}

#[test]
fn one_lost_write_is_singular() {
    // About one write lost per failover: find a trial that lost exactly one.
    let text = format!(
        "{}{}{}",
        WORLD.replace("writes_per_sec = 100", "writes_per_sec = 0.5"),
        PRIMARY,
        "[[database.nodes]]\nname = \"db2\"\nzone = \"east-b\"\nrole = \"replica\"\n\
         [replication]\nmode = \"async\"\nlag = \"2s\"\n\
         [[events]]\nat = \"1d\"\nfault = \"disk-loss\"\ntarget = \"primary\"\n"
    );
    let sc = failsim::scenario::parse(&text, "one.toml", failsim::scenario::Format::Toml)
        .unwrap_or_else(|e| panic!("{e}"));
    let trial = (0..200)
        .find(|&t| Engine::new(&sc).run_trial(sc.seed, t, false).lost_writes == 1)
        .expect("a trial that lost one write");
    let (_, s) = tell(&sc, "async", trial);
    let summary = flat(&s.summary);
    assert!(
        summary.contains("1 acknowledged write was lost"),
        "{summary}"
    );
}
