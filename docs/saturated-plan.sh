#!/usr/bin/env bash
# The time limit on a saturated machine (issue 12): `plan --time-limit 60` on `generate --vms 30000 --seed 42`, RUNS
# times in a row, with two `yes` processes started here on top of whatever else the machine runs. Prints, per run,
# the load average before and after, the wall clock of the whole command (GNU time), the plan's `time:` line and the
# notes that say what was left out. Slow (about a minute a run, plus generating 830 MB once).
# Usage: docs/saturated-plan.sh [DATASET_DIR] [RUNS]   (from the repository root; default out/fleet-30000, 3)
set -euo pipefail
data=${1:-out/fleet-30000} runs=${2:-3}
dll=$(pwd)/src/Consolidator.Cli/bin/Release/net10.0/Consolidator.Cli.dll
dotnet build src/Consolidator.Cli -c Release -v quiet -nologo >&2
[ -f "$data/usage.csv" ] || dotnet "$dll" generate --out "$data" --vms 30000 --seed 42 > /dev/null
out=$(mktemp -d)
yes > /dev/null & hog1=$!
yes > /dev/null & hog2=$!
trap 'kill $hog1 $hog2 2> /dev/null; rm -rf "$out"' EXIT
sleep 5
for i in $(seq 1 "$runs"); do
  echo "run $i start: $(uptime)"
  /usr/bin/time -f "wall %e s, user %U s, sys %S s, max RSS %M KB" dotnet "$dll" plan "$data" --time-limit 60 --out "$out/plan" > "$out/stdout" 2> "$out/stderr"
  echo "run $i end:   $(uptime)"
  tail -1 "$out/stderr"
  grep -E "^time:|^plots: not|did not run|not replayed|may be missed" "$out/stdout" | cut -c1-220
done
