//! The same input gives the same bytes: across runs, thread counts and
//! shards.

mod common;
use common::*;

fn json_of(args: &[&str], env: &[(&str, &str)]) -> Vec<u8> {
    let mut c = failsim();
    c.args(args).args(["--json", "-", "--quiet"]);
    for (k, v) in env {
        c.env(k, v);
    }
    expect_success(&mut c).stdout
}

#[test]
fn the_same_scenario_twice_gives_identical_json() {
    let a = json_of(&["run", "--trials", "300"], &[]);
    let b = json_of(&["run", "--trials", "300"], &[]);
    assert_eq!(a, b);
    // ...and a different seed gives different numbers.
    let c = json_of(&["run", "--trials", "300", "--seed", "43"], &[]);
    assert_ne!(a, c);
}

#[test]
fn thread_count_does_not_change_results() {
    let args = [
        "compare",
        "--trials",
        "300",
        "--strategies",
        "none,async,sync,async+backup",
    ];
    let one = json_of(&args, &[("RAYON_NUM_THREADS", "1")]);
    let two = json_of(&args, &[("RAYON_NUM_THREADS", "2")]);
    let four = json_of(&args, &[("RAYON_NUM_THREADS", "4")]);
    assert_eq!(one, two);
    assert_eq!(one, four);
    let flag = json_of(&[&args[..], &["--threads", "1"]].concat(), &[]);
    assert_eq!(one, flag);
}

#[test]
fn shards_merged_equal_the_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let whole = json_of(
        &[
            "compare",
            "--trials",
            "301",
            "--strategies",
            "async,backup-only",
        ],
        &[],
    );
    let mut parts = Vec::new();
    for i in 0..3 {
        let p = dir.path().join(format!("part{i}.json"));
        expect_success(
            failsim()
                .args([
                    "compare",
                    "--trials",
                    "301",
                    "--strategies",
                    "async,backup-only",
                    "--quiet",
                ])
                .arg("--shard")
                .arg(format!("{i}/3"))
                .arg("--json")
                .arg(&p),
        );
        parts.push(p);
    }
    // Merge in a scrambled order: the result may not depend on it.
    let out = expect_success(
        failsim()
            .arg("merge")
            .args([&parts[2], &parts[0], &parts[1]])
            .args(["--json", "-", "--quiet"]),
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&whole)
    );

    // A missing shard is an error, not a smaller run.
    let stderr = expect_exit_2(failsim().arg("merge").args([&parts[0], &parts[1]]));
    assert!(stderr.contains("2/3"));
}

#[test]
fn the_slurm_script_runs_shards_and_queues_a_merge_that_reproduces_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin!("failsim");
    // A stand-in for sbatch that records what it was asked to run.
    let fake = dir.path().join("bin");
    std::fs::create_dir(&fake).unwrap();
    let sbatch = fake.join("sbatch");
    std::fs::write(&sbatch, "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in --wrap=*) echo \"${a#--wrap=}\" > \"$OUT/merge.sh\";; esac; done\n").unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&sbatch)
        .status()
        .unwrap();
    let out_dir = dir.path().join("out");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/slurm.sh");
    for i in 0..3 {
        let status = std::process::Command::new("bash")
            .arg(&script)
            .env(
                "PATH",
                format!("{}:{}", fake.display(), std::env::var("PATH").unwrap()),
            )
            .env("SLURM_ARRAY_TASK_ID", i.to_string())
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .env("SLURM_ARRAY_JOB_ID", "77")
            .env("SLURM_CPUS_PER_TASK", "1")
            .env("TRIALS", "90")
            .env("STRATEGIES", "async,sync")
            .env("OUT", &out_dir)
            .env("FAILSIM", bin)
            .status()
            .unwrap();
        assert!(status.success());
    }
    let merge = std::fs::read_to_string(out_dir.join("merge.sh")).unwrap();
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(&merge)
        .status()
        .unwrap();
    assert!(status.success(), "{merge}");
    let merged = std::fs::read(out_dir.join("results.json")).unwrap();
    let whole = json_of(
        &["compare", "--trials", "90", "--strategies", "async,sync"],
        &[],
    );
    assert_eq!(merged, whole);
}
