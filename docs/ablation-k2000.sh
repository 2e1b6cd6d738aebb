#!/usr/bin/env bash
# Issue 17.3's ablation at fleet scale: planted K = 2,000 written with decimals (13,977 VMs at seed 1), 300 s of
# wall clock per row, every phase that can run at that size, then one row per such phase switched off (the cases of
# `bench --family ablation --planted-hosts 2000`, each run alone by `bench-one` in a process of its own, one after
# the other). Wall clock, not --deterministic: the acceptance limit is 300 s of wall clock, and 300 s of counted work
# takes 20 minutes or more on a loaded machine. So the rows depend on the load, printed with each. About 17 minutes.
# docs/solver.md block: <!-- refresh ablation-k2000 slow: bash docs/ablation-k2000.sh -->
set -euo pipefail
cd "$(dirname "$0")/.."
if ! declare -F consolidator > /dev/null; then
  dotnet build src/Consolidator.Cli -c Release -v quiet -nologo >&2
  consolidator() { dotnet src/Consolidator.Cli/bin/Release/net10.0/Consolidator.Cli.dll "$@"; }
fi
seed=${SEED:-1}
echo "| phase switched off | active hosts | / K | energy / bound | peak MiB | wall s | load (start -> end) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
for phase in "" overload-search; do
  start=$(cut -d' ' -f1 /proc/loadavg)
  row=$(consolidator bench-one --family ablation --planted-hosts 2000 --seed "$seed" --case "ablation/K=2000${phase:+ -$phase}" | grep '^{')
  end=$(cut -d' ' -f1 /proc/loadavg)
  jq -r --arg phase "${phase:-none}" --arg load "$start -> $end" \
    '"| \($phase) | \(.active_hosts) | \(.active_hosts / .optimum * 1000 | round / 1000) | \(.energy_vs_lower_bound * 1000 | round / 1000) | \(.peak_memory_mib | round) | \(.seconds * 10 | round / 10) | \($load) |"' <<< "$row"
done
echo
echo "seed $seed, $(nproc) cores"
