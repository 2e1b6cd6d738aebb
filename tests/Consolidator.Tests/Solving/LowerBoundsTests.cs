using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Solving;

public class LowerBoundsTests
{
    [Fact]
    public void L2_counts_items_too_large_to_share_a_bin()
    {
        // Three items of 60 in bins of 100: volume says 2, but no two share a bin.
        Assert.Equal(3, LowerBounds.L2([60, 60, 60], 100));
        // 60 + 40 pairs fit: L2 = 2 = volume.
        Assert.Equal(2, LowerBounds.L2([40, 40, 60, 60], 100));
        // Martello & Toth's example shape: big items leave room the small ones cannot fully use.
        Assert.Equal(4, LowerBounds.L2([30, 30, 30, 70, 70, 70, 70], 100));
    }

    [Fact]
    public void Every_bound_is_at_most_the_optimum_on_random_identical_host_instances()
    {
        var rng = new Random(11);
        for (var trial = 0; trial < 30; trial++)
        {
            var sizes = Enumerable.Range(0, rng.Next(1, 9)).Select(_ => (long)rng.Next(1, 101)).Order().ToArray();
            Assert.True(LowerBounds.L2(sizes, 100) <= Optimum(sizes, 100), string.Join(",", sizes));
        }
    }

    [Fact]
    public void Host_bound_uses_l2_when_hosts_are_identical()
    {
        var d = TestInstances.Make(Enumerable.Range(0, 4).Select(i => TestInstances.Host($"h{i}", cores: 10)),
            Enumerable.Range(0, 3).Select(i => new Vm($"vm{i}", 6, 1024, null)), (_, _) => (6, 512));
        var p = PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Slices(1), 100), new PlacementOptions(0, 0));
        Assert.Equal(2, LowerBounds.VolumeHosts(p));
        Assert.Equal(3, LowerBounds.Hosts(p));
    }

    [Fact]
    public void Energy_bound_is_at_most_the_least_energy_of_any_fitting_placement_on_random_heterogeneous_fleets()
    {
        // The relaxation's validity argument (LowerBounds.EnergyWhPerDay), checked against every placement of tiny
        // fleets: hosts of models whose idle and slope per core rank differently, VMs whose mean can exceed their
        // demand (percentile 50 of six-hour windows), headroom.
        var rng = new Random(17);
        var checkedFleets = 0;
        for (var trial = 0; trial < 40; trial++)
        {
            (double Cores, double Mem, double Idle, double Max)[] models = [(64, 262144, 170, 480), (48, 196608, 140, 360), (32, 131072, 110, 260)];
            var hosts = Enumerable.Range(0, rng.Next(2, 5)).Select(i =>
            {
                var m = models[rng.Next(models.Length)];
                return TestInstances.Host($"h{i}", m.Cores, m.Mem, m.Idle + rng.Next(0, 40), m.Max + rng.Next(0, 120));
            }).ToArray();
            var vms = Enumerable.Range(0, rng.Next(2, 7)).Select(i => new Vm($"vm{i}", 8, 16384, null)).ToArray();
            var shape = vms.Select(_ => Enumerable.Range(0, 24).Select(_ => (Cpu: rng.Next(1, 40) * 0.5, Mem: rng.Next(1, 64) * 1024.0)).ToArray()).ToArray();
            var d = TestInstances.Make(hosts, vms, (v, hour) => shape[v][hour]);
            var percentile = rng.Next(2) == 0 ? 50 : 100;
            var p = PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Slices(4), percentile), new PlacementOptions(Headroom: rng.Next(3) * 0.1, MigrationWeightWhPerGiB: 0));
            var least = double.PositiveInfinity;
            var hostOf = new int[p.VmCount];
            for (var code = 0; code < Math.Pow(p.HostCount, p.VmCount); code++)
            {
                for (int v = 0, c = code; v < p.VmCount; v++, c /= p.HostCount) hostOf[v] = c % p.HostCount;
                if (Fits(p, hostOf)) least = Math.Min(least, Energy.WhPerDay(p, new Placement([.. hostOf])));
            }
            if (double.IsPositiveInfinity(least)) continue;
            checkedFleets++;
            Assert.True(LowerBounds.EnergyWhPerDay(p) <= least + 1e-6, $"trial {trial}: bound {LowerBounds.EnergyWhPerDay(p)} above the optimum {least}");
        }
        Assert.True(checkedFleets >= 20, $"only {checkedFleets} fleets had a fitting placement");
    }

    [Fact]
    public void Energy_bound_does_not_mix_the_cheapest_idle_of_one_model_with_the_cheapest_slope_of_another()
    {
        // The large host idles at 2 W per core and draws 5 W per busy core; the small ones idle at 3 and draw 4. Charging
        // half the large host's idle for the 32 cores of demand and the load at the small hosts' slope gives 24 (64 +
        // 4 x 32) = 4,608 Wh, which no placement reaches: the load runs either on the large host (24 (128 + 5 x 32) =
        // 6,912 Wh) or on a small one (24 (96 + 4 x 32) = 5,376 Wh, the optimum). The relaxation finds 5,376.
        var hosts = new[] { TestInstances.Host("large", 64, 262144, 128, 448), TestInstances.Host("small-1", 32, 131072, 96, 224), TestInstances.Host("small-2", 32, 131072, 96, 224) };
        var d = TestInstances.Make(hosts, [new Vm("a", 16, 8192, null), new Vm("b", 16, 8192, null)], (_, _) => (16, 4096));
        var p = PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Slices(1), 100), new PlacementOptions(Headroom: 0, MigrationWeightWhPerGiB: 0));

        Assert.Equal(24 * (128 + 5.0 * 32), Energy.WhPerDay(p, new Placement([0, 0])), 6);
        Assert.Equal(24 * (96 + 4.0 * 32), Energy.WhPerDay(p, new Placement([1, 1])), 6);
        Assert.Equal(24 * (96 + 4.0 * 32), LowerBounds.EnergyWhPerDay(p), 1e-2);
    }

    private static bool Fits(PlacementProblem p, int[] hostOf)
    {
        for (var h = 0; h < p.HostCount; h++)
            foreach (var r in Resources.All)
                for (var w = 0; w < p.WindowCount; w++)
                {
                    long sum = 0;
                    for (var v = 0; v < p.VmCount; v++) if (hostOf[v] == h) sum += p.Demand(v, r, w);
                    if (sum > p.Usable(h, r)) return false;
                }
        return true;
    }

    /// <summary>Exact bin count by brute force over assignments (tiny inputs only).</summary>
    private static int Optimum(long[] sizes, long c)
    {
        for (var bins = 1; ; bins++)
            if (Assign(sizes, 0, new long[bins], c)) return bins;
    }

    private static bool Assign(long[] sizes, int i, long[] load, long c)
    {
        if (i == sizes.Length) return true;
        for (var b = 0; b < load.Length; b++)
        {
            if (load[b] + sizes[i] > c) continue;
            load[b] += sizes[i];
            if (Assign(sizes, i + 1, load, c)) return true;
            load[b] -= sizes[i];
        }
        return false;
    }
}
