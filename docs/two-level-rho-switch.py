#!/usr/bin/env python3
"""The safety net's trigger judged after the fact: a switch between main's bound and a tighter level bound on a test of
what kind of series the host's summed load is (docs/two-level.md, "Measured offline, not landed: a switch on the lag-1
autocorrelation of the host's rises").

Reads the 'B' lines of a trace written by the CLI with docs/two-level-rho-switch.patch applied (docs/two-level-vm-bounds.patch's
trace with one more field, so main's code: the hosts and every move are main's), e.g. from the repository root:

  git apply docs/two-level-rho-switch.patch && dotnet build src/Consolidator.Cli -c Release
  CONSOLIDATOR_TRACE_BOUNDS=$PWD/trace-67.txt consolidator evaluate out/gen-s67 --train 1 --test 2 --roll --replan daily \\
      --history 7 --deterministic --time-limit 5 > /dev/null
  python3 docs/two-level-rho-switch.py trace-67.txt

The fields are docs/two-level-vm-bounds.py's, then rho: the lag-1 autocorrelation of the host's one-step rises over the
samples the net reads (the recent ones and those around the same time of day on the week's earlier days of the kind),
pooled over those stretches. A level plus independent noise gives -0.5 (each noise sample enters two consecutive rises
with opposite signs); a walk, or steps that last, about 0. 'rhoC:F' is main's bound where rho > C, else the form F
(C = -0.25, the midpoint of the two, and -0.35). Counts as docs/two-level-vm-bounds.py, and rho's deciles at main's false
alarms and at the real overloads main catches."""
import collections
import sys

L = lambda r: max(r['load'], r['level'])
BOUNDS = {
    'old': lambda r: r['load'] + r['rise'],                                   # main's
    'higher': lambda r: L(r) + r['margin'],                                   # the last stop's (host level)
    'higher+recent': lambda r: L(r) + max(r['margin'], r['recent']),          # the last stop's fourth form
    'vm-sum': lambda r: r['sumVmBound'],                                      # each VM's own bound, summed
    'vm-rise-sum': lambda r: r['load'] + r['sumRv'],                          # each VM's own largest rise, summed
    'vm-rss': lambda r: max(r['load'], r['sumLevel']) + r['rssMv'],           # VMs' margins summed as independent
    'vm-rss-rise': lambda r: r['load'] + r['rssRv'],                          # VMs' rises summed as independent
    'higher+vm-rise': lambda r: L(r) + max(r['margin'], r['maxRv']),          # host margin, at least one VM's own rise
    'higher+vm-recent': lambda r: L(r) + max(r['margin'], r['maxRecentRv']),
    'higher+vm-rss': lambda r: L(r) + max(r['margin'], r['rssMv']),
    'vm-joint': lambda r: r['jointLevel'] + r['jointMargin'],                 # each VM's level, errors summed at each instant
    'vm-joint-higher': lambda r: max(r['load'], r['jointLevel']) + r['jointMargin'],
    'vm-rss+vm-rise': lambda r: max(r['load'], r['sumLevel']) + max(r['rssMv'], r['maxRv']),
    # Main's where the host's largest rise is at least what its VMs' own largest rises add up to if independent (root sum
    # of squares): the VMs rose together, so a joint rise is the evidence; else the tighter form named.
    'switch:higher': lambda r: BOUNDS['old'](r) if r['rise'] >= r['rssRv'] else BOUNDS['higher'](r),
    'switch:vm-rss': lambda r: BOUNDS['old'](r) if r['rise'] >= r['rssRv'] else BOUNDS['vm-rss'](r),
    'switch:vm-joint-higher': lambda r: BOUNDS['old'](r) if r['rise'] >= r['rssRv'] else BOUNDS['vm-joint-higher'](r),
}
# Main's where the host's rises are not anti-correlated as a level plus independent noise makes them (lag-1 autocorrelation
# -0.5; a walk or lasting steps 0): the tighter level form only where rho is below the midpoint, -0.25.
for cut in (-0.25, -0.35):
    for tight in ('higher', 'higher+recent', 'vm-rss', 'vm-joint-higher'):
        BOUNDS[f'rho{cut}:{tight}'] = lambda r, tight=tight, cut=cut: BOUNDS['old'](r) if r['rho'] > cut else BOUNDS[tight](r)
