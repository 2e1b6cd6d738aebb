using Consolidator.Generation;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Solving;
using CsCheck;
using static Consolidator.Tests.Support.VectorPackingProblems;

namespace Consolidator.Tests.Solving;

public class ExactFillSearchTests
{
    private static PlacementProblem Planted(int hosts, int seed)
    {
        var planted = PlantedInstance.Generate(hosts, seed);
        var profiles = ProfileBuilder.Build(planted.Dataset, WindowScheme.Hourly(), 100);
        return PlacementProblem.From(planted.Dataset, profiles, new PlacementOptions(Headroom: 0, MigrationWeightWhPerGiB: 0));
    }

    private static void AssertEachFillsExactly(PlacementProblem p, List<int[]> sets)
    {
        Assert.Equal(sets.Sum(s => s.Length), sets.SelectMany(s => s).Distinct().Count());
        foreach (var set in sets)
            for (var w = 0; w < p.WindowCount; w++)
            {
                Assert.Equal(p.Usable(0, Resource.Cpu), set.Sum(v => p.Demand(v, Resource.Cpu, w)));
                Assert.True(set.Sum(v => p.Demand(v, Resource.Memory, w)) <= p.Usable(0, Resource.Memory));
            }
    }

    [Fact]
    public void Threads_change_neither_the_sets_found_nor_the_work_counted()
    {
        // The looking-up side runs on several threads; its hits are checked in the order one thread meets them, so
        // the deterministic mode may use every core. A budget that ends the search part-way shows the order matters.
        var p = PlacedDecimals(60, seed: 5);

        var (one, searchOne) = ExactFillSearch.Find(p, budget: 0.1, seed: 3, stop: () => false, threads: 1);
        var (four, searchFour) = ExactFillSearch.Find(p, budget: 0.1, seed: 3, stop: () => false, threads: 4);

        Assert.InRange(one.Count, 1, 59);
        Assert.Equal(one.Select(s => string.Join(',', s)), four.Select(s => string.Join(',', s)));
        Assert.Equal(searchOne!.Operations, searchFour!.Operations);
        Assert.Equal(searchOne.Trials, searchFour.Trials);
    }

    private static PlacementProblem PlacedDecimals(int hosts, int seed)
    {
        var planted = PlantedInstance.Generate(hosts, seed, decimals: true);
        var profiles = ProfileBuilder.Build(planted.Dataset, WindowScheme.Hourly(), 100);
        return PlacementProblem.From(planted.Dataset, profiles, new PlacementOptions(Headroom: 0, MigrationWeightWhPerGiB: 0));
    }

    [Fact]
    public void Search_recovers_every_planted_host_of_six_to_eight_vms()
    {
        // 30 planted hosts whose VMs add up to the host in each of 24 hours: a 24-dimensional k-sum per host,
        // which no local move assembles, but which meeting in the middle finds.
        var p = Planted(30, seed: 7);

        var (sets, search) = ExactFillSearch.Find(p, budget: 5, seed: 1, stop: () => false);

        Assert.NotNull(search);
        Assert.Equal(30, sets.Count);
        Assert.Equal(p.VmCount, sets.Sum(s => s.Length));
        AssertEachFillsExactly(p, sets);
    }

    [Fact]
    public void Under_a_wall_clock_only_the_stop_signal_ends_the_search()
    {
        // A wall-clock limit stops the search through its stop signal; the counted budget, which overstates the
        // time on an idle machine and understates it on a busy one, only paces the turns then.
        var p = PlacedDecimals(30, seed: 4);

        var (counted, _) = ExactFillSearch.Find(p, budget: 0.01, seed: 2, stop: () => false, threads: 1, counted: true);
        var (wall, search) = ExactFillSearch.Find(p, budget: 0.01, seed: 2, stop: () => false, threads: 1, counted: false);

        Assert.True(counted.Count < 30, $"{counted.Count} sets in 0.01 s of counted work");
        Assert.Equal(30, wall.Count);
        Assert.True(search!.Charged > 0.01);
        AssertEachFillsExactly(p, wall);
    }

