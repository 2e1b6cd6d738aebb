#!/usr/bin/env python3
"""The safety net's trigger judged after the fact: next-sample bounds worked out per VM and summed over the host, beside
main's and the host-wide level bound (docs/two-level.md, "Measured offline, not landed: a margin worked out per VM and summed over the host").

Reads the 'B' lines of a trace written by the CLI with docs/two-level-vm-bounds.patch applied (main's code, so the hosts
and every move are main's; the trace is written before each step's moves), e.g. from the repository root:

  git apply docs/two-level-vm-bounds.patch && dotnet build src/Consolidator.Cli -c Release
  CONSOLIDATOR_TRACE_BOUNDS=trace-67.txt consolidator evaluate out/gen-s67 --train 1 --test 2 --roll --replan daily \\
      --history 7 --deterministic --time-limit 5 > /dev/null
  python3 docs/two-level-vm-bounds.py trace-67.txt

Lines: 'B t mode host cores load rise level margin alpha next recentRise vms maxRv sumRv rssRv sumLevel sumVmBound sumMv
rssMv maxMv maxVmExcess maxRecentRv', for every host with VMs at every step of the two-level adaptive policy: the host's
last sample (load, the sum of its VMs' last samples), main's largest one-step rise of its summed load (recent samples
and the same time of day on the week's earlier days of the kind), a simple-exponential-smoothing level of the host's
summed load and its margin (the largest one-step error of that forecast over the same history) and factor, the sample
the step anticipated (read after the fact; the net never does), the largest rise over the recent samples alone; then per
VM, over the same history of each VM alone: the largest of the VMs' own largest rises (R_v), their sum and root sum of
squares, the sum of the VMs' levels, the sum of each VM's own bound (the larger of its last sample and its level, plus
its margin), the sum, root sum of squares and largest of the VMs' margins (m_v), the largest of a VM's own bound over
its last sample, and the largest of the VMs' recent rises alone. Mode P: under a day's plan (the net's trigger); R: the
reactive level's days, the bounds as the net would read them there (a week of earlier days).

Per mode and bound: real overloads (the next sample above the cores) the bound caught (said the host could pass its
cores), and of those main catches how many it misses (the gate: none); false alarms (the bound above the cores and the
next sample not); how often the next sample passed the bound at all; and how many real overloads fell at a step where
two hosts or more went over together. Then, for two forms, each overload main's bound caught and the form missed."""
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
COLS = 'load rise level margin alpha next recent vms maxRv sumRv rssRv sumLevel sumVmBound sumMv rssMv maxMv maxVmExcess maxRecentRv jointLevel jointMargin'.split()

def judge(path, bounds, cols, on_row=lambda mode, r, over, old: None, after_tables=lambda: None, lost_forms=(),
          mode_note=None, width=17, lost_line=None, lost_rows=None):
    """Counts and prints, for one trace, every bound of `bounds` (main's is 'old'); `on_row` sees each host-step (its
    time as r['t']), `after_tables` prints after the tables, and each overload main's bound caught that a form of
    `lost_forms` missed is listed (the first `lost_rows` of each, as `lost_line(mode, name, t, host, cores, r)` words it
    if given). `mode_note(mode)` replaces the per-mode line's tail after the real overloads (the overloads shared by two
    hosts or more); `width` is the bound names' column. docs/two-level-rho-switch.py and
    docs/two-level-forecast-bounds.py judge their forms with it."""
    c = collections.Counter()
    misses = collections.defaultdict(list)
    overAt = collections.Counter()                                 # hosts over their cores per step
    caughtAt = []                                                  # (t, caught by main)
    days = set()
    for line in open(path):
        if not line.startswith('B '):
            continue
        f = line.split()
        t, mode, host, cores = int(f[1]), f[2], f[3], float(f[4])
        r = dict(zip(cols, map(float, f[5:])))
        r['cores'] = cores
        r['t'] = t
        days.add(t // 86400)
        over = r['next'] > cores
        c[mode, 'steps'] += 1
        c[mode, 'over'] += over
        if over:
            overAt[mode, t] += 1
            caughtAt.append((mode, t, r['load'] + r['rise'] > cores))
        old = bounds['old'](r) > cores
        on_row(mode, r, over, old)
        for name, rule in bounds.items():
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
        if mode_note is None:
            shared = [(t, k) for m, t, k in caughtAt if m == md and overAt[md, t] >= 2]
            note = f"; at steps where two hosts or more went over together: {len(shared)} ({sum(k for _, k in shared)} of them caught by main's)"
        else:
            note = mode_note(md)
        print(f"  {md}: host-steps {n}, real overloads {c[md, 'over']}{note}")
        for name in bounds:
            print(f"    {name:{width}s} caught {c[md, name, 'caught']:4d} (of main's: lost {c[md, name, 'lost']:3d}; new {c[md, name, 'gained']:3d}), "
                  f"false alarms {c[md, name, 'false']:5d}, next above the bound {c[md, name, 'missed']:5d} ({100 * c[md, name, 'missed'] / n:.2f} %)")
    after_tables()
    for (md, name), rows in sorted(misses.items()):
        if name in lost_forms:
            for t, host, cores, r in rows[:lost_rows]:
                if lost_line is not None:
                    print(lost_line(md, name, t, host, cores, r))
                    continue
                print(f"    lost by {name} ({md}): t {t} host {host} cores {cores:g} load {r['load']:.1f} next {r['next']:.1f} "
                      f"main's rise {r['rise']:.1f} -> {bounds['old'](r):.1f}, this {bounds[name](r):.1f}: level {r['level']:.1f} margin {r['margin']:.1f} factor {r['alpha']:g}, "
                      f"VMs' levels {r['jointLevel']:.1f} joint margin {r['jointMargin']:.1f}, largest VM rise {r['maxRv']:.1f}, VMs {r['vms']:g}, "
                      f"hosts over at this step {overAt[md, t]}")


if __name__ == '__main__':
    for path in sys.argv[1:]:
        judge(path, BOUNDS, COLS, lost_forms=('higher+vm-rise', 'vm-joint-higher'))
