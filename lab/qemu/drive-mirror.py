#!/usr/bin/env python3
"""The QEMU block-migration lab (issue 15, point 4): real `blockdev-mirror` jobs, the mechanism of
`virsh migrate --copy-storage-all`, from a source QEMU to an NBD export on a destination QEMU started with
`-incoming defer`, over 127.0.0.1 with the job's bandwidth cap (`speed`), while the guest's disk is written at a
set rate. One CSV row per point; `consolidator calibrate --lab` is not involved: the recording is read by
BlockMirrorCalibrationTests, which compares the simulator's block-mirror model with every row.

Usage: lab/qemu/drive-mirror.py OUT.csv [POINT ...]     (no point: all of them; needs qemu-system-x86, qemu-utils)

What a point sets up, with qemu-img and qemu-io (images written whole with a byte pattern, so that every cluster
is allocated data and the mirror copies it: zero or unallocated clusters are sent as write-zeroes, which the job's
rate limit does not count, block/mirror.c mirror_iteration):
  - a disk of disk_mib; with base_mib > 0 it is a qcow2 overlay over a base image that holds the first base_mib
    (the image a VM is cloned from), and the overlay holds the rest (the VM's private blocks);
  - base_at_destination: the destination already holds a copy of the base (a CAS store that has the image): its
    target is an overlay over that copy and the job runs with sync "top" (only the overlay crosses); otherwise the
    target is an empty image and the job runs with sync "full" (the whole chain crosses);
  - the guest's writes: `qemu-io` commands through the drive's BlockBackend (HMP, the path a guest device's
    writes take, so the mirror's dirty bitmap sees them), write_kib each at random write_kib-aligned offsets
    over the whole disk, at write_kib_s.
The job's READY event marks the end of the bulk copy and of the dirty blocks' catch-up: libvirt starts the memory
migration then. The lab records the time from the job's start to READY and the bytes copied by then (the event's
offset), stops the writer, cancels the job (libvirt's way after a migration: the target stays consistent) and
checks with `qemu-img compare` that the destination holds what the source holds.
"""
import csv
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from datetime import datetime, timezone

MIB = 1 << 20

# point id -> (disk_mib, base_mib, base_at_destination, speed_mib_s, write_kib_s, write_kib)
POINTS = {
    "full-256": (256, 0, False, 32, 0, 64),
    "full-512": (512, 0, False, 32, 0, 64),
    "full-512-w2m": (512, 0, False, 32, 2048, 64),
    "full-512-w8m": (512, 0, False, 32, 8192, 64),
    "full-1024-s64-w4m": (1024, 0, False, 64, 4096, 64),
    "base-absent-512": (512, 384, False, 32, 0, 64),
    "base-present-512": (512, 384, True, 32, 0, 64),
    "base-present-512-w2m": (512, 384, True, 32, 2048, 64),
    "base-present-512-w4k": (512, 384, True, 32, 256, 4),
}

COLUMNS = ["point", "disk_mib", "base_mib", "base_at_destination", "sync", "speed_mib_s", "write_kib_s", "write_kib",
           "granularity_kib", "status", "initial_len_mib", "ready_ms", "copied_mib", "writes_before_ready",
           "achieved_write_kib_s", "target_identical", "qemu_version", "host_load", "recorded_at"]

# The dirty bitmap's granularity, given explicitly: QEMU's default for a target without a cluster size (an NBD
# export) is the same 64 KiB (block/dirty-bitmap.c bdrv_get_default_bitmap_granularity).
GRANULARITY = 65536


class Qmp:
    """A QMP client on a unix socket; events are kept with the monotonic time they were read."""

    def __init__(self, path, patience=30):
        deadline = time.monotonic() + patience
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.file = self.sock.makefile("rw", encoding="utf-8", newline="\n")
        self.events = []
        self.lock = threading.Lock()
        self._read()
        self.execute("qmp_capabilities")

    def _read(self):
        line = self.file.readline()
        if not line:
            raise RuntimeError("QEMU closed its QMP socket")
        return json.loads(line)

    def execute(self, command, **arguments):
        with self.lock:
            request = {"execute": command}
            if arguments:
                request["arguments"] = arguments
            self.file.write(json.dumps(request) + "\n")
            self.file.flush()
            while True:
                answer = self._read()
                if "event" in answer:
                    self.events.append((time.monotonic(), answer))
                    continue
                if "error" in answer:
                    raise RuntimeError(f"QMP {command} failed: {answer['error'].get('desc')}")
                return answer.get("return")

    def event(self, name):
        return next(((t, e) for t, e in self.events if e["event"] == name), None)


