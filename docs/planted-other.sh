#!/usr/bin/env bash
# Issue 17's planted acceptance on planted instances from another generator (docs/planted-other.py, built unlike
# `generate --planted-hosts`): for each seed, generate with the given options, then the whole `plan` command at the
# limit with the planted flags and the given windows, one seed after the other. Prints per seed the active hosts, their
# ratio to K, the solver's status, the command's wall clock and peak resident memory (GNU time), the load average at
# its start and end (wall clock, so the rows depend on the load), and a check that "optimal" is never printed above K
# (and that no plan has fewer than K hosts, which would mean the planted optimum is wrong).
# Usage: bash docs/planted-other.sh K LIMIT WINDOWS "GENERATOR OPTIONS" SEED...
# PLAN_EXTRA adds flags to every plan (e.g. PLAN_EXTRA=--deterministic: LIMIT is then counted work, the hosts the same
# on any machine; the wall clock column is still the command's).
#   e.g. bash docs/planted-other.sh 200 60 hourly "--shape flat-mem --decimals 2 --host 40x384" 1 2 3
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 5 ] || { echo 'usage: bash docs/planted-other.sh K LIMIT WINDOWS "GENERATOR OPTIONS" SEED...' >&2; exit 2; }
k=$1 limit=$2 windows=$3 options=$4; shift 4
. docs/consolidator.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "| generator options | windows | K | seed | VMs | active hosts | / K | solver | wall s (limit $limit) | peak MiB | load (start -> end) | never optimal above K |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | --- |"
for seed in "$@"; do
  # shellcheck disable=SC2086
  python3 docs/planted-other.py --hosts "$k" --seed "$seed" $options --out "$work/in" 2> /dev/null
  start=$(cut -d' ' -f1 /proc/loadavg)
  # shellcheck disable=SC2086
  /usr/bin/time -f '%e %M' -o "$work/time" bash -c 'consolidator "$@"' _ plan "$work/in" --out "$work/plan" \
    --time-limit "$limit" --percentile 100 --headroom 0 --migration-weight 0 --cpu-allocation-ratio 0 \
    --ram-allocation-ratio 0 --no-simulate --no-plots --windows "$windows" ${PLAN_EXTRA:-} > "$work/summary"
  end=$(cut -d' ' -f1 /proc/loadavg)
  vms=$(awk '/^vms:/ { print $2; exit }' "$work/summary")
  hosts=$(awk '/^active hosts:/ { print $5; exit }' "$work/summary")
  status=$(awk '/^solver:/ { print $2, $3; exit }' "$work/summary")
  read -r wall rss < "$work/time"
  awk -v o="$options" -v win="$windows" -v k="$k" -v s="$seed" -v v="$vms" -v h="$hosts" -v st="$status" -v w="$wall" \
    -v r="$rss" -v l="$start -> $end" 'BEGIN {
      ok = (h < k || (h > k && st ~ /optimal/)) ? "**NO**" : "yes"
      printf "| %s | %s | %d | %d | %d | %d | %.3f | %s | %.1f | %d | %s | %s |\n", o, win, k, s, v, h, h / k, st, w, r / 1024, l, ok }'
  rm -rf "$work/in" "$work/plan"
done
