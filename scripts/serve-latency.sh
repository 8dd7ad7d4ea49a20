#!/usr/bin/env bash
# Measures how long `failsim serve` takes to answer a knob change: starts
# the server on a free loopback port, then posts replication.mode
# async/sync in turn (the page's request: settings, as-written, its
# trials and seed) and prints the median and the worst of the answers.
# A measurement, not a test: docs/performance.md quotes it.
#
#   scripts/serve-latency.sh [TRIALS] [REQUESTS] [STRATEGIES]
#   e.g. scripts/serve-latency.sh 2000 40 '"as-written"'
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${1:-2000}
n=${2:-40}
strategies=${3:-'"as-written"'}
bin=target/release/failsim
[ -x "$bin" ] || cargo build --release
out=$(mktemp)
"$bin" serve --port 0 >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 50); do grep -q http "$out" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$out")
times=()
for i in $(seq "$n"); do
  mode=$([ $((i % 2)) = 0 ] && echo async || echo sync)
  body="{\"settings\":{\"replication.mode\":\"$mode\"},\"strategies\":[$strategies],\"trials\":$trials,\"seed\":42}"
  t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -X POST -H 'content-type: application/json' \
    -d "$body" "${url}api/simulate")
  [ "${t%% *}" = 200 ] || { echo "request $i answered ${t%% *}" >&2; exit 1; }
  times+=("${t#* }")
done
printf '%s\n' "${times[@]}" | sort -n | awk -v trials="$trials" -v s="$strategies" '
  { t[NR] = $1 } END {
    printf "%d knob changes, %d trials, strategies [%s]: median %.0f ms, worst %.0f ms\n",
      NR, trials, s, 1000 * t[int((NR + 1) / 2)], 1000 * t[NR] }'