def run(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qemu(folder, name, drive, incoming):
    qmp = os.path.join(folder, name + ".qmp")
    args = ["qemu-system-x86_64", "-machine", "none", "-nodefaults", "-no-user-config", "-display", "none",
            "-qmp", f"unix:{qmp},server=on,wait=off",
            "-drive", f"if=none,id=drive0,node-name=disk0,format=qcow2,file={drive}"]
    if incoming:
        args += ["-incoming", "defer"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        return process, Qmp(qmp)
    except Exception:
        process.kill()
        raise


def make_images(folder, disk_mib, base_mib, base_at_destination):
    """The source's disk and the destination's target; returns (source, target, sync)."""
    src, dst = os.path.join(folder, "disk.qcow2"), os.path.join(folder, "target.qcow2")
    if base_mib > 0:
        base = os.path.join(folder, "base.qcow2")
        run(["qemu-img", "create", "-q", "-f", "qcow2", base, f"{disk_mib}M"])
        run(["qemu-io", "-f", "qcow2", "-c", f"write -P 0x5a 0 {base_mib}M", base])
        run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", base, "-F", "qcow2", src])
        run(["qemu-io", "-f", "qcow2", "-c", f"write -P 0x6b {base_mib}M {disk_mib - base_mib}M", src])
    else:
        run(["qemu-img", "create", "-q", "-f", "qcow2", src, f"{disk_mib}M"])
        run(["qemu-io", "-f", "qcow2", "-c", f"write -P 0x6b 0 {disk_mib}M", src])
    if base_mib > 0 and base_at_destination:
        copy = os.path.join(folder, "base-at-destination.qcow2")
        shutil.copyfile(os.path.join(folder, "base.qcow2"), copy)
        run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", copy, "-F", "qcow2", dst])
        return src, dst, "top"
    run(["qemu-img", "create", "-q", "-f", "qcow2", dst, f"{disk_mib}M"])
    return src, dst, "full"


class Writer(threading.Thread):
    """The guest's disk writes: write_kib at random aligned offsets, paced to write_kib_s."""

    def __init__(self, qmp, disk_mib, write_kib_s, write_kib, seed):
        super().__init__(daemon=True)
        self.qmp, self.disk_kib, self.rate, self.size = qmp, disk_mib * 1024, write_kib_s, write_kib
        self.random = random.Random(seed)
        self.stop = threading.Event()
        self.times = []

    def run(self):
        if self.rate <= 0:
            return
        interval = self.size / self.rate
        start = time.monotonic()
        n = 0
        while not self.stop.is_set():
            due = start + n * interval
            if (wait := due - time.monotonic()) > 0 and self.stop.wait(wait):
                break
            offset = self.random.randrange(self.disk_kib // self.size) * self.size
            self.qmp.execute("human-monitor-command", **{"command-line": f'qemu-io drive0 "write -P 0x{0x10 + n % 200:02x} {offset}k {self.size}k"'})
            self.times.append(time.monotonic())
            n += 1


def measure(point, disk_mib, base_mib, base_at_destination, speed, write_kib_s, write_kib, version):
    folder = tempfile.mkdtemp(prefix="cl-mirror-")
    processes = []
    try:
        src_img, dst_img, sync = make_images(folder, disk_mib, base_mib, base_at_destination)
        load = float(open("/proc/loadavg").read().split()[0])
        dst, dst_qmp = qemu(folder, "dst", dst_img, incoming=True)
        processes.append(dst)
        src, src_qmp = qemu(folder, "src", src_img, incoming=False)
        processes.append(src)
        port = free_port()
        dst_qmp.execute("nbd-server-start", addr={"type": "inet", "data": {"host": "127.0.0.1", "port": str(port)}})
        dst_qmp.execute("block-export-add", type="nbd", id="export0", **{"node-name": "disk0"}, writable=True, name="disk0")
        src_qmp.execute("blockdev-add", driver="nbd", **{"node-name": "remote"}, export="disk0",
                        server={"type": "inet", "host": "127.0.0.1", "port": str(port)})
        writer = Writer(src_qmp, disk_mib, write_kib_s, write_kib, seed=zlib.crc32(point.encode()))
        writer.start()
        time.sleep(0.5)  # the writer is under way before the job starts, as a running guest's writes are
        start = time.monotonic()
        src_qmp.execute("blockdev-mirror", **{"job-id": "mirror0"}, device="disk0", target="remote", sync=sync,
                        speed=speed * MIB, granularity=GRANULARITY)
        initial = None
        status = "timeout"
        # Ten times the bulk copy at the job's speed, and a minute: a job that has not converged by then never will.
        patience = 10 * disk_mib / speed + 60
        shown = start
        while time.monotonic() - start < patience:
            jobs = src_qmp.execute("query-block-jobs")
            if initial is None and jobs:
                initial = jobs[0]["len"] / MIB
            if jobs and time.monotonic() - shown >= 5:
                shown = time.monotonic()
                print(f"  {shown - start:.0f} s: {jobs[0]['offset'] / MIB:.1f} of {jobs[0]['len'] / MIB:.1f} MiB, {jobs[0].get('status')}", file=sys.stderr, flush=True)
            if src_qmp.event("BLOCK_JOB_READY"):
                status = "ready"
                break
            if src_qmp.event("BLOCK_JOB_COMPLETED") or not jobs:
                status = "failed"
                break
            time.sleep(0.05)
        ready = src_qmp.event("BLOCK_JOB_READY")
        ready_at, copied = (ready[0], ready[1]["data"]["offset"] / MIB) if ready else (time.monotonic(), float("nan"))
        writer.stop.set()
        writer.join()
        before = [t for t in writer.times if start <= t <= ready_at]
        achieved = len(before) * write_kib / (ready_at - start) if write_kib_s > 0 else 0.0
        identical = False
        if status == "ready":
            src_qmp.execute("block-job-cancel", device="mirror0")
            deadline = time.monotonic() + 60
            while not src_qmp.event("BLOCK_JOB_COMPLETED") and not src_qmp.event("BLOCK_JOB_CANCELLED") and time.monotonic() < deadline:
                src_qmp.execute("query-block-jobs")
                time.sleep(0.05)
            for q in (src_qmp, dst_qmp):
                q.execute("quit")
            for p in processes:
                p.wait(30)
            identical = subprocess.run(["qemu-img", "compare", "-q", src_img, dst_img]).returncode == 0
        return {
            "point": point, "disk_mib": disk_mib, "base_mib": base_mib, "base_at_destination": str(base_at_destination).lower(),
            "sync": sync, "speed_mib_s": speed, "write_kib_s": write_kib_s, "write_kib": write_kib,
            "granularity_kib": GRANULARITY // 1024, "status": status,
            "initial_len_mib": round(initial, 3) if initial is not None else "",
            "ready_ms": round((ready_at - start) * 1000, 1), "copied_mib": round(copied, 3),
            "writes_before_ready": len(before), "achieved_write_kib_s": round(achieved, 1),
            "target_identical": str(identical).lower(), "qemu_version": version, "host_load": load,
            "recorded_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(folder, ignore_errors=True)


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[0] + "\nusage: drive-mirror.py OUT.csv [POINT ...]", file=sys.stderr)
        return 2
    out, wanted = sys.argv[1], sys.argv[2:] or list(POINTS)
    unknown = [p for p in wanted if p not in POINTS]
    if unknown:
        print(f"drive-mirror: unknown point(s) {', '.join(unknown)}; known: {', '.join(POINTS)}", file=sys.stderr)
        return 2
    version = run(["qemu-system-x86_64", "--version"]).split("\n")[0].split("version ")[1].split(" ")[0]
    rows = []
    for point in wanted:
        print(f"drive-mirror: {point}", file=sys.stderr, flush=True)
        row = measure(point, *POINTS[point], version)
        print(f"  {row['status']} in {row['ready_ms']} ms, {row['copied_mib']} MiB copied, target identical {row['target_identical']}, load {row['host_load']}", file=sys.stderr, flush=True)
        rows.append(row)
    tmp = out + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, out)
    return 0 if all(r["status"] == "ready" and r["target_identical"] == "true" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
