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
