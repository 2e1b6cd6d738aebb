#!/usr/bin/env bash
# Issue 17's flat-mem K = 20 as a set partitioning, posed to the MIP solvers the OR-Tools package bundles (SCIP, HiGHS,
# CBC through Google.OrTools.LinearSolver) and to CP-SAT: the sets are docs/planted-cover.sh's (every set of at most 8
# VMs that fills a host exactly in CPU and memory, enumerated by meeting in the middle), one Boolean per set, and every
# VM in exactly one chosen set (a linear row = 1 for the MIP solvers with a zero objective, since every cover has
# exactly K sets; AddExactlyOne for CP-SAT with linearization_level:2, so its LP holds the whole set-partitioning
# relaxation). Any solution is a plan on K hosts; the program checks that it covers every VM once. Each solver gets
# LIMIT seconds of wall clock; CP-SAT once with 1 worker and once with 2. The solvers' own output is off. The figures
# depend on the machine and the load: said beside them.
# Usage: bash docs/planted-cover-mip.sh LIMIT "GENERATOR OPTIONS" SEED...
#   e.g. bash docs/planted-cover-mip.sh 30 "--shape flat-mem --decimals 2 --host 40x384" 1 2 3
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 3 ] || { echo 'usage: bash docs/planted-cover-mip.sh LIMIT "GENERATOR OPTIONS" SEED...' >&2; exit 2; }
limit=$1 options=$2; shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/sets" "$work/cover"
version=$(sed -n 's/.*Include="Google.OrTools" Version="\([^"]*\)".*/\1/p' src/Consolidator/Consolidator.csproj)
cat > "$work/cover/cover.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup>
  <ItemGroup><PackageReference Include="Google.OrTools" Version="$version" /></ItemGroup>
</Project>
XML
cat > "$work/cover/Program.cs" <<'CS'
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Google.OrTools.LinearSolver;
using Google.OrTools.Sat;

var lines = File.ReadAllLines(args[0]);
string solverName = args[1];
double limit = double.Parse(args[2]);
int[] head = lines[0].Split(' ').Select(int.Parse).ToArray();
int vms = head[0];
int[][] sets = lines.Skip(1).Take(head[1]).Select(l => l.Split(' ').Skip(1).Select(int.Parse).ToArray()).ToArray();
var setsOf = Enumerable.Range(0, vms).Select(v => Enumerable.Range(0, sets.Length).Where(s => sets[s].Contains(v)).ToArray()).ToArray();
var clock = Stopwatch.StartNew();
string status, detail;
bool[] chosen;
if (solverName.StartsWith("CP-SAT"))
{
    int workers = int.Parse(solverName.Split(':')[1]);
    var model = new CpModel();
    var x = sets.Select((_, s) => model.NewBoolVar($"s{s}")).ToArray();
    foreach (var list in setsOf) model.AddExactlyOne(list.Select(s => (ILiteral)x[s]));
    var solver = new CpSolver { StringParameters = $"num_workers:{workers} max_time_in_seconds:{limit} linearization_level:2" };
    var result = solver.Solve(model);
    bool found = result is CpSolverStatus.Feasible or CpSolverStatus.Optimal;
    chosen = x.Select(b => found && solver.BooleanValue(b)).ToArray();
    status = result.ToString();
    detail = $"{solver.NumBranches()} branches, {solver.NumConflicts()} conflicts";
}
else
{
    var solver = Solver.CreateSolver(solverName) ?? throw new InvalidOperationException($"no {solverName} in this package");
    var x = sets.Select((_, s) => solver.MakeBoolVar($"s{s}")).ToArray();
    foreach (var list in setsOf)
    {
        var row = solver.MakeConstraint(1, 1);
        foreach (int s in list) row.SetCoefficient(x[s], 1);
    }
    solver.Objective().SetMinimization();
    solver.SetTimeLimit((long)(limit * 1000));
    var result = solver.Solve();
    bool found = result is Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE;
    chosen = x.Select(v => found && v.SolutionValue() > 0.5).ToArray();
    // HiGHS's wrapper returns a code outside the enum when its time limit ends the search without a solution.
    status = Enum.IsDefined(result) ? result.ToString() : $"code {(int)result}";
    detail = $"{solver.Nodes()} nodes, {solver.Iterations()} LP iterations (as the wrapper reports them)";
}
double seconds = clock.Elapsed.TotalSeconds;
int picked = chosen.Count(c => c);
bool cover = picked > 0 && Enumerable.Range(0, vms).All(v => setsOf[v].Count(s => chosen[s]) == 1);
Console.WriteLine($"{status}|{(picked == 0 ? "none" : cover ? $"cover of {picked} sets" : "NOT A COVER")}|{seconds:F1}|{detail}");
CS
dotnet build "$work/cover" -c Release -o "$work/bin" > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
echo "Enumeration (docs/planted-cover.sh, no cover search):"
SETS_DIR="$work/sets" bash docs/planted-cover.sh 0 "$options" "$@"
echo
echo "| seed | solver | status | cover | wall s (limit $limit) | search | load (start -> end) |"
echo "| ---: | --- | --- | --- | ---: | --- | --- |"
for seed in "$@"; do
  for solver in SCIP HIGHS CBC CP-SAT:1 CP-SAT:2; do
    start=$(cut -d' ' -f1 /proc/loadavg)
    IFS='|' read -r status cover seconds detail < <("$work/bin/cover" "$work/sets/sets-$seed.txt" "$solver" "$limit" 2> /dev/null | tail -n 1)
    end=$(cut -d' ' -f1 /proc/loadavg)
    echo "| $seed | ${solver/CP-SAT:/CP-SAT, workers } | $status | $cover | $seconds | $detail | $start -> $end |"
  done
done
