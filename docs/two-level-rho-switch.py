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

With the product form of the switch (docs/two-level-rho-trigger.patch, not landed: NextSampleBound in the net) and
docs/two-level-rho-product.patch on top of it, the trace has two more fields, the product's own overload decision (1 or 0)
and bound, computed as the net reads them (on the reactive level's days with the net's options and earlier days); the
script then counts where the product's trigger and the form 'rho-0.25:vm-joint-higher' computed here disagree:

  git apply docs/two-level-rho-trigger.patch docs/two-level-rho-product.patch && dotnet build src/Consolidator.Cli -c Release

The fields are docs/two-level-vm-bounds.py's, then rho: the lag-1 autocorrelation of the host's one-step rises over the
samples the net reads (the recent ones and those around the same time of day on the week's earlier days of the kind),
pooled over those stretches. A level plus independent noise gives -0.5 (each noise sample enters two consecutive rises
with opposite signs); a walk, or steps that last, about 0. 'rhoC:F' is main's bound where rho > C, else the form F
(C = -0.25, the midpoint of the two, and -0.35). Counts as docs/two-level-vm-bounds.py, and rho's deciles at main's false
alarms and at the real overloads main catches."""
import collections
import importlib.util
import os
import sys

# docs/two-level-vm-bounds.py's bounds, columns and counts, with the switched forms added.
_spec = importlib.util.spec_from_file_location('vm_bounds', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'two-level-vm-bounds.py'))
vm_bounds = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(vm_bounds)
BOUNDS = dict(vm_bounds.BOUNDS)
# Main's where the host's rises are not anti-correlated as a level plus independent noise makes them (lag-1 autocorrelation
# -0.5; a walk or lasting steps 0): the tighter level form only where rho is below the midpoint, -0.25.
for cut in (-0.25, -0.35):
    for tight in ('higher', 'higher+recent', 'vm-rss', 'vm-joint-higher'):
        BOUNDS[f'rho{cut}:{tight}'] = lambda r, tight=tight, cut=cut: BOUNDS['old'](r) if r['rho'] > cut else BOUNDS[tight](r)
COLS = vm_bounds.COLS + ['rho', 'product', 'productBound']
SWITCH = 'rho-0.25:vm-joint-higher'


def decile(xs, p):
    return sorted(xs)[min(len(xs) - 1, int(p * len(xs)))] if xs else float('nan')


for path in sys.argv[1:]:
    rhoFalse = collections.defaultdict(list); rhoCaught = collections.defaultdict(list)
    agree = collections.Counter()

    def on_row(mode, r, over, old):
        if old and not over: rhoFalse[mode].append(r['rho'])
        if over and old: rhoCaught[mode].append(r['rho'])
        if 'product' in r:
            # docs/two-level-rho-product.patch's trace: the product's own bound (NextSampleBound) beside the fields.
            mine, theirs = BOUNDS[SWITCH](r), r['productBound']
            agree[mode, 'fired', 'script'] += mine > r['cores']
            agree[mode, 'fired', 'product'] += r['product'] > 0
            if (mine > r['cores']) != (r['product'] > 0): agree[mode, 'differ'] += 1
            if abs(mine - theirs) > 1e-3: agree[mode, 'bound differs'] += 1

    def after_tables():
        for md in ('P', 'R'):
            if agree[md, 'fired', 'product'] or agree[md, 'fired', 'script']:
                print(f"  {md}: {SWITCH} fires at {agree[md, 'fired', 'script']} host-steps by this script, the product's trigger at "
                      f"{agree[md, 'fired', 'product']}; decisions differ at {agree[md, 'differ']}; bounds differ by more than 0.001 core at {agree[md, 'bound differs']}")
        for md in ('P', 'R'):
            a, b = rhoFalse[md], rhoCaught[md]
            print(f"  {md}: rho at main's false alarms ({len(a)}) deciles 1/5/9 {decile(a, .1):.2f} / {decile(a, .5):.2f} / {decile(a, .9):.2f}; "
                  f"at the overloads main catches ({len(b)}) {decile(b, .1):.2f} / {decile(b, .5):.2f} / {decile(b, .9):.2f}")

    vm_bounds.judge(path, BOUNDS, COLS, on_row, after_tables)
