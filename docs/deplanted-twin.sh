#!/usr/bin/env bash
# Issue 17's control for planted K = 2,000: the planted instance written with decimals and its de-planted twin
# (docs/deplanted-twin.py: each hour's CPU values permuted among VMs of about the same size, so every hour's total
# demand and the volume bound are unchanged, and the groups that fill a host exactly are gone), planned with the same
# command one after the other. Per instance: active hosts, the lower bound the plan prints, hosts over the bound, and
# how full the hosts are. If both land at the same ratio, the solver gains nothing from the planted structure.
# Usage: bash docs/deplanted-twin.sh [K] [LIMIT] [plan options...]   (default 2000 300: two 300 s plans, ~11 minutes)
# docs/solver.md block: <!-- refresh deplanted-twin slow: bash docs/deplanted-twin.sh 2000 10 --deterministic -->
set -euo pipefail
cd "$(dirname "$0")/.."
. docs/consolidator.sh
k=${1:-2000} limit=${2:-300}
shift $(( $# < 2 ? $# : 2 ))
dir=out/deplanted-K$k
consolidator generate --planted-hosts "$k" --decimals --seed 1 --out "$dir/planted" > /dev/null
python3 docs/deplanted-twin.py twin "$dir/planted" "$dir/twin" > /dev/null
for instance in planted twin; do
  start=$(cut -d' ' -f1 /proc/loadavg)
  consolidator plan "$dir/$instance" --out "$dir/$instance-plan" --time-limit "$limit" --percentile 100 --headroom 0 \
    --migration-weight 0 --cpu-allocation-ratio 0 --ram-allocation-ratio 0 --no-simulate --no-plots "$@" |
    awk -v name="$instance" '/^active hosts:/ { hosts = $5; bound = $8; sub(/;/, "", bound) }
      END { printf "%-8s %s hosts, lower bound %s, %.3f x the bound; ", name, hosts, bound, hosts / bound }' | tr -d '\n'
  python3 docs/deplanted-twin.py fill "$dir/$instance" "$dir/$instance-plan/plan.csv" | sed 's/^[0-9]* hosts, //'
  [[ " $* " == *" --deterministic "* ]] || echo "         (wall clock: load $start -> $(cut -d' ' -f1 /proc/loadavg))"
done
