using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Datasets;
using Consolidator.Inventory;
using Consolidator.Profiles;
using Consolidator.Randomness;
using Consolidator.Traces;

namespace Consolidator.Generation;

/// <param name="WeekendFactor">Day-peaking VMs' daytime load at the weekend relative to working days: offices
/// are quieter at the weekend, web front ends still serve (0.75, the default); 1 = no weekly pattern.</param>
/// <param name="Images">Disk images the VMs are cloned from (0: VMs have no disks, unless <paramref name="LocalDisks"/>).</param>
/// <param name="LocalDisks">Hosts keep the VMs' disks on local storage (else shared storage).</param>
public sealed record GeneratorOptions(int Seed = 42, int Vms = 120, int Days = 7, int SampleMinutes = 15, double WeekendFactor = 0.75,
    int Images = 0, bool LocalDisks = false)
{
    /// <summary>Bounds of what is generated: --vms 2,000,000,000 or --days 100,000 ran for minutes towards memory or a disk
    /// they could not have (the bench's largest fleet is 100,000 VMs, a week of 15-minute samples: 67 million rows).</summary>
    public const int MaxVms = 1_000_000;

    /// <summary>Whole days from <see cref="DatasetGenerator.Start"/> to the end of the last year a sample may carry.</summary>
    public static readonly int MaxDays = (int)((SampleTime.MaxUnixSeconds + 1 - DatasetGenerator.Start.ToUnixTimeSeconds()) / 86_400);

    public const double MaxUsageRows = 1e9;

    public void Validate()
    {
        if (!(WeekendFactor >= 0 && WeekendFactor <= 10))
            throw new ArgumentOutOfRangeException(nameof(WeekendFactor), WeekendFactor, "--weekend-factor must be from 0 to 10");
        if (Images is < 0 or > 99) throw new ArgumentOutOfRangeException(nameof(Images), Images, "--images must be from 0 to 99");
        if (Vms < 1) throw new ArgumentOutOfRangeException(nameof(Vms), Vms, "--vms must be at least 1");
        if (Days < 1) throw new ArgumentOutOfRangeException(nameof(Days), Days, "--days must be at least 1");
        if (SampleMinutes < 1 || SampleMinutes > Window.MinutesPerDay)
            throw new ArgumentOutOfRangeException(nameof(SampleMinutes), SampleMinutes, "--sample-minutes must be in [1, 1440]");
        if (Vms > MaxVms) throw new ArgumentOutOfRangeException(nameof(Vms), Vms, "--vms must be at most 1,000,000");
        var rows = (double)Vms * Days * Math.Ceiling((double)Window.MinutesPerDay / SampleMinutes);
        if (rows > MaxUsageRows)
            throw new ArgumentOutOfRangeException(nameof(Days), Days, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"--vms x --days x samples per day makes {rows:N0} usage rows, more than 1,000,000,000 (about 50 GB of usage.csv)"));
        // Samples past 2099 are refused by the dataset reader (SampleTime): --days 30,000 (345 million rows, within the
        // bound on rows) wrote a usage.csv that no command could read.
        if (Days > MaxDays)
            throw new ArgumentOutOfRangeException(nameof(Days), Days, string.Create(CultureInfo.InvariantCulture,
                $"--days must be at most {MaxDays:N0}: the samples start on {DatasetGenerator.Start:yyyy-MM-dd} and a usage.csv holds none after {SampleTime.LastYear}"));
    }
}

/// <summary>A synthetic data centre: three host models, VMs that peak by day, by night or not at all, and a
/// wasteful current placement that sizes every VM for its allocation and spreads them over all hosts, so a
/// planner has much to consolidate, and more still when it pairs day-peaking with night-peaking VMs.</summary>
public static class DatasetGenerator
{
    /// <summary>A Monday, so days 5 and 6 of a trace are the weekend.</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    public const int VmsPerHost = 4;
    public const double DayPeakingShare = 0.45, NightPeakingShare = 0.35;

    private sealed record HostModel(string Name, double Cores, double MemoryMib, double IdleWatts, double MaxWatts);

