#!/usr/bin/env bash
# Issue 17's planted acceptance at K = 20 and 200: `generate --planted-hosts K --decimals --seed S`, then the whole
# `plan` command at the issue's wall-clock limit (30 s for K = 20, 60 s for K = 200) with the planted flags, one seed
# after the other. Prints per seed the active hosts, their ratio to K, the solver's status (optimal only when the
# count meets the volume bound), the command's wall clock from start to exit and peak resident memory (GNU time),
# and the load average at its start and end: wall clock, so the rows depend on the load.
# Usage: bash docs/planted-limits.sh K LIMIT SEED...
# docs/solver.md block: <!-- refresh planted-limits slow: bash docs/planted-limits.sh 20 30 1 2 3 4 5 && bash docs/planted-limits.sh 200 60 1 2 3 4 5 -->
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 3 ] || { echo "usage: bash docs/planted-limits.sh K LIMIT SEED..." >&2; exit 2; }
k=$1 limit=$2; shift 2
. docs/consolidator.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "| K | seed | VMs | active hosts | / K | solver | wall s (limit $limit) | peak MiB | load (start -> end) |"
echo "| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |"
for seed in "$@"; do
  consolidator generate --planted-hosts "$k" --decimals --seed "$seed" --out "$work/in-$seed" > /dev/null
  start=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f '%e %M' -o "$work/time" bash -c 'consolidator "$@"' _ plan "$work/in-$seed" --out "$work/plan-$seed" \
    --time-limit "$limit" --percentile 100 --headroom 0 --migration-weight 0 --cpu-allocation-ratio 0 \
    --ram-allocation-ratio 0 > "$work/summary"
  end=$(cut -d' ' -f1 /proc/loadavg)
  vms=$(awk '/^vms:/ { print $2; exit }' "$work/summary")
  hosts=$(awk '/^active hosts:/ { print $5; exit }' "$work/summary")
  status=$(awk '/^solver:/ { print $2, $3; exit }' "$work/summary")
  read -r wall rss < "$work/time"
  awk -v k="$k" -v s="$seed" -v v="$vms" -v h="$hosts" -v st="$status" -v w="$wall" -v r="$rss" -v l="$start -> $end" \
    'BEGIN { printf "| %d | %d | %d | %d | %.3f | %s | %.1f | %d | %s |\n", k, s, v, h, h / k, st, w, r / 1024, l }'
  rm -rf "$work/in-$seed" "$work/plan-$seed"
done
echo
echo "$(nproc) cores"
