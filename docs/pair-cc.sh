#!/usr/bin/env bash
# The smoke's concurrent pair (a 256 MiB guest dirtying 4 MiB/s over 32 MiB and an idle 256 MiB guest, migrated together
# over 400 Mbit/s) under the host's BBR and under Reno, run alternately on 2026-12-07 and recorded with each run's
# congestion control in datasets/calibration/qemu-7.2-tcg-cc.csv: per run and guest, QEMU's stop, what the source sent
# while the VM was stopped (downtime-bytes) and at what rate, beside the stream's average over its migration; then the
# medians per congestion control. The model gives each stream its fair half of the link, 24.1 MiB/s.
# An argument names another recording of the pair (datasets/calibration/qemu-7.2-tcg-cc2.csv: the same alternation at low load).
# docs/simulator.md blocks: <!-- refresh pair-cc: bash docs/pair-cc.sh -->,
#   <!-- refresh pair-cc2: bash docs/pair-cc.sh datasets/calibration/qemu-7.2-tcg-cc2.csv -->
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - "${1:-datasets/calibration/qemu-7.2-tcg-cc.csv}" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("scenario                 run guest  cc    total  downtime  sent stopped  rate while stopped  stream's average  load")
stats = {}
for r in sorted(rows, key=lambda r: (r["date"], int(r["migration"]))):
    total, down, setup = float(r["total_ms"]), float(r["downtime_ms"]), float(r["setup_ms"])
    sent, moved = float(r["downtime_mib"]), float(r["transferred_mib"])
    rate, average = sent / down * 1000, moved / ((total - setup) / 1000)
    stats.setdefault((r["tcp_congestion_control"], r["migration"]), []).append((down, sent, rate, average))
    print(f"{r['scenario']:<24} {r['run']:>3} #{r['migration']:<4} {r['tcp_congestion_control']:<5} {total / 1000:5.2f} s  {down:5.0f} ms  "
          f"{sent:7.2f} MiB  {rate:9.1f} MiB/s  {average:11.1f} MiB/s  {float(r['host_load']):5.1f}")
for (cc, guest), s in sorted(stats.items()):
    med = [statistics.median(x[k] for x in s) for k in range(4)]
    above = sum(1 for x in s if x[2] > 24.1 * 1.2)
    print(f"{cc} #{guest} median of {len(s)}: downtime {med[0]:.0f} ms, sent while stopped {med[1]:.2f} MiB at {med[2]:.1f} MiB/s "
          f"({above} of {len(s)} above 1.2 x the fair half); stream's average {med[3]:.1f} MiB/s")
PY
