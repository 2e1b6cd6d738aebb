#!/usr/bin/env bash
# libvirt on a cgroup v2 machine: a TCG guest booted from this machine's Debian kernel with the unified hierarchy alone
# (cgroup_no_v1=all), whose root is this machine's own /usr and /etc (read-only 9p shares; /etc and this checkout under
# a tmpfs overlay) and ~/.nuget. This machine (a container) has the cgroup v1 cpu controller and no cpu in its v2
# hierarchy, so libvirt here writes v1 files only; a Debian 12 host with systemd has cgroup v2 alone, which is where
# users apply the scripts. (TCG: a nested KVM guest of this kernel hangs before its first console line here.)
#
#   bash lab/libvirt/cgroup-v2.sh probe     a private libvirtd (configured as the tests') and one domain: the
#                                           allocation script's schedinfo calls, what libvirt reports and what the
#                                           domain's cgroup files hold after each; cpu_shares 10000, 10001, 10240, 262144
#   bash lab/libvirt/cgroup-v2.sh weights [SECONDS]
#                                           the share a planned VM gets against one the plan does not name: two 1-vCPU
#                                           domains, both busy and pinned to one CPU, one started with no <shares> (what
#                                           the kernel gives it), the other set by schedinfo to cpu_shares 100, 357, 1024
#                                           and 10000 in turn; each domain's cpu.stat usage over SECONDS (default 30)
#   dotnet build tests/Consolidator.Tests -c Debug && bash lab/libvirt/cgroup-v2.sh tests [FILTER]
#                                           the built tests inside the guest (FILTER: FullyQualifiedName~RealLibvirtTests)
#
# Needs root, qemu-system-x86, busybox-static, cpio and /boot/vmlinuz-* with its modules (what .ci/run installs). Nothing
# is written outside a temp folder; the guest has no NIC (loopback only). Its console is printed, and its exit code
# returned.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
mode=${1:-probe}
filter=${2:-FullyQualifiedName~RealLibvirtTests}
case $mode in probe|weights) memory=2048 ;; tests) memory=6144 ;; *) echo "cgroup-v2: probe, weights or tests" >&2; exit 2 ;; esac
[ "$mode" != weights ] || { filter=${2:-30}; [[ $filter =~ ^[1-9][0-9]{0,3}$ ]] || { echo "cgroup-v2: weights SECONDS (1-9999)" >&2; exit 2; }; }
[ "$(id -u)" = 0 ] || { echo "cgroup-v2: needs root" >&2; exit 1; }
[ "$mode" != tests ] || [ -f tests/Consolidator.Tests/bin/Debug/net10.0/Consolidator.Tests.dll ] \
  || { echo "cgroup-v2: build first: dotnet build tests/Consolidator.Tests -c Debug" >&2; exit 1; }
