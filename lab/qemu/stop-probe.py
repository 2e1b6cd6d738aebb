#!/usr/bin/env python3
"""What a QEMU pre-copy stop is made of: one real migration of the lab's guest, traced on both ends.

Usage (root, from the repository root, guest built by lab/qemu/build-guest.sh):
  python3 lab/qemu/stop-probe.py MEMORY_MIB [--rate R] [--wss W] [--link MBIT] [--limit MS] [--settle S] [--json OUT]
      [--also MEMORY_MIB:RATE:WSS ...] [--cc cubic|bbr|reno] [--sysctl KEY=VALUE ...]
      [--leaf-qdisc 'bfifo limit 200000'] [--starve quota:SHARE | hog:NICE] [--patience S] [--lab-csv OUT --scenario ID]

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

--starve starves the first source's migration thread alone, from the moment it appears after the migrate command:
quota:SHARE puts that one thread in a cgroup v1 cpu group of its own with a CFS quota of SHARE x its 100 ms period
(Documentation/scheduler/sched-bwc.rst: the thread runs at full pace until its quota is spent, then waits for the next
period); hog:NICE pins it to the last CPU beside a busy loop pinned there at nice 0 and renices the thread to NICE (CFS
gives it weight(NICE) / (weight(NICE) + 1024) of that CPU in short slices: nice 10 ~0.10, 15 ~0.03). The thread's CPU
time and run-queue wait are read from its schedstat every poll, so its share is CPU / (CPU + wait), as the lab's
migration_cpu_s and migration_wait_s columns give it; the run-queue wait already holds the time the quota throttled it
(a throttled group keeps its task queued: at quota 0.03, 12.8 s throttled within 14.3 s of wait), and the group's
throttled time is written to the JSON beside it. A migration still running after --patience seconds (default 240) is cancelled and
still written (JSON and --lab-csv row, status "timeout"): a run that does not converge is a row too.

--lab-csv appends each migration as a row of the lab's recordings (datasets/calibration/*.csv, the harness's columns:
lab/qemu/harness LabRunner), under --scenario, with every QEMU thread's CPU and wait from schedstat, so that
`consolidator calibrate --lab OUT` replays it at the share the thread got (record the fit scenarios first in the same
file: they measure the machine).
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
    ap.add_argument("--starve", help="quota:SHARE (cgroup CFS quota on the first source's migration thread alone) or hog:NICE "
                                      "(that thread pinned beside a busy loop and reniced)")
    ap.add_argument("--patience", type=float, default=240, help="seconds after the migrate command before a migration is cancelled and recorded as a timeout")
    ap.add_argument("--lab-csv", help="append each migration as a lab recording row (the harness's columns)")
    ap.add_argument("--scenario", default="probe", help="the scenario id of the --lab-csv rows")
    ap.add_argument("--run", type=int, default=1, help="the run number of the --lab-csv rows (a scenario's repeats are told apart by it)")
    a = ap.parse_args()
    if a.starve and not re.fullmatch(r"(quota:(0?\.\d+|1(\.0*)?)|hog:-?\d+)", a.starve):
        sys.exit(f"stop-probe: --starve {a.starve!r}: quota:SHARE (0 < SHARE <= 1) or hog:NICE")
    guests = [(a.memory, a.rate, a.wss)]
    for g in a.also:
        m, r, w = g.split(":")
        guests.append((int(m), float(r), float(w)))
    guest = "out/lab/qemu"
    if not os.path.exists(f"{guest}/vmlinuz"):
        sys.exit("stop-probe: no guest in out/lab/qemu (bash lab/qemu/build-guest.sh)")
    work = a._work = tempfile.mkdtemp(prefix="cl-stop-")
    ns = f"consolidator-stop-{os.getpid()}"
    procs = []
    ports = [4444 + i for i in range(len(guests))]
    starve = Starve(a.starve, ns)
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
        src_pids = [procs[i].pid for i in range(len(guests))]
        dst_pids = [p.pid for p in procs[len(guests):]]
        clocks = [(threads(p), threads(q)) for p, q in zip(src_pids, dst_pids)]
        dirt0 = [last_report(f"{work}/src{i}.serial") for i in range(len(guests))]
        t0 = time.time()
        for sq, port in zip(sqs, ports):
            sq.cmd("migrate", {"uri": f"tcp:127.0.0.1:{port}"})
        finals = [None] * len(guests)
        stopped_reports = [None] * len(guests)
        mig = [{} for _ in guests]
        while any(f is None for f in finals):
            starve.attach(src_pids[0])
            for i, sq in enumerate(sqs):
                if finals[i] is not None:
                    continue
                # The migration thread ends with the migration: its last reading stands for the whole.
                mig[i].update(threads(src_pids[i], "live_migration"))
                info = sq.cmd("query-migrate")
                polls[i].append((time.time(), info))
                if stopped_reports[i] is None and info.get("status") != "active":
                    stopped_reports[i] = last_report(f"{work}/src{i}.serial")
                if info.get("status") == "completed" and info.get("total-time", 0) > 0:
                    finals[i] = info
                elif info.get("status") in ("failed", "cancelled"):
                    sys.exit(f"stop-probe: migration {i + 1} {info.get('status')}")
                elif time.time() - t0 > a.patience:
                    # QEMU 7.2 has no timeout of its own: the probe gives up, and the run is still a row.
                    stopped_reports[i] = last_report(f"{work}/src{i}.serial")
                    info = dict(info, status="timeout", **{"total-time": round(1000 * (time.time() - t0))})
                    sq.cmd("migrate_cancel")
                    finals[i] = info
            time.sleep(0.01)
        thread_use = [sum_threads(mig[i]) for i in range(len(guests))]
        throttled = starve.throttled_seconds()
        time.sleep(1)
        done.set()
        watcher.join(5)
        net = {k: v - net_before.get(k, 0) for k, v in tcp_counters(ns).items()}
        ends = [(threads(p), threads(q)) for p, q in zip(src_pids, dst_pids)]
        dirt1 = [stopped_reports[i] or last_report(f"{work}/src{i}.serial") for i in range(len(guests))]
        starve.stop()
        for q in sqs + dqs:
            try:
                q.cmd("quit")
            except (OSError, ValueError):
                # A destination whose incoming migration was cancelled (a timeout) has exited on its own.
                pass
        for p in procs:
            p.wait(10)
        s_evs = [events(f"{work}/src{i}.trace") for i in range(len(guests))]
        d_evs = [events(f"{work}/dst{i}.trace") for i in range(len(guests))]
        if a.json:
            with open(a.json, "w") as f:
                json.dump({"args": vars(a), "guests": guests, "load": load, "t0": t0, "finals": finals,
                           "polls": [[(t, p.get("ram", {}), p.get("expected-downtime"), p.get("status")) for t, p in ps] for ps in polls],
                           "src": s_evs, "dst": d_evs, "layouts": layouts, "tcp": net, "queues": queues,
                           "starve": a.starve, "migration_thread": [dict(cpu_s=c, wait_s=w, throttled_s=throttled if i == 0 else 0)
                                                                    for i, (c, w) in enumerate(thread_use)]}, f)
        if a.lab_csv:
            for i, (mem, rate, wss) in enumerate(guests):
                lab_row(a, i, len(guests), mem, rate, wss, load, finals[i], clocks[i], ends[i], thread_use[i],
                        dirt0[i], dirt1[i], net)
        for i, (mem, rate, wss) in enumerate(guests):
            if len(guests) > 1:
                print(f"migration #{i + 1} of {len(guests)}:")
            report(a, mem, rate, wss, load, finals[i], polls[i], s_evs[i], d_evs[i], layouts[i],
                   [(t, sq_[i], rq_[i]) for t, sq_, rq_, *_ in queues], t0,
                   [(j + 1, s_evs[j]) for j in range(len(guests)) if j != i])
        print("  loopback during the migration: " + ", ".join(f"{k} {v}" for k, v in sorted(net.items())))
    finally:
        starve.stop()
        for p in procs:
            if p.poll() is None:
                p.kill()
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


class Starve:
    """The --starve setting, applied to the first source's migration thread once it exists (QEMU 7.2 names it
    "live_migration", migration.c migrate_fd_connect; the source runs with debug-threads=on)."""

    def __init__(self, spec, tag):
        self.kind, _, value = (spec or "").partition(":")
        self.value = float(value) if value else None
        self.group = f"/sys/fs/cgroup/cpu/{tag}"
        self.tid = self.hog = None

    def attach(self, pid):
        if not self.kind or self.tid is not None:
            return
        tid = next((t for t, (comm, _, _) in threads(pid).items() if comm == "live_migration"), None)
        if tid is None:
            return
        self.tid = tid
        if self.kind == "quota":
            os.makedirs(self.group)
            write(f"{self.group}/cpu.cfs_period_us", "100000")
            write(f"{self.group}/cpu.cfs_quota_us", str(round(self.value * 100000)))
            write(f"{self.group}/tasks", tid)
        else:
            cpu = str(os.cpu_count() - 1)
            self.hog = subprocess.Popen(["taskset", "-c", cpu, "sh", "-c", "while :; do :; done"])
            run("taskset", "-p", "-c", cpu, tid)
            os.setpriority(os.PRIO_PROCESS, int(tid), int(self.value))

    def throttled_seconds(self):
        """Time the quota held the thread back (cpu.stat throttled_time, ns; the group holds that thread alone)."""
        if self.kind != "quota" or not os.path.exists(f"{self.group}/cpu.stat"):
            return 0.0
        stat = dict(line.split() for line in open(f"{self.group}/cpu.stat"))
        return int(stat.get("throttled_time", 0)) / 1e9

    def stop(self):
        if self.hog is not None and self.hog.poll() is None:
            self.hog.kill()
            self.hog.wait()
        if self.kind == "quota" and os.path.isdir(self.group):
            for tid in open(f"{self.group}/tasks").read().split():
                try:
                    write("/sys/fs/cgroup/cpu/tasks", tid)
                except OSError:
                    pass
            try:
                os.rmdir(self.group)
            except OSError:
                pass


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def threads(pid, comm=None):
    """Every thread of a process (or those named COMM): tid -> (name, CPU s, run-queue wait s), from
    /proc/PID/task/TID/schedstat (Documentation/scheduler/sched-stats.rst)."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            if comm is not None and name != comm:
                continue
            run_ns, wait_ns, _ = open(f"/proc/{pid}/task/{tid}/schedstat").read().split()
            out[tid] = (name, int(run_ns) / 1e9, int(wait_ns) / 1e9)
        except (OSError, ValueError):
            pass
    return out


