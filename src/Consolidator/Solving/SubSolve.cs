using System.Globalization;
using Consolidator.Packing;
using Google.OrTools.Sat;

namespace Consolidator.Solving;

/// <summary>One CP-SAT run on a <see cref="PlacementModel"/>: parameters, time accounting and reading back.</summary>
internal static class SubSolve
{
    /// <param name="Stopped">The stop signal ended the solve (not CP-SAT's own limit).</param>
    public sealed record Outcome(CpSolverStatus Status, Placement? Placement, double ObjectiveUnits, double BoundUnits, double DeterministicSeconds, bool Stopped = false);

    /// <param name="limitSeconds">Deterministic time when <paramref name="counted"/> (repeatable), wall-clock otherwise.</param>
    /// <param name="stop">Stops the running solve when it says so (<see cref="SolveWatchdog"/>); never asked when
    /// <paramref name="counted"/>.</param>
    public static Outcome Run(PlacementModel model, Placement basis, double limitSeconds, int seed, int workers, bool counted,
        CpSolverSolutionCallback? callback = null, Func<bool>? stop = null)
    {
        var solver = new CpSolver { StringParameters = Parameters(limitSeconds, seed, workers, counted) };
        var status = SolveWatchdog.Solve(solver, model.Model, callback, counted ? null : stop, out var stopped);
        var det = solver.Response?.DeterministicTime ?? limitSeconds;
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
            return new Outcome(status, null, double.NaN, solver.BestObjectiveBound / model.Scale, det, stopped);
        return new Outcome(status, model.Read(basis, x => solver.BooleanValue(x)),
            solver.ObjectiveValue / model.Scale, solver.BestObjectiveBound / model.Scale, det, stopped);
    }

    /// <summary>Counted: one worker and only a deterministic time limit, so the same input gives the same plan on
    /// any machine under any load (no wall-clock limit at all: one would let a busy machine change the answer).
    /// Otherwise a wall-clock limit. Never CP-SAT's own SIGINT handler (<c>catch_sigint_signal</c>, on by default in
    /// sat_parameters.proto): it turns Ctrl-C into "stop this search", so the command went on and wrote its plan (exit
    /// 0) when the user asked it to stop; without it the process ends by the signal (130) with nothing written.</summary>
    public static string Parameters(double limitSeconds, int seed, int workers, bool counted)
    {
        var inv = CultureInfo.InvariantCulture;
        var limit = Math.Max(0, limitSeconds);
        return (counted
            ? string.Format(inv, "num_workers:1 random_seed:{0} max_deterministic_time:{1:0.###}", seed, limit)
            : string.Format(inv, "num_workers:{0} random_seed:{1} max_time_in_seconds:{2:0.###}", workers, seed, limit))
            + " catch_sigint_signal:false";
    }
}
