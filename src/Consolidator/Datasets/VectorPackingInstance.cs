using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Generation;
using Consolidator.Inventory;
using Consolidator.Profiles;
using Consolidator.Traces;

namespace Consolidator.Datasets;

/// <summary>A vector bin packing instance: identical bins with a capacity per dimension, and items with a
/// size per dimension (one entry per item; multiplicities are expanded).</summary>
public sealed record VectorPackingInstance(string Name, ImmutableArray<int> Capacities, ImmutableArray<ImmutableArray<int>> Items)
{
    /// <summary>The watts of every bin, idle and busy alike: with no dynamic power the daily energy of a
    /// packing is a fixed amount per bin, so minimising energy is minimising bins.</summary>
    public const double BinWatts = 100;

    /// <summary>Capacities are scaled to their least common multiple; CPU is counted in millicores in an int.</summary>
    public const long MaxScaledCapacity = int.MaxValue / 1000;

    public int Dimensions => Capacities.Length;

    /// <summary>Item sizes below zero, which <see cref="ToDataset"/> reads as 0: a VM cannot give CPU back.
    /// Every packing of the dataset then packs the published items too, but a published optimum that relies
    /// on a negative size to fill a bin exactly may be out of reach.</summary>
    public int NegativeSizes => Items.Sum(item => item.Count(size => size < 0));

    /// <summary>The instance as a consolidation dataset: dimension k is window k of d equal windows of the
    /// day, the bins are identical hosts whose CPU is the bin capacity, item i is a VM whose CPU in window k
    /// is its size in dimension k (one sample per window), and memory (1 MiB per VM) never binds. No VM is
    /// placed yet. Plan it with percentile 100, headroom 0 and migration weight 0 and the plan's active
    /// hosts are the bins of a packing. Unequal capacities are scaled to a common one.</summary>
    /// <param name="hosts">Hosts in the inventory; the default, one per item, always suffices.</param>
    public Dataset ToDataset(int? hosts = null)
    {
        var binCount = hosts ?? Items.Length;
        if (binCount < 1) throw new ArgumentOutOfRangeException(nameof(hosts), binCount, "at least one host");
        long capacity = 1;
        foreach (var c in Capacities)
        {
            capacity = Lcm(capacity, c);
            if (capacity > MaxScaledCapacity)
                throw new ArgumentOutOfRangeException(nameof(Capacities), capacity,
                    $"the bin capacities' least common multiple is above {MaxScaledCapacity}, too large to count in millicores");
        }
        var scale = Capacities.Select(c => (int)(capacity / c)).ToArray();

        var hostWidth = binCount.ToString(CultureInfo.InvariantCulture).Length;
        var hostList = Enumerable.Range(1, binCount)
            .Select(b => new Host("bin-" + b.ToString("D" + hostWidth, CultureInfo.InvariantCulture), capacity, Items.Length, BinWatts, BinWatts))
            .ToImmutableArray();

        var windowMinutes = Window.MinutesPerDay / Dimensions;
        var start = DatasetGenerator.Start.ToUnixTimeSeconds();
        var times = Enumerable.Range(0, Dimensions).Select(k => start + (long)k * windowMinutes * 60).ToArray();
        var itemWidth = Items.Length.ToString(CultureInfo.InvariantCulture).Length;
        var vms = ImmutableArray.CreateBuilder<Vm>(Items.Length);
        var usage = ImmutableArray.CreateBuilder<VmSeries>(Items.Length);
        for (var i = 0; i < Items.Length; i++)
        {
            var cpu = Enumerable.Range(0, Dimensions).Select(k => (double)((long)Math.Max(0, Items[i][k]) * scale[k])).ToArray();
            vms.Add(new Vm("item-" + (i + 1).ToString("D" + itemWidth, CultureInfo.InvariantCulture), Math.Max(1, cpu.Max()), 1, CurrentHost: null));
            usage.Add(new VmSeries([.. times], cpu, [.. Enumerable.Repeat(1.0, Dimensions)]));
        }
        return new Dataset(Name, hostList, vms.MoveToImmutable(), usage.MoveToImmutable());
    }

    /// <summary>The window scheme the dataset's samples fall in: one window per dimension.</summary>
    public WindowScheme Windows() => WindowScheme.Slices(Dimensions, $"{Dimensions} dimensions");

    private static long Lcm(long a, long b) => a / Gcd(a, b) * b;

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
}