kernel=$(ls /boot/vmlinuz-* | sort | tail -n 1)
version=${kernel#/boot/vmlinuz-}
modules=/lib/modules/$version
dotnet=$(dirname "$(readlink -f "$(command -v dotnet)")")
work=$(mktemp -d /tmp/cgroup-v2.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The initramfs: static busybox, the modules for virtio 9p and overlayfs (in modprobe's dependency order), an init.
mkdir -p "$work/initramfs/bin" "$work/initramfs/modules"
cp /bin/busybox "$work/initramfs/bin/busybox"
n=10
for f in $(for m in virtio_pci 9pnet_virtio 9p overlay; do modprobe -S "$version" --show-depends "$m"; done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }'); do
  cp "$f" "$work/initramfs/modules/$n-$(basename "$f")"; n=$((n + 1))
done
cat > "$work/initramfs/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev; mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in /modules/*.ko; do insmod $m; done
arg() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" /proc/cmdline; }
repo=$(arg repo) nuget=$(arg nuget) dotnet=$(arg dotnet)
r=/newroot
mkdir -p $r; mount -t tmpfs -o mode=755 tmpfs $r
# A share read-only, or under a tmpfs overlay where the tests may write.
share() { mkdir -p $r$2; mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=524288,cache=loose $1 $r$2; }
overlay() {
  mkdir -p /lower/$1 /upper/$1 $r$2; mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=524288,cache=loose $1 /lower/$1
  mkdir -p /upper/$1; mount -t tmpfs tmpfs /upper/$1; mkdir /upper/$1/u /upper/$1/w
  mount -t overlay overlay -o lowerdir=/lower/$1,upperdir=/upper/$1/u,workdir=/upper/$1/w $r$2
}
share usr /usr; overlay etc /etc; share boot /boot
overlay repo $repo; share nuget $nuget
for l in bin lib lib64 sbin; do ln -s usr/$l $r/$l; done
mkdir -p $r/proc $r/sys $r/dev $r/tmp $r/run $r/root $r/var/tmp $r/var/lib/libvirt $r/var/cache/libvirt $r/var/log/libvirt; ln -s /run $r/var/run
chmod 1777 $r/tmp $r/var/tmp; chmod 700 $r/root
mount -t proc proc $r/proc; mount -t sysfs sys $r/sys; mount -t devtmpfs dev $r/dev
mkdir -p $r/dev/pts $r/dev/shm; mount -t devpts devpts $r/dev/pts; mount -t tmpfs tmpfs $r/dev/shm
# cgroup v2 alone, its controllers enabled for children (the root cgroup may hold processes and children both).
mount -t cgroup2 cgroup2 $r/sys/fs/cgroup
for c in $(cat $r/sys/fs/cgroup/cgroup.controllers); do echo "+$c" > $r/sys/fs/cgroup/cgroup.subtree_control; done
ip link set lo up
echo "guest: cgroup2 controllers: $(cat $r/sys/fs/cgroup/cgroup.controllers); subtree: $(cat $r/sys/fs/cgroup/cgroup.subtree_control)"
echo "guest: v1 hierarchies: $(grep -c ' cgroup ' /proc/mounts || true)"
cp /probe.sh $r/tmp/probe.sh; cp /weights.sh $r/tmp/weights.sh; cp /filter $r/tmp/filter
if [ "$(arg mode)" = tests ]; then
  chroot $r /usr/bin/env -i PATH=$dotnet:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
    sh -c 'cd "$1" && dotnet test tests/Consolidator.Tests -c Debug --no-build --filter "$2" --logger "console;verbosity=normal"' \
    sh "$repo" "$(cat /filter)"
else
  chroot $r /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root sh /tmp/$(arg mode).sh
fi
echo "guest: exit $?"
sync; poweroff -f
EOF
chmod 755 "$work/initramfs/init"
printf '%s\n' "$filter" > "$work/initramfs/filter"
# The probe: a private libvirtd configured as the tests' (Libvirtd.cs: QEMU as root, no security driver, no
# namespaces, no machined: its cgroups are libvirt's own), one disk-less TCG domain of 2 vCPUs, and the schedinfo
# calls the allocation script makes (cap: a batch VM's quota per vCPU thread and its shares; share: no quota, the
# shares), each followed by what libvirt reports and what the kernel holds in the domain's cgroup files.
cat > "$work/initramfs/probe.sh" <<'PROBE'
set -u
d=/tmp/lv; mkdir -p $d/root/bin /run/libvirt
printf 'unix_sock_rw_perms = "0700"\nauth_unix_rw = "none"\nauth_unix_ro = "none"\nlog_outputs = "3:file:%s/libvirtd.log"\n' $d > $d/libvirtd.conf
printf 'user = "root"\ngroup = "root"\ndynamic_ownership = 0\nremember_owner = 0\nsecurity_driver = "none"\nnamespaces = [ ]\nstdio_handler = "file"\n' > /etc/libvirt/qemu.conf
libvirtd --config $d/libvirtd.conf --pid-file $d/libvirtd.pid > $d/libvirtd.out 2>&1 &
for i in $(seq 600); do [ -S /run/libvirt/libvirt-sock ] && break; kill -0 $! 2>/dev/null || break; sleep 1; done
[ -S /run/libvirt/libvirt-sock ] || { echo "libvirtd did not start:"; cat $d/libvirtd.out; tail -n 20 $d/libvirtd.log; exit 1; }
v() { echo "+ virsh $*"; virsh -c qemu:///system "$@"; echo "  (exit $?)"; }
v version | grep -i running
cp /bin/busybox $d/root/bin/busybox; ln -s busybox $d/root/bin/sh
printf '#!/bin/sh\nexec /bin/busybox sleep 2147483647\n' > $d/root/init; chmod 755 $d/root/init
(cd $d/root && find . | cpio -o -H newc --quiet) > $d/initramfs.cpio
cat > $d/dom.xml <<XML
<domain type='qemu'><name>probe</name><memory unit='MiB'>128</memory><vcpu>2</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type><kernel>$(ls /boot/vmlinuz-* | tail -n 1)</kernel><initrd>$d/initramfs.cpio</initrd><cmdline>console=ttyS0 quiet</cmdline></os>
<devices><emulator>/usr/bin/qemu-system-x86_64</emulator><serial type='null'/><memballoon model='none'/></devices></domain>
XML
v define $d/dom.xml; v start probe
pid=$(cat /run/libvirt/qemu/probe.pid)
echo "QEMU $pid: $(cat /proc/$pid/cgroup)"
kernel() { find /sys/fs/cgroup/machine* \( -name cpu.max -o -name cpu.weight \) 2>/dev/null | sort | while read -r f; do echo "  $f: $(cat $f)"; done; }
echo "== before"; kernel
echo "== cap probe 733 1434 (2 vCPUs: quota 36650)"
v schedinfo probe --live --set vcpu_period=100000 --set vcpu_quota=36650 --set cpu_shares=1434; v schedinfo probe --live; kernel
echo "== share probe 4096"
v schedinfo probe --live --set vcpu_quota=-1 --set cpu_shares=4096; v schedinfo probe --live; kernel
for shares in 10000 10001 10240 262144; do echo "== cpu_shares=$shares"; v schedinfo probe --live --set cpu_shares=$shares; done
v schedinfo probe --live; kernel
v destroy probe
kill $(cat $d/libvirtd.pid)
grep -iE "error" $d/libvirtd.log | tail -n 5
PROBE
# The weights probe: the probe's daemon, two disk-less 1-vCPU domains whose init spins (busybox sh, `while :`), both
# pinned to CPU 0 (vCPU and emulator) so that the kernel must divide that CPU by the domains' weights. "unplanned" is
# started with no <cputune><shares> (a domain the plan does not name keeps what libvirt and the kernel give it);
# "planned" is set by the allocation script's schedinfo call to each cpu_shares in turn. After 5 s to settle, each
# domain's cpu.stat usage_usec over the window: the planned domain's part against the weights' ratio.
sed -n '1,/^v() /p' "$work/initramfs/probe.sh" > "$work/initramfs/weights.sh"
cat >> "$work/initramfs/weights.sh" <<'WEIGHTS'
v version | grep -i running
seconds=$(cat /tmp/filter)
cp /bin/busybox $d/root/bin/busybox; ln -s busybox $d/root/bin/sh
printf '#!/bin/sh\nwhile :; do :; done\n' > $d/root/init; chmod 755 $d/root/init
(cd $d/root && find . | cpio -o -H newc --quiet) > $d/initramfs.cpio
for name in planned unplanned; do
  cat > $d/$name.xml <<XML
<domain type='qemu'><name>$name</name><memory unit='MiB'>128</memory><vcpu placement='static' cpuset='0'>1</vcpu>
<cputune><emulatorpin cpuset='0'/></cputune>
<os><type arch='x86_64' machine='pc'>hvm</type><kernel>$(ls /boot/vmlinuz-* | tail -n 1)</kernel><initrd>$d/initramfs.cpio</initrd><cmdline>console=ttyS0 quiet</cmdline></os>
<devices><emulator>/usr/bin/qemu-system-x86_64</emulator><serial type='null'/><memballoon model='none'/></devices></domain>
XML
  v define $d/$name.xml > /dev/null; v start $name
done
# The domain's cgroup: the one whose cgroup.procs lists QEMU's pid (its emulator/ and vcpuN/ children are threaded, where
# cgroup.procs cannot be read; the domain's own lists every process of its subtree).
cg() { dirname "$(grep -lx "$(cat /run/libvirt/qemu/$1.pid)" $(find /sys/fs/cgroup/machine* -name cgroup.procs) 2>/dev/null | head -n 1)"; }
usage() { sed -n 's/^usage_usec //p' "$(cg $1)/cpu.stat"; }
echo "domain cgroups: planned $(cg planned), unplanned $(cg unplanned)"
echo "weights as started (no <shares>): planned $(cat $(cg planned)/cpu.weight), unplanned $(cat $(cg unplanned)/cpu.weight); schedinfo unplanned: $(virsh schedinfo unplanned --live | sed -n 's/^cpu_shares *: *//p')"
sleep 20
echo "| planned cpu_shares | kernel cpu.weight planned/unplanned | CPU s planned | CPU s unplanned | planned's part | weights' ratio |"
for shares in 100 357 1024 10000; do
  virsh -c qemu:///system schedinfo planned --live --set cpu_shares=$shares > /dev/null || echo "schedinfo $shares failed"
  sleep 5
  p0=$(usage planned) u0=$(usage unplanned); sleep $seconds; p1=$(usage planned) u1=$(usage unplanned)
  wp=$(cat $(cg planned)/cpu.weight) wu=$(cat $(cg unplanned)/cpu.weight)
  awk -v s=$shares -v wp=$wp -v wu=$wu -v p=$((p1 - p0)) -v u=$((u1 - u0)) 'BEGIN { printf "| %d | %d/%d | %.2f | %.2f | %.3f | %.3f |\n", s, wp, wu, p / 1e6, u / 1e6, p / (p + u), wp / (wp + wu) }'
done
v destroy planned > /dev/null; v destroy unplanned > /dev/null
kill $(cat $d/libvirtd.pid)
WEIGHTS
(cd "$work/initramfs" && find . | cpio -o -H newc --quiet) > "$work/initramfs.cpio"

fs() { printf -- '-virtfs local,path=%s,mount_tag=%s,security_model=none,readonly=on,multidevs=remap' "$1" "$2"; }
start=$(date +%s)
set +e
qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m "$memory" -nographic -no-reboot -nic none \
  -kernel "$kernel" -initrd "$work/initramfs.cpio" \
  -append "console=ttyS0 quiet panic=-1 cgroup_no_v1=all mode=$mode repo=$repo nuget=/root/.nuget dotnet=$dotnet" \
  $(fs /usr usr) $(fs /etc etc) $(fs /boot boot) $(fs "$repo" repo) $(fs /root/.nuget nuget) | tee "$work/console.log"
set -e
echo "cgroup-v2: guest ran $(( $(date +%s) - start )) s"
rc=$(sed -n 's/^guest: exit \([0-9]*\).*/\1/p' "$work/console.log" | tail -n 1)
[ -n "$rc" ] || { echo "cgroup-v2: the guest did not finish the test run" >&2; exit 1; }
exit "$rc"
