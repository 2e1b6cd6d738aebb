using System.Collections.Immutable;
using Consolidator.Packing;

namespace Consolidator.Solving;

/// <summary>What the solver returns. Objective and bound are in Wh-equivalent per day (energy plus
/// migration cost); <see cref="BoundWh"/> is CP-SAT's proven lower bound on the objective.</summary>
public sealed record SolveResult(
    Placement Placement,
    SolveStatus Status,
    double ObjectiveWh,
    double BoundWh,
    double WallSeconds,
    ImmutableArray<string> Notes)
{
    /// <summary>Counted work the solve charged (CP-SAT's deterministic time and the searches' own counts), in
    /// seconds: the same on any machine in the deterministic mode.</summary>
    public double CountedSeconds { get; init; }

    /// <summary>Relative gap between objective and proven bound (0 when optimal).</summary>
    public double Gap => ObjectiveWh <= 0 ? 0 : Math.Max(0, (ObjectiveWh - BoundWh) / ObjectiveWh);
}

/// <summary>A solver progress report: a new incumbent or a better bound.</summary>
public sealed record SolverProgress(double Seconds, double ObjectiveWh, double BoundWh);
