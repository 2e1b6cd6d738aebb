using Consolidator.Heuristics;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
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

public class HostRelabelTests
{
    [Fact]
    public void Identical_hosts_swap_whole_loads_so_vms_stay_at_the_same_energy()
    {
        // a and b run on h1, c on h2; a placement that puts a and b on h3 and c on h1 moves all three, but h3's
        // load can go to h1 and h1's to h2 (all three hosts identical): nothing moves, the energy is the same.
        var d = TestInstances.Make([TestInstances.Host("h1"), TestInstances.Host("h2"), TestInstances.Host("h3")],
            [new Vm("a", 2, 4096, "h1"), new Vm("b", 2, 4096, "h1"), new Vm("c", 2, 4096, "h2")], (_, _) => (1, 2048));
        var p = PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Hourly(), 100), new PlacementOptions(0, 10));
        var moved = new Placement([2, 2, 0]);

        var kept = Consolidator.Solving.HostRelabel.Apply(p, moved, new HashSet<int>());

        Assert.Equal(p.CurrentPlacement(), kept);
        Assert.Equal(Energy.WhPerDay(p, moved), Energy.WhPerDay(p, kept), 6);
        // A load holding a VM that must stay put keeps its host (a is pinned to h3 here: the load stays there).
        Assert.Equal(2, Consolidator.Solving.HostRelabel.Apply(p, new Placement([2, 2, 2]), new HashSet<int> { 0 })[0]);
    }
}
