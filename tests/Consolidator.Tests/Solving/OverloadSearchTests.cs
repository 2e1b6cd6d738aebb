using Consolidator.Heuristics;
using Consolidator.Packing;
using Consolidator.Solving;
using Consolidator.Validation;
using CsCheck;
using static Consolidator.Tests.Support.VectorPackingProblems;

namespace Consolidator.Tests.Solving;

public class OverloadSearchTests
{
    [Fact]
    public void Search_recovers_the_planted_triplets_that_first_fit_misses()
    {
        // Every optimal host holds exactly three VMs that fill it: no slack anywhere, so the overload only reaches
        // zero on the optimum's host count when the search finds the exact triplets.
        var checkedOne = 0;
        for (var seed = 1; seed <= 20 && checkedOne < 3; seed++)
        {
            var p = Vbp(Triplets(12, seed));
            var ffd = FirstFit.Pack(p, Sizing.Temporal, Fit.First)!;
            if (ffd.ActiveHostCount == 12) continue; // first-fit happened to find it: not a case for the search
            checkedOne++;

            var search = new OverloadSearch(p, ffd, seed: 1);
            var best = search.Run(ffd, LowerBounds.Hosts(p), budget: 5, stop: () => false);

            Assert.Equal(12, best.ActiveHostCount);
            Assert.Empty(PlanValidator.CheckPlacement(p, best));
            Assert.True(search.Moves > 0);
        }
        Assert.True(checkedOne > 0, "every seed was packed optimally by first-fit; the test needs a harder instance");
    }

    [Fact]
    public void Same_seed_and_budget_give_the_same_placement()
    {
        var p = Vbp(Triplets(30, seed: 3));
        var ffd = FirstFit.Pack(p, Sizing.Temporal, Fit.First)!;
        // A budget too small to finish, so that the two runs stop mid-search at the same charged work.
        Placement Run() => new OverloadSearch(p, ffd, seed: 5).Run(ffd, 0, budget: 0.0005, stop: () => false);

        Assert.Equal(Run().HostOf.ToArray(), Run().HostOf.ToArray());
    }

    [Fact]
    public void Search_stops_at_the_lower_bound_and_when_told_to()
    {
        var p = Vbp(Triplets(6, seed: 11));
        var ffd = FirstFit.Pack(p, Sizing.Temporal, Fit.First)!;

        var told = new OverloadSearch(p, ffd, seed: 1);
        Assert.Same(ffd, told.Run(ffd, 0, budget: 100, stop: () => true));
        Assert.Equal(0, told.Moves);

        Assert.Same(ffd, new OverloadSearch(p, ffd, seed: 1).Run(ffd, lowerBound: ffd.ActiveHostCount, budget: 100, stop: () => false));
    }

    [Fact]
    public void Every_placement_it_returns_is_valid_and_never_uses_more_hosts_than_its_start()
    {
        Gen.Select(Gen.Int[6, 40], Gen.OneOf(1, 2, 3, 4, 6, 8, 12, 24), Gen.Int[0, 100_000]).Sample((n, dims, seed) =>
        {
            var rng = new Random(seed);
            var items = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, dims).Select(_ => rng.Next(1, 60)).ToArray()).ToArray();
            var p = Vbp(items);
            var start = FirstFit.Pack(p, Sizing.Temporal, Fit.First)!;
            var improvements = new List<Placement>();

            var best = new OverloadSearch(p, start, seed).Run(start, LowerBounds.Hosts(p), budget: 0.002, stop: () => false, improvements.Add);

            Assert.Empty(PlanValidator.CheckPlacement(p, best));
            Assert.True(best.ActiveHostCount >= LowerBounds.Hosts(p));
            // Each reported improvement is a complete, valid placement on fewer hosts than the one before.
            var previous = start.ActiveHostCount;
            foreach (var better in improvements)
            {
                Assert.Empty(PlanValidator.CheckPlacement(p, better));
                Assert.True(better.ActiveHostCount < previous);
                previous = better.ActiveHostCount;
            }
            Assert.Equal(previous, best.ActiveHostCount);
        }, iter: 60, threads: 1);
    }
}
