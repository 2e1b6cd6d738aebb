#!/usr/bin/env bash
# Where a lab guest's data sits in its physical memory, in the order QEMU's pre-copy pass walks it (address order):
# boots the lab's guest (lab/qemu/build-guest.sh; run from the repository root) with MEMORY_MIB of RAM and the
# dirtier at RATE MiB/s over WSS MiB, waits SETTLE seconds after its first console line, saves its RAM with QMP
# pmemsave and prints the MiB of non-zero 4 KiB pages in every STEP MiB of address space.
# Usage: bash lab/qemu/guest-layout.sh MEMORY_MIB [RATE] [WSS] [STEP] [SETTLE]
set -euo pipefail
mem=${1:?memory in MiB}; rate=${2:-0}; wss=${3:-4}; step=${4:-8}; settle=${5:-8}
guest=out/lab/qemu
[ -f "$guest/vmlinuz" ] || { echo "guest-layout: no guest in $guest (bash lab/qemu/build-guest.sh)" >&2; exit 2; }
work=$(mktemp -d)
trap 'kill "$qemu" 2>/dev/null || true; rm -rf "$work"' EXIT
qemu-system-x86_64 -machine pc,accel=tcg -cpu qemu64 -smp 1 -m $((mem * 1024 - 8))K -nodefaults -no-user-config \
  -display none -vga none -no-reboot -kernel "$guest/vmlinuz" -initrd "$guest/initramfs.gz" \
  -append "console=ttyS0 quiet panic=-1 no_timer_check lab.rate=$rate lab.wss=$wss" \
  -serial "file:$work/serial" -qmp "unix:$work/qmp,server=on,wait=off" &
qemu=$!
for _ in $(seq 1 300); do sleep 1; [ -s "$work/serial" ] && break; done
[ -s "$work/serial" ] || { echo "guest-layout: the guest printed nothing in 300 s" >&2; exit 1; }
sleep "$settle"
python3 - "$work" "$mem" "$step" <<'PY'
import json, socket, sys
work, mem, step = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_UNIX); s.connect(work + "/qmp"); f = s.makefile("rw")
def cmd(name, args=None):
    f.write(json.dumps({"execute": name, **({"arguments": args} if args else {})}) + "\n"); f.flush()
    while True:
        r = json.loads(f.readline())
        if "return" in r or "error" in r: return r
f.readline()
cmd("qmp_capabilities")
r = cmd("pmemsave", {"val": 0, "size": mem * 1048576 - 8192, "filename": work + "/ram"})
if "error" in r: sys.exit("guest-layout: " + r["error"]["desc"])
cmd("quit")
data = open(work + "/ram", "rb").read()
zero, page = bytes(4096), 4096
pages = [data[i:i + page] != zero for i in range(0, len(data) - page + 1, page)]
per = step * 256
print(f"guest of {mem} MiB: {sum(pages) / 256:.1f} MiB in non-zero pages")
print("MiB from-to  data MiB")
for a in range(0, len(pages), per):
    print(f"{a // 256:5d}-{min(len(pages), a + per) // 256:<5d}  {sum(pages[a:a + per]) / 256:6.1f}")
PY
wait "$qemu" 2>/dev/null || true
