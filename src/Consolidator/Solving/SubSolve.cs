using System.Globalization;
using Consolidator.Packing;
using Google.OrTools.Sat;

namespace Consolidator.Solving;

/// <summary>One CP-SAT run on a <see cref="PlacementModel"/>: parameters, time accounting and reading back.</summary>
internal static class SubSolve
{
    public sealed record Outcome(CpSolverStatus Status, Placement? Placement, double ObjectiveUnits, double BoundUnits, double DeterministicSeconds);

    /// <param name="limitSeconds">Deterministic time with one worker (repeatable), wall-clock otherwise.</param>
    public static Outcome Run(PlacementModel model, Placement basis, double limitSeconds, int seed, int workers,
        CpSolverSolutionCallback? callback = null)
    {
        var solver = new CpSolver { StringParameters = Parameters(limitSeconds, seed, workers) };
        var status = callback is null ? solver.Solve(model.Model) : solver.Solve(model.Model, callback);
        var det = solver.Response?.DeterministicTime ?? limitSeconds;
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
            return new Outcome(status, null, double.NaN, solver.BestObjectiveBound / model.Scale, det);
        return new Outcome(status, model.Read(basis, x => solver.BooleanValue(x)),
            solver.ObjectiveValue / model.Scale, solver.BestObjectiveBound / model.Scale, det);
    }

    /// <summary>One worker gets a deterministic time limit so the same input gives the same plan on any
    /// machine; the wall clock then only guards against a runaway (twice the limit plus 5 s).</summary>
    public static string Parameters(double limitSeconds, int seed, int workers)
    {
        var inv = CultureInfo.InvariantCulture;
        var wall = workers == 1 ? 2 * limitSeconds + 5 : limitSeconds;
        var text = string.Format(inv, "num_workers:{0} random_seed:{1} max_time_in_seconds:{2:0.###}", workers, seed, wall);
        if (workers == 1) text += string.Format(inv, " max_deterministic_time:{0:0.###}", limitSeconds);
        return text;
    }
}
