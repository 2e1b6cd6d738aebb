using Consolidator.Generation;
using Consolidator.Heuristics;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Solving;
using Xunit.Abstractions;

namespace Consolidator.Tests.Planning;

public class PlantedInstancePlanningTests(ITestOutputHelper output)
{
    /// <summary>K = 20 identical hosts whose VMs exactly fill them hour by hour: the optimum is K hosts. With
    /// peak sizing off (percentile 100 per hour, no headroom, free moves) the planner must reach 1.1 K, and
    /// peak-sized first-fit-decreasing, which cannot see the complementarity, needs clearly more.</summary>
    [Fact]
    public void Planner_finds_within_ten_percent_of_the_planted_optimum_and_beats_peak_sized_ffd()
    {
        const int k = 20;
        var planted = PlantedInstance.Generate(k, seed: 7);
        var profiles = ProfileBuilder.Build(planted.Dataset, WindowScheme.Hourly(), 100);
        var request = new PlanRequest(new PlacementOptions(Headroom: 0, MigrationWeightWhPerGiB: 0), new SolverOptions(20, 1, 1, Deterministic: true));

        var plan = Planner.Plan(planted.Dataset, profiles, request);
        var peak = FirstFit.Pack(plan.Problem, Sizing.Peak, Fit.First)!;
        var temporal = FirstFit.Pack(plan.Problem, Sizing.Temporal, Fit.First)!;

        output.WriteLine($"planted optimum {k} hosts, {planted.Dataset.Vms.Length} VMs");
        output.WriteLine($"planner: {plan.Summary.ActiveHostsAfter} hosts ({plan.Summary.SolverStatus}, gap {plan.Summary.Gap:P2}, lower bound {plan.Summary.HostLowerBound})");
        output.WriteLine($"peak-sized FFD: {peak.ActiveHostCount} hosts; temporal FFD: {temporal.ActiveHostCount} hosts");
        foreach (var note in plan.Summary.Notes) output.WriteLine(note);

        Assert.Equal(k, plan.Summary.HostLowerBound);
        Assert.InRange(plan.Summary.ActiveHostsAfter, k, (int)(1.1 * k));
        Assert.True(peak.ActiveHostCount >= 1.25 * k, $"peak-sized FFD used only {peak.ActiveHostCount} hosts");
        Assert.Equal(peak.ActiveHostCount, plan.Summary.PeakSizedFfdHosts);
    }
}
