#!/usr/bin/env bash
# Issue 15's ablation: one generated fleet with local disks and shared images (the storage block's), planned three
# ways with --deterministic: placement counting each image once per host (the default), counting every disk whole
# (--whole-disks, the bound from above the planner used before), and counting images once with disk copies priced
# as memory moves (--disk-weight 10 instead of the default 0.15 Wh/GiB, the energy of sending the data). Prints one
# table row per way from the plan summaries (hosts, energy, moves, storage held, disk data the plan's moves copy and
# the part deduplication spares, solver status and gap), then the load average.
# docs/storage.md block: <!-- refresh storage-ablation slow: bash docs/storage-ablation.sh -->
set -euo pipefail
cd "$(dirname "$0")/.."
. docs/consolidator.sh
consolidator generate --out out/storage --vms 120 --images 6 --local-disks > /dev/null
echo "| placement counts | active hosts | energy (kWh/day) | migrations | local storage after (GiB) | disk copied (GiB) | not sent: dedup (GiB) | objective (Wh/day) | solver |"
echo "|---|---|---|---|---|---|---|---|---|"
n=0
row() { # LABEL OPTIONS...
  local label=$1; shift; n=$((n + 1))
  consolidator plan out/storage --out "out/storage-ablation-$n" --deterministic --no-simulate --no-plots "$@" | awk -v label="$label" '
    /^active hosts:/ { hosts = $5 }
    /^energy:/ { energy = $4 }
    /^migrations:/ { moves = $2 }
    /^local storage:/ { stored = $5 }
    /^disk copied by migrations:/ { copied = $5; match($0, /; [0-9.]+ GiB of image blocks/); saved = substr($0, RSTART + 2, RLENGTH - 2); sub(/ GiB.*/, "", saved) }
    /^solver:/ { status = $3; objective = $5; gap = $10 }
    END { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s, gap %s |\n", label, hosts, energy, moves, stored, copied, saved, objective, status, gap }'
}
row "images once per host"
row "every disk whole" --whole-disks
row "images once, --disk-weight 10" --disk-weight 10
echo
echo "load average over the last 15 minutes: $(cut -d' ' -f3 /proc/loadavg) on $(nproc) cores (--deterministic: the figures do not depend on it)"
