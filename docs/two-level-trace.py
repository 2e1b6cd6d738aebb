#!/usr/bin/env python3
"""Where the two-level adaptive policy's moves go, from a trace of one roll (docs/two-level.md, "Traced, then tried").

The trace comes from the CLI with docs/two-level-trace.patch applied (a log of every move of the adaptive policy in
plan mode, written where CONSOLIDATOR_TRACE_NET names; not part of the product), e.g. from the repository root:

  git apply docs/two-level-trace.patch && dotnet build src/Consolidator.Cli -c Release
  consolidator generate --out out/gen-s67 --seed 67 --vms 500 --days 30 --sample-minutes 5 > /dev/null
  CONSOLIDATOR_TRACE_NET=trace-67.txt consolidator evaluate out/gen-s67 --train 1 --test 2 --roll --replan daily \\
      --history 7 --deterministic --time-limit 5 > /dev/null
  git apply -R docs/two-level-trace.patch
  python3 docs/two-level-trace.py trace-67.txt

Lines: 'P day hosts' the plan's hosts of the day, 'R day vm from to target' a move at the round, 'N day t vm from to
target mode' a move by the safety net (day and t in Unix seconds, vm and hosts as indices), 'Q t vm from to cores load0
max1h after0 maxpeak vmpeak memory' the same move judged after the fact (peeking at the trace, which the net never does):
the host's load at the step the move anticipates and its largest over the next hour with the VMs it had before the step,
its load at the step after the step's moves, the largest recent peak among its VMs before the step, the VM's recent peak
and memory. A relief is a net move
off one of the day's plan hosts, the others empty hosts the net powered on. Then the moves at the rounds after the first day,
by the host each leaves (one both the day's plan and the day before's use, one the new plan empties, one the net had
powered on) and whether the net relieved the same VM off the host the round sent it to, within 2 hours of the round or
later that day ("Traced, then tried, not landed: the round's moves priced"). Then the net's reliefs by what became of
them ("The safety net's moves traced"): a VM relieved more than once that day; a false alarm (the host would have stayed
within its cores at the step the relief anticipates, and over the hour after, without the move); a relief after another
off the same host within the hour that the host's largest VM would have done alone (its recent peak at least the two
moved VMs' together); a VM's last relief of the day undone by the next round (sent back to the host it was relieved off);
a VM's last relief of the day sent to a host the next plan does not use (one the net powered on, or one of the plan's)."""
import collections
import sys

RAMPS = (22, 23, 0, 1, 8, 9, 10, 11)

