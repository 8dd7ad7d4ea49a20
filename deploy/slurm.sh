#!/usr/bin/env bash
# Runs a failsim comparison as a Slurm job array: one shard per array task,
# then a dependent job merges the shards into the same bytes one machine
# would have produced.
#
#   sbatch --array=0-15 deploy/slurm.sh            # 16 shards
#   (the merge job is submitted by task 0, after the array finishes)
#
# Environment (all optional):
#   SCENARIO    scenario file or built-in name      (default: ecommerce)
#   STRATEGIES  comma-separated strategies          (default: the compare set)
#   TRIALS      total trials across all shards      (default: 1000000)
#   SEED        master seed                         (default: the scenario's)
#   OUT         shared folder for parts and results (default: ./failsim-out)
#   FAILSIM     path to the failsim binary          (default: failsim on PATH)
#SBATCH --job-name=failsim
#SBATCH --cpus-per-task=2
#SBATCH --mem=1G
#SBATCH --time=01:00:00
#SBATCH --output=failsim-%A_%a.log
set -euo pipefail

SCENARIO=${SCENARIO:-ecommerce}
STRATEGIES=${STRATEGIES:-none,backup-only,async,semi-sync,sync,delayed,async+backup}
TRIALS=${TRIALS:-1000000}
OUT=${OUT:-./failsim-out}
FAILSIM=${FAILSIM:-failsim}
: "${SLURM_ARRAY_TASK_ID:?run with sbatch --array=0-N}"
: "${SLURM_ARRAY_TASK_COUNT:?run with sbatch --array=0-N}"
seed_flag=()
[ -n "${SEED:-}" ] && seed_flag=(--seed "$SEED")

mkdir -p "$OUT"
I=$SLURM_ARRAY_TASK_ID
N=$SLURM_ARRAY_TASK_COUNT

"$FAILSIM" compare "$SCENARIO" --strategies "$STRATEGIES" --trials "$TRIALS" "${seed_flag[@]}" \
  --threads "${SLURM_CPUS_PER_TASK:-1}" --shard "$I/$N" --json "$OUT/part-$I.json" --quiet

# Task 0 queues the merge, to run once every task of the array has succeeded.
if [ "$I" -eq 0 ]; then
  sbatch --dependency="afterok:${SLURM_ARRAY_JOB_ID}" --job-name=failsim-merge \
    --output=failsim-merge-%j.log \
    --wrap="$FAILSIM merge $OUT/part-*.json --json $OUT/results.json"
fi
