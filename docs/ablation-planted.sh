#!/usr/bin/env bash
# Issue 17.3's ablation at fleet scale: a planted instance written with decimals (K = 2,000: 13,977 VMs at seed 1;
# K = 4,000: 27,951 VMs), 300 s of wall clock per row: every phase that can run at that size (row "none"), then one
# row per phase named switched off (the cases of `bench --family ablation --planted-hosts K`, each run alone by
# `bench-one` in a process of its own, one after the other). Wall clock, not --deterministic: the acceptance limit is
# 300 s of wall clock, and 300 s of counted work takes 20 minutes or more on a loaded machine. So the rows depend on
# the load, printed with each. About 6 minutes a row (the instance is generated in each process).
# Usage: bash docs/ablation-planted.sh K [PHASE...]   (PHASE: none for every phase, or a phase to switch off)
# docs/solver.md blocks: <!-- refresh ablation-k2000 slow: bash docs/ablation-planted.sh 2000 none overload-search -->
#                <!-- refresh planted-k4000 slow: bash docs/ablation-planted.sh 4000 none -->
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bash docs/ablation-planted.sh K PHASE... (none, or a phase to switch off)" >&2; exit 2; }
k=$1; shift
. docs/consolidator.sh
seed=${SEED:-1}
echo "| phase switched off | active hosts | / K | energy / bound | peak MiB | wall s | load (start -> end) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
for phase in "$@"; do
  [ "$phase" = none ] && off="" || off=" -$phase"
  start=$(cut -d' ' -f1 /proc/loadavg)
  row=$(consolidator bench-one --family ablation --planted-hosts "$k" --seed "$seed" --case "ablation/K=$k$off" | grep '^{')
  end=$(cut -d' ' -f1 /proc/loadavg)
  jq -r --arg phase "$phase" --arg load "$start -> $end" \
    '"| \($phase) | \(.active_hosts) | \(.active_hosts / .optimum * 1000 | round / 1000) | \(.energy_vs_lower_bound * 1000 | round / 1000) | \(.peak_memory_mib | round) | \(.seconds * 10 | round / 10) | \($load) |"' <<< "$row"
done
echo
echo "seed $seed, $(nproc) cores"
