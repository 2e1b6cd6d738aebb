#!/usr/bin/env python3
"""The safety net's trigger judged after the fact: main's margin (the largest one-step rise of the host's summed load over
the samples the net reads) against the same margin less the rise the plan's own per-window forecast made at each of those
instants (docs/two-level.md, "Measured offline, not landed: the margin less the rise the plan's forecast holds").

Reads the 'B' lines of a trace written by the CLI with docs/two-level-forecast-bounds.patch applied (main's code, so the
hosts and every move are main's; the trace is written before each step's moves), e.g. from the repository root:

  git apply docs/two-level-forecast-bounds.patch && dotnet build src/Consolidator.Cli -c Release
  CONSOLIDATOR_TRACE_FORECAST=$PWD/trace-67.txt consolidator evaluate out/gen-s67 --train 1 --test 2 --roll --replan daily \\
      --history 7 --deterministic --time-limit 5 > /dev/null
  python3 docs/two-level-forecast-bounds.py trace-67.txt

Lines: 'B t mode host cores vms unplanned load next rise', for every host with VMs at every step of the two-level adaptive
policy: the host's cores, VMs, VMs the round did not plan, last sample (load), the sample the step anticipated (read after
the fact; the net never does) and main's largest one-step rise of the summed load (the 9 recent rises and 11 around the
same time of day on each of the week's earlier days of the plan's kind); then for each of three forecasts G (the host's
VMs' profile mean CPU per window, from the round's profiles over every window, as a step function 'ms'; the same averaged
over the hour around each instant, linear between the hourly windows' midpoints, 'ml'; the VMs' sized CPU demand so
averaged, 'dl'): the largest rise less G's rise at its instant ('resid'), the same with G's falls not counted ('held':
only what G rose is discounted; the form of docs/two-level-planned-rise.patch), G's rise into the next sample ('dnext')
and G at it ('g'); then for 'ml' and 'dl' the most the host's summed load stood above G at the instants those rises read
('dev'), the same over the recent samples alone ('rdev') and G at the last sample ('glast'); then how many rises were read.
Mode P: under a day's plan (the net's trigger); R: the reactive level's days, the bounds as the net would read them there
(a week of earlier days of the plan's kind).

Per mode and bound: real overloads (the next sample above the cores) the bound caught (said the host could pass its
cores), and of those main catches how many it misses (the gate: none); false alarms (the bound above the cores and the
next sample not); how often the next sample passed the bound at all. Then, at main's false alarms, main's margin, the same less the forecast's held rise
(ml-held), the cut, the forecast's rise ahead (deciles 1, 5, 9) and the hours (UTC) they fell in."""
import collections
import importlib.util
import os
import sys

# docs/two-level-vm-bounds.py's counts (judge), with this trace's columns, bounds and notes.
_spec = importlib.util.spec_from_file_location('vm_bounds', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'two-level-vm-bounds.py'))
vm_bounds = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(vm_bounds)

HEAD = 'cores vms unplanned load next rise'.split()
GS = ('ms', 'ml', 'dl')
COLS = HEAD + [f'{g}_{k}' for g in GS for k in ('resid', 'held', 'dnext', 'g')] + [f'{g}_{k}' for g in ('ml', 'dl') for k in ('dev', 'rdev', 'glast')] + ['nrises']

BOUNDS = {'old': lambda r: r['load'] + r['rise']}                                   # main's
for g in GS:
    # The rise the forecast expects into the next sample, plus the largest rise it did not expect.
    BOUNDS[f'{g}-resid'] = lambda r, g=g: r['load'] + max(0, r[f'{g}_dnext'] + r[f'{g}_resid'])
    # Only the forecast's rises discounted (its falls are not a rise the plan holds), and only its rise ahead added.
    BOUNDS[f'{g}-held'] = lambda r, g=g: r['load'] + max(0, max(0, r[f'{g}_dnext']) + r[f'{g}_held'])
    # Never above main's: main's margin less the part of it the forecast holds.
    BOUNDS[f'{g}-held-cap'] = lambda r, g=g: min(BOUNDS['old'](r), BOUNDS[f'{g}-held'](r))
for g in ('ml', 'dl'):
    # The forecast at the next sample plus the most the host stood above its forecast at the instants the net reads.
    BOUNDS[f'{g}-dev'] = lambda r, g=g: r[f'{g}_g'] + max(0, r[f'{g}_dev'])
    BOUNDS[f'{g}-dev-cap'] = lambda r, g=g: min(BOUNDS['old'](r), BOUNDS[f'{g}-dev'](r))
    # At least the last sample plus what the forecast expects it to rise.
    BOUNDS[f'{g}-dev-last'] = lambda r, g=g: max(r['load'] + max(0, r[f'{g}_dnext']), BOUNDS[f'{g}-dev'](r))

q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]


def lost_line(md, name, t, host, cores, r):
    return (f"    lost by {name} ({md}): t {t} host {host} cores {cores:g} load {r['load']:.1f} next {r['next']:.1f} "
            f"main's rise {r['rise']:.1f}; forecast rise ahead {r[name[:2] + '_dnext']:.2f}, held-off rise {r[name[:2] + '_held']:.1f}, largest deviation {r[name[:2] + '_dev']:.1f}, "
            f"forecast {r[name[:2] + '_g']:.1f}, VMs {r['vms']:g}")


for path in sys.argv[1:]:
    unplanned = collections.Counter()
    falseOld = collections.defaultdict(list)                       # main's false alarms: (margin, ml-held's margin, ml's rise ahead, hour)

    def on_row(mode, r, over, old):
        unplanned[mode] += r['unplanned'] > 0
        if old and not over:
            falseOld[mode].append((r['rise'], max(0, max(0, r['ml_dnext']) + r['ml_held']), r['ml_dnext'], r['t'] % 86400 // 3600))

    def after_tables():
        for md, rows in sorted(falseOld.items()):
            m, h, d, hr = zip(*rows)
            cut = [a - b for a, b in zip(m, h)]
            print(f"  {md}: at main's {len(rows)} false alarms: main's margin deciles 1/5/9 {q(m, .1):.2f} / {q(m, .5):.2f} / {q(m, .9):.2f} cores, "
                  f"less the forecast's held rise {q(h, .1):.2f} / {q(h, .5):.2f} / {q(h, .9):.2f}; cut {q(cut, .1):.2f} / {q(cut, .5):.2f} / {q(cut, .9):.2f}; "
                  f"the forecast's rise ahead {q(d, .1):.3f} / {q(d, .5):.3f} / {q(d, .9):.3f}; hours (UTC) {dict(sorted(collections.Counter(hr).items()))}")

    # The trace's cores are its first column, which judge reads as the host's.
    vm_bounds.judge(path, BOUNDS, COLS[1:], on_row, after_tables, lost_forms=('ml-held', 'ml-dev-last'),
                    mode_note=lambda md: f", host-steps with a VM the round did not plan {unplanned[md]}", width=12, lost_line=lost_line, lost_rows=12)
