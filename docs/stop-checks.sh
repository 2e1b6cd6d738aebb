#!/usr/bin/env bash
# QEMU 7.2's stop checks in a pre-copy end game, with the source's migration thread at ease and starved: the setting of
# fresh-pre-r24-w64-l300-d500 (512 MiB guest dirtying 24 MiB/s over 64 MiB, 300 Mbit/s, 500 ms limit) recorded with
# lab/qemu/stop-probe.py --json, the source QEMU at nice 19 (load 31, not starved) and at nice 10 beside two busy loops at
# nice 0 in the same session (starved), then the thread alone starved by --starve (a CFS quota, or pinned beside a busy loop
# and reniced; the runs of docs/starved-runs.sh), 2026-12-07 under /work/heavy.sh; lab/qemu/checks.py wrote every check within
# 4 x the threshold to datasets/calibration/qemu-7.2-tcg-checks.csv. Prints per run the spread of what a check compares and the last
# checks before the stop. docs/simulator.md block: <!-- refresh stop-checks: bash docs/stop-checks.sh -->
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - "${1:-datasets/calibration/qemu-7.2-tcg-checks.csv}" <<'PY'
import csv, statistics, sys
runs = {}
for r in csv.DictReader(open(sys.argv[1])):
    runs.setdefault((r["label"], r["date"]), []).append(r)
for (label, date), rs in runs.items():
    f = lambda k: [float(r[k]) for r in rs if r[k] != ""]
    ratio = [float(r["pending_mib"]) / float(r["threshold_mib"]) for r in rs]
    q = lambda xs: f"{min(xs):.2f}-{max(xs):.2f} (median {statistics.median(xs):.2f})"
    r0 = rs[0]
    how = f", starved by {r0['starve']}" if r0.get("starve") else ""
    share = f", thread's share {float(r0['thread_share']):.3f}" if r0.get("thread_share") else ""
    end = (f"still running at {float(r0['total_ms']) / 1000:.0f} s (cancelled)" if r0.get("status") == "timeout"
           else f"total {float(r0['total_ms']) / 1000:.1f} s, stop {r0['downtime_ms']} ms")
    print(f"{label} {date} load {r0['host_load']}{how}{share}: {end}, {r0['syncs']} syncs; {len(rs)} checks within 4 x the threshold")
    print(f"  pending / threshold {q(ratio)}; threshold {q(f('threshold_mib'))} MiB; ms between the syncs before a check {q(f('since_sync_ms'))}")
    synced = [r for r in rs if r.get("after_sync") == "1"]
    if synced:
        # The checks that can stop the VM: those right after a dirty-log sync (checks.py's after_sync; not recorded for the
        # first two probes).
        print(f"  {len(synced)} checks right after a sync: pending / threshold "
              f"{q([float(r['pending_mib']) / float(r['threshold_mib']) for r in synced])}, ms between syncs {q([float(r['since_sync_ms']) for r in synced if r['since_sync_ms']])}")
    print("  last checks (ms from the first: pending / threshold, threshold MiB, ms since the sync before): " +
          ", ".join(f"{float(r['check_ms']):.0f}: {float(r['pending_mib']) / float(r['threshold_mib']):.2f}, {float(r['threshold_mib']):.1f}, "
                    f"{r['since_sync_ms']}" for r in rs[-6:]))
PY
