#!/usr/bin/env bash
# The CI smoke's concurrent pair (smoke-concurrent-2: a 256 MiB guest dirtying 4 MiB/s over 32 MiB and an idle 256 MiB
# guest, migrated together over 400 Mbit/s) as recorded in datasets/calibration/qemu-7.2-tcg-smoke.csv: per run, each
# guest's stop as QEMU reports it, what the source sent while the VM was stopped (query-migrate's downtime-bytes) and
# at what rate, beside the stream's average over its migration (transferred over total less setup); then the medians,
# and calibrate's verdict on the pair's medians (the simulated figures are the model's, at each run's CPU shares).
# docs/simulator.md block: <!-- refresh smoke-pair: bash docs/smoke-pair.sh -->
set -euo pipefail
cd "$(dirname "$0")/.."
. docs/consolidator.sh
csv=datasets/calibration/qemu-7.2-tcg-smoke.csv
python3 - "$csv" <<'EOF'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["scenario"] == "smoke-concurrent-2"]
print("run guest   total  downtime  sent stopped  rate while stopped  stream's average  load")
stops = {}
for r in sorted(rows, key=lambda r: (int(r["run"]), int(r["migration"]))):
    total, down, setup = float(r["total_ms"]), float(r["downtime_ms"]), float(r["setup_ms"])
    sent, moved = float(r["downtime_mib"]), float(r["transferred_mib"])
    rate, average = sent / down * 1000, moved / ((total - setup) / 1000)
    stops.setdefault(r["migration"], []).append((down, sent, rate, average))
    print(f"{r['run']:>3} #{r['migration']:<4} {total / 1000:5.2f} s  {down:5.0f} ms  {sent:7.2f} MiB  {rate:9.1f} MiB/s  "
          f"{average:11.1f} MiB/s  {float(r['host_load']):5.1f}")
for guest, s in sorted(stops.items()):
    med = [statistics.median(x[k] for x in s) for k in range(4)]
    print(f"#{guest} median of {len(s)}: downtime {med[0]:.0f} ms, sent while stopped {med[1]:.2f} MiB at {med[2]:.1f} MiB/s; "
          f"stream's average {med[3]:.1f} MiB/s")
EOF
consolidator calibrate --lab "$csv" | awk '/^\| setting / { print; getline; print } /^\| smoke-concurrent-2 #/ && NF > 18'
