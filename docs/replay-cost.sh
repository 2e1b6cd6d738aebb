#!/usr/bin/env bash
# What the replay through the live-migration simulator costs, for its reserve in a plan's time limit
# (src/Consolidator/Planning/TimeBudget.cs: ReplayFixedSeconds, ReplaySecondsPerVm, ReplaySecondsPerSampleBit). For each
# dataset folder: plans it (deterministic, 2 s of counted work, hourly windows, no replay), then runs the replay
# (Simulator.Run, as `plan` does) REPS times and prints the VMs, usage samples, moves, and per run the main thread's
# processor seconds (Linux schedstat), the whole process's (with the garbage collector's threads) and the wall clock.
# The replay runs on one thread: on a busy machine its processor seconds are what an idle machine's wall clock reads.
# The first run of a process includes compiling the simulator's code (the fixed part); the later ones do not.
# A DIR written DIR:PLAN_JSON replays that plan (plan.json written by `plan` for DIR, read and checked as `simulate`
# reads it) instead of planning DIR: the replay of the plan `plan` made, at any size (the 100,000-VM fleet's).
# Usage: bash docs/replay-cost.sh REPS DIR[:PLAN_JSON]...   e.g. after
#   consolidator import --format bitbrains ../shared/datasets/bitbrains-rnd-month/2013-7 --out /tmp/month
#   consolidator generate --vms 20000 --days 1 --sample-minutes 60 --out /tmp/g20000x24
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo 'usage: bash docs/replay-cost.sh REPS DIR[:PLAN_JSON]...' >&2; exit 2; }
reps=$1; shift
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/replay-cost.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType></PropertyGroup>
  <ItemGroup><ProjectReference Include="$repo/src/Consolidator/Consolidator.csproj" /></ItemGroup>
</Project>
PROJ
cp Directory.Build.props "$work/"
cat > "$work/Program.cs" <<'CS'
using System.Diagnostics;
using Consolidator.Datasets;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Simulation;
using Consolidator.Solving;
using Consolidator.Staging;

static double MainThread() =>
    long.Parse(File.ReadAllText($"/proc/self/task/{Environment.ProcessId}/schedstat").Split(' ')[0]) / 1e9;
static double Process_() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

var reps = int.Parse(args[0]);
var data = DatasetReader.Read(args[1]);
PlacementProblem problem; Placement target; MigrationPlan migrations;
if (args.Length > 2)
{
    // The plan `plan` wrote, as `simulate` reads it: the problem from its own windows, profile and placement options.
    var file = PlanFileReader.Read(args[2], data);
    problem = PlacementProblem.From(data, ProfileBuilder.Build(data, file.Windows, file.Profile), file.Placement);
    (target, migrations) = (file.Target, file.Migrations);
}
else
{
    var profiles = ProfileBuilder.Build(data, WindowScheme.Hourly(), 95);
    var plan = Planner.Plan(data, profiles, new PlanRequest(new PlacementOptions(0.1, 10), new SolverOptions(2, 1, 1, Deterministic: true)));
    (problem, target, migrations) = (plan.Problem, plan.Solve.Placement, plan.Migrations);
}
var samples = data.Usage.Sum(s => (long)s.Count);
var moves = migrations.Stages.Sum(s => s.Migrations.Length);
for (var run = 1; run <= reps; run++)
{
    var (thread, process, wall) = (MainThread(), Process_(), Stopwatch.StartNew());
    Simulator.Run(problem, target, migrations, data.Usage, new SimulationOptions());
    Console.WriteLine($"| {Path.GetFileName(args[1].TrimEnd('/'))}{(args.Length > 2 ? " (its plan)" : "")} | {data.Vms.Length} | {samples} | {moves} | {run} | {MainThread() - thread:0.000} | {Process_() - process:0.000} | {wall.Elapsed.TotalSeconds:0.000} |");
}
CS
dotnet build "$work" -c Release -nologo -v quiet -o "$work/bin" >&2
echo "| dataset | VMs | samples | moves | run | main thread s | process s | wall s |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for arg in "$@"; do
  case "$arg" in
    *:*) dotnet "$work/bin/replay-cost.dll" "$reps" "${arg%%:*}" "${arg#*:}" ;;
    *) dotnet "$work/bin/replay-cost.dll" "$reps" "$arg" ;;
  esac
done
