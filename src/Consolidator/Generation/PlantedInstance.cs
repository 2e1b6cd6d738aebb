using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Inventory;
using Consolidator.Profiles;
using Consolidator.Randomness;
using Consolidator.Traces;

namespace Consolidator.Generation;

/// <summary>A dataset with a known optimum, and the packing that attains it (host id per VM, dataset order).</summary>
public sealed record PlantedDataset(Dataset Dataset, int OptimalHosts, ImmutableArray<string> PlantedHostOfVm);

/// <summary>A consolidation instance whose optimum is known by construction: K identical hosts, and for each
/// a group of VMs whose CPU demands in every hour of the day add up to exactly the host's cores. The fleet's
/// total CPU demand then equals K hosts' capacity in every hour, so no placement uses fewer than K hosts, and
/// the planted groups use exactly K. Memory is small and constant so it never binds.
/// The optimum holds for hourly (or finer, hour-aligned) windows, zero headroom and no vCPU-allocation limit:
/// a planted host's vCPUs add up to more than its cores, as its VMs peak in different hours.
/// All VMs are left unplaced (empty current_host): there is no current placement to migrate from.
/// The inventory holds spare hosts of the same model beyond the K planted ones (2 K by default),
/// so that a planner which cannot find the planted packing, or a peak-sized baseline, can still place every VM.</summary>
public static class PlantedInstance
{
    public const double HostCores = 32, HostMemoryMib = 262144, HostIdleWatts = 100, HostMaxWatts = 300;

    /// <summary>By default CPU demands are whole multiples of 1/8 core: values exact in binary floating point.</summary>
    public const double CpuStep = 0.125;

    /// <summary>With decimals, CPU demands are whole millicores written as ordinary decimals (6.922): most are
    /// not exact in binary, so only a reader that keeps decimal text exact finds the planted optimum.</summary>
    public const double DecimalCpuStep = 0.001;

    /// <summary>Smallest share of a host's CPU a VM gets in any hour: 3/8 core, just over 1 % of 32 cores.</summary>
    public const double MinShareCores = 0.375;

    /// <summary>The most planted hosts: at 8 VMs a host, the 1,000,000 VMs of <see cref="GeneratorOptions.MaxVms"/>.
    /// 99,999,999 ran for minutes towards memory it could not have, with nothing on the screen.</summary>
    public const int MaxHosts = GeneratorOptions.MaxVms / 8;

    private static readonly int[] MemoryChoices = [1024, 2048, 4096, 8192, 16384];

