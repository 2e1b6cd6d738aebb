using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Tests.Support;
using Consolidator.Validation;
using CsCheck;

namespace Consolidator.Tests.Solving;

public class SwapDescentTests
{
    private static PlacementProblem Problem(Traces.Dataset d, double weight = 0) =>
        PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Hourly(), 100), new PlacementOptions(0, weight));

    [Fact]
    public void Rounds_switch_off_a_host_that_no_single_move_can_empty()
    {
        // 10-core hosts. Today: {7}, {6, 3}, {4}. No VM moves alone onto another host; trading the 4 for the 3
        // (or emptying two hosts and re-packing them) switches one off: {7, 3}, {6, 4}.
        var sizes = new[] { 7, 6, 3, 4 };
        var today = new[] { "h1", "h2", "h2", "h3" };
        var d = TestInstances.Make(
            new[] { "h1", "h2", "h3" }.Select(id => TestInstances.Host(id, cores: 10)),
            sizes.Select((s, v) => new Vm($"v{v}", s, 1024, today[v])),
            (v, _) => (sizes[v], 512));
        var p = Problem(d);

        var descent = new SwapDescent(p, p.CurrentPlacement(), new HashSet<int>(), seed: 1);
        for (var round = 0; round < 50 && descent.Current.ActiveHostCount > 2; round++) descent.Round();

        Assert.Equal(2, descent.Current.ActiveHostCount);
        Assert.Empty(PlanValidator.CheckPlacement(p, descent.Current));
        Assert.Equal(Objective.Units(p, descent.Current), descent.Units);
    }

    [Fact]
    public void Vms_that_must_stay_are_never_moved_nor_their_hosts_emptied()
    {
        var sizes = new[] { 7, 6, 3, 4 };
        var today = new[] { "h1", "h2", "h2", "h3" };
        var d = TestInstances.Make(
            new[] { "h1", "h2", "h3" }.Select(id => TestInstances.Host(id, cores: 10)),
            sizes.Select((s, v) => new Vm($"v{v}", s, 1024, today[v])),
            (v, _) => (sizes[v], 512));
        var p = Problem(d);
        var stay = new HashSet<int> { 2, 3 }; // the 3 and the 4: no trade can free a host any more

        var descent = new SwapDescent(p, p.CurrentPlacement(), stay, seed: 1);
        for (var round = 0; round < 50; round++) descent.Round();

        Assert.Equal(p.CurrentHost(2), descent.Current[2]);
        Assert.Equal(p.CurrentHost(3), descent.Current[3]);
        Assert.Equal(3, descent.Current.ActiveHostCount);
    }

    [Fact]
    public void Rounds_never_raise_the_objective_and_every_placement_passes_the_validator()
    {
        var gen = Gen.Select(Gen.Int[3, 8], Gen.Int[4, 24], Gen.Int[0, 1000], Gen.Int[0, 1]);
        gen.Sample((hosts, vms, seed, weighted) =>
        {
            var rng = new Random(seed);
            var cores = Enumerable.Range(0, hosts).Select(_ => (double)rng.Next(8, 33)).ToArray();
            var demand = Enumerable.Range(0, vms).Select(_ => Enumerable.Range(0, 24).Select(_ => rng.Next(1, 8) * 0.5).ToArray()).ToArray();
            var d = TestInstances.Make(
                Enumerable.Range(0, hosts).Select(h => TestInstances.Host($"h{h}", cores[h], idle: 50 + 10 * h)),
                Enumerable.Range(0, vms).Select(v => new Vm($"v{v}", 4, 1024 * rng.Next(1, 5), null)),
                (v, hour) => (demand[v][hour], 512));
            var p = Problem(d, weighted * 0.5);
            var start = Heuristics.FirstFit.Pack(p, Heuristics.Sizing.Peak, Heuristics.Fit.First);
            if (start is null) return true;
            var descent = new SwapDescent(p, start, new HashSet<int>(), seed);
            var previous = descent.Units;
            for (var round = 0; round < 30; round++)
            {
                descent.Round();
                if (descent.Units > previous || descent.Units != Objective.Units(p, descent.Current)) return false;
                if (PlanValidator.CheckPlacement(p, descent.Current).Count > 0) return false;
                previous = descent.Units;
            }
            return descent.Current.HostOf.All(h => h >= 0);
        }, iter: 60, threads: 1);
    }
}