    // The larger, newer model idles at fewer watts per core, so a good plan keeps it and switches off small ones.
    private static readonly HostModel[] Models =
    [
        new("large", 64, 524288, 170, 480),
        new("medium", 48, 262144, 140, 360),
        new("small", 32, 131072, 110, 260),
    ];

    private static readonly int[] VcpuChoices = [2, 4, 8, 16];
    private static readonly int[] VcpuWeights = [30, 35, 25, 10];
    private static readonly int[] MemoryChoices = [4096, 8192, 16384, 32768];

    public static Dataset Generate(GeneratorOptions o)
    {
        o.Validate();
        var rng = SplitMix64.FromSeed(o.Seed);
        var classes = Classes(o.Vms, rng);
        var sizes = new (int Vcpus, int MemoryMib)[o.Vms];
        for (var i = 0; i < o.Vms; i++)
        {
            var c = Weighted(VcpuWeights, rng);
            // Memory follows the vCPU tier, one tier up or down at random.
            var m = Math.Clamp(c + rng.Next(-1, 2), 0, MemoryChoices.Length - 1);
            sizes[i] = (VcpuChoices[c], MemoryChoices[m]);
        }
        var (hosts, placement) = PlaceSpread(sizes, (o.Vms + VmsPerHost - 1) / VmsPerHost);

        var samples = (int)((long)o.Days * Window.MinutesPerDay / o.SampleMinutes);
        var width = Math.Max(3, o.Vms.ToString(CultureInfo.InvariantCulture).Length);
        var vms = ImmutableArray.CreateBuilder<Vm>(o.Vms);
        var usage = ImmutableArray.CreateBuilder<VmSeries>(o.Vms);
        for (var i = 0; i < o.Vms; i++)
        {
            var id = "vm-" + (i + 1).ToString("D" + width, CultureInfo.InvariantCulture);
            vms.Add(new Vm(id, sizes[i].Vcpus, sizes[i].MemoryMib, hosts[placement[i]].Id));
            // One generator per VM, seeded in VM order, so a VM's trace does not depend on the others' draws.
            usage.Add(Series(classes[i], sizes[i].Vcpus, sizes[i].MemoryMib, samples, o.SampleMinutes, o.WeekendFactor, new SplitMix64(rng.NextULong())));
        }
        var dataset = new Dataset("generated", [.. hosts], vms.MoveToImmutable(), usage.MoveToImmutable());
        return o.Images > 0 || o.LocalDisks ? ImageFleet.Add(dataset, o.Images, o.LocalDisks, o.Seed) : dataset;
    }

    /// <summary>Exact class counts (rounded shares), shuffled, so the mix holds for small fleets too.</summary>
    private static VmClass[] Classes(int n, SplitMix64 rng)
    {
        var day = (int)Math.Round(n * DayPeakingShare, MidpointRounding.AwayFromZero);
        var night = Math.Min(n - day, (int)Math.Round(n * NightPeakingShare, MidpointRounding.AwayFromZero));
        var classes = new VmClass[n];
        for (var i = 0; i < n; i++)
            classes[i] = i < day ? VmClass.DayPeaking : i < day + night ? VmClass.NightPeaking : VmClass.Flat;
        rng.Shuffle(classes);
        return classes;
    }

    private static int Weighted(int[] weights, SplitMix64 rng)
    {
        var r = rng.Next(0, weights.Sum());
        for (var i = 0; ; i++)
            if ((r -= weights[i]) < 0) return i;
    }

