#!/usr/bin/env python3
"""How concurrent migration streams split a shared link, and why: from stop-probe.py --json recordings.

Usage: python3 lab/qemu/cc-split.py RUN.json... [--csv OUT --label LABEL]

For each recording, over the window in which every stream sends (from the last stream's first acknowledged byte to
the first VM stop), each source socket's bytes acknowledged (ss -ti's bytes_acked, sampled every ~20 ms) and its share
of them, beside what sets a TCP sender's rate: its congestion window (median and largest over the window), whether it
ever left slow start (an ssthresh appears only after a loss or a reduction), its pacing rate and round-trip time
(medians), the time its tcp_info chronographs count as limited by the peer's window or its own send buffer, and the
namespace's retransmissions and the tbf qdisc's drops over the migration. The cwnd share is cwnd / sum of cwnds at the
window's median; the pacing share likewise. Prints one line per stream; with --csv appends them (with the recording's
date, load, congestion control and namespace sysctls) to OUT. Standard library only.
"""
import argparse, csv, json, os, statistics, sys, time

MIB = 1048576.0
FIELDS = ["date", "label", "tcp_congestion_control", "sysctl", "leaf_qdisc", "host_load", "stream", "guest", "window_s", "acked_mib",
          "share", "cwnd_median", "cwnd_max", "cwnd_share", "left_slow_start", "pacing_mbit_median", "pacing_share",
          "rtt_ms_median", "rwnd_limited_ms", "sndbuf_limited_ms", "busy_ms", "retrans_segs", "qdisc_dropped"]


def rate(v):
    """ss's rates: '123bps', '1.2Mbps' or '3Gbps' -> Mbit/s."""
    for unit, k in (("Gbps", 1e3), ("Mbps", 1.0), ("Kbps", 1e-3), ("bps", 1e-6)):
        if v.endswith(unit):
            return float(v[: -len(unit)]) * k
    return float(v) * 1e-6


def chrono(v):
    """ss's chronographs: '123ms' or '123ms(45.6%)' -> ms."""
    return float(v.split("ms")[0]) if v else 0.0


def analyse(path):
    d = json.load(open(path))
    queues = [q for q in d["queues"] if len(q) >= 4]
    n = len(d["guests"])
    stops = []
    for ev in d["src"]:
        leave = next((t for _, t, e, x in ev if e == "runstate_set" and "new_state 7" in x), None)
        stops.append(leave if leave is not None else float("inf"))
    first_stop = min(stops)
    acked = [[(q[0], float(q[3][i]["bytes_acked"])) for q in queues if q[3][i] and "bytes_acked" in q[3][i]] for i in range(n)]
    starts = [next((t for t, b in a if b > 65536), None) for a in acked]
    if any(s is None for s in starts):
        sys.exit(f"cc-split: {path}: a stream acknowledged nothing")
    w0, w1 = max(starts), first_stop
    if not w1 > w0:
        sys.exit(f"cc-split: {path}: no window in which every stream sent")
    out = []
    inside = [[q for q in queues if w0 <= q[0] <= w1 and q[3][i]] for i in range(n)]
    sent = []
    for i in range(n):
        a = [(t, b) for t, b in acked[i] if w0 <= t <= w1]
        sent.append(a[-1][1] - a[0][1] if len(a) >= 2 else 0.0)
    cwnds = [[float(q[3][i]["cwnd"]) for q in inside[i] if "cwnd" in q[3][i]] for i in range(n)]
    pacing = [[rate(q[3][i]["pacing_rate"]) for q in inside[i] if "pacing_rate" in q[3][i]] for i in range(n)]
    med_c = [statistics.median(c) if c else 0 for c in cwnds]
    med_p = [statistics.median(p) if p else 0 for p in pacing]
    for i in range(n):
        last = inside[i][-1][3][i] if inside[i] else {}
        rtts = [float(q[3][i]["rtt"].split("/")[0]) for q in inside[i] if "rtt" in q[3][i]]
        everyone = [q[3][i] for q in queues if q[3][i]]
        out.append({
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(d["t0"])),
            "tcp_congestion_control": d["args"].get("cc"),
            "sysctl": " ".join(d["args"].get("sysctl") or []),
            "leaf_qdisc": d["args"].get("leaf_qdisc") or "",
            "host_load": d["load"], "stream": i + 1, "guest": "{}:{:g}:{:g}".format(*d["guests"][i]),
            "window_s": round(w1 - w0, 3), "acked_mib": round(sent[i] / MIB, 2),
            "share": round(sent[i] / sum(sent), 3) if sum(sent) else 0,
            "cwnd_median": med_c[i], "cwnd_max": max(cwnds[i]) if cwnds[i] else 0,
            "cwnd_share": round(med_c[i] / sum(med_c), 3) if sum(med_c) else 0,
            "left_slow_start": int(any("ssthresh" in x for x in everyone)),
            "pacing_mbit_median": round(med_p[i], 1), "pacing_share": round(med_p[i] / sum(med_p), 3) if sum(med_p) else 0,
            "rtt_ms_median": round(statistics.median(rtts), 2) if rtts else "",
            "rwnd_limited_ms": chrono(last.get("rwnd_limited", "")), "sndbuf_limited_ms": chrono(last.get("sndbuf_limited", "")),
            "busy_ms": chrono(last.get("busy", "")),
            "retrans_segs": d["tcp"].get("RetransSegs", 0), "qdisc_dropped": d["tcp"].get("qdisc_dropped", 0),
        })
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("json", nargs="+")
    ap.add_argument("--csv")
    ap.add_argument("--label", default="")
    a = ap.parse_args()
    rows = []
    for path in a.json:
        for r in analyse(path):
            r["label"] = a.label
            rows.append(r)
            print(f"{os.path.basename(path)} {r['tcp_congestion_control']} {r['sysctl'] or '-'} {r['leaf_qdisc'] or '-'} load {r['host_load']}: stream {r['stream']} "
                  f"({r['guest']}) window {r['window_s']} s, {r['acked_mib']} MiB acked, share {r['share']}; cwnd median "
                  f"{r['cwnd_median']:g} (max {r['cwnd_max']:g}, share {r['cwnd_share']}), left slow start {r['left_slow_start']}, "
                  f"pacing {r['pacing_mbit_median']} Mbit/s (share {r['pacing_share']}), rtt {r['rtt_ms_median']} ms, "
                  f"rwnd-limited {r['rwnd_limited_ms']:g} ms, sndbuf-limited {r['sndbuf_limited_ms']:g} ms, busy {r['busy_ms']:g} ms; "
                  f"retrans {r['retrans_segs']}, qdisc drops {r['qdisc_dropped']}")
    if a.csv:
        new = not os.path.exists(a.csv)
        with open(a.csv, "a", newline="") as f:
            w = csv.DictWriter(f, fieldnames=FIELDS)
            if new:
                w.writeheader()
            w.writerows(rows)


if __name__ == "__main__":
    main()
