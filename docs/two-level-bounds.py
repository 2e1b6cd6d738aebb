#!/usr/bin/env python3
"""The safety net's trigger judged after the fact: bounds on a host's next sample (docs/two-level.md, "The net's
next-sample bound, measured offline").

Reads the 'B' lines of a trace written by the CLI of the local tag tried-next-sample-bound with that tag's
docs/two-level-trace.patch applied (the commands as in docs/two-level-trace.py, on the tag; CONSOLIDATOR_OLD_TRIGGER=1
runs main's trigger so that the hosts are main's), e.g.:

  git checkout tried-next-sample-bound && git apply docs/two-level-trace.patch && dotnet build src/Consolidator.Cli -c Release
  CONSOLIDATOR_OLD_TRIGGER=1 CONSOLIDATOR_TRACE_NET=trace-67.txt consolidator evaluate out/gen-s67 --train 1 --test 2 \
      --roll --replan daily --history 7 --deterministic --time-limit 5 > /dev/null
  python3 docs/two-level-bounds.py trace-67.txt

Lines:
'B t mode host cores load rise forecast margin alpha next [recentRise]', for every host with VMs at every step of the two-level
adaptive policy, before the step's moves: the host's last sample (load), the largest one-step rise the net read (recent
samples and the same time of day on the week's earlier days of the kind), NextSampleBound's level forecast, its margin
(the largest one-step error of that forecast over the same history) and factor, and the sample the step anticipated (read
after the fact; the net never does) and, in the tag's later patch, the largest rise over the recent samples alone. Mode P: under a day's plan (the net's trigger); R: the reactive level's days, the
bounds as the net would read them there (a week of earlier days).

Per mode and bound: real overloads (the next sample above the cores) and how many of them the bound caught (said the host
could pass its cores); false alarms (the bound above the cores and the next sample not); how often the next sample passed
the bound at all (its miss rate as a one-sided prediction interval, whatever the cores); of the overloads caught, those
whose next sample passed the bound too (said the cores could be passed, but not by that much). The share of host-steps
whose fitted factor is at most 0.1 (a near-constant level) and 1 (the last sample).
Bounds: 'old' the last sample plus the largest rise (main's); 'level' the forecast plus the margin (NextSampleBound);
'last' the last sample plus the margin; 'higher' the larger of the last sample and the forecast, plus the margin;
'higher+recent' (when the trace has the recent rise) the same with the margin at least the recent samples' largest rise."""
import collections
import sys

BOUNDS = {
    'old': lambda load, rise, f, m, rr: load + rise,
    'level': lambda load, rise, f, m, rr: f + m,
    'last': lambda load, rise, f, m, rr: load + m,
    'higher': lambda load, rise, f, m, rr: max(load, f) + m,
    'higher+recent': lambda load, rise, f, m, rr: None if rr is None else max(load, f) + max(m, rr),
}

for path in sys.argv[1:]:
    c = collections.Counter()
    alphas = collections.Counter()
    days = set()
    for line in open(path):
        if not line.startswith('B '):
            continue
        _, t, mode, _, cores, load, rise, f, m, alpha, nxt, *extra = line.split()
        rr = float(extra[0]) if extra else None
        days.add(int(t) // 86400)
        alphas[mode, 'low' if float(alpha) <= 0.1 else 'one' if float(alpha) >= 1 else 'mid'] += 1
        cores, load, rise, f, m, nxt = map(float, (cores, load, rise, f, m, nxt))
        over = nxt > cores
        for md in (mode,):
            c[md, 'steps'] += 1
            c[md, 'over'] += over
            for name, rule in BOUNDS.items():
                b = rule(load, rise, f, m, rr)
                if b is None:
                    continue
                c[md, name, 'seen'] += 1
                c[md, name, 'caught'] += over and b > cores
                c[md, name, 'caught_passed'] += over and b > cores and nxt > b
                c[md, name, 'false'] += (not over) and b > cores
                c[md, name, 'missed'] += nxt > b
    print(f"{path}: {len(days)} days")
    for md in ('P', 'R'):
        n = c[md, 'steps']
        if not n:
            continue
        print(f"  {md}: host-steps {n}, real overloads {c[md, 'over']}; factor fitted <= 0.1 on {100 * alphas[md, 'low'] / n:.0f} %, "
              f"1 on {100 * alphas[md, 'one'] / n:.0f} % of host-steps")
        for name in (x for x in BOUNDS if c[md, x, 'seen']):
            print(f"    {name:7s} caught {c[md, name, 'caught']:4d} ({c[md, name, 'caught_passed']} of them above the bound too), false alarms {c[md, name, 'false']:5d}, next above the bound "
                  f"{c[md, name, 'missed']:5d} ({100 * c[md, name, 'missed'] / n:.2f} %)")