    [Fact]
    public void Search_gives_up_early_where_no_set_fills_a_host()
    {
        // 24 rows of sizes that are multiples of 3 against a capacity that is not: no set adds up to it.
        var rng = new Random(5);
        var items = Enumerable.Range(0, 300).Select(_ => Enumerable.Range(0, 24).Select(_ => 3 * rng.Next(4, 12)).ToArray()).ToArray();
        var p = Vbp(items);

        var (sets, search) = ExactFillSearch.Find(p, budget: 10, seed: 1, stop: () => false);

        Assert.Empty(sets);
        Assert.NotNull(search);
        Assert.True(search.Charged < 1.5, $"charged {search.Charged} s of a 10 s budget for nothing");
    }

    [Fact]
    public void Low_dimensional_instances_are_not_searched()
    {
        // Three rows: sets that fill a host by chance abound, and taking one can strand two planted triplets.
        var (sets, search) = ExactFillSearch.Find(Vbp(Triplets(40, seed: 3)), budget: 2, seed: 1, stop: () => false);

        Assert.Empty(sets);
        Assert.Null(search);
    }

    [Fact]
    public void Same_seed_gives_the_same_sets()
    {
        var p = Planted(12, seed: 3);
        List<int[]> Run() => ExactFillSearch.Find(p, budget: 0.05, seed: 9, stop: () => false).Sets;

        Assert.Equal(Run().Select(s => string.Join(",", s)), Run().Select(s => string.Join(",", s)));
    }

    [Fact]
    public void Too_many_vms_are_not_searched()
    {
        var items = Enumerable.Range(0, ExactFillSearch.MaxVms + 1).Select(i => new[] { 10 + i % 7 }).ToArray();

        var (sets, search) = ExactFillSearch.Find(Vbp(items), budget: 1, seed: 1, stop: () => false);

        Assert.Empty(sets);
        Assert.Null(search);
    }

    private static int DistinctCpuRows(PlacementProblem p) =>
        Enumerable.Range(0, p.WindowCount)
            .Select(w => string.Join(",", Enumerable.Range(0, p.VmCount).Select(v => p.Demand(v, Resource.Cpu, w))))
            .Distinct().Count();

    /// <summary>Groups of 2-8 items adding up to the capacity in every row, and noise, shuffled. Smallest: the fewest
    /// items of a group that fits a host in every resource, the allocations included (a group's vCPUs, each item's
    /// peak, may be more than a host allows: CsCheck seed 0SpTIgL7Hrq5, 7 items whose peaks add up to 4.12 hosts,
    /// which no set may hold); int.MaxValue when none does.</summary>
    private static (PlacementProblem Problem, int Smallest) PlantedGroups(int rows, int groups, int noise, int seed)
    {
        var rng = new Random(seed);
        var items = new List<(int[] Row, int Group)>();
        for (var g = 0; g < groups; g++)
        {
            var size = rng.Next(2, 9);
            var members = Enumerable.Range(0, size).Select(_ => new int[rows]).ToArray();
            for (var r = 0; r < rows; r++)
            {
                var cuts = Enumerable.Range(0, size - 1).Select(_ => rng.Next(1, 100)).Append(0).Append(100).Order().ToArray();
                // Equal cut points would give an item nothing in this row; give it one unit from the largest.
                for (var m = 0; m < size; m++) members[m][r] = cuts[m + 1] - cuts[m];
                while (members.Any(x => x[r] == 0))
                {
                    members.First(x => x[r] == 0)[r] = 1;
                    members.MaxBy(x => x[r])![r]--;
                }
            }
            items.AddRange(members.Select(m => (m, g)));
        }
        items.AddRange(Enumerable.Range(0, noise).Select(_ => (Enumerable.Range(0, rows).Select(_ => rng.Next(1, 40)).ToArray(), -1)));
        var shuffled = items.OrderBy(_ => rng.Next()).ToArray();
        var p = Vbp([.. shuffled.Select(i => i.Row)]);
        var smallest = Enumerable.Range(0, groups)
            .Select(g => Enumerable.Range(0, shuffled.Length).Where(v => shuffled[v].Group == g).ToArray())
            .Where(set => Resources.All.All(r => Enumerable.Range(0, p.WindowCount).All(w => set.Sum(v => (long)p.Demand(v, r, w)) <= p.Usable(0, r))))
            .Select(set => set.Length).DefaultIfEmpty(int.MaxValue).Min();
        return (p, smallest);
    }

