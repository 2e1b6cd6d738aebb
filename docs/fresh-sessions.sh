#!/usr/bin/env bash
# The six fresh held-out settings in their two sessions side by side: datasets/calibration/qemu-7.2-tcg-fresh.csv (the
# first, 2026-12-07 10:43-11:02 UTC at load 24-45) and qemu-7.2-tcg-fresh2.csv (the rerun at the lowest load the shared
# machine gave, the same afternoon), each run predicted before it started from its own session's earlier rows. Per
# setting and guest, for each session: the load at the runs' starts, the source migration thread's CPU share (its CPU
# time over CPU time plus run-queue wait, schedstat), and how many runs were within the lab's tolerance (total and data
# 25 %, downtime 50 % or 50 ms) as predicted before the run and as replayed with the run's own inputs, with the median
# ratios; then every run outside in either session, with the wait its threads had around the stop. A miss that the
# replay (the run's own CPU shares) takes back is the inputs', that is the load's; one the replay keeps is the model's
# or one draw of a spread the model does not carry.
# docs/simulator.md block: <!-- refresh fresh-sessions: bash docs/fresh-sessions.sh -->
set -euo pipefail
cd "$(dirname "$0")/.."
. docs/consolidator.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in fresh fresh2; do consolidator calibrate --lab "datasets/calibration/qemu-7.2-tcg-$f.csv" > "$tmp/$f.txt"; done
python3 - "$tmp" <<'PY'
import csv, re, statistics, sys
tmp = sys.argv[1]
sessions = ["fresh", "fresh2"]
SIX = ["fresh-pre-r12-w96-m768", "fresh-pre-r20-w48-m384-cap36", "fresh-pre-r24-w64-l300-d500", "fresh-hybrid-r32-w96-s3",
       "fresh-concurrent-3", "fresh-concurrent-2-d150"]

def read(session):
    rows = {}
    for r in csv.DictReader(open(f"datasets/calibration/qemu-7.2-tcg-{session}.csv")):
        rows[(r["scenario"], int(r["run"]), int(r["migration"]))] = r
    runs = {}
    on = False
    for line in open(f"{tmp}/{session}.txt"):
        if line.startswith("predicted before each run"): on = True; continue
        if not on or not line.startswith("| ") or line.startswith("| run ") : continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        m = re.match(r"(\S+) run (\d+)(?: #(\d+))?$", cells[0])
        if not m: continue
        key = (m.group(1), int(m.group(2)), int(m.group(3) or 1))
        before = [float(x) for x in cells[5].split(" / ")]
        replay = [float(x) for x in cells[7].split(" / ")]
        runs[key] = dict(row=rows[key], before=before, before_in=cells[6] == "yes", replay=replay, replay_in=cells[8] == "yes",
                         measured=cells[3], predicted=cells[4])
    return runs

def share(r):
    cpu, wait = float(r["migration_cpu_s"] or 0), float(r["migration_wait_s"] or 0)
    return cpu / (cpu + wait) if cpu > 0 else float("nan")

data = {s: read(s) for s in sessions}
def span(xs): return f"{min(xs):.1f}-{max(xs):.1f}" if xs else "-"
for s in sessions:
    held = [v for k, v in data[s].items() if k[0] in SIX]
    if not held: print(f"{s}: no held-out run"); continue
    loads = [float(v["row"]["host_load"]) for v in held]
    dates = sorted(v["row"]["date"] for v in held)
    shares = [share(v["row"]) for v in held]
    print(f"{s}: {len(held)} held-out migrations of the six, {dates[0][11:16]}-{dates[-1][11:16]} UTC, load {span(loads)} at the runs' starts, "
          f"migration thread's share median {statistics.median(shares):.2f} ({min(shares):.2f}-{max(shares):.2f}); all three within: "
          f"predicted before {sum(v['before_in'] for v in held)} of {len(held)}, replayed {sum(v['replay_in'] for v in held)} of {len(held)}")
print()
print("setting #guest                    session  runs  load       share median (range)  before: in, median ratio t/d/data   replayed: in, median ratio t/d/data")
for name in SIX:
    guests = sorted({k[2] for s in sessions for k in data[s] if k[0] == name})
    for g in guests:
        for s in sessions:
            v = [x for k, x in sorted(data[s].items()) if k[0] == name and k[2] == g]
            if not v: continue
            sh = [share(x["row"]) for x in v]
            med = lambda key: " / ".join(f"{statistics.median(x[key][i] for x in v):.2f}" for i in range(3))
            label = f"{name} #{g}" if len(guests) > 1 else name
            print(f"{label:<34} {s:<7} {len(v):>4}  {span([float(x['row']['host_load']) for x in v]):<10} "
                  f"{statistics.median(sh):.2f} ({min(sh):.2f}-{max(sh):.2f})      "
                  f"{sum(x['before_in'] for x in v)} of {len(v)}, {med('before'):<18}   {sum(x['replay_in'] for x in v)} of {len(v)}, {med('replay')}")
print()
print("runs outside the tolerance in either session (before / replayed), with the source's waits around the stop:")
for s in sessions:
    for k, v in sorted(data[s].items()):
        if k[0] not in SIX or (v["before_in"] and v["replay_in"]): continue
        r = v["row"]
        label = f"{k[0]} run {k[1]}" + (f" #{k[2]}" if r["concurrent"] != "1" else "")
        print(f"  {s:<7} {label:<38} load {float(r['host_load']):4.1f} share {share(r):.2f}  measured {v['measured']}, before {v['predicted']} "
              f"({'in' if v['before_in'] else 'out'}), replayed x{' / x'.join(f'{x:.2f}' for x in v['replay'])} ({'in' if v['replay_in'] else 'out'}); "
              f"around the stop the migration thread waited {float(r['stop_migration_wait_ms'] or 0):.0f} ms, the others {float(r['stop_other_wait_ms'] or 0):.0f} ms "
              f"of {float(r['stop_window_ms'] or 0):.0f}")
PY
