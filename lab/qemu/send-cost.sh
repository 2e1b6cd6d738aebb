#!/usr/bin/env bash
# The migration thread's CPU cost of a data page sent, apart from a zero page's: one run of lab/qemu/stop-probe.py of a
# 512 MiB lab guest that fills WSS MiB with data (half random, half zero per page: lab/qemu/guest/dirtier.c) and then
# dirties nothing (--rate 0), so that its one pass sends those pages once as data and the rest of its RAM as zero pages,
# over the starved runs' link (300 Mbit/s, 500 ms limit), its migration thread held to SHARE of a core by a CFS quota
# (or not held: "free"). The row is appended to CSV (the lab's columns: migration_cpu_s is the thread's schedstat CPU
# time, normal_pages and zero_pages QEMU's counts) under the scenario sendcost-wWSS-SHARE. Runs under /work/heavy.sh
# when it exists (one timed measurement at a time on the shared machine), with `uptime` before and after.
# Usage (root, repository root, guest built): bash lab/qemu/send-cost.sh CSV WSS SHARE [RUN]   e.g. ... 320 0.03 1
set -euo pipefail
cd "$(dirname "$0")/../.."
csv=$1 wss=$2 share=$3 run=${4:-1}
starve=()
[ "$share" = free ] || starve=(--starve "quota:$share")
scenario="sendcost-w${wss}-${share/0./q}"
heavy=()
[ -x /work/heavy.sh ] && heavy=(/work/heavy.sh)
"${heavy[@]}" bash -c 'echo "before: $(date -u +%FT%TZ) $(uptime)"; python3 lab/qemu/stop-probe.py 512 --rate 0 --wss "$1" --link 300 --limit 500 --patience 200 "${@:5}" --lab-csv "$2" --scenario "$3" --run "$4" | sed -n "1,3p"; echo "after: $(date -u +%FT%TZ) $(uptime)"' \
  _ "$wss" "$csv" "$scenario" "$run" "${starve[@]}"