    [Fact]
    public void A_round_with_no_find_does_not_end_the_search_while_sets_are_left()
    {
        // 250 planted groups of 2 to 8 items; with this seed a whole round over the splits comes back dry while
        // about 70 groups are left (as on hourly-mem K = 200, docs/solver.md). The old rule stopped there, at
        // 177 sets and 0.69 s of the 1 s budget; an empty round is luck of the residues drawn, so the search
        // goes on until its budget is spent or every group is found.
        var (p, _) = PlantedGroups(rows: 24, groups: 250, noise: 0, seed: 4);

        var (sets, search) = ExactFillSearch.Find(p, budget: 1, seed: 2, stop: () => false);

        Assert.True(sets.Count == 250 || search!.Charged >= 1, $"{sets.Count} sets, stopped at {search!.Charged:F3} s of 1 s");
        Assert.Equal(sets.Sum(s => s.Length), sets.SelectMany(s => s).Distinct().Count());
    }

    [Fact]
    public void A_group_is_found_where_the_vcpu_allocation_is_the_larger_total()
    {
        // CsCheck seed 0jKYieA6_fP9: 7 planted VMs and 4 noise VMs in 16 rows. Their vCPUs (each VM's peak, the
        // same in every window) add up to 1.14 hosts, their CPU to 1.13 in the emptiest window, so the search took
        // the vCPU allocation for the scarce resource, saw one distinct row and searched nothing.
        var (p, smallest) = PlantedGroups(rows: 16, groups: 1, noise: 4, seed: 16345);

        var (sets, search) = ExactFillSearch.Find(p, budget: 0.02, seed: 16345, stop: () => false);

        Assert.Equal(7, smallest);
        Assert.NotNull(search);
        Assert.Equal(7, Assert.Single(sets).Length);
        AssertEachFillsExactly(p, sets);
    }

    [Fact]
    public void Every_set_it_returns_is_disjoint_and_fills_a_host_exactly()
    {
        // 8-24 rows (a window count that divides the day), planted groups of 2-8 items that add up to the
        // capacity in every row, and noise.
        int[] rowCounts = [8, 12, 16, 18, 20, 24];
        Gen.Select(Gen.Int[0, rowCounts.Length - 1], Gen.Int[1, 6], Gen.Int[0, 10], Gen.Int[0, 100_000]).Sample((rowIndex, groups, noise, seed) =>
        {
            var (p, smallest) = PlantedGroups(rowCounts[rowIndex], groups, noise, seed);

            var (sets, _) = ExactFillSearch.Find(p, budget: 0.02, seed: seed, stop: () => false);

            AssertEachFillsExactly(p, sets);
            // On so few items every split of up to 7 is enumerated in full: a planted group that small is found
            // (or one sharing its items, which fills a host as well), unless repeated windows leave fewer distinct
            // rows than the search asks for (CsCheck seed 9WfDXPemo5Sb: one group of 2 in 8 rows, two of them
            // equal, which the search declines by design).
            if (smallest <= 7 && DistinctCpuRows(p) >= ExactFillSearch.MinRows) Assert.NotEmpty(sets);
        });
    }
}
