using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Packing;
using Consolidator.Solving;
using Consolidator.Timing;

namespace Consolidator.Planning;

/// <summary>How the planner shares a wall-clock deadline: the solver gets what is left after a reserve for the
/// phases behind it (staging, validation, replay), each estimated from the instance's size. Without a wall-clock
/// deadline (the deterministic mode) the solver keeps its own limit, read as counted work.</summary>
internal sealed class TimeBudget(PlacementProblem p, PlanRequest request, Deadline deadline)
{
    /// <summary>Wall-clock seconds per VM of staging plus validation, and of a replay through the simulator, with
    /// a fixed part each. Measured with `plan` on `generate --vms 30000` (30,000 migrations) on 2 cores shared
    /// with other jobs (load average 9 to 21): staging and validation 0.9 to 5.0 s, the replay 17.3 s; the factors
    /// cover the slowest of these with some room.</summary>
    public const double StagingSecondsPerVm = 2e-4, ReplaySecondsPerVm = 1e-3, FixedSeconds = 0.5;

    /// <summary>The solver's least share of what is left after staging: the replay is left out rather than the
    /// solve starved when both do not fit.</summary>
    public const double SolverShareFirst = 0.5;

    /// <summary>The solver never gets less than this, even when the limit is already spent: its fallback is the
    /// heuristic warm start, which costs little more.</summary>
    public const double MinSolverSeconds = 0.2;

    private double Staging => FixedSeconds + StagingSecondsPerVm * p.VmCount;
    private double Replay => request.Simulation is null ? 0 : FixedSeconds + ReplaySecondsPerVm * p.VmCount;

    /// <summary>Share of the solver's time the warm starts may take before it (keep-in-place starts, homecoming):
    /// at 30,000 VMs they took 37 s when the limit was already spent.</summary>
    public const double WarmStartShare = 0.25;

    /// <summary>True once the warm starts have had <see cref="WarmStartShare"/> of what the solver would get now;
    /// never without a wall-clock deadline.</summary>
    public Func<bool> WarmStartStop()
    {
        if (!deadline.IsWallClock) return () => false;
        var end = deadline.Elapsed + WarmStartShare * Math.Max(0, SolverSeconds);
        return () => deadline.Elapsed >= end;
    }

    /// <summary>Wall-clock seconds left for the solver after the reserves for the phases behind it.</summary>
    private double SolverSeconds
    {
        get
        {
            var afterStaging = deadline.Remaining - Staging;
            return Math.Max(afterStaging - Replay, SolverShareFirst * afterStaging);
        }
    }

    /// <summary>The solver's options for a solve starting now.</summary>
    public SolverOptions Solver(ImmutableArray<string>.Builder notes)
    {
        if (!deadline.IsWallClock) return request.Solver;
        var left = SolverSeconds;
        if (left < MinSolverSeconds)
            notes.Add(string.Format(CultureInfo.InvariantCulture,
                "the time limit was nearly spent before the solve ({0:0.0} s in); the solver got {1:0.0} s", deadline.Elapsed, MinSolverSeconds));
        return request.Solver with { TimeLimitSeconds = Math.Max(MinSolverSeconds, left) };
    }

    /// <summary>Another solve (with more VMs kept in place) fits: a tenth of what the first got, at least a second.</summary>
    public bool AllowsAnotherSolve => deadline.Allows(Staging + Replay + Math.Max(1, 2 * Staging));

    public bool AllowsReplay => deadline.Allows(Replay);
}
