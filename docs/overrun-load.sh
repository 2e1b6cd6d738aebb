#!/usr/bin/env bash
# The wall-clock limit when the machine gets busy mid-solve: docs/solver.md's rows that once ended past their limit
# (planted-other flat-mem K = 20 seed 2 at 30 s, hourly-mem K = 200 seed 3 at 60 s) and a Bitbrains month (500 VMs)
# at 30 s (and `fleet`, docs/saturated-plan.sh's 30,000 VMs at 60 s), each run with LOOPS busy loops started DELAY
# seconds into it and stopped at its end. Prints per run the command's wall clock (GNU time), the plan's own time line
# total, the hosts, the solver's status, whether a running CP-SAT solve was stopped before its own limit (the
# watchdog), and the load average at its start and end (the loops' own load shows only slowly in it: read the wall
# clock against the limit). The plan's time line gives the solve's
# seconds, the seconds of the phases after it (staging, validation, replay, output) and the pace the reserves for them
# were scaled by at the end (the reserves read it during the solve).
# Each loop runs in a session of its own (setsid), as another user's or service's job does: Linux's group scheduling
# (autogroup, one group per session) gives every busy session its share of the processors. OVERRUN_LOOPS=command puts
# the loops in the command's own session instead, as this script did until 2026-12-07: there they share the command's
# group, and work the command spreads over several threads takes shares from the loops, so it runs at up to half the
# slowdown of the single thread the pace reads (docs/pace-probe.sh), a load no neighbour puts on a real machine.
# Usage: bash docs/overrun-load.sh ROW RUNS [LOOPS [DELAY]]   ROW: k20 | k200 | month | vms3000 | fleet
#   e.g. bash docs/overrun-load.sh k20 3 6 4   (OVERRUN_KEEP=DIR keeps each run's summary there; OVERRUN_LIMIT=S sets
#   another --time-limit: the fleet's never-cut phases alone took 67-74 s of 60 under six loops at load 15-20)
# OVERRUN_QUOTA=CORES runs the command (not the loops) in a cpu cgroup of its own with a CFS bandwidth quota of CORES
# processors (cgroup v1's cpu.cfs_quota_us over a 100 ms cpu.cfs_period_us, as `docker run --cpus=CORES` sets it;
# needs root and the v1 cpu controller at /sys/fs/cgroup/cpu), removed after each run; the row then says the periods,
# the periods throttled and the seconds throttled (the cgroup's cpu.stat) and the processor seconds used
# (cpuacct.usage where that controller is mounted: the cgroup's, the command's alone without loops in it). LOOPS may be 0. OVERRUN_LOOPS=cgroup starts the
# loops in that cgroup (each in a session of its own), as a container's other processes share its quota.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo 'usage: bash docs/overrun-load.sh k20|k200|month|vms3000|fleet RUNS [LOOPS [DELAY]]' >&2; exit 2; }
row=$1 runs=$2 loops=${3:-6} delay=${4:-4}
shared=${CONSOLIDATOR_SHARED:-../shared}
. docs/consolidator.sh
work=$(mktemp -d)
busy=
trap '[ -z "$busy" ] || stop_loops "$busy"; rm -rf "$work"' EXIT
planted="--percentile 100 --headroom 0 --migration-weight 0 --cpu-allocation-ratio 0 --ram-allocation-ratio 0 --no-simulate --no-plots"
case $row in
  k20) limit=30
    python3 docs/planted-other.py --hosts 20 --seed 2 --shape flat-mem --decimals 1 --host 64x512 --samples-per-hour 12 --days 2 --out "$work/in" 2> /dev/null
    args="$planted --windows 1" ;;
  k200) limit=60
    python3 docs/planted-other.py --hosts 200 --seed 3 --shape hourly-mem --decimals 1 --host 64x512 --out "$work/in" 2> /dev/null
    args="$planted --windows hourly" ;;
  month) limit=30
    consolidator import --format bitbrains "$shared/datasets/bitbrains-rnd-month/2013-7" --out "$work/in" > /dev/null
    args="" ;;
  vms3000) limit=30
    # A generated fleet of 3,000 VMs (a week of 15-minute samples): the replay's size between the month and the fleet.
    consolidator generate --vms 3000 --seed 42 --out "$work/in" > /dev/null
    args="" ;;
  fleet) limit=60
    # docs/saturated-plan.sh's fleet (30,000 VMs, 830 MB of usage): validation and the output run on several threads.
    consolidator generate --vms 30000 --seed 42 --out "$work/in" > /dev/null
    args="" ;;
  *) echo "unknown row $row (k20, k200, month, vms3000 or fleet)" >&2; exit 2 ;;