def sum_threads(ts, which=lambda name: True, before=None):
    """CPU and wait seconds of the threads WHICH selects, less their readings in BEFORE."""
    cpu = wait = 0.0
    for tid, (name, c, w) in ts.items():
        if which(name):
            b = (before or {}).get(tid, (name, 0.0, 0.0))
            cpu += c - b[1]
            wait += w - b[2]
    return cpu, wait


REPORT = re.compile(r"dirtier t_ms=(\d+) pages=(\d+)")


def last_report(path):
    """The guest's latest dirtier report (guest ms since its loop began, pages written), as the harness reads it."""
    found = REPORT.findall(open(path, errors="replace").read()) if os.path.exists(path) else []
    return (int(found[-1][0]), int(found[-1][1])) if found else None


LAB_HEADER = ("scenario,migration,concurrent,method,capability,memory_mib,ram_total_mib,link_mbit,max_bandwidth_mib_s,"
              "downtime_limit_ms,suspend_after_s,requested_dirty_mib_s,wss_mib,guest_dirty_mib_s,qemu_dirty_rate_mib_s,status,"
              "total_ms,downtime_ms,setup_ms,switchover_ms,transferred_mib,normal_pages,zero_pages,dirty_syncs,postcopy_requests,"
              "postcopy_blocktime_ms,guest_alive,qemu_version,machine,date,host_load,migration_cpu_s,migration_wait_s,"
              "source_vcpu_cpu_s,source_vcpu_wait_s,source_other_cpu_s,source_other_wait_s,destination_vcpu_cpu_s,"
              "destination_vcpu_wait_s,destination_other_cpu_s,destination_other_wait_s,run,stop_window_ms,stop_migration_cpu_ms,"
              "stop_migration_wait_ms,stop_vcpu_cpu_ms,stop_vcpu_wait_ms,stop_other_cpu_ms,stop_other_wait_ms,downtime_mib,"
              "tcp_timeouts,tcp_retransmits,tcp_congestion_control,switch_sync,predicted_total_ms,predicted_downtime_ms,predicted_mib")


