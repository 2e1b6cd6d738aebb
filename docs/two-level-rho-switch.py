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

With the product's bound (NextSampleBound in the net: the switch, its joint margin at least the prediction bound of the
next error, capped at main's) and docs/two-level-rho-product.patch applied on main, the trace has seven more fields: the
product's own overload decision (1 or 0) and bound, computed as the net reads them (on the reactive level's days with the
net's options and earlier days), then the number of the host's joint one-step errors, their mean, standard deviation,
root mean square and second largest; the script then counts where the product's trigger and the form
'rho-0.25:pi0.005:cap' computed here disagree:

  git apply docs/two-level-rho-product.patch && dotnet build src/Consolidator.Cli -c Release

The same patch on docs/two-level-rho-trigger.patch (the switch before the prediction bound, on main bbc616e) writes the
switch's own hosts; traces of the earlier patch (two fields, no error counts) are compared with 'rho-0.25:vm-joint-higher'.

The fields are docs/two-level-vm-bounds.py's, then rho: the lag-1 autocorrelation of the host's one-step rises over the
samples the net reads (the recent ones and those around the same time of day on the week's earlier days of the kind),
pooled over those stretches. A level plus independent noise gives -0.5 (each noise sample enters two consecutive rises
with opposite signs); a walk, or steps that last, about 0. 'rhoC:F' is main's bound where rho > C, else the form F
(C = -0.25, the midpoint of the two, and -0.35). Counts as docs/two-level-vm-bounds.py, and rho's deciles at main's false
alarms and at the real overloads main catches."""
import collections
import importlib.util
import math
import os
import statistics
import sys

SWITCH = 'rho-0.25:vm-joint-higher'

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

# The joint margin's small-sample forms (docs/two-level.md, "The joint margin's prediction bound"): traces written with
# this stop's docs/two-level-rho-product.patch carry five more fields, the number of the host's joint one-step errors
# (n), their mean, standard deviation, root mean square and second largest. 'pi' is NextSampleBound.Margin: the largest
# error, at least mean + t(n - 1; 1 - a) sd sqrt(1 + 1/n), the normal prediction bound of the next error (Hahn and Meeker),
# a the next error's exceedance (0.005: issue 13's SLATAH per fold); 'cap' takes main's bound where it is lower (the
# product's form); 'guardF' is the lead's guard (main's bound where the switched bound is below it and the switched bound
# plus F times its margin passes the cores). Computed only where the trace has the fields, else the switch's form.
def student(p, df):
    # NextSampleBound.StudentQuantile: Cornish-Fisher (Abramowitz and Stegun 26.7.5), exact at df 1 and 2.
    if df == 1: return math.tan(math.pi * (p - 0.5))
    if df == 2: return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    z = statistics.NormalDist().inv_cdf(p); v = df
    g = [(z**3 + z) / 4, (5 * z**5 + 16 * z**3 + 3 * z) / 96, (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384,
         (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160]
    return z + sum(gi / v**(i + 1) for i, gi in enumerate(g))


def joint_pi(r, a):
    n = int(r.get('jn', 0))
    if n < 2: return r['jointMargin']
    return max(r['jointMargin'], r['jmean'] + student(1 - a, n - 1) * r['jsd'] * math.sqrt(1 + 1 / n))


SW = lambda r: r['rho'] <= -0.25
JL = lambda r: max(r['load'], r['jointLevel'])
for a in (0.05, 0.01, 0.005, 0.001):
    BOUNDS[f'rho-0.25:pi{a}'] = lambda r, a=a: BOUNDS['old'](r) if not SW(r) or 'jn' not in r else JL(r) + joint_pi(r, a)
    BOUNDS[f'rho-0.25:pi{a}:cap'] = lambda r, a=a: BOUNDS['old'](r) if not SW(r) or 'jn' not in r else min(BOUNDS['old'](r), JL(r) + joint_pi(r, a))
for f in (0.5, 1.0):
    BOUNDS[f'rho-0.25:guard{f}'] = lambda r, f=f: (BOUNDS['old'](r) if BOUNDS[SWITCH](r) < BOUNDS['old'](r)
                                                     and BOUNDS[SWITCH](r) + f * r['jointMargin'] > r['cores'] else BOUNDS[SWITCH](r))
COLS = vm_bounds.COLS + ['rho', 'product', 'productBound', 'jn', 'jmean', 'jsd', 'jrms', 'j2']
PRODUCT = 'rho-0.25:pi0.005:cap'


def decile(xs, p):
    return sorted(xs)[min(len(xs) - 1, int(p * len(xs)))] if xs else float('nan')


for path in sys.argv[1:]:
    rhoFalse = collections.defaultdict(list); rhoCaught = collections.defaultdict(list)
    agree = collections.Counter()
    has_jn = [False]                                               # whether the trace has the five new fields

    def on_row(mode, r, over, old):
        if old and not over: rhoFalse[mode].append(r['rho'])
        if over and old: rhoCaught[mode].append(r['rho'])
        has_jn[0] = has_jn[0] or 'jn' in r
        if 'product' in r:
            # docs/two-level-rho-product.patch's trace: the product's own bound (NextSampleBound) beside the fields.
            # The product's form: the switch before this stop's prediction bound; with the five new fields, the capped one.
            form = PRODUCT if 'jn' in r else SWITCH
            mine, theirs = BOUNDS[form](r), r['productBound']
            agree[mode, 'fired', 'script'] += mine > r['cores']
            agree[mode, 'fired', 'product'] += r['product'] > 0
            if (mine > r['cores']) != (r['product'] > 0): agree[mode, 'differ'] += 1
            if abs(mine - theirs) > 1e-3: agree[mode, 'bound differs'] += 1

    def after_tables():
        for md in ('P', 'R'):
            if agree[md, 'fired', 'product'] or agree[md, 'fired', 'script']:
                print(f"  {md}: {PRODUCT if has_jn[0] else SWITCH} fires at {agree[md, 'fired', 'script']} host-steps by this script, the product's trigger at "
                      f"{agree[md, 'fired', 'product']}; decisions differ at {agree[md, 'differ']}; bounds differ by more than 0.001 core at {agree[md, 'bound differs']}")
        for md in ('P', 'R'):
            a, b = rhoFalse[md], rhoCaught[md]
            print(f"  {md}: rho at main's false alarms ({len(a)}) deciles 1/5/9 {decile(a, .1):.2f} / {decile(a, .5):.2f} / {decile(a, .9):.2f}; "
                  f"at the overloads main catches ({len(b)}) {decile(b, .1):.2f} / {decile(b, .5):.2f} / {decile(b, .9):.2f}")

    vm_bounds.judge(path, BOUNDS, COLS, on_row, after_tables)
