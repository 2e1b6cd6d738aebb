#!/usr/bin/env bash
# Host-level CPU allocation of small/plan.json for libvirt (virsh): 4 cap(s) over 2 window(s) (day-night, UTC).
# NOT CHECKED against a dataset: exported with --unchecked, so the validator did not check these caps against the plan's hosts (an allocation.csv edited by hand may hand out more CPU than a host has); export without --unchecked to check them.
# Written by `consolidator export --to libvirt-allocation`. DRY RUN by default: it prints every command and
# runs none. Review it, then run it with APPLY=1. `bash schedule.sh` applies the window the current UTC time
# falls in; `bash schedule.sh N` applies window N. Run it at each window start, e.g. from cron.
set -euo pipefail
APPLY=${APPLY:-0}
PERIOD=100000

# cap HOST VM CAP_MILLICORES SHARES: a batch VM held to its cap, vcpu_quota per vCPU thread = cap / live
# vCPU count of the period.
cap() {
  local uri="qemu+ssh://$1/system" vm=$2 millicores=$3 shares=$4 vcpus quota
  if [ "$APPLY" != 1 ]; then
    echo "+ virsh -c $uri schedinfo $(printf %q "$vm") --live --set vcpu_period=$PERIOD --set vcpu_quota=<$millicores millicores / live vCPUs> --set cpu_shares=$shares"
    return
  fi
  vcpus=$(virsh -c "$uri" vcpucount "$vm" --live --current)
  if [ "$millicores" -ge $(( vcpus * 1000 )) ]; then quota=-1
  else quota=$(( millicores * PERIOD / (1000 * vcpus) )); [ "$quota" -ge 1000 ] || quota=1000
  fi
  echo "+ virsh -c $uri schedinfo $(printf %q "$vm") --live --set vcpu_period=$PERIOD --set vcpu_quota=$quota --set cpu_shares=$shares"
  virsh -c "$uri" schedinfo "$vm" --live --set "vcpu_period=$PERIOD" --set "vcpu_quota=$quota" --set "cpu_shares=$shares"
}

# share HOST VM SHARES: an interactive VM, no quota (it may use idle cores), its weight only.
share() {
  local uri="qemu+ssh://$1/system" vm=$2 shares=$3
  echo "+ virsh -c $uri schedinfo $(printf %q "$vm") --live --set vcpu_quota=-1 --set cpu_shares=$shares"
  if [ "$APPLY" = 1 ]; then virsh -c "$uri" schedinfo "$vm" --live --set "vcpu_quota=-1" --set "cpu_shares=$shares"; fi
}

# The window (0-based) of ISO weekday $1 (1 = Monday) and minute of the day $2, UTC.
window_at() {
  local day=$(( $1 - 1 )) minute=$2
  if (( (127 >> day) & 1 )) && (( minute >= 420 && minute < 1140 )); then echo 0; return; fi  # day
  if (( (127 >> day) & 1 )) && (( minute >= 1140 || minute < 420 )); then echo 1; return; fi  # night
  echo "error: no window covers day $1 minute $2" >&2; return 1
}

if [ $# -ge 1 ]; then WINDOW=$1
else WINDOW=$(window_at "$(date -u +%u)" $(( 10#$(date -u +%H) * 60 + 10#$(date -u +%M) )))
fi
case "$WINDOW" in
  0)  # day
    cap 'h1' 'batch-1' 500 357  # allocation.csv's 512 scaled: cgroup v2's cpu.weight takes at most 10000
    share 'h1' 'web-1' 10000  # allotted 3500 millicores, allocation.csv's 14336 scaled: cgroup v2's cpu.weight takes at most 10000
    ;;
  1)  # night
    cap 'h1' 'batch-1' 3000 3072
    share 'h1' 'web-1' 4096  # allotted 1000 millicores
    ;;
  *) echo "error: no window $WINDOW in this schedule (0 to 1)" >&2; exit 2 ;;
esac
echo "applied window $WINDOW"
