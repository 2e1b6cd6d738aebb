using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Inventory;
using Consolidator.Randomness;
using Consolidator.Traces;

namespace Consolidator.Benchmarks;

/// <summary>A planted instance with no slack anywhere: docs/planted-other.py's <c>flat-mem</c> shape, generated here
/// so that the bench needs no Python. K hosts of 40 cores and 384 GiB, each split into 6-8 VMs whose constant CPU (whole
/// hundredths of a core, at least a quarter of a core, written as ordinary decimals) and memory (whole MiB, at least
/// 1 GiB) add up to exactly the host's, by largest remainder over random weights as the script does; one sample an hour
/// for a day, 2 K spare hosts, VMs in random order. Every plan on K hosts fills each exactly in both resources: the
/// full-host cover's case (<see cref="Solving.FullHosts.ZeroSlack"/>), which no other bench instance reaches.</summary>
public static class ExactMemoryInstance
{
    public const int Cores = 40, MemoryMib = 384 * 1024;

    /// <summary>Hundredths of a core: CPU written with two decimals.</summary>
    private const int CpuUnits = 100;

    public static Traces.Dataset Generate(int hosts, int seed)
    {
        var rng = SplitMix64.FromSeed(seed);
        var vms = new List<(int Cpu, int Memory)>();
        for (var h = 0; h < hosts; h++)
        {
            var n = rng.Next(6, 9);
            var cpu = LargestRemainder(Cores * CpuUnits, [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble(0.2, 1.0))], CpuUnits / 4);
            var memory = LargestRemainder(MemoryMib, [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble(0.15, 1.0))], 1024);
            for (var v = 0; v < n; v++) vms.Add((cpu[v], memory[v]));
        }
        rng.Shuffle(vms);
        // 2026-03-02 00:00 UTC, a Monday; one sample an hour for a day.
        var stamps = Enumerable.Range(0, 24).Select(hour => 1_772_409_600L + 3600L * hour).ToArray();
        var inventory = Enumerable.Range(1, 3 * hosts)
            .Select(i => new Host("node" + i.ToString(CultureInfo.InvariantCulture), Cores, MemoryMib, 2.5 * Cores + 40, 7 * Cores + 80)).ToImmutableArray();
        var list = vms.Select((v, i) => new Vm("vm" + (i + 1).ToString(CultureInfo.InvariantCulture), Math.Ceiling(v.Cpu / (double)CpuUnits), v.Memory, null)).ToImmutableArray();
        var usage = vms.Select(v => new VmSeries(stamps, [.. stamps.Select(_ => Math.Round(v.Cpu / (double)CpuUnits, 2))], [.. stamps.Select(_ => (double)v.Memory)])).ToImmutableArray();
        return new Traces.Dataset($"exact-memory K={hosts} seed {seed}", inventory, list, usage);
    }

    /// <summary>Integer shares of <paramref name="total"/>, each at least <paramref name="least"/>, in proportion to
    /// <paramref name="weights"/> above the floor, the rounding remainder to the largest fractional parts.</summary>
    private static int[] LargestRemainder(int total, double[] weights, int least)
    {
        var free = total - least * weights.Length;
        var sum = weights.Sum();
        var exact = weights.Select(w => free * w / sum).ToArray();
        var shares = exact.Select(x => (int)Math.Floor(x)).ToArray();
        var left = free - shares.Sum();
        foreach (var i in Enumerable.Range(0, weights.Length).OrderByDescending(i => exact[i] - shares[i]).Take(left)) shares[i]++;
        return [.. shares.Select(s => least + s)];
    }
}
