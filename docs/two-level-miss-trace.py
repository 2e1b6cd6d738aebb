#!/usr/bin/env python3
"""The safety net's misses, read from the trace of docs/two-level-miss-trace.patch (docs/two-level.md, "The net's one-step
misses, the first round's calibration and the first Saturday"; a trace, not part of the product; the traced miss needs the first round calibrated in sample,
docs/two-level-first-round.patch, which is not the product either). Apply the patch, build, and run a roll with
CONSOLIDATOR_TRACE_MISS naming the trace file, e.g. from the repository root:

  git apply docs/two-level-first-round.patch docs/two-level-miss-trace.patch && dotnet build -c Release src/Consolidator.Cli
  CONSOLIDATOR_TRACE_MISS=$PWD/miss.txt consolidator evaluate out/gen-s131-3d --train 1 --test 2 --roll --replan daily \\
    --history 7 --deterministic --time-limit 5
  python3 docs/two-level-miss-trace.py miss.txt

At every step of the two-level adaptive policy in plan mode, per host with VMs after the step's moves ('B' lines): the
host's observed load, the net's bound before and after the step's moves (its overload test), the margin and main's largest
rise after them, the host's next sample (read after the fact; the net never does), whether the plan uses the host, and the
moves off and onto it; for a host whose next sample passes its cores, one 'V' line per VM. Prints the host-steps, how often
the net fired, how often the next sample passed the bound (by form: main's largest rise, or the switched joint margin),
and every overload with its VMs' rises and the host's last hour."""
import collections
import datetime
import sys


def main(path):
    steps, fired, passed, over = 0, 0, collections.Counter(), []
    forms = collections.Counter()
    hosts = collections.defaultdict(list)
    vms = collections.defaultdict(list)
    for line in open(path):
        f = line.split()
        if f[0] == 'V':
            vms[(int(f[1]), int(f[2]))].append((int(f[3]), float(f[4]), float(f[5]), float(f[6])))
            continue
        t, h, cores = int(f[1]), int(f[2]), float(f[3])
        load, b0, b1, margin, rise, nxt = map(float, f[5:11])
        form = 'joint' if margin < rise - 1e-9 else 'main'
        steps += 1
        forms[form] += 1
        fired += b0 > cores
        passed[form] += nxt > b1
        hosts[h].append((t, int(f[4]), load, b1, margin, nxt, int(f[12]), int(f[13])))
        if nxt > cores:
            over.append((t, h, cores, int(f[4]), load, b0, b1, margin, rise, nxt, form))
    print(f"plan host-steps {steps} (main's bound {forms['main']}, the joint margin {forms['joint']}); the net fired at {fired}")
    for form in ('main', 'joint'):
        if forms[form]:
            print(f"  next sample above the bound, {form}: {passed[form]} ({passed[form] / forms[form]:.2%})")
    print(f"overloads (next sample above the cores): {len(over)}")
    for t, h, cores, n, load, b0, b1, margin, rise, nxt, form in over:
        when = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime('%a %Y-%m-%d %H:%M')
        print(f"{when} UTC host {h} ({cores:g} cores, {n} VMs): observed {load:.2f}, bound {b1:.2f} ({form}: margin {margin:.2f}, "
              f"largest rise {rise:.2f}), next sample {nxt:.2f}: a rise of {nxt - load:.2f}")
        for vm, last, peak, nv in sorted(vms[(t, h)], key=lambda x: x[3] - x[1], reverse=True):
            print(f"    vm {vm}: last {last:.2f}, recent peak {peak:.2f}, next {nv:.2f} ({nv - last:+.2f})")
        for r in hosts[h]:
            if t - 3600 <= r[0] <= t + 600:
                hm = datetime.datetime.fromtimestamp(r[0], datetime.timezone.utc).strftime('%H:%M')
                print(f"    {hm} VMs {r[1]} observed {r[2]:.2f} bound {r[3]:.2f} margin {r[4]:.2f} next {r[5]:.2f} moves off {r[6]} on {r[7]}")


if __name__ == '__main__':
    main(sys.argv[1])
