#!/usr/bin/env bash
# The two concurrent fresh settings under the host's BBR and under Reno, run alternately in the second fresh session
# (datasets/calibration/qemu-7.2-tcg-fresh2.csv: fresh-concurrent-3 and fresh-concurrent-2-d150 in each round of the six,
# their -reno twins right after, under the same lock). Per run and guest: the congestion control read in the namespace,
# QEMU's stop, what the source sent while the VM was stopped (downtime-bytes) and at what rate, that rate over the fair
# share of the line rate among the streams still migrating at the stop (the model's max-min share), the stream's average
# over its migration, and the replay's downtime over QEMU's (calibrate, the run's own inputs); then per congestion control
# and guest the medians and how many stops the replay holds (within 50 % or 50 ms). If the uneven split at a stop were
# the congestion control's, Reno's rates while stopped would sit near the fair share and its stops near the replay's.
# docs/simulator.md block: <!-- refresh fresh-cc: bash docs/fresh-cc.sh -->
set -euo pipefail
cd "$(dirname "$0")/.."
. docs/consolidator.sh
file=datasets/calibration/qemu-7.2-tcg-fresh2.csv
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
consolidator calibrate --lab "$file" > "$tmp"
python3 - "$file" "$tmp" <<'PY'
import csv, re, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["scenario"].startswith(("fresh-concurrent-3", "fresh-concurrent-2-d150"))]
replay, treplay = {}, {}
on = False
for line in open(sys.argv[2]):
    if line.startswith("predicted before each run"): on = True; continue
    m = re.match(r"\| (\S+) run (\d+) #(\d+) \|", line) if on else None
    if m:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        replay[(m.group(1), m.group(2), m.group(3))] = float(cells[7].split(" / ")[1])
        treplay[(m.group(1), m.group(2), m.group(3))] = float(cells[7].split(" / ")[0])
def line_rate(r): return float(r["link_mbit"]) * 1e6 / 8 / 1048576
print("scenario                      run guest cc     total  downtime  sent stopped  rate stopped  x fair share  stream's average  replay/QEMU stop  load")
stats = {}
runs = {}
for r in rows: runs.setdefault((r["scenario"], r["run"]), []).append(r)
for key in sorted(runs, key=lambda k: runs[k][0]["date"]):
    group = runs[key]
    for r in sorted(group, key=lambda r: int(r["migration"])):
        total, down, setup = float(r["total_ms"]), float(r["downtime_ms"]), float(r["setup_ms"])
        sent, moved = float(r["downtime_mib"]), float(r["transferred_mib"])
        stop_at = total - down
        active = sum(1 for o in group if float(o["total_ms"]) > stop_at)
        fair = line_rate(r) / max(1, active)
        rate = sent / down * 1000 if down > 0 else float("nan")
        ratio = replay.get((r["scenario"], r["run"], r["migration"]), float("nan"))
        within = abs(ratio * down - down) <= max(0.5 * down, 50)
        scenario = r["scenario"].removesuffix("-no-idle-restart").removesuffix("-reno")
        variant = r["tcp_congestion_control"] + (", no idle restart" if r["scenario"].endswith("-no-idle-restart") else "")
        stats.setdefault((scenario, r["migration"], variant), []).append((down, rate / fair, ratio, within, moved / ((total - setup) / 1000), treplay.get((r["scenario"], r["run"], r["migration"]), float("nan"))))
        print(f"{r['scenario']:<29} {r['run']:>3} #{r['migration']:<3} {r['tcp_congestion_control']:<5} {total / 1000:5.2f} s  {down:5.0f} ms  "
              f"{sent:7.2f} MiB  {rate:7.1f} MiB/s  {rate / fair:6.2f} of {active}  {moved / ((total - setup) / 1000):9.1f} MiB/s  "
              f"{ratio:11.2f}       {float(r['host_load']):5.1f}")
order = {"bbr": 0, "reno": 1, "reno, no idle restart": 2}
for (scenario, guest, variant), s in sorted(stats.items(), key=lambda kv: (kv[0][0], kv[0][1], order.get(kv[0][2], 3))):
    def med(k): return statistics.median(x[k] for x in s)
    def rng(k, f): return f"{min(x[k] for x in s):{f}}-{max(x[k] for x in s):{f}}"
    print(f"{scenario} #{guest} {variant}: {len(s)} runs, stream's average {med(4):.1f} MiB/s ({rng(4, '.1f')}), replay/QEMU total "
          f"{med(5):.2f} ({rng(5, '.2f')}); stop {med(0):.0f} ms ({rng(0, '.0f')}), rate while stopped x{med(1):.2f} the fair share "
          f"({rng(1, '.2f')}), replay/QEMU stop {med(2):.2f} ({rng(2, '.2f')}), replay holds the stop in {sum(x[3] for x in s)} of {len(s)}")
PY
