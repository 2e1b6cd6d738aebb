#!/usr/bin/env python3
"""A de-planted twin of a planted instance, and how full a plan's hosts are (issue 17, the K = 2,000 control).

  deplanted-twin.py twin PLANTED_DIR TWIN_DIR [--bucket 64] [--seed 1]
      VMs sorted by their mean hourly CPU (their size) are cut into buckets of --bucket consecutive VMs; in every
      hour the CPU values (the decimal text as written) are permuted among the VMs of each bucket. Each hour's
      total demand is unchanged, so the volume bound is the same; each VM keeps its memory and about its size;
      a planted group's members get other VMs' values hour by hour, so the groups that fill a host exactly are
      gone. vcpus = ceil(the new peak). Uses nothing but the dataset's files (not the generator).
  deplanted-twin.py fill DATASET_DIR PLAN_CSV [--cores 32]
      one line: the plan's active hosts, their mean CPU fill over the day (mean of the hourly sums over --cores),
      the share of hosts at least 95 % full, the mean spread (standard deviation) of a host's hourly sums, VMs a host.
Pure Python 3, no packages; a few seconds at 14,000 VMs.
"""
import argparse, csv, math, os, random, shutil, statistics
from decimal import Decimal


def twin(src, dst, bucket, seed):
    rng = random.Random(seed)
    os.makedirs(dst, exist_ok=True)
    shutil.copy(os.path.join(src, 'hosts.csv'), dst)
    with open(os.path.join(src, 'usage.csv'), newline='') as f:
        rows = list(csv.reader(f))
    head, rows = rows[0], rows[1:]
    stamps = {t: k for k, t in enumerate(sorted({r[0] for r in rows}))}
    cell, vms = {}, {}
    for i, r in enumerate(rows):
        cell[(r[1], stamps[r[0]])] = i
        vms.setdefault(r[1], []).append(Decimal(r[2]))
    order = sorted(vms, key=lambda v: (sum(vms[v]) / len(vms[v]), v))
    groups = [order[i:i + bucket] for i in range(0, len(order), bucket)]
    if len(groups) > 1 and len(groups[-1]) < bucket // 2:
        groups[-2] += groups.pop()
    new = [list(r) for r in rows]
    for g in groups:
        for h in range(len(stamps)):
            values = [rows[cell[(v, h)]][2] for v in g if (v, h) in cell]
            rng.shuffle(values)
            for v, x in zip([v for v in g if (v, h) in cell], values):
                new[cell[(v, h)]][2] = x
    totals = lambda rs: [sum(Decimal(r[2]) for r in rs if stamps[r[0]] == h) for h in range(len(stamps))]
    assert totals(rows) == totals(new), 'an hour\'s total demand changed'
    with open(os.path.join(dst, 'usage.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(head)
        w.writerows(new)
    peak = {}
    for r in new:
        peak[r[1]] = max(peak.get(r[1], Decimal(0)), Decimal(r[2]))
    with open(os.path.join(src, 'vms.csv'), newline='') as f:
        vr = list(csv.reader(f))
    with open(os.path.join(dst, 'vms.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(vr[0])
        for r in vr[1:]:
            r[1] = str(math.ceil(peak[r[0]]))
            w.writerow(r)
    print(f'{len(vms)} VMs, {len(groups)} buckets of about {bucket}, every hour\'s total demand unchanged')


def fill(dataset, plan, cores):
    with open(plan, newline='') as f:
        host = {r['vm_id']: r['planned_host'] for r in csv.DictReader(f)}
    sums, stamps, count = {}, {}, {}
    with open(os.path.join(dataset, 'usage.csv'), newline='') as f:
        for r in csv.DictReader(f):
            k = stamps.setdefault(r['timestamp'], len(stamps))
            sums.setdefault(host[r['vm_id']], {}).setdefault(k, 0.0)
            sums[host[r['vm_id']]][k] += float(r['cpu_cores'])
    for h in host.values():
        count[h] = count.get(h, 0) + 1
    hours = len(stamps)
    full = [sum(s.values()) / hours / cores for s in sums.values()]
    spread = [statistics.pstdev([s.get(k, 0.0) for k in range(hours)]) for s in sums.values()]
    print(f'{len(sums)} hosts, mean fill {statistics.mean(full):.3f}, at least 95 % full {sum(x >= 0.95 for x in full) / len(full):.3f}, '
          f'spread of hourly sums {statistics.mean(spread):.2f} cores, {statistics.mean(count.values()):.2f} VMs a host')


if __name__ == '__main__':
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = a.add_subparsers(dest='cmd', required=True)
    t = sub.add_parser('twin'); t.add_argument('planted'); t.add_argument('out')
    t.add_argument('--bucket', type=int, default=64); t.add_argument('--seed', type=int, default=1)
    p = sub.add_parser('fill'); p.add_argument('dataset'); p.add_argument('plan'); p.add_argument('--cores', type=float, default=32)
    args = a.parse_args()
    if args.cmd == 'twin':
        twin(args.planted, args.out, args.bucket, args.seed)
    else:
        fill(args.dataset, args.plan, args.cores)
