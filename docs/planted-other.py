#!/usr/bin/env python3
"""Planted instances from a generator other than the tool's own (issue 17's acceptance is checked on planted
instances "written with ordinary decimals" by someone else's generator: this is one, built differently on purpose).

  planted-other.py --hosts K --out DIR [--seed 1] [--shape flat|flat-mem|hourly|hourly-mem] [--decimals 1|2|3]
                   [--host 40x384|64x512|CORESxGIB] [--samples-per-hour 1|12] [--days 1..3] [--vms-per-host 6-8]
                   [--spares 2] [--memory-step 1]

K identical hosts (cores x GiB), and for each a group of 6-8 VMs that fills it exactly:
  flat        CPU constant over the day, adding up to exactly the host's cores; memory small, never binding (at most
              half the host): one binding dimension, a host's cores split into 6-8 constant shares.
  flat-mem    CPU constant over the day and memory used constant, both adding up to exactly the host's cores and
              MiB: two binding dimensions (plan with --windows 1, or hourly: the rows are then all alike).
  hourly      an hourly CPU profile per VM, smooth (each VM peaks by day, by night or not at all, its level jittered
              hour by hour); in every hour of the day the group's CPU adds up to exactly the host's cores. Memory
              small, never binding (at most half the host).
  hourly-mem  both: the hourly CPU profile and memory adding up to exactly the host's MiB.
CPU is written with --decimals decimals, trailing zeros dropped as an ordinary writer does (4.5, 12, 6.92), in units
of 10^-decimals cores; each hour's shares are the group's profile weights scaled to the host, rounded by largest
remainder (not by giving the rounding to one VM). Memory is whole MiB (multiples of --memory-step), the same in
vms.csv (memory_mib, the floor) and every usage row. With --samples-per-hour 12 and --days up to 3, each (VM, hour of
the day) has its planted value in exactly one sample (a random day and 5-minute slot); the others are below it (70-100
%, rounded down), so the window's peak (--percentile 100) is the planted value. Ids are not zero-padded (node7, vm1234),
VMs are written in random order with ids given at random, usage rows in time order; current_host is empty; there are
--spares x K spare hosts of the same model. The optimum is K hosts: in every hour (or in memory) the total demand is
exactly K hosts' capacity, so no placement has fewer; the planted groups use K. The planted packing is written to
DIR/planted.csv (vm_id,host_id; ignored by the tool) and checked from the written text before the script ends.

Plan it as issue 17 does:
  consolidator plan DIR --time-limit 300 --percentile 100 --headroom 0 --migration-weight 0 \
      --cpu-allocation-ratio 0 --ram-allocation-ratio 0 --no-simulate --no-plots --windows hourly
Pure Python 3, no packages.
"""
import argparse, csv, math, os, random, sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal


def largest_remainder(total, weights, least):
    """Integer shares of `total`, each at least `least`, in proportion to `weights` above the floor, the rounding
    remainder going to the largest fractional parts."""
    free = total - least * len(weights)
    s = sum(weights)
    exact = [free * w / s for w in weights]
    shares = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in order[:free - sum(shares)]:
        shares[i] += 1
    return [least + x for x in shares]


def profile(rng):
    """A VM's smooth daily weight: day-peaking, night-peaking or flat, jittered hour by hour."""
    kind = rng.choice(['day', 'day', 'night', 'flat'])
    peak = rng.uniform(10, 16) if kind == 'day' else rng.uniform(0, 4) if kind == 'night' else 0
    amp = 0 if kind == 'flat' else rng.uniform(1, 4)
    base = rng.uniform(0.3, 1.0)
    return [base + amp * max(0.0, math.cos(2 * math.pi * (h - peak) / 24)) ** 2 * rng.uniform(0.85, 1.15) + rng.uniform(0, 0.1)
            for h in range(24)]


