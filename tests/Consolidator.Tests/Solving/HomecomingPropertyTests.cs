using CsCheck;
using Consolidator.Heuristics;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Tests.Support;
using Consolidator.Validation;

namespace Consolidator.Tests.Solving;

public class HomecomingPropertyTests
{
    [Fact]
    public void Bringing_vms_home_keeps_the_placement_valid_and_never_raises_the_objective_or_the_moves()
    {
        Gen.Select(Gen.Int[0, 1_000_000], Gen.OneOf(0.0, 0.1), Gen.OneOf(0.0, 10.0, 1000.0), Gen.OneOf(Fit.First, Fit.Best)).Sample((seed, headroom, weight, fit) =>
        {
            var d = RandomInstances.Make(seed);
            var p = PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Slices(4), 95), new PlacementOptions(headroom, weight));
            if (FirstFit.Pack(p, Sizing.Temporal, fit) is not { } start) return;

            var home = Homecoming.Apply(p, start, new HashSet<int>(), seed, long.MaxValue, () => false, out _);

            Assert.Empty(PlanValidator.CheckPlacement(p, home));
            Assert.True(Objective.Units(p, home) <= Objective.Units(p, start));
            Assert.True(Energy.Migrations(p, home) <= Energy.Migrations(p, start));
        }, iter: 200, threads: 1);
    }
}
