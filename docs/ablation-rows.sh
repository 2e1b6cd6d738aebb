#!/usr/bin/env bash
# Issue 17.3's ablation table in counted work: each case of `bench --family ablation --deterministic` named on the
# command line ("vms=1000" with every phase, "vms=1000 -homecoming" with one switched off: the bench's own row names)
# run alone by `bench-one` in a process of its own, one after the other, and printed as a row of the README's table.
# Counted work, so every column but the peak memory, the seconds and the load repeats on any machine under any load.
# Limits are the family's: fleets 10 s, planted K = 20 10 s, K = 200 60 s of counted work.
# Usage: bash docs/ablation-rows.sh CASE...
# docs/solver.md block: <!-- refresh ablation-quick slow: bash docs/ablation-rows.sh "vms=1000" "vms=1000 -host-fill" ... -->
# (every case of `bench --family ablation --deterministic`'s quick set; about 30-60 minutes on 2 shared cores)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: bash docs/ablation-rows.sh CASE... (e.g. 'vms=1000' 'vms=1000 -homecoming')" >&2; exit 2; }
. docs/consolidator.sh
echo "| instance | phase switched off | active hosts | energy / bound | kept (share of at most) | peak MiB | wall s | load (start -> end) |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
for case in "$@"; do
  start=$(cut -d' ' -f1 /proc/loadavg)
  row=$(consolidator bench-one --family ablation --deterministic --shared "${CONSOLIDATOR_SHARED:-../shared}" --case "ablation/$case" | grep '^{')
  end=$(cut -d' ' -f1 /proc/loadavg)
  instance=${case%% -*}
  [ "$instance" = "$case" ] && phase=none || phase=${case#* -}
  jq -r --arg i "$instance" --arg phase "$phase" --arg load "$start -> $end" '
    def f3: (. * 1000 | round) as $m | "\($m / 1000 | floor).\("00\($m % 1000)" | .[-3:])";
    (if .status == "optimal" then " (optimal)" elif .status == "heuristic-fallback" then " (heuristic fallback)" else "" end) as $s
    | (if .kept_in_place == null then "-" else "\(.kept_in_place) (\(if .kept_share == null then "-" else (.kept_share | f3) end))" end) as $kept
    | "| \($i) | \($phase) | \(.active_hosts)\($s) | \(.energy_vs_lower_bound | f3) | \($kept) | \(.peak_memory_mib | round) | \(.seconds * 10 | round / 10) | \($load) |"' <<< "$row"
done
