using System.Diagnostics;
using Consolidator.Datasets;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Reporting;
using Consolidator.Timing;
using Consolidator.Traces;

namespace Consolidator.Benchmarks;

/// <summary>A dataset to plan as the <c>plan</c> command would, with what is known about its answer.</summary>
public sealed record PlanInstance(Dataset Dataset, WindowScheme Windows, double Percentile, PlanRequest Request)
{
    /// <summary>The optimum in hosts, when known.</summary>
    public int? Optimum { get; init; }

    public PublishedResult? Published { get; init; }
}

/// <summary>Runs one <see cref="PlanInstance"/> through the library exactly as <c>plan</c> does
/// (<see cref="ProfileBuilder.Build"/>, then <see cref="Planner.Plan"/>, which validates the plan) and
/// turns the outcome's summary into a row.</summary>
public static class PlanBench
{
    public static BenchRow Run(string family, string instance, string? group, PlanInstance setup)
    {
        var clock = Stopwatch.StartNew();
        // As `plan` does: the limit is wall-clock for profiles and planning together, or counted solver work.
        var solver = setup.Request.Solver;
        var deadline = solver.Deterministic ? Deadline.None : Deadline.After(solver.TimeLimitSeconds);
        var profiles = ProfileBuilder.Build(setup.Dataset, setup.Windows, setup.Percentile);
        deadline.Mark("profiles");
        var plan = Planner.Plan(setup.Dataset, profiles, setup.Request, deadline: deadline);
        var seconds = clock.Elapsed.TotalSeconds;

        var s = plan.Summary;
        return new BenchRow
        {
            Family = family,
            Instance = instance,
            Group = group,
            Vms = s.Vms,
            Hosts = s.Hosts,
            Windows = setup.Windows.Count,
            Seconds = Math.Round(seconds, 2),
            ActiveHosts = s.ActiveHostsAfter,
            LowerBound = s.HostLowerBound,
            Optimum = setup.Optimum ?? setup.Published?.Optimum,
            PeakSizedFfdHosts = s.PeakSizedFfdHosts,
            // "Before" leaves out VMs that run nowhere today, so the ratio means something only when all run.
            EnergyVsCurrent = plan.Problem.AllPlaced && s.EnergyKWhPerDayBefore > 0
                ? Math.Round(s.EnergyKWhPerDayAfter / s.EnergyKWhPerDayBefore, 4) : null,
            EnergyVsLowerBound = s.EnergyLowerBoundKWhPerDay > 0
                ? Math.Round(s.EnergyKWhPerDayAfter / s.EnergyLowerBoundKWhPerDay, 4) : null,
            Gap = Math.Round(s.Gap, 4),
            KeptInPlace = s.KeepableUpperBound > 0 ? s.KeptInPlace : null,
            KeepableUpperBound = s.KeepableUpperBound > 0 ? s.KeepableUpperBound : null,
            Status = Names.Of(s.SolverStatus),
            PublishedLowerBound = setup.Published?.LowerBound,
            PublishedBestHeuristic = setup.Published?.BestHeuristic,
            SolverNotes = s.Notes,
        };
    }
}
