using Consolidator.Generation;
using Consolidator.Heuristics;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Tests.Support;
using Consolidator.Validation;

namespace Consolidator.Tests.Solving;

/// <summary>The neighbourhood search's short CP-SAT solves and the host-by-host fill keep the command's end as its
/// clock reads it, on clocks the tests move (never the machine's speed).</summary>
public class LargeNeighbourhoodSearchTests
{
    private static PlacementProblem Fleet() => PlacementProblem.From(
        DatasetGenerator.Generate(new GeneratorOptions(Seed: 3, Vms: 150, Days: 1, SampleMinutes: 60)) is var d ? d : null!,
        ProfileBuilder.Build(d, WindowScheme.Hourly(), 95), new PlacementOptions(0.1, 10));

    /// <summary>CP-SAT's own limit is fixed when a solve starts, so a neighbourhood solve (up to 0.5 s) or a knapsack of
    /// the fill (up to 0.5 s, an exact fill 0.2 s) ran to it even when the command's end came during it; only the whole
    /// model and the bin-count descent had the watchdog. Here the command's clock stands still for the search's own
    /// thread and jumps an hour the first time another thread reads it: only a solve's watchdog does, while CP-SAT
    /// runs. The search then ends at once instead of running out its 30 s (the old code never read the clock from
    /// another thread, so it never jumped).</summary>
    [Fact]
    public void A_running_neighbourhood_solve_stops_when_the_command_clock_passes_its_end()
    {
        var p = Fleet();
        var clock = new JumpsOnceReadElsewhere(3600);
        var options = new SolverOptions(30, 1, 2) { WallClock = clock };
        var start = FirstFit.Pack(p, Sizing.Temporal, Fit.First)!;
        var lns = new LargeNeighbourhoodSearch(p, options, new HashSet<int>());

        var best = lns.Improve(start, budget: 30);

        Assert.True(clock.Jumped);
        Assert.Empty(PlanValidator.CheckPlacement(p, best));
        Assert.True(Objective.Units(p, best) <= Objective.Units(p, start));
    }

    /// <summary>The fill's own clock counted neither the caller's lateness nor its clock (new WorkClock(counted)): its
    /// budget, fixed when it started, ran on when the machine got busier. Here the lateness says the command's end came
    /// an hour closer as soon as the fill started: no knapsack is solved, every host is filled first-fit.</summary>
    [Fact]
    public void The_host_by_host_fill_counts_the_callers_lateness()
    {
        var p = Fleet();
        var reads = 0;
        var clock = new WorkClock(counted: false, lateness: () => reads++ == 0 ? 0 : 3600);

        var filled = HostByHostFill.Pack(p, new HashSet<int>(), secondsPerHost: 0.5, budget: 30, seed: 1, workers: 1, clock, long.MaxValue, out var spent, out _);

        Assert.NotNull(filled);
        Assert.Empty(PlanValidator.CheckPlacement(p, filled));
        Assert.Equal(0, spent);
        Assert.True(reads >= 2);
    }
}