    /// <summary>Largest VMs first, each onto the host that stays least loaded (max of vCPU and memory share):
    /// every host gets a few VMs and none is full, as in a fleet placed for peak allocation. A VM that fits
    /// nowhere adds a host of the next model.</summary>
    private static (List<Host> Hosts, int[] HostOfVm) PlaceSpread((int Vcpus, int MemoryMib)[] sizes, int hostCount)
    {
        var hosts = new List<Host>();
        var perModel = new int[Models.Length];
        void AddHost()
        {
            var k = hosts.Count % Models.Length;
            var m = Models[k];
            hosts.Add(new Host(string.Create(CultureInfo.InvariantCulture, $"h-{m.Name}-{++perModel[k]:00}"), m.Cores, m.MemoryMib, m.IdleWatts, m.MaxWatts));
        }
        for (var i = 0; i < hostCount; i++) AddHost();

        var vcpus = new List<double>(new double[hostCount]);
        var memory = new List<double>(new double[hostCount]);
        var hostOf = new int[sizes.Length];
        var order = Enumerable.Range(0, sizes.Length)
            .OrderByDescending(v => sizes[v].Vcpus).ThenByDescending(v => sizes[v].MemoryMib).ThenBy(v => v);
        foreach (var v in order)
        {
            var (c, m) = sizes[v];
            int best = -1;
            var bestLoad = double.MaxValue;
            for (var h = 0; h < hosts.Count; h++)
            {
                if (vcpus[h] + c > hosts[h].CpuCores || memory[h] + m > hosts[h].MemoryMib) continue;
                var load = Math.Max((vcpus[h] + c) / hosts[h].CpuCores, (memory[h] + m) / hosts[h].MemoryMib);
                if (load < bestLoad) { best = h; bestLoad = load; }
            }
            if (best < 0)
            {
                AddHost();
                vcpus.Add(0);
                memory.Add(0);
                best = hosts.Count - 1;
            }
            vcpus[best] += c;
            memory[best] += m;
            hostOf[v] = best;
        }
        return (hosts, hostOf);
    }

    private static VmSeries Series(VmClass cls, int vcpus, int memoryMib, int samples, int sampleMinutes, double weekendFactor, SplitMix64 rng)
    {
        var (low, peak, noise) = cls switch
        {
            VmClass.DayPeaking => (rng.NextDouble(0.04, 0.12), rng.NextDouble(0.45, 0.80), 0.04),
            VmClass.NightPeaking => (rng.NextDouble(0.03, 0.10), rng.NextDouble(0.55, 0.90), 0.05),
            _ => (0.0, rng.NextDouble(0.15, 0.45), 0.04),
        };
        var memoryShare = rng.NextDouble(0.5, 0.9);
        var start = Start.ToUnixTimeSeconds();
        var t = new long[samples];
        var cpu = new double[samples];
        var mem = new double[samples];
        for (var s = 0; s < samples; s++)
        {
            var minutes = (long)s * sampleMinutes;
            t[s] = start + minutes * 60;
            var hour = minutes % Window.MinutesPerDay / 60.0;
            var weekend = minutes / Window.MinutesPerDay % 7 >= 5;
            var shape = cls switch
            {
                // Offices are quieter at the weekend, but web front ends still serve: a modest dip.
                VmClass.DayPeaking => DayShape(hour) * (weekend ? weekendFactor : 1.0),
                VmClass.NightPeaking => NightShape(hour),
                _ => 1.0,
            };
            var utilisation = Math.Clamp(low + (peak - low) * shape + rng.NextGaussian(0, noise), 0.01, 1.0);
            cpu[s] = Math.Round(vcpus * utilisation, 3, MidpointRounding.AwayFromZero);
            var used = Math.Round(memoryMib * (memoryShare + rng.NextGaussian(0, 0.01)), MidpointRounding.AwayFromZero);
            mem[s] = Math.Clamp(used, 1, memoryMib);
        }
        return new VmSeries(t, cpu, mem);
    }

    /// <summary>High 08:00-18:00 UTC, with two-hour ramps centred on those times.</summary>
    private static double DayShape(double hour) => Ramp(hour, 7, 9) * (1 - Ramp(hour, 17, 19));

    /// <summary>High 22:00-05:00 UTC, with two-hour ramps centred on those times.</summary>
    private static double NightShape(double hour) => hour >= 12 ? Ramp(hour, 21, 23) : 1 - Ramp(hour, 4, 6);

    /// <summary>Smoothstep from 0 at <paramref name="from"/> to 1 at <paramref name="to"/>: polynomial, so
    /// the result is bit-identical everywhere (no Math.Cos).</summary>
    private static double Ramp(double hour, double from, double to)
    {
        var x = Math.Clamp((hour - from) / (to - from), 0, 1);
        return x * x * (3 - 2 * x);
    }
}
