#!/usr/bin/env python3
"""QEMU 7.2's stop checks in a pre-copy end game, from a stop-probe.py --json recording: how far from the threshold each
check found the pending pages, and how much the threshold and the time between dirty-log syncs moved from check to check.

Usage: python3 lab/qemu/checks.py RUN.json [--csv OUT --label LABEL]

A check is a migrate_pending trace event (migration.c migration_iteration_run, after ram_save_pending's sync) whose pending
size is within 4 x the threshold (max); the window bandwidths are the migrate_transferred events (migration_update_counters)
over the same span. Prints the checks one per line (ms from the first, pending / threshold, threshold MiB, ms since the
previous sync began) and then the spread of each; with --csv appends the checks (with the run's date, load, total, syncs
and downtime) to OUT. Standard library only.
"""
import argparse, csv, json, os, re, statistics, sys, time

MIB = 1048576.0


FIELDS = ["label", "date", "host_load", "total_ms", "syncs", "downtime_ms", "check_ms", "pending_mib", "threshold_mib",
          "since_sync_ms", "status", "starve", "thread_share", "after_sync"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("json")
    ap.add_argument("--csv")
    ap.add_argument("--label", default="")
    a = ap.parse_args()
    d = json.load(open(a.json))
    ev = [(t, e, x) for _, t, e, x in d["src"][0]]
    checks, syncs, windows = [], [t for t, e, _ in ev if e == "migration_bitmap_sync_start"], []
    for t, e, x in ev:
        m = re.match(r"pending size (\d+) max (\d+)", x) if e == "migrate_pending" else None
        if m and int(m.group(2)) > 0 and int(m.group(1)) <= 4 * int(m.group(2)):
            checks.append((t, int(m.group(1)) / MIB, int(m.group(2)) / MIB))
        w = re.match(r"transferred (\d+) time_spent (\d+) bandwidth (\d+) max_size (\d+)", x) if e == "migrate_transferred" else None
        if w:
            windows.append((t, int(w.group(1)) / MIB / (int(w.group(2)) / 1000), int(w.group(4)) / MIB))
    if not checks:
        sys.exit("checks: no check near the threshold in this recording")
    final = d["finals"][0]
    ram = final["ram"]
    # The migration thread's share of a core while it wanted one (stop-probe.py: CPU / (CPU + run-queue wait), the wait
    # holding any time a quota throttled it); the first probes did not record it.
    use = (d.get("migration_thread") or [None])[0]
    share = use["cpu_s"] / (use["cpu_s"] + use["wait_s"]) if use and use["cpu_s"] > 0 else None
    status = final.get("status", "completed")
    print(f"{d['guests'][0]} load {d['load']}: {status}, total {final['total-time']} ms, syncs {ram['dirty-sync-count']}, "
          f"downtime {final.get('downtime', '-')} ms, starve {d.get('starve')}, thread share "
          f"{'-' if share is None else f'{share:.3f}'}; {len(checks)} checks within 4 x the threshold")
    t0 = checks[0][0]
    gaps, rows = [], []
    previous = float("-inf")
    for t, p, m in checks:
        # A check that follows a dirty-log sync (ram_save_pending syncs only once the bitmap is below the threshold) is one
        # that can stop the VM; the others find the bitmap still draining toward it.
        after_sync = any(previous < s <= t for s in syncs)
        previous = t
        before = [s for s in syncs if s <= t]
        gap = 1000 * (before[-1] - before[-2]) if len(before) >= 2 else float("nan")
        gaps.append(gap)
        rows.append({"label": a.label, "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(d["t0"])), "host_load": d["load"],
                     "total_ms": final["total-time"], "syncs": ram["dirty-sync-count"], "downtime_ms": final.get("downtime", ""),
                     "check_ms": round(1000 * (t - t0), 1), "pending_mib": round(p, 3), "threshold_mib": round(m, 3),
                     "since_sync_ms": round(gap, 1) if gap == gap else "", "status": status, "starve": d.get("starve") or "",
                     "thread_share": "" if share is None else round(share, 4), "after_sync": int(after_sync)})
        print(f"  {1000 * (t - t0):9.1f} ms: pending/threshold {p / m:5.2f}, threshold {m:6.2f} MiB, {gap:7.1f} ms since the sync before")
    ratios = [p / m for _, p, m in checks]
    thresholds = [m for _, _, m in checks]
    span = [w for w in windows if checks[0][0] - 1 <= w[0] <= checks[-1][0]]
    q = lambda xs: f"{min(xs):.2f} / {statistics.median(xs):.2f} / {max(xs):.2f}"
    print(f"pending/threshold min/median/max {q(ratios)}; threshold MiB {q(thresholds)}; ms between syncs "
          f"{q([g for g in gaps if g == g]) if any(g == g for g in gaps) else '-'}; window MiB/s {q([w[1] for w in span]) if span else '-'}")
    if a.csv:
        new = not os.path.exists(a.csv)
        with open(a.csv, "a", newline="") as f:
            w = csv.DictWriter(f, fieldnames=FIELDS)
            if new:
                w.writeheader()
            w.writerows(rows)


if __name__ == "__main__":
    main()