for path in sys.argv[1:]:
    plans, rounds, net = {}, collections.defaultdict(list), collections.defaultdict(list)
    for line in open(path):
        p = line.split()
        if p[0] == 'P':
            plans[int(p[1])] = set(map(int, p[2].split(','))) if len(p) > 2 else set()
        elif p[0] == 'R':
            rounds[int(p[1])].append(tuple(map(int, p[2:6])))
        elif p[0] == 'N':
            net[int(p[1])].append(tuple(map(int, p[2:7])))
    days = sorted(set(plans) | set(net))
    seen = set()
    relief = empty = home = repeated = sent = back = later_rounds = 0
    hours = collections.Counter()
    for d in days:
        plan, moves = plans.get(d, set()), net.get(d, [])
        if d != days[0]:
            later_rounds += len(rounds.get(d, []))
        arrived = {(v, to) for v, _, to, _ in rounds.get(d, [])}
        today = set()
        for t, v, frm, to, target in moves:
            if frm in plan:
                relief += 1
                hours[(t - d) // 3600] += 1
                repeated += (v, frm) in seen
                sent += (v, frm) in arrived
                back += any(v2 == v and t2 > t and to2 == tg2 for t2, v2, _, to2, tg2 in moves)
                today.add((v, frm))
            else:
                empty += 1
                home += to == target
        seen |= today
    at_ramps = sum(c for h, c in hours.items() if h in RAMPS)
    print(f"{path}: moves at the rounds after the first day {later_rounds}; by the net {relief + empty}: {relief} reliefs of the "
          f"plan's hosts ({repeated} of a VM relieved off the same host on an earlier day, {sent} of a VM the round had moved "
          f"there that day, {back} brought home by the net the same day), {empty} emptying hosts it powered on ({home} home); "
          f"reliefs in hours 22-01 and 08-11: {at_ramps} ({100 * at_ramps / max(1, relief):.0f} %)")

    by_kind = collections.Counter()
    for i, d in enumerate(days[1:], 1):
        prev, plan, moves = plans.get(days[i - 1], set()), plans.get(d, set()), net.get(d, [])
        for v, frm, to, _ in rounds.get(d, []):
            kind = 'both plans' if frm in plan and frm in prev else 'emptied by the plan' if frm in prev else 'powered on by the net'
            again = [t for t, v2, frm2, _, _ in moves if v2 == v and frm2 == to]
            by_kind[kind, 'all'] += 1
            by_kind[kind, 'within 2 h' if again and again[0] - d < 7200 else 'later' if again else 'not'] += 1
    parts = [f"{k}: {by_kind[k, 'all']} (relieved again within 2 h {by_kind[k, 'within 2 h']}, later that day {by_kind[k, 'later']})"
             for k in ('both plans', 'emptied by the plan', 'powered on by the net')]
    print("  round moves after the first day, off a host " + '; '.join(parts))

    q = {}
    for line in open(path):
        p = line.split()
        if p[0] == 'Q':
            q[tuple(map(int, p[1:5]))] = tuple(map(float, p[5:]))
    if not q:
        continue
    c = collections.Counter()
    events = collections.Counter()
    for i, d in enumerate(days):
        if d not in plans:
            continue
        plan = plans[d]
        nxt = days[i + 1] if i + 1 < len(days) else None
        nplan = plans.get(nxt)
        nround = {v: to for v, _, to, _ in rounds.get(nxt, [])}
        reliefs = [(t, v, frm, to) for t, v, frm, to, _ in net.get(d, []) if frm in plan]
        per_vm = collections.Counter(v for _, v, _, _ in reliefs)
        last = {v: (t, frm, to) for t, v, frm, to in reliefs}
        for k, (t, v, frm, to) in enumerate(reliefs):
            cores, load0, max1h, _, _, vpeak, _ = q[(t, v, frm, to)]
            events[t, frm] += 1
            c['reliefs'] += 1
            c['again'] += per_vm[v] > 1
            c['false_step'] += load0 <= cores
            c['false_hour'] += max1h <= cores
            c['larger'] += any(f2 == frm and 0 <= t - t2 <= 3600 and v2 != v and q[(t2, v2, f2, to2)][3] > q[(t2, v2, f2, to2)][4]
                               and q[(t2, v2, f2, to2)][3] >= q[(t2, v2, f2, to2)][4] + vpeak for t2, v2, f2, to2 in reliefs[:k])
            if last[v] == (t, frm, to):
                c['undone'] += nround.get(v) == frm
                if nplan is not None and to not in nplan:
                    c['next_plan_empties_net' if to not in plan else 'next_plan_empties_plan'] += 1
    multi = sum(n for n in events.values() if n > 1)
    print(f"  net's reliefs {c['reliefs']} in {len(events)} steps of a host ({multi} in steps that moved two or more off it): "
          f"VM relieved more than once that day {c['again']}; false alarms {c['false_step']} at the step anticipated, "
          f"{c['false_hour']} over the hour after; done by the host's largest VM alone {c['larger']}; undone by the next round "
          f"{c['undone']}; sent to a host the next plan does not use {c['next_plan_empties_net'] + c['next_plan_empties_plan']} "
          f"({c['next_plan_empties_net']} powered on by the net, {c['next_plan_empties_plan']} of the day's plan)")
