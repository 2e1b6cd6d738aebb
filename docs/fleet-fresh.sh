#!/usr/bin/env bash
# Issue 17's fleet acceptance on a generated fleet of another seed than the bench's (`bench --family fleet` always
# plans `generate --seed 42`): `generate --vms N --seed S`, then the whole `plan` command with its defaults at the
# limit, under GNU time. Prints the row `bench --family fleet` prints, read from plan.json's summary the same way
# (FleetFamily.Row): wall clock from start to exit, active hosts over the host bound, energy over the energy bound,
# VMs kept over the most that could be kept for as many active hosts, peak resident memory, the solver's status, the
# `time:` line and the load average at the start and end (wall clock, so the row depends on the load). The fleet is
# generated before the clock starts, into a temporary folder removed at the end.
# Usage: bash docs/fleet-fresh.sh VMS LIMIT SEED
#   e.g. bash docs/fleet-fresh.sh 30000 300 101
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 3 ] || { echo "usage: bash docs/fleet-fresh.sh VMS LIMIT SEED" >&2; exit 2; }
vms=$1 limit=$2 seed=$3
. docs/consolidator.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
consolidator generate --vms "$vms" --seed "$seed" --out "$work/in" > /dev/null
start=$(cut -d' ' -f1 /proc/loadavg)
/usr/bin/time -f '%e %M' -o "$work/time" bash -c 'consolidator "$@"' _ plan "$work/in" --out "$work/plan" \
  --time-limit "$limit" > "$work/summary"
end=$(cut -d' ' -f1 /proc/loadavg)
read -r wall rss < "$work/time"
python3 - "$work/plan/plan.json" "$vms" "$limit" "$seed" "$wall" "$rss" "$start -> $end" <<'EOF'
import json, sys
plan, vms, limit, seed, wall, rss, load = sys.argv[1:]
s = json.load(open(plan))['summary']
keep = s['keepable_upper_bound']
print('| VMs | seed | limit s | wall s | active | LB | /LB | energy/LB | kept | kept/UB | peak MiB | status | load (start -> end) |')
print('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |')
print(f"| {vms} | {seed} | {limit} | {float(wall):.1f} | {s['active_hosts_after']} | {s['host_lower_bound']} | "
      f"{s['active_hosts_after'] / s['host_lower_bound']:.3f} | "
      f"{s['energy_kwh_per_day_after'] / s['energy_lower_bound_kwh_per_day']:.3f} | {s['kept_in_place']} | "
      f"{s['kept_in_place'] / keep if keep else float('nan'):.3f} | {int(rss) / 1024:.0f} | {s['solver']['status']} | {load} |")
EOF
grep '^time: ' "$work/summary" || true
grep '^note: not replayed' "$work/summary" || true
echo "$(nproc) cores"
