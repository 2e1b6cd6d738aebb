#!/usr/bin/env bash
# The "Small instances" table of docs/solver.md: the planted K = 20 instance of the planner's test
# (PlantedInstancePlanningTests: `generate --planted-hosts 20 --seed 7`, every hour's demand filling 20 hosts exactly)
# and the bundled dataset as the quick start plans it, each planned with --deterministic (counted work, so the
# table is the same bytes on any machine under any load), against the two first-fit-decreasing baselines `plan`
# computes in the same run (plan.json's summary.baselines).
# Usage: bash docs/small-instances.sh   (from the repository root; about a minute of CPU)
# docs/solver.md block: <!-- refresh small-instances: bash docs/small-instances.sh -->
set -euo pipefail
cd "$(dirname "$0")/.."
. docs/consolidator.sh
planted=(plan out/planted-k20-seed7 --out out/planted-k20-seed7-plan --percentile 100 --headroom 0 --migration-weight 0
  --windows hourly --cpu-allocation-ratio 0 --ram-allocation-ratio 0 --time-limit 20 --deterministic --no-simulate --no-plots)
quick=(plan datasets/default --out out/default --deterministic)
consolidator generate --out out/planted-k20-seed7 --planted-hosts 20 --seed 7 > /dev/null
consolidator "${planted[@]}" > out/planted-k20-seed7-plan.txt
consolidator "${quick[@]}" > out/default-plan.txt
python3 - "${planted[*]}" "${quick[*]}" <<'PY'
import json, re, sys
def read(folder, summary):
    s = json.load(open(f"{folder}/plan.json"))["summary"]
    counted = re.search(r"\(([0-9.]+) s of counted work\)", open(summary).read())
    return s, (counted.group(1) + " s of counted work") if counted else "no solver run"
def ratio(a, b): return f"{a / b:.2f} x"
p, pc = read("out/planted-k20-seed7-plan", "out/planted-k20-seed7-plan.txt")
d, dc = read("out/default", "out/default-plan.txt")
# the energies as the quick start prints them (plan.json keeps three decimals)
before, after, bound = re.search(r"^energy: ([0-9.]+) -> ([0-9.]+) kWh/day .*lower bound ([0-9.]+) kWh/day", open("out/default-plan.txt").read(), re.M).groups()
k = 20
b, db = p["baselines"], d["baselines"]
print("| instance | optimum / lower bound | Consolidator | temporal FFD | peak-sized FFD |")
print("| --- | --- | --- | --- | --- |")
print(f"| planted, K = {k} hosts, {p['vms']} VMs (`generate --planted-hosts {k} --seed 7`, `{sys.argv[1]}`) "
      f"| {k} hosts (planted), lower bound {p['host_lower_bound']} "
      f"| **{p['active_hosts_after']} hosts** ({ratio(p['active_hosts_after'], k)}), {p['solver']['status']}, {pc} "
      f"| {b['temporal_ffd_hosts']} ({ratio(b['temporal_ffd_hosts'], k)}) | {b['peak_sized_ffd_hosts']} ({ratio(b['peak_sized_ffd_hosts'], k)}) |")
print(f"| `datasets/default`, {d['vms']} VMs, {d['hosts']} hosts (the quick start: `{sys.argv[2]}`) "
      f"| lower bound {d['host_lower_bound']} hosts, {bound} kWh/day "
      f"| **{d['active_hosts_after']} hosts, {after} kWh/day** "
      f"({d['energy_kwh_per_day_after'] / d['energy_lower_bound_kwh_per_day']:.3f} x the energy bound), "
      f"from {d['active_hosts_before']} hosts and {before} kWh/day, {d['solver']['status']}, {dc} "
      f"| {db['temporal_ffd_hosts']} hosts | {db['peak_sized_ffd_hosts']} hosts |")
PY