    /// <param name="decimals">CPU demands in whole millicores (<see cref="DecimalCpuStep"/>) instead of eighths of a core.</param>
    public static PlantedDataset Generate(int hosts, int seed, int minVmsPerHost = 6, int maxVmsPerHost = 8, int days = 1, int sampleMinutes = 60, int? spareHosts = null, bool decimals = false)
    {
        var step = decimals ? DecimalCpuStep : CpuStep;
        var capacitySteps = (int)Math.Round(HostCores / step);
        var minShare = (int)Math.Round(MinShareCores / step);
        if (hosts < 1) throw new ArgumentOutOfRangeException(nameof(hosts), hosts, "--planted-hosts must be at least 1");
        if (hosts > MaxHosts)
            throw new ArgumentOutOfRangeException(nameof(hosts), hosts, "--planted-hosts must be at most 125,000 (up to 8 VMs a host: the 1,000,000 VMs `generate --vms` allows)");
        if (minVmsPerHost < 1 || maxVmsPerHost < minVmsPerHost || maxVmsPerHost * minShare > capacitySteps)
            throw new ArgumentOutOfRangeException(nameof(maxVmsPerHost), maxVmsPerHost,
                $"need 1 <= min <= max <= {capacitySteps / minShare} VMs per host (min {minVmsPerHost})");
        if (days < 1) throw new ArgumentOutOfRangeException(nameof(days), days, "at least one day");
        if (sampleMinutes < 1 || 60 % sampleMinutes != 0)
            throw new ArgumentOutOfRangeException(nameof(sampleMinutes), sampleMinutes, "must divide 60, so every sample lies in one hour");

        var spares = spareHosts ?? 2 * hosts;
        if (spares < 0) throw new ArgumentOutOfRangeException(nameof(spareHosts), spares, "spare hosts cannot be negative");
        var rng = SplitMix64.FromSeed(seed);
        var hostWidth = Math.Max(2, (hosts + spares).ToString(CultureInfo.InvariantCulture).Length);
        var inventory = Enumerable.Range(1, hosts + spares)
            .Select(k => new Host("h-" + k.ToString("D" + hostWidth, CultureInfo.InvariantCulture), HostCores, HostMemoryMib, HostIdleWatts, HostMaxWatts))
            .ToImmutableArray();
        var hostList = inventory.Take(hosts);
        // Keeps a host's VMs within half its memory whatever their count.
        var memoryCap = HostMemoryMib / 2 / maxVmsPerHost;
        var memoryChoices = MemoryChoices.Where(m => m <= memoryCap).DefaultIfEmpty((int)memoryCap).ToArray();

        var planted = new List<(string Host, double[] HourlyCpu, int MemoryMib)>();
        foreach (var host in hostList)
        {
            var n = rng.Next(minVmsPerHost, maxVmsPerHost + 1);
            var hourly = Enumerable.Range(0, n).Select(_ => new double[24]).ToArray();
            for (var hour = 0; hour < 24; hour++)
            {
                var steps = Split(capacitySteps, minShare, n, rng);
                // Rounded to the step's decimals: the double nearest to the decimal text that usage.csv holds.
                for (var v = 0; v < n; v++) hourly[v][hour] = Math.Round(steps[v] * step, 3);
            }
            for (var v = 0; v < n; v++)
                planted.Add((host.Id, hourly[v], memoryChoices[rng.Next(0, memoryChoices.Length)]));
        }
        // Ids are given after shuffling so neither id nor dataset order reveals the planted groups.
        rng.Shuffle(planted);

        var width = Math.Max(3, planted.Count.ToString(CultureInfo.InvariantCulture).Length);
        var samples = days * Window.MinutesPerDay / sampleMinutes;
        var start = DatasetGenerator.Start.ToUnixTimeSeconds();
        var vms = ImmutableArray.CreateBuilder<Vm>(planted.Count);
        var usage = ImmutableArray.CreateBuilder<VmSeries>(planted.Count);
        foreach (var (_, hourlyCpu, memoryMib) in planted)
        {
            var id = "vm-" + (vms.Count + 1).ToString("D" + width, CultureInfo.InvariantCulture);
            vms.Add(new Vm(id, Math.Ceiling(hourlyCpu.Max()), memoryMib, CurrentHost: null));
            var t = new long[samples];
            var cpu = new double[samples];
            var mem = new double[samples];
            for (var s = 0; s < samples; s++)
            {
                var minutes = (long)s * sampleMinutes;
                t[s] = start + minutes * 60;
                cpu[s] = hourlyCpu[minutes / 60 % 24];
                mem[s] = memoryMib;
            }
            usage.Add(new VmSeries(t, cpu, mem));
        }
        var dataset = new Dataset($"planted-K{hosts}", inventory, vms.MoveToImmutable(), usage.MoveToImmutable());
        return new PlantedDataset(dataset, hosts, [.. planted.Select(p => p.Host)]);
    }

    /// <summary>Splits <paramref name="total"/> steps into n shares of at least <paramref name="least"/>:
    /// the rest is divided in proportion to uniform random weights (a random split whose shares vary moderately),
    /// rounded down, and the rounding remainder goes to the last share so the sum is exact.</summary>
    private static int[] Split(int total, int least, int n, SplitMix64 rng)
    {
        var weights = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        var sum = weights.Sum();
        var free = total - n * least;
        var shares = new int[n];
        var given = 0;
        for (var v = 0; v < n - 1; v++)
        {
            shares[v] = least + (int)Math.Floor(free * weights[v] / sum);
            given += shares[v];
        }
        shares[n - 1] = total - given;
        return shares;
    }
}