esac
limit=${OVERRUN_LIMIT:-$limit}
# Job control: the loops run in a process group of their own, stopped by its id; in their own sessions, each loop is
# its own session's leader (its process group's too), its id written to a file and stopped by it.
set -m
case ${OVERRUN_LOOPS:-session} in session|command) ;; cgroup) [ -n "${OVERRUN_QUOTA:-}" ] || { echo "OVERRUN_LOOPS=cgroup needs OVERRUN_QUOTA" >&2; exit 2; } ;; *) echo "OVERRUN_LOOPS is session, command or cgroup" >&2; exit 2 ;; esac
busy_loops() {
  if [ "${OVERRUN_LOOPS:-session}" = command ]; then
    for _ in $(seq "$loops"); do ( while :; do :; done ) & done
  elif [ "${OVERRUN_LOOPS:-session}" = cgroup ]; then
    # The container's other processes: each in a session of its own, in the command's quota cgroup (cpu and cpuacct).
    for _ in $(seq "$loops"); do setsid bash -c 'echo $$ > "$1/cgroup.procs"; [ ! -d "$2" ] || echo $$ > "$2/cgroup.procs"; echo $$ >> "$0"; while [ $SECONDS -lt 900 ]; do :; done' "$work/loops" "$cgroup" "$acct" & done
  else
    # Each ends on its own after 15 minutes, should this script be killed before it stops them.
    for _ in $(seq "$loops"); do setsid bash -c 'echo $$ >> "$0"; while [ $SECONDS -lt 900 ]; do :; done' "$work/loops" & done
  fi
  wait
}
stop_loops() {
  kill -- -"$1" 2> /dev/null || true
  wait "$1" 2> /dev/null || true
  # A loop started as its starter was stopped writes its id a moment later.
  sleep 0.2
  if [ -f "$work/loops" ]; then
    while read -r pid; do kill -- -"$pid" 2> /dev/null || true; done < "$work/loops"
    rm -f "$work/loops"
  fi
}
quota=${OVERRUN_QUOTA:-}
cgroup=
if [ -n "$quota" ]; then
  [ -d /sys/fs/cgroup/cpu ] && [ -w /sys/fs/cgroup/cpu ] || { echo "OVERRUN_QUOTA needs root and the cgroup v1 cpu controller at /sys/fs/cgroup/cpu" >&2; exit 2; }
  cgroup=/sys/fs/cgroup/cpu/overrun-load-$$
  acct=/sys/fs/cgroup/cpuacct/overrun-load-$$
  trap '[ -z "$busy" ] || stop_loops "$busy"; rmdir "$cgroup" "$acct" 2> /dev/null; rm -rf "$work"' EXIT
fi
echo "| row | run | limit s | wall s (GNU time) | plan's time line | solve s | after the solve s | pace at the end | hosts | solver | solve stopped by the watchdog | load (start -> end) |${quota:+ quota cores | periods | throttled | throttled s | processor s |}"
echo "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- | --- |${quota:+ ---: | ---: | ---: | ---: | ---: |}"
for run in $(seq "$runs"); do
  ( sleep "$delay"; busy_loops ) &
  busy=$!
  start=$(cut -d' ' -f1 /proc/loadavg)
  join=
  if [ -n "$quota" ]; then
    mkdir "$cgroup"
    echo 100000 > "$cgroup/cpu.cfs_period_us"
    awk -v c="$quota" 'BEGIN { printf "%d\n", c * 100000 }' > "$cgroup/cpu.cfs_quota_us"
    join="echo \$\$ > $cgroup/cgroup.procs"
    if [ -d /sys/fs/cgroup/cpuacct ] && mkdir "$acct" 2> /dev/null; then join="$join; echo \$\$ > $acct/cgroup.procs"; fi
  fi
  # shellcheck disable=SC2086
  /usr/bin/time -f '%e' -o "$work/time" bash -c "${join:+$join; }"'consolidator "$@"' _ plan "$work/in" --out "$work/plan" \
    --time-limit "$limit" $args > "$work/summary" || true
  throttle=
  if [ -n "$quota" ]; then
    used=$([ -f "$acct/cpuacct.usage" ] && awk '{ printf "%.1f", $1 / 1e9 }' "$acct/cpuacct.usage" || echo n/a)
    throttle=$(awk -v q="$quota" -v u="$used" '{ v[$1] = $2 } END { printf " %s | %d | %d | %.1f | %s |", q, v["nr_periods"], v["nr_throttled"], v["throttled_time"] / 1e9, u }' "$cgroup/cpu.stat")
  fi
  end=$(cut -d' ' -f1 /proc/loadavg)
  stop_loops "$busy"; busy=
  # A cgroup is removed once its last task has gone: loops just killed may take a moment.
  if [ -n "$quota" ]; then
    for _ in $(seq 50); do rmdir "$cgroup" 2> /dev/null && break; sleep 0.1; done
    [ ! -d "$acct" ] || rmdir "$acct"
  fi
  wall=$(tail -1 "$work/time")
  line=$(awk '/^time: / { print $2, $3, $4, $5, $6; exit }' "$work/summary")
  # The phases from "solve" on, in the time line's "phase N s" list; the pace after "; pace".
  solve=$(grep -m1 '^time: ' "$work/summary" | grep -o 'solve [0-9.]* s' | head -1 | awk '{ print $2 }')
  after=$(grep -m1 '^time: ' "$work/summary" | sed 's/.*solve [0-9.]* s, //; s/); pace.*//' | grep -o '[0-9.]* s' | awk '{ t += $1 } END { printf "%.1f", t }')
  pace=$(grep -m1 '^time: ' "$work/summary" | grep -o 'pace [0-9.]*' | awk '{ print $2 }')
  hosts=$(awk '/^active hosts:/ { print $5; exit }' "$work/summary")
  status=$(awk '/^solver:/ { print $2, $3; exit }' "$work/summary")
  stopped=$(grep -c "stopped before its own limit" "$work/summary" || true)
  echo "| $row | $run | $limit | $wall | $line | $solve | $after | $pace | $hosts | $status | $([ "$stopped" -gt 0 ] && echo yes || echo no) | $start -> $end |$throttle"
  [ -z "${OVERRUN_KEEP:-}" ] || cp "$work/summary" "$OVERRUN_KEEP/$row-$run-$(date -u +%H%M%S).txt"
  rm -rf "$work/plan"
  sleep 5
done
