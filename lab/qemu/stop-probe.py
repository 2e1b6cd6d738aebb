#!/usr/bin/env python3
"""What a QEMU pre-copy stop is made of: one real migration of the lab's guest, traced on both ends.

Usage (root, from the repository root, guest built by lab/qemu/build-guest.sh):
  python3 lab/qemu/stop-probe.py MEMORY_MIB [--rate R] [--wss W] [--link MBIT] [--limit MS] [--settle S] [--json OUT]
      [--also MEMORY_MIB:RATE:WSS ...] [--cc cubic|bbr|reno] [--sysctl KEY=VALUE ...]
      [--leaf-qdisc 'bfifo limit 200000']

--also adds a guest migrated at the same moment over the same shaped link (the lab's concurrent scenarios; e.g. the CI
smoke's smoke-concurrent-2 is `256 --rate 4 --wss 32 --also 256:0:4`): every source is traced, each stop is reported,
and beside it the other migrations' threshold windows and pending checks over the same moments, so that what each
one sent while another was stopped shows.

Runs the lab's setting (lab/qemu/harness: a private network namespace whose loopback is shaped by tc tbf, TCG, one
vCPU, -m 8 KiB under the MiB, unlimited max-bandwidth) with QEMU 7.2's own trace points written to a log
(-trace ..., -msg timestamp=on): each threshold update (migrate_transferred: bytes of the window, its length, the
bandwidth and threshold it sets, migration.c migration_update_counters), each pending check (migrate_pending),
each dirty-log sync (migration_bitmap_sync_start/end), the stop (migration_completion_vm_stop), the final copy
(savevm_section_start/end of "ram"), every device's state (vmstate_save) and, on the destination, the load's end
(process_incoming_migration_co_end). Also polls query-migrate every 10 ms for remaining/transferred and reads its
final figures (downtime, downtime-bytes, precopy-bytes). Prints the stop's parts in ms and MiB; writes them as
JSON with --json. Standard library only.
"""
import argparse, json, os, re, shutil, socket, subprocess, sys, tempfile, threading, time

MIB = 1048576.0
SRC_EVENTS = ["migrate_transferred", "migrate_pending", "migration_bitmap_sync_start", "migration_bitmap_sync_end",
              "migration_thread_low_pending", "migration_completion_vm_stop", "savevm_state_complete_precopy",
              "savevm_section_start", "savevm_section_end", "vmstate_save", "migration_thread_after_loop",
              "migrate_set_state", "vm_state_notify", "runstate_set", "vm_stop_flush_all", "savevm_state_setup",
              "migration_thread_setup_complete"]
DST_EVENTS = ["qemu_loadvm_state_section", "qemu_loadvm_state_section_startfull", "ram_load_complete",
              "process_incoming_migration_co_end", "vmstate_load", "qemu_loadvm_state_post_main", "migrate_set_state"]


class Qmp:
    def __init__(self, path, patience=30):
        deadline = time.time() + patience
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(path)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        self.f = self.s.makefile("rw")
        self.f.readline()
        self.cmd("qmp_capabilities")

    def cmd(self, name, args=None):
        self.f.write(json.dumps({"execute": name, **({"arguments": args} if args else {})}) + "\n")
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if "error" in r:
                raise RuntimeError(f"{name}: {r['error']['desc']}")
            if "return" in r:
                return r["return"]


def run(*args):
    subprocess.run(args, check=True, capture_output=True)


def qemu(ns, work, name, guest, mem, rate, wss, incoming, events, nice=0):
    trace = [a for e in events for a in ("-trace", f"enable={e}")]
    args = ["ip", "netns", "exec", ns, "nice", "-n", str(nice), "qemu-system-x86_64", "-name", f"{name},debug-threads=on",
            "-machine", "pc,accel=tcg", "-cpu", "qemu64", "-smp", "1", "-m", f"{mem * 1024 - 8}K",
            "-nodefaults", "-no-user-config", "-display", "none", "-vga", "none", "-no-reboot",
            "-kernel", f"{guest}/vmlinuz", "-initrd", f"{guest}/initramfs.gz",
            "-append", f"console=ttyS0 quiet panic=-1 no_timer_check lab.rate={rate} lab.wss={wss}",
            "-serial", f"file:{work}/{name}.serial", "-qmp", f"unix:{work}/{name}.qmp,server=on,wait=off",
            "-D", f"{work}/{name}.trace", "-msg", "timestamp=on", *trace]
    if incoming:
        args += ["-incoming", "defer"]
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return p, Qmp(f"{work}/{name}.qmp")


