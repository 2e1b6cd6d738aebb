#!/usr/bin/env bash
# The month judged out of sample (issue 13): imports Bitbrains Rnd, July 2013, from ../shared (gzip, read as it
# streams), then rolls a day-ahead evaluation over it: trained on day 1, tested on day 2, shifted a day at a time
# (29 folds), re-planned daily on a sliding 7-day history, every policy replayed; copies the plot to
# docs/july-roll.png (through docs/refresh.sh's refresh_copy when it runs as a block, so that --check writes nothing) and prints the per-fold figures of the two-level policy and LR-MMT (docs/july-roll.awk), the
# overall table, the verdict and the wall-clock time of the roll.
# Usage: docs/july-roll.sh [SHARED_DIR] (default $CONSOLIDATOR_SHARED, else ../shared: a worktree outside the
# main checkout's folder can point at the shared folder without changing the block in docs/two-level.md). Without the month it says so and exits 1, so that
# docs/refresh.sh stops instead of blanking that block.
# docs/two-level.md block: <!-- refresh july-roll slow: bash docs/july-roll.sh -->
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-${CONSOLIDATOR_SHARED:-../shared}}
month=$shared/datasets/bitbrains-rnd-month/2013-7
if [ ! -d "$month" ]; then echo "july-roll: $month not found (the month lives in ../shared, outside the repository; pass its folder: docs/july-roll.sh SHARED_DIR)" >&2; exit 1; fi
. docs/consolidator.sh
consolidator import --format bitbrains "$month" --out out/bitbrains-july > /dev/null
command=(evaluate out/bitbrains-july --train 1 --test 2 --roll --replan daily --history 7 --time-limit 600 --out out/july-roll)
start=$(date +%s)
consolidator "${command[@]}" > out/july-roll.txt
seconds=$(( $(date +%s) - start ))
if declare -F refresh_copy > /dev/null; then refresh_copy out/july-roll/evaluation.png docs/july-roll.png; else cp out/july-roll/evaluation.png docs/july-roll.png; fi
echo "\$ consolidator ${command[*]}"
awk -f docs/july-roll.awk out/july-roll.txt
echo
sed -n '/^all [0-9]* folds/,$p' out/july-roll.txt | grep -v '^wrote '
echo "roll: $(grep -c '^train:' out/july-roll.txt) folds in ${seconds} s of wall clock on $(nproc) cores (load average over the last 15 minutes $(cut -d' ' -f3 /proc/loadavg), other jobs included)"
