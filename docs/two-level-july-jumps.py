#!/usr/bin/env python3
"""July's overloads that main's safety-net trigger catches and a per-VM margin misses, read from the samples
(docs/two-level.md, "Measured offline, not landed: a margin worked out per VM and summed over the host").

For each step below (the instants at which `docs/two-level-vm-bounds.py` on July's trace lists an overload main's bound
caught and `higher+vm-rise` missed), every VM's one-step change into the sample the step anticipated: the sample in
force at t + 299 s against the one in force at t - 1 s (the trace's 'next' and 'load'), CPU capped at the VM's vCPUs;
the largest four, how many VMs rose by more than a core, and their sum, across the fleet.

  consolidator import --format bitbrains ../shared/datasets/bitbrains-rnd-month/2013-7 --out out/bitbrains-july
  python3 docs/two-level-july-jumps.py out/bitbrains-july"""
import calendar
import collections
import csv
import datetime
import sys

STEPS = [1372940604, 1372943004, 1373447304, 1373458104, 1374488004, 1374861504, 1374930804]


def stamp(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc)


hours = {stamp(t + d).strftime('%Y-%m-%dT%H') for t in STEPS for d in (-3600, 0, 600)}
samples = collections.defaultdict(list)
with open(sys.argv[1] + '/usage.csv') as f:
    next(f)
    for line in f:
        if line[:13] in hours:
            p = line.split(',')
            samples[p[1]].append((calendar.timegm(datetime.datetime.strptime(p[0], '%Y-%m-%dT%H:%M:%SZ').timetuple()), float(p[2])))
vcpus = {r['vm_id']: float(r['vcpus']) for r in csv.DictReader(open(sys.argv[1] + '/vms.csv'))}


def at(vm, u):
    best = max((x for x in samples[vm] if x[0] <= u), default=None)
    return None if best is None else min(best[1], vcpus[vm])


for t in STEPS:
    jumps = sorted(((at(v, t + 299) - at(v, t - 1), v) for v in samples if at(v, t - 1) is not None and at(v, t + 299) is not None), reverse=True)
    up = [j for j, _ in jumps if j > 1]
    print(f"{stamp(t):%Y-%m-%d %H:%M} UTC: largest VM rises {', '.join(f'{j:.1f} ({vcpus[v]:g} vCPUs)' for j, v in jumps[:4])}; "
          f"{len(up)} VMs rose by more than a core, {sum(up):.1f} cores between them")