COLS = 'load rise level margin alpha next recent vms maxRv sumRv rssRv sumLevel sumVmBound sumMv rssMv maxMv maxVmExcess maxRecentRv jointLevel jointMargin rho'.split()

for path in sys.argv[1:]:
    c = collections.Counter()
    misses = collections.defaultdict(list)
    overAt = collections.Counter()                                 # hosts over their cores per step
    caughtAt = []                                                  # (t, caught by main)
    days = set()
    rhoFalse = collections.defaultdict(list); rhoCaught = collections.defaultdict(list)
    for line in open(path):
        if not line.startswith('B '):
            continue
        f = line.split()
        t, mode, host, cores = int(f[1]), f[2], f[3], float(f[4])
        r = dict(zip(COLS, map(float, f[5:])))
        days.add(t // 86400)
        over = r['next'] > cores
        c[mode, 'steps'] += 1
        c[mode, 'over'] += over
        if over:
            overAt[mode, t] += 1
            caughtAt.append((mode, t, r['load'] + r['rise'] > cores))
        old = BOUNDS['old'](r) > cores
        if old and not over: rhoFalse[mode].append(r['rho'])
        if over and old: rhoCaught[mode].append(r['rho'])
        for name, rule in BOUNDS.items():
            b = rule(r)
            c[mode, name, 'caught'] += over and b > cores
            c[mode, name, 'false'] += (not over) and b > cores
            c[mode, name, 'missed'] += r['next'] > b
            if over and old and not b > cores:
                c[mode, name, 'lost'] += 1
                misses[mode, name].append((t, host, cores, r))
            if over and not old and b > cores:
                c[mode, name, 'gained'] += 1
    print(f"{path}: {len(days)} days")
    for md in ('P', 'R'):
        n = c[md, 'steps']
        if not n:
            continue
        shared = [(t, k) for m, t, k in caughtAt if m == md and overAt[md, t] >= 2]
        print(f"  {md}: host-steps {n}, real overloads {c[md, 'over']}; at steps where two hosts or more went over together: {len(shared)} "
              f"({sum(k for _, k in shared)} of them caught by main's)")
        for name in BOUNDS:
            print(f"    {name:17s} caught {c[md, name, 'caught']:4d} (of main's: lost {c[md, name, 'lost']:3d}; new {c[md, name, 'gained']:3d}), "
                  f"false alarms {c[md, name, 'false']:5d}, next above the bound {c[md, name, 'missed']:5d} ({100 * c[md, name, 'missed'] / n:.2f} %)")
    q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))] if xs else float('nan')
    for md in ('P', 'R'):
        a, b = rhoFalse[md], rhoCaught[md]
        print(f"  {md}: rho at main's false alarms ({len(a)}) deciles 1/5/9 {q(a, .1):.2f} / {q(a, .5):.2f} / {q(a, .9):.2f}; at the overloads main catches ({len(b)}) {q(b, .1):.2f} / {q(b, .5):.2f} / {q(b, .9):.2f}")
    for (md, name), rows in sorted(misses.items()):
        if False:
            for t, host, cores, r in rows:
                print(f"    lost by {name} ({md}): t {t} host {host} cores {cores:g} load {r['load']:.1f} next {r['next']:.1f} "
                      f"main's rise {r['rise']:.1f} -> {BOUNDS['old'](r):.1f}, this {BOUNDS[name](r):.1f}: level {r['level']:.1f} margin {r['margin']:.1f} factor {r['alpha']:g}, "
                      f"VMs' levels {r['jointLevel']:.1f} joint margin {r['jointMargin']:.1f}, largest VM rise {r['maxRv']:.1f}, VMs {r['vms']:g}, "
                      f"hosts over at this step {overAt[md, t]}")
