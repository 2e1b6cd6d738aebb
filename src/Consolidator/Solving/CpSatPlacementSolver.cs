using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Consolidator.Packing;
using Google.OrTools.Sat;

namespace Consolidator.Solving;

/// <summary>Solves a placement with Google OR-Tools CP-SAT, warm-started from a heuristic placement.
/// Reads no files; reports incumbents through <see cref="IProgress{T}"/>.</summary>
public static class CpSatPlacementSolver
{
    /// <param name="warmStart">A feasible placement to hint and to fall back on; may be null.</param>
    /// <param name="stayPut">VMs that must stay on their current host (a move that could not be staged).</param>
    /// <exception cref="InfeasiblePlacementException">CP-SAT proved that no placement exists.</exception>
    public static SolveResult Solve(
        PlacementProblem p, SolverOptions options, Placement? warmStart,
        IReadOnlySet<int>? stayPut = null, IProgress<SolverProgress>? progress = null)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        var model = new PlacementModel(p, stayPut ?? new HashSet<int>());
        if (warmStart is not null) model.Hint(warmStart);

        var solver = new CpSolver { StringParameters = Parameters(options) };
        var callback = new ProgressCallback(progress, clock);
        var status = solver.Solve(model.Model, callback);
        var notes = ImmutableArray.CreateBuilder<string>();

        switch (status)
        {
            case CpSolverStatus.Optimal:
            case CpSolverStatus.Feasible:
                var placement = model.Read(x => solver.BooleanValue(x));
                return new SolveResult(placement,
                    status == CpSolverStatus.Optimal ? SolveStatus.Optimal : SolveStatus.Feasible,
                    solver.ObjectiveValue / Objective.UnitsPerWh,
                    solver.BestObjectiveBound / Objective.UnitsPerWh,
                    clock.Elapsed.TotalSeconds, notes.ToImmutable());
            case CpSolverStatus.Infeasible:
                throw new InfeasiblePlacementException(
                    ["CP-SAT proved that no placement satisfies every capacity row, although each VM fits some host on its own and the total demand fits the inventory in every window: the VMs cannot be split across the hosts (a bin-packing conflict)"]);
            default:
                if (warmStart is null)
                    throw new InfeasiblePlacementException(
                        [$"CP-SAT found no placement within {options.TimeLimitSeconds.ToString(CultureInfo.InvariantCulture)} s and the first-fit heuristic found none either; try a longer --time-limit or more headroom in the inventory"]);
                notes.Add($"CP-SAT found no placement within the time limit (status {status}); using the first-fit-decreasing heuristic's placement instead");
                var bound = status == CpSolverStatus.Unknown ? solver.BestObjectiveBound / Objective.UnitsPerWh : 0;
                return new SolveResult(warmStart, SolveStatus.HeuristicFallback, Objective.Wh(p, warmStart),
                    double.IsFinite(bound) ? bound : 0, clock.Elapsed.TotalSeconds, notes.ToImmutable());
        }
    }

    /// <summary>One worker gets a deterministic time limit so that the same input gives the same plan on any
    /// machine; the wall clock then only guards against a runaway (twice the limit plus 5 s).</summary>
    internal static string Parameters(SolverOptions o)
    {
        var inv = CultureInfo.InvariantCulture;
        var workers = o.EffectiveWorkers;
        var wall = workers == 1 ? 2 * o.TimeLimitSeconds + 5 : o.TimeLimitSeconds;
        var text = string.Format(inv, "num_workers:{0} random_seed:{1} max_time_in_seconds:{2}", workers, o.Seed, wall);
        if (workers == 1) text += string.Format(inv, " max_deterministic_time:{0}", o.TimeLimitSeconds);
        return text;
    }

    private sealed class ProgressCallback(IProgress<SolverProgress>? progress, Stopwatch clock) : CpSolverSolutionCallback
    {
        public override void OnSolutionCallback()
        {
            progress?.Report(new SolverProgress(clock.Elapsed.TotalSeconds,
                ObjectiveValue() / Objective.UnitsPerWh, BestObjectiveBound() / Objective.UnitsPerWh));
        }
    }
}
