#!/usr/bin/env python3
"""The two-level adaptive policy's days against LR-MMT's, fold by fold, read from `evaluate --roll --replan ...` output
(docs/two-level.md, "Judged again on d43be23, and why `--seed 7`'s deterministic run loses three days"), e.g.:

  consolidator evaluate out/gen-s7 --train 1 --test 2 --roll --replan daily --history 7 --deterministic --time-limit 5 > s7.txt
  python3 docs/two-level-days.py s7.txt

Per fold: the test day and its weekday; the round's calibration factor (none on the first round, which plans with
--headroom); the round's plan (hosts, migrations, solver status, gap) and the fewest hosts of its warm starts; the
adaptive policy's mean hosts and kWh/day against LR-MMT's; the moves at the round and by the safety net; LOST where the
day does not count for the policy (energy or SLATAH above LR-MMT's, the verdict's rule for the days limit)."""
import datetime
import re
import sys


def folds(path):
    out, cur = [], None
    for line in open(path):
        if line.startswith('all '):
            break
        if line.startswith('train:'):
            cur = {'n': len(out) + 1, 'f': None}
            out.append(cur)
        if cur is None:
            continue
        if m := re.match(r're-plan at (\S+): .* -> (\d+) hosts, (\d+) migrations.*solver (\S+) gap ([\d.]+)%', line):
            cur.update(day=m[1][:10], hosts=int(m[2]), moves=int(m[3]), status=m[4], gap=float(m[5]))
        if m := re.match(r'note \(re-plan\): CPU forecast x ([\d.]+)', line):
            cur['f'] = float(m[1])
        if m := re.match(r'note \(re-plan\): warm starts .*?: (.*)', line):
            cur['warm'] = min(int(w.split(',')[0]) for w in m[1].split('; '))
        if m := re.match(r'(LR-MMT 1.2|two-level adaptive)\s+([\d.]+)\s+([\d.]+)\s+\S+\s+([\d.]+)%', line):
            cur['lr' if m[1].startswith('LR') else 'ad'] = (float(m[2]), float(m[3]), float(m[4]))
        if m := re.match(r'note: moves of the two-level adaptive policy: (\d+) move\(s\) to the plan.s hosts at the round, (\d+) by the safety net', line):
            cur['round'], cur['net'] = int(m[1]), int(m[2])
    return [c for c in out if 'ad' in c and 'lr' in c]


for path in sys.argv[1:]:
    print(path)
    lost = []
    for c in folds(path):
        (ah, ae, asl), (lh, le, lsl) = c['ad'], c['lr']
        day = datetime.date.fromisoformat(c['day']).strftime('%a') if 'day' in c else '-'
        f = f"{c['f']:.3f}" if c['f'] is not None else ' none'
        if ae > le or asl > lsl:
            lost.append(c['n'])
        print(f"  {c['n']:2d} {c.get('day', '-')} {day} factor {f} plan {c.get('hosts', '-')} hosts {c.get('moves', '-')} moves "
              f"{c.get('status', '-')} gap {c.get('gap', 0):.2f} % (warm starts of {c.get('warm', '-')} hosts or more) | adaptive {ah:.1f} hosts "
              f"{ae:.2f} kWh/day, LR-MMT {lh:.1f} hosts {le:.2f} ({ae - le:+.2f}) | moves {c.get('round', '-')} + {c.get('net', '-')}"
              f"{'  LOST' if c['n'] in lost else ''}")
    print(f"  lost: {len(lost)} day(s): {lost}")
