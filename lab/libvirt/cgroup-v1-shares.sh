#!/usr/bin/env bash
# The cgroup v1 side of `lab/libvirt/cgroup-v2.sh weights`, on this machine (cgroup v1's cpu controller, where libvirt
# writes cpu_shares to cpu.shares as it is: RealLibvirtTests reads it back): how the kernel divides one CPU between a
# group left at the default cpu.shares (a domain the plan does not name) and one set to each planned value in turn.
# No libvirt or QEMU here: two sibling cgroups under the cpu hierarchy's root, each running one busy loop, both pinned
# to CPU 0; each loop's time on the CPU (/proc/PID/schedstat) over SECONDS.
#
#   bash lab/libvirt/cgroup-v1-shares.sh [SECONDS] [SHARES...]     (default 20 s; 357 512 1024)
#
# Needs root and a cgroup v1 cpu hierarchy at /sys/fs/cgroup/cpu. Its two groups and two loops are removed at the end.
set -euo pipefail
seconds=${1:-20}; shift || true
[ $# -gt 0 ] || set -- 357 512 1024
cpu=/sys/fs/cgroup/cpu
[ -w "$cpu/cgroup.procs" ] && [ -e "$cpu/cpu.shares" ] || { echo "cgroup-v1-shares: needs root and cgroup v1's cpu controller at $cpu" >&2; exit 1; }
base=$cpu/consolidator-shares-$$
loops=()
cleanup() {
  for pid in ${loops[@]+"${loops[@]}"}; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  for g in planned unplanned; do [ -d "$base/$g" ] && rmdir "$base/$g"; done
  [ -d "$base" ] && rmdir "$base"
  return 0
}
trap cleanup EXIT
mkdir "$base" "$base/planned" "$base/unplanned"
for g in planned unplanned; do
  sh -c 'echo $$ > "$1/cgroup.procs"; exec taskset -c 0 sh -c "while :; do :; done"' sh "$base/$g" &
  loops+=("$!")
done
ran() { cut -d ' ' -f 1 "/proc/$1/schedstat"; }
echo "date $(date -u +%FT%TZ), load $(cut -d ' ' -f 1-3 /proc/loadavg); unplanned group's cpu.shares as made: $(cat "$base/unplanned/cpu.shares")"
echo "| planned cpu.shares | cpu.shares planned/unplanned | CPU s planned | CPU s unplanned | planned's part | shares' ratio |"
sleep 2
for shares in "$@"; do
  echo "$shares" > "$base/planned/cpu.shares"
  sleep 3
  p0=$(ran "${loops[0]}") u0=$(ran "${loops[1]}"); sleep "$seconds"; p1=$(ran "${loops[0]}") u1=$(ran "${loops[1]}")
  awk -v s="$(cat "$base/planned/cpu.shares")" -v su="$(cat "$base/unplanned/cpu.shares")" -v p=$((p1 - p0)) -v u=$((u1 - u0)) \
    'BEGIN { printf "| %d | %d/%d | %.2f | %.2f | %.3f | %.3f |\n", s, s, su, p / 1e9, u / 1e9, p / (p + u), s / (s + su) }'
done
echo "end $(date -u +%FT%TZ), load $(cut -d ' ' -f 1-3 /proc/loadavg)"
