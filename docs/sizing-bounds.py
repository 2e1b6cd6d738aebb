#!/usr/bin/env python3
"""What any plan sized from the past could reach on a rolled month, before bin packing (issue 13).

For each fold of `evaluate --roll --train 1 --test 2 --history DAYS` (test day k, history the DAYS days before
it), the fleet's CPU capacity each sizing rule asks for, in cores after --headroom, every hour of the test day,
and the share of the test day's 5-minute samples whose whole-fleet demand exceeds it. Packing is assumed
perfect (the fleet is one host of that many cores), so the cores are a lower bound on what a plan with that
sizing runs and the overload an optimistic floor on its SLATAH. Rules:
  vcpu      the vCPUs of the fold's VMs over the CPU allocation ratio (a floor of cores, Nova's 4 by default)
  sum-p95   sum over VMs of each VM's 95th percentile per hour of day (the planner's default sizing)
  agg-p95   95th percentile of the fleet's summed demand per hour of day (correlation-aware: Verma et al.,
            USENIX ATC 2009, size co-located VMs by the percentile of their sum)
  sum-day   sum over VMs of each VM's 95th percentile over the whole history (one window a day)
  agg-max1  the fleet's peak summed demand on the day before (the most a reactive day-ahead plan would trust)
Usage: python3 docs/sizing-bounds.py DATASET_DIR [--history 7] [--headroom 0.1] [--ratio 4] [--cores 32]
(--cores: divide by one host's cores to print hosts; the July month's hosts have 32). Reads vms.csv (vcpus)
and usage.csv only. Pure Python 3, no packages; about a minute of CPU for a month of 500 VMs.
"""
import argparse, csv, datetime, math, os
from collections import defaultdict

a = argparse.ArgumentParser()
a.add_argument("dataset"); a.add_argument("--history", type=int, default=7); a.add_argument("--headroom", type=float, default=0.1)
a.add_argument("--ratio", type=float, default=4.0); a.add_argument("--cores", type=float, default=32.0)
o = a.parse_args()
step, day = 300, 86400

def stamp(s): return int(datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp())

vcpus = {r["vm_id"]: float(r["vcpus"]) for r in csv.DictReader(open(os.path.join(o.dataset, "vms.csv")))}
series = defaultdict(dict)  # vm -> 5-minute slot -> cores (at most its vCPUs, as the replay counts it)
origin = None
with open(os.path.join(o.dataset, "usage.csv")) as f:
    rows = csv.reader(f); next(rows)
    for t, vm, cpu, _ in rows:
        x = stamp(t)
        if origin is None: origin = x
        series[vm][(x - origin) // step] = min(float(cpu), vcpus[vm])
per_day = day // step
last = max(max(s) for s in series.values())

def pct(xs, q):
    xs = sorted(xs)
    if not xs: return 0.0
    k = (len(xs) - 1) * q / 100; lo = int(k); hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)

def hour(slot): return (origin + slot * step) // 3600 % 24

rules = ["vcpu", "sum-p95", "agg-p95", "sum-day", "agg-max1"]
print(f"history {o.history} days, headroom {o.headroom}, CPU allocation ratio {o.ratio:g}; hosts of {o.cores:g} cores "
      "(mean over the test day; % = test samples whose fleet demand exceeds it, perfect packing);")
print("per fold each rule alone; 'and floor': each rule raised to the vcpu floor, as the planner sizes")
print("fold  vms " + " ".join(f"{r:>15}" for r in rules))
total = defaultdict(float); over = defaultdict(float); folds = 0
for k in range(1, last // per_day + 1):
    test = range(k * per_day, (k + 1) * per_day); hist = range(max(0, (k - o.history) * per_day), k * per_day)
    yesterday = range(max(0, (k - 1) * per_day), k * per_day)
    vms = [v for v, s in series.items() if any(b in s for b in hist) and any(b in s for b in test)]
    if not vms: continue
    by_hour = {v: defaultdict(list) for v in vms}; whole = {v: [] for v in vms}
    fleet = defaultdict(float); demand = defaultdict(float)
    for v in vms:
        s = series[v]
        for b in hist:
            if b in s: by_hour[v][hour(b)].append(s[b]); whole[v].append(s[b]); fleet[b] += s[b]
        for b in test:
            if b in s: demand[b] += s[b]
    fleet_hour = defaultdict(list)
    for b, c in fleet.items(): fleet_hour[hour(b)].append(c)
    usable = 1 - o.headroom
    size = {
        "vcpu": lambda b: sum(vcpus[v] for v in vms) / o.ratio if o.ratio > 0 else 0.0,
        "sum-p95": lambda b, m={h: sum(pct(by_hour[v][h], 95) for v in vms) for h in range(24)}: m[hour(b)] / usable,
        "agg-p95": lambda b, m={h: pct(fleet_hour[h], 95) for h in range(24)}: m[hour(b)] / usable,
        "sum-day": lambda b, c=sum(pct(whole[v], 95) for v in vms): c / usable,
        "agg-max1": lambda b, c=max([fleet[x] for x in yesterday if x in fleet] or [0]): c / usable,
    }
    cells = []
    floor = size["vcpu"](test[0])
    for r in rules:
        for floored in (False, True):
            if floored and r == "vcpu": continue
            # Floored: the sizing also obeys the allocation floor, as the planner does.
            cores = [max(size[r](b), floor if floored else 0.0, 1e-9) for b in test]
            mean = sum(cores) / len(cores) / o.cores
            miss = sum(1 for b, c in zip(test, cores) if demand[b] > c) / len(cores)
            total[r, floored] += mean; over[r, floored] += miss
            if not floored: cells.append(f"{mean:6.1f} {100 * miss:6.2f}%")
    folds += 1
    print(f"{k:4d} {len(vms):4d} " + " ".join(f"{c:>15}" for c in cells))
print("mean      " + " ".join(f"{total[r, False] / folds:6.1f} {100 * over[r, False] / folds:6.2f}%" for r in rules))
print("and floor " + " ".join(f"{'':>15}" if r == "vcpu" else f"{total[r, True] / folds:6.1f} {100 * over[r, True] / folds:6.2f}%" for r in rules))