LINE = re.compile(r"^(\d+)@(\d+\.\d+):(\w+) ?(.*)$")


def events(path):
    out = []
    for line in open(path, errors="replace"):
        m = LINE.match(line.strip())
        if m:
            out.append((int(m.group(1)), float(m.group(2)), m.group(3), m.group(4)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("memory", type=int)
    ap.add_argument("--rate", type=float, default=0)
    ap.add_argument("--wss", type=float, default=4)
    ap.add_argument("--also", action="append", default=[], metavar="MEMORY:RATE:WSS",
                    help="another guest migrated at the same moment over the same link (repeatable)")
    ap.add_argument("--link", type=float, default=400)
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--settle", type=float, default=3)
    ap.add_argument("--json")
    ap.add_argument("--cc", help="TCP congestion control in the namespace (default: the host's, which a new namespace inherits)")
    ap.add_argument("--sysctl", action="append", default=[], metavar="KEY=VALUE",
                    help="a sysctl set in the namespace before the guests start (repeatable; e.g. net.ipv4.tcp_limit_output_bytes=65536)")
    ap.add_argument("--leaf-qdisc", help="a qdisc under the shaping tbf, as tc words (e.g. 'bfifo limit 200000'; default: tbf's own 100 ms FIFO)")
    ap.add_argument("--src-nice", type=int, default=0, help="nice value of the source QEMU (to starve it under load)")
    ap.add_argument("--dst-nice", type=int, default=0, help="nice value of the destination QEMU (to starve it under load)")
    a = ap.parse_args()
    guests = [(a.memory, a.rate, a.wss)]
    for g in a.also:
        m, r, w = g.split(":")
        guests.append((int(m), float(r), float(w)))
    guest = "out/lab/qemu"
    if not os.path.exists(f"{guest}/vmlinuz"):
        sys.exit("stop-probe: no guest in out/lab/qemu (bash lab/qemu/build-guest.sh)")
    work = tempfile.mkdtemp(prefix="cl-stop-")
    ns = f"consolidator-stop-{os.getpid()}"
    procs = []
    ports = [4444 + i for i in range(len(guests))]
    try:
        run("ip", "netns", "add", ns)
        run("ip", "-n", ns, "link", "set", "lo", "up")
        run("ip", "-n", ns, "link", "set", "lo", "mtu", "1500")
        if a.cc:
            run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", f"net.ipv4.tcp_congestion_control={a.cc}")
        for kv in a.sysctl:
            run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", kv)
        a.cc = subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-n", "net.ipv4.tcp_congestion_control"],
                              capture_output=True, text=True).stdout.strip()
        burst = max(65536, a.link * 1e6 / 8 * 0.002)
        run("tc", "-n", ns, "qdisc", "add", "dev", "lo", "root", "handle", "1:", "tbf", "rate", f"{a.link:g}mbit",
            "burst", str(round(burst)), "latency", "100ms")
        if a.leaf_qdisc:
            # tbf's own queue is one FIFO of 100 ms at the link's rate; a leaf replaces it behind the same shaper (e.g. a
            # shallow drop-tail queue of bytes, "bfifo limit 200000" (loopback's packets are up to 64 KiB), on which loss-based TCP sees losses).
            run("tc", "-n", ns, "qdisc", "add", "dev", "lo", "parent", "1:1", *a.leaf_qdisc.split())
        load = open("/proc/loadavg").read().split()[0]
        # The sources boot one at a time, each up before the next starts (as the lab harness boots them).
        sqs = []
        for i, (mem, rate, wss) in enumerate(guests):
            src, sq = qemu(ns, work, f"src{i}", guest, mem, rate, wss, False, SRC_EVENTS, a.src_nice)
            procs.append(src)
            sqs.append(sq)
            deadline = time.time() + 300
            while "dirtier t_ms" not in open(f"{work}/src{i}.serial", errors="replace").read():
                if time.time() > deadline:
                    sys.exit("stop-probe: the guest did not report in 300 s")
                time.sleep(0.2)
        time.sleep(a.settle)
        layouts = [top_layout(sq, work, mem) for sq, (mem, _, _) in zip(sqs, guests)]
        dqs = []
        for i, (mem, rate, wss) in enumerate(guests):
            dst, dq = qemu(ns, work, f"dst{i}", guest, mem, rate, wss, True, DST_EVENTS, a.dst_nice)
            procs.append(dst)
            dqs.append(dq)
        for sq, dq, port in zip(sqs, dqs, ports):
            sq.cmd("migrate-set-parameters", {"max-bandwidth": (2 ** 63 - 1) // 8, "downtime-limit": a.limit})
            dq.cmd("migrate-incoming", {"uri": f"tcp:127.0.0.1:{port}"})
        polls = [[] for _ in guests]
        net_before = tcp_counters(ns)
        queues, done = [], threading.Event()
        watcher = threading.Thread(target=watch_queues, args=(ns, queues, done, ports), daemon=True)
        watcher.start()
        t0 = time.time()
        for sq, port in zip(sqs, ports):
            sq.cmd("migrate", {"uri": f"tcp:127.0.0.1:{port}"})
        finals = [None] * len(guests)
        while any(f is None for f in finals):
            for i, sq in enumerate(sqs):
                if finals[i] is not None:
                    continue
                info = sq.cmd("query-migrate")
                polls[i].append((time.time(), info))
                if info.get("status") == "completed" and info.get("total-time", 0) > 0:
                    finals[i] = info
                elif info.get("status") in ("failed", "cancelled") or time.time() - t0 > 240:
                    sys.exit(f"stop-probe: migration {i + 1} {info.get('status')}")
            time.sleep(0.01)
        time.sleep(1)
        done.set()
        watcher.join(5)
        net = {k: v - net_before.get(k, 0) for k, v in tcp_counters(ns).items()}
        for q in sqs + dqs:
            q.cmd("quit")
        for p in procs:
            p.wait(10)
        s_evs = [events(f"{work}/src{i}.trace") for i in range(len(guests))]
        d_evs = [events(f"{work}/dst{i}.trace") for i in range(len(guests))]
        if a.json:
            with open(a.json, "w") as f:
                json.dump({"args": vars(a), "guests": guests, "load": load, "t0": t0, "finals": finals,
                           "polls": [[(t, p.get("ram", {}), p.get("expected-downtime"), p.get("status")) for t, p in ps] for ps in polls],
                           "src": s_evs, "dst": d_evs, "layouts": layouts, "tcp": net, "queues": queues}, f)
        for i, (mem, rate, wss) in enumerate(guests):
            if len(guests) > 1:
                print(f"migration #{i + 1} of {len(guests)}:")
            report(a, mem, rate, wss, load, finals[i], polls[i], s_evs[i], d_evs[i], layouts[i],
                   [(t, sq_[i], rq_[i]) for t, sq_, rq_, *_ in queues], t0,
                   [(j + 1, s_evs[j]) for j in range(len(guests)) if j != i])
        print("  loopback during the migration: " + ", ".join(f"{k} {v}" for k, v in sorted(net.items())))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def watch_queues(ns, out, done, ports):
    """Each migration socket's queues every ~20 ms (ss: the source's Send-Q, bytes written and not yet acknowledged, and
    the destination's Recv-Q, bytes received and not yet read by its loader): how far the source runs ahead of the
    destination's load. A zero page is 9 bytes of stream (ram.c save_zero_page), so 1 MB queued is ~450 MiB of RAM.
    With them, the sending socket's TCP state (ss -i: cwnd, ssthresh, rtt, pacing_rate, delivery_rate), which sets how
    streams sharing the shaped link split it."""
    # Also why a sender's window does not grow (Linux's tcp_info chronographs, ms since the connection began: busy,
    # rwnd_limited, sndbuf_limited; none of them while TCP Small Queues holds the socket back), its bytes acknowledged
    # and the peer's window; and the receiving socket's auto-tuned window (rcv_space, rcv_ssthresh).
    keys = ("cwnd", "ssthresh", "rtt", "pacing_rate", "delivery_rate", "snd_wnd", "busy", "rwnd_limited", "sndbuf_limited",
            "bytes_acked", "unacked", "notsent", "retrans", "lost")
    rkeys = ("rcv_space", "rcv_ssthresh", "rcv_wnd", "bytes_received")
    while not done.is_set():
        t = time.time()
        text = subprocess.run(["ip", "netns", "exec", ns, "ss", "-tinH"], capture_output=True, text=True).stdout
        send, recv, info, rinfo = [0] * len(ports), [0] * len(ports), [None] * len(ports), [None] * len(ports)
        sender = receiver = None
        for line in text.splitlines():
            f = line.split()
            if not f:
                continue
            if not line[0].isspace():
                sender = receiver = None
                if len(f) >= 5 and f[0] == "ESTAB":
                    for i, port in enumerate(ports):
                        if f[4].endswith(f":{port}"):
                            send[i] += int(f[2])
                            sender = i
                        elif f[3].endswith(f":{port}"):
                            recv[i] += int(f[1])
                            receiver = i
            elif sender is not None or receiver is not None:
                tcp = {}
                for j, w in enumerate(f):
                    k, _, v = w.partition(":")
                    if k in (keys if sender is not None else rkeys) and v:
                        tcp[k] = v
                    elif w in ("pacing_rate", "delivery_rate") and j + 1 < len(f):
                        tcp[w] = f[j + 1]
                if sender is not None:
                    info[sender] = tcp
                else:
                    rinfo[receiver] = tcp
                sender = receiver = None
        out.append((t, send, recv, info, rinfo))
        time.sleep(0.02)


TCP_KEYS = {"Tcp": ["RetransSegs"], "TcpExt": ["TCPTimeouts", "TCPLossProbes", "TCPLostRetransmit", "TCPSlowStartRetrans"]}


def tcp_counters(ns):
    """The namespace's TCP retransmission counters (/proc/net/snmp, /proc/net/netstat: the kernel's MIB, per network
    namespace) and the tc qdisc's dropped packets: a stop that waits on a retransmission timeout shows here."""
    out = {}
    for path in ("/proc/net/snmp", "/proc/net/netstat"):
        text = subprocess.run(["ip", "netns", "exec", ns, "cat", path], capture_output=True, text=True).stdout.splitlines()
        for names, values in zip(text[0::2], text[1::2]):
            group, keys = names.split(":", 1)
            vals = values.split(":", 1)[1].split()
            for k, v in zip(keys.split(), vals):
                if k in TCP_KEYS.get(group, []):
                    out[k] = int(v)
    qd = subprocess.run(["tc", "-n", ns, "-s", "qdisc", "show", "dev", "lo"], capture_output=True, text=True).stdout
    m = re.search(r"dropped (\d+)", qd)
    out["qdisc_dropped"] = int(m.group(1)) if m else 0
    return out


def top_layout(q, work, memory, span=64):
    """Data (non-zero) pages per MiB in the top SPAN MiB of the guest's RAM, read with pmemsave just before the
    migration, and the run of data the pass ends with (from the top down, through MiB at least half data)."""
    span = min(span, memory)
    size = memory * 1048576 - 8192
    q.cmd("pmemsave", {"val": size - span * 1048576, "size": span * 1048576, "filename": f"{work}/top"})
    data = open(f"{work}/top", "rb").read()
    zero = bytes(4096)
    per = [sum(data[i + j:i + j + 4096] != zero for j in range(0, 1048576, 4096)) / 256
           for i in range(0, len(data), 1048576)]
    run = 0.0
    for mib in reversed(per):
        if mib < 0.5:
            break
        run += mib
    os.remove(f"{work}/top")
    return {"top_mib_data": per, "end_run_mib": run}


def report(a, memory, rate, wss, load, final, polls, s_ev, d_ev, layout, queues=(), t0=None, others=()):
    """The stop's parts, in ms from QEMU's downtime start (the BQL taken in migration_completion, just before the
    run state leaves "running"), the last threshold windows before it, and the other migrations' windows and checks
    over the same moments (their bytes per window are their share of the link while this one stopped)."""
    ram = final["ram"]
    print(f"guest {memory} MiB, rate {rate} MiB/s over {wss} MiB, link {a.link:g} Mbit/s ({a.cc}), limit {a.limit} ms, load {load}")
    print(f"  top {len(layout['top_mib_data'])} MiB of RAM: {sum(layout['top_mib_data']):.1f} MiB of data; the pass ends in "
          f"{layout['end_run_mib']:.1f} MiB of data")
    print(f"  QEMU: total {final['total-time']} ms, downtime {final['downtime']} ms, setup {final['setup-time']} ms, "
          f"syncs {ram['dirty-sync-count']}, normal {ram['normal']}, zero {ram['duplicate']}, "
          f"transferred {ram['transferred'] / MIB:.2f} MiB, downtime-bytes {ram.get('downtime-bytes', 0) / MIB:.3f} MiB")
    ev = [(t, e, x) for _, t, e, x in s_ev]
    leave = next((t for t, e, x in ev if e == "runstate_set" and "new_state 7" in x), None)
    if leave is None:
        print("  no stop traced")
        return
    if t0 is not None:
        print(f"  the VM stopped {1000 * (leave - t0):.0f} ms after the migrate command")
    def first(name, after, cond=lambda x: True):
        return next((t for t, e, x in ev if e == name and t >= after and cond(x)), None)
    def last(name, before, cond=lambda x: True):
        return next((t for t, e, x in reversed(ev) if e == name and t <= before and cond(x)), None)
    check_start = last("migration_bitmap_sync_start", leave)
    check_end = last("migration_bitmap_sync_end", leave)
    pending = next((x for t, e, x in reversed(ev) if e == "migrate_pending" and t <= leave), "")
    stopped = first("migration_completion_vm_stop", leave)
    fin_start = first("migration_bitmap_sync_start", leave)
    fin_end = first("migration_bitmap_sync_end", leave)
    ram_end = first("savevm_section_end", leave, lambda x: x.startswith("ram,"))
    dev_end = last("savevm_section_end", first("migrate_set_state", leave, lambda x: "completed" in x) or ev[-1][0])
    done = first("migrate_set_state", leave, lambda x: "completed" in x)
    # QEMU's downtime ends in migration_iteration_finish, once the migration thread has the BQL again: it then sets
    # the run state to postmigrate (5) in the same critical section.
    ended = first("runstate_set", leave, lambda x: "new_state 5" in x)
    dst_end = next((t for _, t, e, x in d_ev if e == "process_incoming_migration_co_end"), None)
    ms = lambda t: f"{1000 * (t - leave):.2f}" if t is not None else "-"
    print(f"  check: sync {ms(check_start)} to {ms(check_end)} ({pending}); the VM stops: vCPUs and drain to {ms(stopped)}; "
          f"final sync to {ms(fin_end)} (from {ms(fin_start)}); RAM copy to {ms(ram_end)}; device state to {ms(dev_end)}; "
          f"completed at {ms(done)}; BQL again, downtime ends, at {ms(ended)}; destination loaded at {ms(dst_end)}")
    near = [(t, sq, rq) for t, sq, rq in queues if leave - 0.3 <= t <= (ended or leave) + 0.1]
    if near:
        print("  socket queues around the stop (ms from the stop: source Send-Q / destination Recv-Q, KiB): " +
              ", ".join(f"{ms(t)}: {sq / 1024:.0f}/{rq / 1024:.0f}" for t, sq, rq in near[::max(1, len(near) // 12)]))
    print("  last threshold windows (ms from the stop: bytes over window ms -> threshold):")
    for t, e, x in ev:
        if e == "migrate_transferred" and leave - 0.6 <= t <= leave:
            m = re.match(r"transferred (\d+) time_spent (\d+) bandwidth (\d+) max_size (\d+)", x)
            if m:
                print(f"    {ms(t)}: {int(m.group(1)) / MIB:.2f} MiB over {m.group(2)} ms -> {int(m.group(4)) / MIB:.2f} MiB")
    for t, e, x in ev:
        if e == "migrate_pending" and leave - 0.6 <= t <= leave:
            print(f"    {ms(t)}: {x}")
    for j, o_ev in others:
        o_leave = next((t for _, t, e, x in o_ev if e == "runstate_set" and "new_state 7" in x), None)
        print(f"  migration #{j} around this stop (its own VM stopped at {ms(o_leave)}):")
        for _, t, e, x in o_ev:
            if e == "migrate_transferred" and leave - 0.6 <= t <= (ended or leave) + 0.3:
                m = re.match(r"transferred (\d+) time_spent (\d+) bandwidth (\d+) max_size (\d+)", x)
                if m:
                    print(f"    {ms(t)}: {int(m.group(1)) / MIB:.2f} MiB over {m.group(2)} ms -> {int(m.group(4)) / MIB:.2f} MiB")
            elif e in ("migrate_pending", "migration_bitmap_sync_start") and leave - 0.6 <= t <= (ended or leave) + 0.3:
                print(f"    {ms(t)}: {e} {x}")


if __name__ == "__main__":
    main()
