#!/usr/bin/env bash
# Why Reno leans: the smoke's concurrent pair (256 MiB dirtying 4 MiB/s over 32 MiB, and an idle 256 MiB guest, over
# 400 Mbit/s) recorded with lab/qemu/stop-probe.py --json and summarised by lab/qemu/cc-split.py into
# datasets/calibration/qemu-7.2-tcg-cwnd.csv (2026-12-07, under /work/heavy.sh): per run and stream, the bytes each source
# socket had acknowledged over the window in which both sent (before the first stop), its share, and its congestion
# window (ss -ti every ~20 ms), under Reno on the lab's link (tbf's 100 ms FIFO), Reno with TCP Small Queues' per-socket
# cap lowered to 64 KiB (net.ipv4.tcp_limit_output_bytes), Reno behind a shallow drop-tail queue (bfifo 200,000 B, ~4 ms;
# a pfifo of 100 packets is not shallow here, loopback's packets being up to 64 KiB), and BBR.
# Prints each run's larger share with that stream's share of the two windows, then per setting the median and range.
# docs/simulator.md block: <!-- refresh reno-lean: bash docs/reno-lean.sh -->
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - "${1:-datasets/calibration/qemu-7.2-tcg-cwnd.csv}" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
runs = {}
for r in rows:
    runs.setdefault((r["label"], r["date"]), []).append(r)
print("setting           date (UTC)            larger share  its cwnd share  left slow start  qdisc drops  rtt ms  load")
by = {}
for (label, date), rs in sorted(runs.items(), key=lambda kv: kv[0][1]):
    big = max(rs, key=lambda r: float(r["share"]))
    slow = sum(int(r["left_slow_start"]) for r in rs)
    by.setdefault(label, []).append((float(big["share"]), float(big["cwnd_share"]), slow, int(big["qdisc_dropped"]), float(big["host_load"])))
    print(f"{label:<17} {date}  {float(big['share']):5.3f} (#{big['stream']})     {float(big['cwnd_share']):5.3f}         "
          f"{slow} of {len(rs)}          {int(big['qdisc_dropped']):4d}      {float(big['rtt_ms_median']):5.2f}  {float(big['host_load']):5.2f}")
for label, xs in sorted(by.items()):
    share = [x[0] for x in xs]
    print(f"{label}: {len(xs)} runs, the larger stream's share {statistics.median(share):.3f} ({min(share):.3f}-{max(share):.3f}), "
          f"its share of the windows {statistics.median(x[1] for x in xs):.3f}; streams that left slow start {sum(x[2] for x in xs)} of "
          f"{2 * len(xs)}; qdisc drops {min(x[3] for x in xs)}-{max(x[3] for x in xs)}; load {min(x[4] for x in xs):.1f}-{max(x[4] for x in xs):.1f}")
PY