def lab_row(a, i, n, mem, rate, wss, load, final, start, end, mig, dirt0, dirt1, net):
    """One migration as a row of the lab's recordings (lab/qemu/harness LabRunner's columns); the stop_* and predicted_*
    columns are left empty (the probe has no per-stop thread sampling and predicts nothing)."""
    ram = final.get("ram", {})
    vcpu = lambda name: name.startswith("CPU ")
    src_vcpu = sum_threads(end[0], vcpu, start[0])
    src_other = sum_threads(end[0], lambda c: not vcpu(c) and c != "live_migration", start[0])
    dst_vcpu = sum_threads(end[1], vcpu, start[1])
    dst_other = sum_threads(end[1], lambda c: not vcpu(c), start[1])
    achieved = rate
    if dirt0 and dirt1 and dirt1[0] - dirt0[0] >= 500:
        achieved = round((dirt1[1] - dirt0[1]) * 4096 / MIB / ((dirt1[0] - dirt0[0]) / 1000), 3)
    status = final.get("status")
    alive = status == "completed" and last_report(os.path.join(a._work, f"dst{i}.serial")) is not None
    version = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
    cpu = " ".join(model.split()[:2])
    num = lambda x: "" if x is None else f"{x:.3f}".rstrip("0").rstrip(".")
    row = [a.scenario, i + 1, n, "precopy", "none", mem, num(ram.get("total", 0) / MIB), num(a.link), "", a.limit, "",
           num(rate), num(wss), num(achieved), "", status, final.get("total-time"), final.get("downtime", ""),
           final.get("setup-time", 0), "", num(ram.get("transferred", 0) / MIB), ram.get("normal", 0), ram.get("duplicate", 0),
           ram.get("dirty-sync-count", 0), ram.get("postcopy-requests", 0), "", "true" if alive else "false",
           version.replace("QEMU emulator version ", "").strip(), f"{cpu}, {os.cpu_count()} cores, TCG",
           time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), load, num(mig[0]), num(mig[1]),
           num(src_vcpu[0]), num(src_vcpu[1]), num(src_other[0]), num(src_other[1]), num(dst_vcpu[0]), num(dst_vcpu[1]),
           num(dst_other[0]), num(dst_other[1]), a.run, "", "", "", "", "", "", "",
           num(ram["downtime-bytes"] / MIB) if "downtime-bytes" in ram and status == "completed" else "",
           net.get("TCPTimeouts", ""), net.get("RetransSegs", ""), a.cc, "", "", "", ""]
    new = not os.path.exists(a.lab_csv) or os.path.getsize(a.lab_csv) == 0
    with open(a.lab_csv, "a") as f:
        if new:
            f.write(LAB_HEADER + "\n")
        f.write(",".join(f'"{x}"' if "," in str(x) else str(x) for x in row) + "\n")


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
    if final.get("status") == "timeout":
        print(f"  QEMU: still running after {final['total-time']} ms (cancelled): syncs {ram.get('dirty-sync-count')}, "
              f"transferred {ram.get('transferred', 0) / MIB:.2f} MiB, remaining {ram.get('remaining', 0) / MIB:.2f} MiB")
        return
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
