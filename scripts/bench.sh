#!/usr/bin/env bash
# End-to-end benchmark of the failsim command line, and a side-by-side run of
# the SimPy peer (bench/peers/simpy_model.py).
#
#   scripts/bench.sh                 everything (a few minutes on two cores)
#   TRIALS="100000" scripts/bench.sh only 10^5 trials
#   REPEAT=5 scripts/bench.sh        five timings per figure (median shown)
#
# Environment: TRIALS (default "100000 1000000"), THREADS ("1 2"), REPEAT
# (3), PEER_TRIALS (2000: the peer is slow), CHECK_TRIALS (200000: failsim
# trials for the cross-check), OUT (target/bench).
#
# Reports, for `compare` of every strategy on the default scenario: wall
# time, trial-years per second and peak memory (GNU time), for each trial
# count and thread count; the speed-up from one to two threads; how peak
# memory grows with trials; and the speed ratio to the peer, single-threaded
# (REPEAT pairs run in turn, medians compared), with whether their means
# agree within their 95% confidence intervals.
set -euo pipefail

cd "$(dirname "$0")/.."
TRIALS=${TRIALS:-"100000 1000000"}
THREADS=${THREADS:-"1 2"}
REPEAT=${REPEAT:-3}
PEER_TRIALS=${PEER_TRIALS:-2000}
CHECK_TRIALS=${CHECK_TRIALS:-200000}
OUT=${OUT:-target/bench}
STRATEGIES=none,backup-only,async,semi-sync,sync,delayed,async+backup
GNU_TIME=/usr/bin/time

if ! "$GNU_TIME" -v true >/dev/null 2>&1; then
    echo "bench.sh needs GNU time at $GNU_TIME for peak memory: apt-get install time" >&2
    exit 2
fi
if ! command -v python3 >/dev/null; then
    echo "bench.sh needs python3 (3.11 or later)" >&2
    exit 2
fi
PEER=1
if ! python3 -c 'import simpy' 2>/dev/null; then
    echo "SimPy is not installed: pip install -r bench/peers/requirements.txt (skipping the peer)" >&2
    PEER=0
fi

mkdir -p "$OUT"
echo "== build (release)"
cargo build --release --quiet
BIN=target/release/failsim

echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -h | awk '/^Mem:/ {print $2}') memory; $(date -u +%F)"
echo "   load average: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine inflates wall times)"

# timed LABEL CMD...: runs CMD under GNU time; prints "wall user maxrss_kb".
timed() {
    local log="$OUT/$1.time"
    shift
    "$GNU_TIME" -v -o "$log" "$@" >/dev/null
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
        /User time/ { u = $2 }
        /Maximum resident set size/ { m = $2 }
        END { printf "%.3f %.3f %d\n", w, u, m }' "$log"
}

# median of the numbers on standard input
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

SUMMARY="$OUT/summary.tsv"
printf 'trials\tthreads\twall_s\tuser_s\ttrial_years_per_s\tpeak_kb\n' >"$SUMMARY"
echo "== compare --strategies $STRATEGIES (default scenario, 1-year horizon; median of $REPEAT)"
printf '%10s %8s %10s %10s %18s %12s\n' trials threads wall_s user_s trial-years/s peak_MB
for n in $TRIALS; do
    for t in $THREADS; do
        : >"$OUT/runs"
        for r in $(seq "$REPEAT"); do
            timed "compare-$n-$t-$r" "$BIN" compare --strategies "$STRATEGIES" --trials "$n" \
                --threads "$t" --quiet --json "$OUT/compare-$n-$t.json" >>"$OUT/runs"
        done
        wall=$(cut -d' ' -f1 "$OUT/runs" | median)
        user=$(cut -d' ' -f2 "$OUT/runs" | median)
        peak=$(cut -d' ' -f3 "$OUT/runs" | median)
        years=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['trials'] * len(d['strategies']) * d['horizon_seconds'] / 31536000)" "$OUT/compare-$n-$t.json")
        rate=$(python3 -c "print(round($years / $wall))")
        printf '%10s %8s %10s %10s %18s %12.1f\n' "$n" "$t" "$wall" "$user" "$rate" "$(python3 -c "print($peak / 1024)")"
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$t" "$wall" "$user" "$rate" "$peak" >>"$SUMMARY"
    done
