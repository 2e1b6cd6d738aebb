#!/usr/bin/env bash
# Starved migration threads, QEMU against the model: the setting of fresh-pre-r24-w64-l300-d500 (512 MiB guest dirtying 24
# MiB/s over 64 MiB, 300 Mbit/s, 500 ms limit; one near the link at 32 MiB/s) recorded with lab/qemu/stop-probe.py --starve
# (the source's migration thread alone held to a CFS quota, or pinned beside a busy loop and reniced) --lab-csv into
# datasets/calibration/qemu-7.2-tcg-starved.csv, after one run each of three fit scenarios that measure the machine
# (bench --family qemu), 2026-12-07 under /work/heavy.sh. Prints per run the thread's share (CPU / CPU + run-queue wait,
# schedstat), QEMU's outcome (a run still going after the probe's 200 s is cancelled and recorded as "timeout") and the
# model's replay at that share (consolidator calibrate --lab), with the planner's timeout of 150 s per GiB as the lab
# replays every row. docs/simulator.md block: <!-- refresh starved-runs: bash docs/starved-runs.sh -->
set -euo pipefail
cd "$(dirname "$0")/.."
csv=datasets/calibration/qemu-7.2-tcg-starved.csv
if command -v consolidator >/dev/null 2>&1; then cli=(consolidator); else cli=(dotnet run --project src/Consolidator.Cli -c Release --); fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"${cli[@]}" calibrate --lab "$csv" > "$out"
python3 - "$csv" "$out" <<'PY'
import csv, sys
table = {}
for line in open(sys.argv[2]):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) == 6 and cells[0].startswith("starved-"):
        table[cells[0]] = cells
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["scenario"].startswith("starved-")]
repeated = {s for s in {r["scenario"] for r in rows} if sum(x["scenario"] == s for x in rows) > 1}
print(f"{'run':<46} {'load':>5}  {'share':>6}   {'QEMU':<36} {'model (replayed at the share)':<44} ratio t/d/data")
for r in rows:
    pid = r["scenario"] + (f" run {r['run']}" if r["scenario"] in repeated else "")
    cpu, wait = float(r["migration_cpu_s"]), float(r["migration_wait_s"])
    if r["status"] == "timeout":
        qemu = f"still running at {float(r['total_ms']) / 1000:.0f} s, {r['dirty_syncs']} syncs"
    else:
        qemu = f"{float(r['total_ms']) / 1000:.1f} s, {r['dirty_syncs']} syncs, stop {float(r['downtime_ms']):.0f} ms"
    cells = table.get(pid)
    print(f"{pid:<46} {float(r['host_load']):5.1f}  {cpu / (cpu + wait):6.3f}   {qemu:<36} {cells[3] if cells else '-':<44} {cells[4] if cells else '-'}")
PY
