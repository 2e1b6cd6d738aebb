using System.Collections.Immutable;

namespace Consolidator.Benchmarks;

/// <summary>One line of the benchmark table: what one instance asked for and what the planner achieved, in
/// hosts (bins), seconds and energy. Figures a family cannot know stay null; a failed instance carries
/// <see cref="Error"/> and little else. <see cref="Measures"/> holds figures of rows that are not plans
/// (rates of other parts of the tool), by name.</summary>
public sealed record BenchRow
{
    public required string Family { get; init; }
    public required string Instance { get; init; }

    /// <summary>Rows summarised together (vector packing: benchmark/class); null for none.</summary>
    public string? Group { get; init; }

    public int? Vms { get; init; }
    public int? Hosts { get; init; }
    public int? Windows { get; init; }

    /// <summary>Wall-clock seconds of profiling and planning (the instance's generation or reading excluded).</summary>
    public double? Seconds { get; init; }

    public int? ActiveHosts { get; init; }

    /// <summary>The planner's own host lower bound (the volume bound), printed with every plan.</summary>
    public int? LowerBound { get; init; }

    /// <summary>The optimum in hosts when known: planted by construction, or published.</summary>
    public int? Optimum { get; init; }

    /// <summary>Peak-sized first-fit-decreasing on the same instance, measured in the same run.</summary>
    public int? PeakSizedFfdHosts { get; init; }

    /// <summary>Energy of the plan over energy of the current placement (only when every VM runs somewhere today).</summary>
    public double? EnergyVsCurrent { get; init; }

    /// <summary>Energy of the plan over the planner's energy lower bound.</summary>
    public double? EnergyVsLowerBound { get; init; }

    /// <summary>VMs that stay on the host they run on today, and at most how many could with as many active hosts
    /// (issue 17.2); null where no VM runs anywhere today.</summary>
    public int? KeptInPlace { get; init; }
    public int? KeepableUpperBound { get; init; }

    /// <summary>Kept in place over the upper bound.</summary>
    public double? KeptShare => KeptInPlace is { } k && KeepableUpperBound is > 0 and var u ? Math.Round((double)k / u, 4) : null;

    /// <summary>CP-SAT's relative gap between objective and proven bound.</summary>
    public double? Gap { get; init; }

    /// <summary>The solver status as plan.json spells it.</summary>
    public string? Status { get; init; }

    public int? PublishedLowerBound { get; init; }
    public int? PublishedBestHeuristic { get; init; }

    /// <summary>Peak working set of the process that ran only this instance, MiB (runtime and OR-Tools included).</summary>
    public double? PeakMemoryMib { get; init; }

    public string? Error { get; init; }

    /// <summary>Something a reader of the row should know (how the instance was adapted).</summary>
    public string? Note { get; init; }

    public ImmutableSortedDictionary<string, double>? Measures { get; init; }

    /// <summary>What the solver did, phase by phase (the plan's notes), for whoever wants to know why a row
    /// came out as it did.</summary>
    public ImmutableArray<string>? SolverNotes { get; init; }

    public double? RatioToLowerBound => Ratio(ActiveHosts, LowerBound);
    public double? RatioToOptimum => Ratio(ActiveHosts, Optimum);
    public double? RatioToPeakSizedFfd => Ratio(ActiveHosts, PeakSizedFfdHosts);
    public double? RatioToPublishedBest => Ratio(ActiveHosts, PublishedBestHeuristic);

    /// <summary>Fewer hosts than a known optimum or a proven lower bound: impossible, so a bug in the planner,
    /// the reader or the bound.</summary>
    public bool BelowBound => ActiveHosts is { } a &&
        (a < (Optimum ?? 0) || a < (LowerBound ?? 0) || a < (PublishedLowerBound ?? 0));

    public static BenchRow Failed(string family, string instance, string? group, string error) =>
        new() { Family = family, Instance = instance, Group = group, Error = error };

    private static double? Ratio(int? x, int? y) => x is { } a && y is > 0 and var b ? Math.Round((double)a / b, 4) : null;
}