done

python3 - "$SUMMARY" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
by = {(int(r["trials"]), int(r["threads"])): r for r in rows}
trials = sorted({k[0] for k in by})
threads = sorted({k[1] for k in by})
if 1 in threads and 2 in threads:
    for n in trials:
        s = float(by[(n, 1)]["wall_s"]) / float(by[(n, 2)]["wall_s"])
        w = float(by[(n, 2)]["user_s"]) / float(by[(n, 1)]["user_s"])
        print(f"speed-up 1 -> 2 threads at {n} trials: {s:.2f}x (wall time); "
              f"CPU time with 2 threads / with 1: {w:.2f}"
              " (near 1: no parallel overhead; a low speed-up then means the cores were busy)")
if len(trials) > 1:
    lo, hi = trials[0], trials[-1]
    for t in threads:
        r = float(by[(hi, t)]["peak_kb"]) / float(by[(lo, t)]["peak_kb"])
        print(f"peak memory {hi} / {lo} trials, {t} thread(s): {r:.2f}x")
EOF

if [ "$PEER" = 1 ]; then
    echo "== the SimPy peer: the default scenario as written (failsim run), single-threaded; median of $REPEAT pairs"
    # The two run in turn, so that other work on the machine slows both
    # alike; each figure is the median of its runs.
    : >"$OUT/runs"
    : >"$OUT/peer-rates"
    for r in $(seq "$REPEAT"); do
        python3 bench/peers/simpy_model.py --trials "$PEER_TRIALS" --json "$OUT/peer.json" >/dev/null 2>&1
        python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['trial_years_per_second'])" \
            "$OUT/peer.json" >>"$OUT/peer-rates"
        timed "run-$CHECK_TRIALS-$r" "$BIN" run --trials "$CHECK_TRIALS" --threads 1 --quiet \
            --json "$OUT/run.json" >>"$OUT/runs"
    done
    user=$(cut -d' ' -f2 "$OUT/runs" | median)
    wall=$(cut -d' ' -f1 "$OUT/runs" | median)
    peer_rate=$(median <"$OUT/peer-rates")
    python3 - "$OUT/peer.json" "$OUT/run.json" "$user" "$wall" "$peer_rate" "$OUT/runs" "$OUT/peer-rates" <<'EOF'
import json, sys
peer, fs = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
user, wall, peer_rate = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
years = fs["trials"] * fs["horizon_seconds"] / 31536000
fs_rate = years / user
fs_rates = [years / float(line.split()[1]) for line in open(sys.argv[6])]
peer_rates = [float(line) for line in open(sys.argv[7])]
print(f"failsim: {fs['trials']} trials in {user:.2f} CPU-s ({wall:.2f} s wall): {fs_rate:,.0f} trial-years/s")
print(f"SimPy:   {peer['trials']} trials: {peer_rate:,.0f} trial-years/s ({peer['peer']})")
print("each pair: " + ", ".join(f"{a:,.0f} / {b:,.0f} = {a / b:.0f}x" for a, b in zip(fs_rates, peer_rates)))
print(f"speed ratio (CPU time, one thread; medians): {fs_rate / peer_rate:.0f}x")
print("cross-check of means (95% confidence intervals; 'agree' = the intervals overlap):")
ours = fs["strategies"][0]["metrics"]
for m, theirs in peer["metrics"].items():
    a, b = ours[m], theirs
    overlap = a["ci95"][0] <= b["ci95"][1] and b["ci95"][0] <= a["ci95"][1]
    print(f"  {m:<17} failsim {a['mean']:>14.6g} [{a['ci95'][0]:.6g}, {a['ci95'][1]:.6g}]"
          f"   simpy {b['mean']:>14.6g} [{b['ci95'][0]:.6g}, {b['ci95'][1]:.6g}]   {'agree' if overlap else 'DIFFER'}")
EOF
fi
echo "== raw figures: $SUMMARY, $OUT/*.json, $OUT/*.time"