def text(units, decimals):
    """units of 10^-decimals written as an ordinary decimal: trailing zeros and a bare point dropped."""
    s = f'{units // 10 ** decimals}.{units % 10 ** decimals:0{decimals}d}'
    return s.rstrip('0').rstrip('.')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--hosts', type=int, required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--shape', choices=['flat', 'flat-mem', 'hourly', 'hourly-mem'], default='hourly')
    ap.add_argument('--decimals', type=int, choices=[1, 2, 3], default=2)
    ap.add_argument('--host', default='40x384')
    ap.add_argument('--samples-per-hour', type=int, choices=[1, 12], default=1)
    ap.add_argument('--days', type=int, choices=[1, 2, 3], default=1)
    ap.add_argument('--vms-per-host', default='6-8')
    ap.add_argument('--spares', type=int, default=2)
    ap.add_argument('--memory-step', type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    cores, gib = (int(x) for x in a.host.split('x'))
    lo, hi = (int(x) for x in a.vms_per_host.split('-'))
    unit = 10 ** a.decimals
    cap = cores * unit
    mem_cap = gib * 1024
    watts = (round(2.5 * cores + 40), round(7 * cores + 80))
    least = max(1, unit // 4)  # a quarter of a core
    n_hosts = a.hosts * (1 + a.spares)
    hosts = [f'node{i}' for i in range(1, n_hosts + 1)]
    rng.shuffle(hosts)
    planted_hosts = hosts[:a.hosts]
    exact_mem = a.shape in ('flat-mem', 'hourly-mem')

    vms = []  # (planted host, [24 CPU units], memory MiB)
    for h in planted_hosts:
        n = rng.randint(lo, hi)
        if a.shape in ('flat', 'flat-mem'):
            shares = largest_remainder(cap, [rng.uniform(0.2, 1.0) for _ in range(n)], least)
            cpu = [[s] * 24 for s in shares]
        else:
            weights = [profile(rng) for _ in range(n)]
            by_hour = [largest_remainder(cap, [weights[v][t] for v in range(n)], least) for t in range(24)]
            cpu = [[by_hour[t][v] for t in range(24)] for v in range(n)]
        if exact_mem:
            steps = mem_cap // a.memory_step
            assert steps * a.memory_step == mem_cap, '--memory-step must divide the host memory'
            mem = [s * a.memory_step for s in largest_remainder(steps, [rng.uniform(0.15, 1.0) for _ in range(n)], max(1, 1024 // a.memory_step))]
        else:
            choices = [m for m in (2048, 4096, 8192, 16384, 32768) if m * hi <= mem_cap // 2]
            mem = [rng.choice(choices) for _ in range(n)]
        vms += [(h, cpu[v], mem[v]) for v in range(n)]
    rng.shuffle(vms)
    ids = [f'vm{i}' for i in rng.sample(range(1, 10 * len(vms) + 1), len(vms))]

    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, 'hosts.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['host_id', 'cpu_cores', 'memory_mib', 'idle_watts', 'max_watts'])
        for h in sorted(hosts, key=lambda x: int(x[4:])):
            w.writerow([h, cores, mem_cap, *watts])
    with open(os.path.join(a.out, 'vms.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['vm_id', 'vcpus', 'memory_mib', 'current_host'])
        for i, (_, cpu, mem) in zip(ids, vms):
            w.writerow([i, math.ceil(max(cpu) / unit), mem, ''])
    with open(os.path.join(a.out, 'planted.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['vm_id', 'host_id'])
        for i, (h, _, _) in zip(ids, vms):
            w.writerow([i, h])

    # Which sample of each (VM, hour of the day) holds the planted value: a random day and slot.
    per_hour = a.samples_per_hour
    peak_at = [[(rng.randrange(a.days), rng.randrange(per_hour)) for _ in range(24)] for _ in vms]
    start = datetime(2026, 3, 2, tzinfo=timezone.utc)  # a Monday
    step = timedelta(minutes=60 // per_hour)
    noise = random.Random(a.seed * 7919 + 1)
    with open(os.path.join(a.out, 'usage.csv'), 'w', newline='') as f:
        f.write('timestamp,vm_id,cpu_cores,memory_mib\n')
        for day in range(a.days):
            for hour in range(24):
                for slot in range(per_hour):
                    stamp = (start + timedelta(days=day, hours=hour) + slot * step).strftime('%Y-%m-%dT%H:%M:%SZ')
                    lines = []
                    for k, (i, (_, cpu, mem)) in enumerate(zip(ids, vms)):
                        value = cpu[hour]
                        if peak_at[k][hour] != (day, slot):
                            value = value * noise.randint(70, 100) // 100
                        lines.append(f'{stamp},{i},{text(value, a.decimals)},{mem}\n')
                    f.write(''.join(lines))

    check(a.out, cores, mem_cap, a.hosts, exact_mem)
    print(f'wrote {len(vms)} VMs on an optimum of {a.hosts} hosts ({a.shape}, {a.decimals} decimals, {a.host}, '
          f'{per_hour} samples/h, {a.days} day(s)) to {a.out}', file=sys.stderr)


def check(out, cores, mem_cap, k, exact_mem):
    """Reads the files back as text: per planted host and hour of the day, the group's peak CPU (Decimal) adds up to
    exactly the host's cores, and its memory to the host's MiB (exact shapes) or at most it."""
    with open(os.path.join(out, 'planted.csv')) as f:
        host_of = {r['vm_id']: r['host_id'] for r in csv.DictReader(f)}
    peak, mem = {}, {}
    with open(os.path.join(out, 'usage.csv')) as f:
        for r in csv.DictReader(f):
            key = (r['vm_id'], int(r['timestamp'][11:13]))
            peak[key] = max(peak.get(key, Decimal(0)), Decimal(r['cpu_cores']))
            mem[r['vm_id']] = int(r['memory_mib'])
    cpu_sum, mem_sum = {}, {}
    for (v, hour), x in peak.items():
        cpu_sum[(host_of[v], hour)] = cpu_sum.get((host_of[v], hour), 0) + x
    for v, m in mem.items():
        mem_sum[host_of[v]] = mem_sum.get(host_of[v], 0) + m
    assert len(mem_sum) == k and len(cpu_sum) == 24 * k
    assert all(x == cores for x in cpu_sum.values()), 'a planted host is not exactly full in some hour'
    assert all(m == mem_cap if exact_mem else m <= mem_cap for m in mem_sum.values()), 'planted memory'


if __name__ == '__main__':
    main()
