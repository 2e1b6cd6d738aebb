using Consolidator.Heuristics;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Tests.Support;
using Consolidator.Validation;

namespace Consolidator.Tests.Planning;

public class KeepInPlaceTests
{
    // Four 16-core hosts run two VMs of 5 and 4.5 cores each: three hosts hold all eight (at most 15.5 cores
    // each), so the cheapest plan keeps three hosts' VMs and moves only the fourth host's two.
    private static PlacementProblem Fleet(double weight = 10)
    {
        var hosts = Enumerable.Range(1, 4).Select(i => TestInstances.Host($"h{i}")).ToArray();
        var vms = Enumerable.Range(0, 8).Select(i => new Vm($"vm{i}", 6, 4096, $"h{i / 2 + 1}")).ToArray();
        var d = TestInstances.Make(hosts, vms, (v, _) => (v % 2 == 0 ? 5 : 4.5, 2048));
        return PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Hourly(), 100), new PlacementOptions(0, weight));
    }

    [Fact]
    public void Keeping_the_fullest_hosts_whole_spares_moves_that_first_fit_makes()
    {
        var p = Fleet();
        var ffd = FirstFit.Pack(p, Sizing.Temporal, Fit.First)!;
        var kept = KeepInPlace.Candidates(p, ffd.ActiveHostCount).ToList();

        Assert.NotEmpty(kept);
        var best = kept.MinBy(c => Energy.Migrations(p, c))!;
        Assert.Empty(PlanValidator.CheckPlacement(p, best));
        Assert.Equal(3, best.ActiveHostCount);
        Assert.Equal(2, Energy.Migrations(p, best));
        Assert.True(Energy.Migrations(p, ffd) > 2, $"first fit moved only {Energy.Migrations(p, ffd)}");
    }

    [Fact]
    public void The_stay_bound_counts_the_largest_current_hosts_and_what_fits_each()
    {
        var p = Fleet();
        Assert.Equal(6, KeepInPlace.StayUpperBound(p, 3));
        Assert.Equal(8, KeepInPlace.StayUpperBound(p, 4));
        var (moves, cost) = KeepInPlace.MigrationLowerBound(p, 3);
        Assert.Equal(2, moves);
        Assert.Equal(2 * p.MigrationCostWh(0), cost, 6);
    }

    [Fact]
    public void A_host_over_its_capacity_today_keeps_only_what_fits()
    {
        // Three 6-core VMs on one 16-core host: at most two can stay there.
        var d = TestInstances.Make([TestInstances.Host("h1"), TestInstances.Host("h2")],
            [new Vm("a", 6, 4096, "h1"), new Vm("b", 6, 4096, "h1"), new Vm("c", 6, 4096, "h1")], (_, _) => (6, 2048));
        var p = PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Hourly(), 100), new PlacementOptions(0, 10));
        Assert.Equal(2, KeepInPlace.StayUpperBound(p, 2));
        Assert.Empty(KeepInPlace.KeepableHosts(p));
    }
}

public class HomecomingTests
{
    private static Placement Home(PlacementProblem p, Placement placement, params int[] stayPut) =>
        Homecoming.Apply(p, placement, stayPut.ToHashSet(), 1, long.MaxValue, () => false, out _);

    private static PlacementProblem Problem(Vm[] vms, int hosts = 3, double weight = 10)
    {
        var d = TestInstances.Make(Enumerable.Range(1, hosts).Select(i => TestInstances.Host($"h{i}")), vms, (_, _) => (1, 2048));
        return PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Hourly(), 100), new PlacementOptions(0, weight));
    }

    [Fact]
    public void Identical_hosts_take_the_loads_whose_vms_they_run_today_at_the_same_energy()
    {
        // a and b run on h1, c on h2; a placement that puts a and b on h3 and c on h1 moves all three, but h3's
        // load can go to h1 and h1's to h2 (all three hosts identical): nothing moves, the energy is the same.
        var p = Problem([new Vm("a", 2, 4096, "h1"), new Vm("b", 2, 4096, "h1"), new Vm("c", 2, 4096, "h2")]);
        var moved = new Placement([2, 2, 0]);

        var kept = Home(p, moved);

        Assert.Equal(p.CurrentPlacement(), kept);
        Assert.Equal(Energy.WhPerDay(p, moved), Energy.WhPerDay(p, kept), 6);
        // A load holding a VM that must stay put keeps its host (a is held on h3 here: the load stays there).
        Assert.Equal(2, Home(p, new Placement([2, 2, 2]), 0)[0]);
    }

    [Fact]
    public void Vms_of_the_same_shape_trade_places_when_no_host_assignment_keeps_them()
    {
        // h1 runs a and b, h2 runs c and d (all alike, two per 16-core host at 8 cores each). The placement pairs a
        // with c and b with d: whichever host takes which load, two VMs move. Trading c and b brings all four home.
        var vms = new[] { new Vm("a", 8, 4096, "h1"), new Vm("b", 8, 4096, "h1"), new Vm("c", 8, 4096, "h2"), new Vm("d", 8, 4096, "h2") };
        var d = TestInstances.Make([TestInstances.Host("h1"), TestInstances.Host("h2")], vms, (_, _) => (8, 2048));
        var p = PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Hourly(), 100), new PlacementOptions(0, 10));
        var crossed = new Placement([0, 1, 0, 1]);

        var kept = Home(p, crossed);

        Assert.Equal(p.CurrentPlacement(), kept);
        Assert.Empty(PlanValidator.CheckPlacement(p, kept));
    }

    [Fact]
    public void A_move_home_that_would_raise_the_objective_is_not_made()
    {
        // a runs on h1 today; the placement puts it on h2 with b, and h1 holds c. Bringing a home fits, but with
        // migration weight 0 it saves nothing, and the other trades would not lower the energy either: the plan keeps
        // its energy exactly, whatever the moves.
        var p = Problem([new Vm("a", 2, 4096, "h1"), new Vm("b", 2, 4096, "h2"), new Vm("c", 2, 4096, "h1")], hosts: 2, weight: 0);
        var placement = new Placement([1, 1, 1]);
        var kept = Home(p, placement);
        Assert.Equal(Objective.Units(p, placement), Objective.Units(p, kept));
        Assert.Equal(1, kept.ActiveHostCount);
    }
}
