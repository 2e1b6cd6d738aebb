#!/usr/bin/env bash
# A data page's send cost, apart from a zero page's (docs/simulator.md, "A data page's send cost").
# Without an argument: the rows of datasets/calibration/qemu-7.2-tcg-sendcost.csv (lab/qemu/send-cost.sh: a 512 MiB guest
# that filled W MiB with data and dirties nothing, so its one pass sends those pages once as data and the rest as zero
# pages, its migration thread free or held to a CFS quota), each with the thread's share and CPU time (schedstat), and per
# share the extra CPU a GiB of data pages costs over a GiB of zero pages: (CPU of w320 - CPU of w4) / (data GiB of w320 -
# data GiB of w4), medians of each scenario's runs, no model in it; beside it what the model charges at that recording's
# machine factor (LabEnvironment.Fitted: SendCpuSecondsPerGib 0.155 and 1024 / ZeroScanMibPerSecond 1388 per GiB, each x
# the factor).
# With --runnable: per recording, QEMU's total against the wire's time plus the migration thread's runnable time (no model).
# With --ablation: every recording replayed twice by `consolidator calibrate --lab FILE`, as is and with
# --measured-send-cost (each machine's data-page send cost measured apart on its fit rows), and every run, setting and
# pre-run verdict that changes between the two. Flags after --ablation replay the second time with those calibrate flags
# instead (`--ablation --send-overlap`: the send's overlap with the wire, docs/simulator.md "The send's overlap with the
# wire").
# docs/simulator.md blocks: <!-- refresh send-cost: bash docs/send-cost.sh -->,
#   <!-- refresh send-cost-ablation: bash docs/send-cost.sh --ablation -->,
#   <!-- refresh send-overlap-ablation: bash docs/send-cost.sh --ablation --send-overlap -->,
#   <!-- refresh send-runnable: bash docs/send-cost.sh --runnable -->
set -euo pipefail
cd "$(dirname "$0")/.."
. docs/consolidator.sh
if [ "${1:-}" = --runnable ]; then
  # Per recording, its completed single-stream pre-copy rows without a capability: QEMU's total time against the wire's
  # time (transferred MiB at the tbf rate, or at max-bandwidth where lower) plus the migration thread's runnable time
  # (schedstat: CPU + run-queue wait), and against the larger of the two. No model in it.
  python3 - datasets/calibration/qemu-7.2-tcg*.csv <<'PY'
import csv, os, statistics as st, sys
print(f"{'recording':<22} {'rows':>4} {'share':>9}   {'total / (wire + runnable)':<26} {'total / max(wire, runnable)'}")
for path in sorted(sys.argv[1:]):
    add, top, share = [], [], []
    for r in csv.DictReader(open(path)):
        if (r.get("method"), r.get("status"), r.get("capability"), r.get("concurrent")) != ("precopy", "completed", "none", "1") or not r.get("migration_cpu_s"):
            continue
        cpu, wait = float(r["migration_cpu_s"]), float(r["migration_wait_s"])
        rate = float(r["link_mbit"]) * 1e6 / 8 / 2**20
        if r["max_bandwidth_mib_s"]:
            rate = min(rate, float(r["max_bandwidth_mib_s"]))
        wire, total = float(r["transferred_mib"]) / rate, float(r["total_ms"]) / 1000
        add.append(total / (wire + cpu + wait)); top.append(total / max(wire, cpu + wait)); share.append(cpu / (cpu + wait))
    if add:
        print(f"{os.path.basename(path)[:-4]:<22} {len(add):>4} {min(share):.2f}-{max(share):.2f}   "
              f"{f'{st.median(add):.2f} ({min(add):.2f}-{max(add):.2f})':<26} {st.median(top):.2f} ({min(top):.2f}-{max(top):.2f})")
PY
  exit 0
fi
if [ "${1:-}" != --ablation ]; then
  csv=datasets/calibration/qemu-7.2-tcg-sendcost.csv
  factor=$(consolidator calibrate --lab "$csv" | sed -n 's/^machine of tcg-sendcost: source CPU x\([0-9.]*\) .*/\1/p')
  python3 - "$csv" "$factor" <<'PY'
import csv, sys, statistics as st
rows = list(csv.DictReader(open(sys.argv[1])))
k = float(sys.argv[2])
gib = lambda pages: int(pages) * 4096 / 2**30
print(f"{'run':<28} {'date (UTC)':<20} {'load':>5} {'share':>6} {'CPU s':>6} {'data GiB':>8} {'zero GiB':>8} {'syncs':>5} {'total s':>7}")
by = {}
for r in rows:
    if not r["scenario"].startswith("sendcost-"):
        continue
    cpu, wait = float(r["migration_cpu_s"]), float(r["migration_wait_s"])
    print(f"{r['scenario'] + ' run ' + r['run']:<28} {r['date']:<20} {float(r['host_load']):5.1f} {cpu / (cpu + wait):6.3f} {cpu:6.3f} "
          f"{gib(r['normal_pages']):8.3f} {gib(r['zero_pages']):8.3f} {r['dirty_syncs']:>5} {float(r['total_ms']) / 1000:7.1f}")
    wss, share = r["scenario"].split("-")[1:3]
    by.setdefault(share, {}).setdefault(wss, []).append((cpu, gib(r["normal_pages"]), cpu / (cpu + wait)))
print()
print(f"machine of the recording (its fit rows): source CPU x{k:.2f} the reference's; the model charges a GiB of data pages "
      f"{0.155 * k:.3f} s and a GiB of zero pages {1024 / 1388 * k:.3f} s: a data page {0.155 * k - 1024 / 1388 * k:+.3f} s per GiB over a zero page")
for share, w in sorted(by.items()):
    if "w320" in w and "w4" in w:
        (c1, d1), (c0, d0) = [(st.median(x[0] for x in w[s]), st.median(x[1] for x in w[s])) for s in ("w320", "w4")]
        shares = [x[2] for s in ("w320", "w4") for x in w[s]]
        print(f"{share:<5} thread's share {min(shares):.3f}-{max(shares):.3f}: {len(w['w320'])} + {len(w['w4'])} runs, a GiB of data pages costs "
              f"{(c1 - c0) / (d1 - d0):+.3f} s of CPU over a GiB of zero pages (CPU {c0:.3f} -> {c1:.3f} s for {d0:.3f} -> {d1:.3f} GiB of data)")
PY
  exit 0
fi
shift
flags=("${@:---measured-send-cost}")
before=$(mktemp -d) after=$(mktemp -d)
trap 'rm -rf "$before" "$after"' EXIT
for f in datasets/calibration/qemu-7.2-tcg*.csv; do
  case $f in *-checks.csv|*-cwnd.csv) continue ;; esac
  consolidator calibrate --lab "$f" > "$before/$(basename "$f" .csv)"
  consolidator calibrate --lab "$f" "${flags[@]}" > "$after/$(basename "$f" .csv)"
done
python3 - "$before" "$after" "${flags[*]}" <<'PY'
import os, sys
def parse(path):
    out, table, machine = {}, None, ""
    for line in open(path):
        for head, name in (("| point |", "run"), ("| setting |", "setting"), ("| run |", "pre-run")):
            if line.startswith(head):
                table = name
        if line.startswith("machine of"):
            machine = line.strip()
        if not line.startswith("| ") or line.startswith("| ---") or line.startswith(("| point |", "| setting |", "| run |")):
            continue
        c = [x.strip() for x in line.strip().strip("|").split("|")]
        if len(c) < 6 or c[1].startswith("published"):
            continue
        col = {"run": 4, "setting": 5, "pre-run": 7}[table]
        ratio, within = c[col], c[col + 1]
        out[(table, c[0])] = (ratio, within.startswith("yes") or within.startswith("not judged"), c[3] if table == "run" else "")
    return out, machine
counts = {"in -> out": 0, "out -> in": 0, "unchanged": 0}
for f in sorted(os.listdir(sys.argv[1])):
    (a, ma), (b, mb) = parse(os.path.join(sys.argv[1], f)), parse(os.path.join(sys.argv[2], f))
    print(f"{f}: {mb.split(': ', 1)[1].split(', destination')[0]}")
    for key in a:
        (ra, wa, sa), (rb, wb, sb) = a[key], b[key]
        if wa == wb:
            counts["unchanged"] += 1
            continue
        kind = "in -> out" if wa else "out -> in"
        counts[kind] += 1
        print(f"  {kind:<9} {key[0]:<7} {key[1]:<58} {ra} -> {rb}" + (f"  (model {sa} -> {sb})" if sa else ""))
print(f"lab verdicts (runs, settings, pre-run replays) with {sys.argv[3]}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
PY
