using Consolidator.Inventory;

namespace Consolidator.Evaluation;

/// <summary>What hosts went through while VMs' samples were replayed on them, as sums, so that folds add up
/// to a whole run: energy, time on, time and depth over physical capacity per resource, CPU asked for, and
/// CPU throttled (asked for but not given) per QoS class. Migrations add their count, downtime, degradation
/// and energy.</summary>
public sealed class ReplayTotals
{
    private readonly List<(double Depth, double Seconds)> _cpuDepths = [];
    private readonly List<(double Depth, double Seconds)> _memoryDepths = [];

    public double EnergyJoules { get; internal set; }
    public double HostSeconds { get; internal set; }
    /// <summary>The part of <see cref="EnergyJoules"/> the powered hosts draw idle (their 0 % power): with
    /// <see cref="CoreSeconds"/> it splits a policy's energy into what powering hosts costs and what the load
    /// adds, the breakdown that tells a policy that packs worse from one that powers less efficient hosts.</summary>
    public double IdleJoules { get; internal set; }
    /// <summary>Cores of the powered hosts, times the seconds they were powered.</summary>
    public double CoreSeconds { get; internal set; }
    public double CpuOverSeconds { get; internal set; }
    public double MemoryOverSeconds { get; internal set; }
    /// <summary>Core-seconds of demand above the hosts' cores.</summary>
    public double CpuShortfall { get; internal set; }
    public double CpuRequested { get; internal set; }
    public double WorstCpuDepth { get; internal set; }
    public double WorstMemoryDepth { get; internal set; }

    /// <summary>Core-seconds asked for, per QoS class (index = <see cref="QosClass"/>).</summary>
    public double[] Demand { get; } = new double[2];

    /// <summary>Core-seconds asked for but not given, per QoS class: above a VM's cap, or lost to contention.</summary>
    public double[] Throttled { get; } = new double[2];

    public int Migrations { get; internal set; }
    public double DowntimeSeconds { get; internal set; }
    /// <summary>CPU core-seconds migrating VMs did not get (CloudSim's PDM numerator).</summary>
    public double Degraded { get; internal set; }
    public double MigrationEnergyJoules { get; internal set; }

    internal void Cpu(double depth, double seconds)
    {
        _cpuDepths.Add((depth, seconds));
        WorstCpuDepth = Math.Max(WorstCpuDepth, depth);
    }

    internal void Memory(double depth, double seconds)
    {
        _memoryDepths.Add((depth, seconds));
        WorstMemoryDepth = Math.Max(WorstMemoryDepth, depth);
    }

    /// <summary>The overload depth that 99 % of host-time stays at or below (0 when at most 1 % of host-time
    /// is overloaded), weighting each stretch by its duration.</summary>
    public double P99CpuDepth => Quantile99(_cpuDepths);
    public double P99MemoryDepth => Quantile99(_memoryDepths);

    public void Add(ReplayTotals o)
    {
        EnergyJoules += o.EnergyJoules;
        HostSeconds += o.HostSeconds;
        IdleJoules += o.IdleJoules;
        CoreSeconds += o.CoreSeconds;
        CpuOverSeconds += o.CpuOverSeconds;
        MemoryOverSeconds += o.MemoryOverSeconds;
        CpuShortfall += o.CpuShortfall;
        CpuRequested += o.CpuRequested;
        WorstCpuDepth = Math.Max(WorstCpuDepth, o.WorstCpuDepth);
        WorstMemoryDepth = Math.Max(WorstMemoryDepth, o.WorstMemoryDepth);
        _cpuDepths.AddRange(o._cpuDepths);
        _memoryDepths.AddRange(o._memoryDepths);
        for (var q = 0; q < 2; q++)
        {
            Demand[q] += o.Demand[q];
            Throttled[q] += o.Throttled[q];
        }
        Migrations += o.Migrations;
        DowntimeSeconds += o.DowntimeSeconds;
        Degraded += o.Degraded;
        MigrationEnergyJoules += o.MigrationEnergyJoules;
    }

    private double Quantile99(List<(double Depth, double Seconds)> depths)
    {
        var allowed = 0.01 * HostSeconds;
        double above = 0;
        foreach (var (depth, seconds) in depths.OrderByDescending(d => d.Depth))
        {
            above += seconds;
            if (above > allowed) return depth;
        }
        return 0;
    }

    /// <summary>The figures of one policy over <paramref name="span"/>.</summary>
    public PolicyOutcome Outcome(string policy, Period span)
    {
        double Share(double part, double whole) => whole > 0 ? part / whole : 0;
        var slatah = Share(CpuOverSeconds, HostSeconds);
        var pdm = Share(Degraded, CpuRequested);
        return new PolicyOutcome(
            Policy: policy,
            ActiveHosts: span.Seconds > 0 ? HostSeconds / span.Seconds : 0,
            EnergyKWhPerDay: span.Days > 0 ? (EnergyJoules + MigrationEnergyJoules) / 3.6e6 / span.Days : 0,
            CpuOverloadFraction: slatah,
            MemoryOverloadFraction: Share(MemoryOverSeconds, HostSeconds),
            Slatah: slatah,
            Pdm: pdm,
            Slav: slatah * pdm,
            CpuShortfall: Share(CpuShortfall, CpuRequested),
            WorstCpuDepth: WorstCpuDepth,
            P99CpuDepth: P99CpuDepth,
            WorstMemoryDepth: WorstMemoryDepth,
            P99MemoryDepth: P99MemoryDepth,
            Migrations: Migrations)
        {
            ThrottledInteractive = Share(Throttled[(int)QosClass.Interactive], Demand[(int)QosClass.Interactive]),
            ThrottledBatch = Share(Throttled[(int)QosClass.Batch], Demand[(int)QosClass.Batch]),
            DowntimeSeconds = DowntimeSeconds,
            MigrationEnergyKWh = MigrationEnergyJoules / 3.6e6,
            IdleEnergyKWhPerDay = span.Days > 0 ? IdleJoules / 3.6e6 / span.Days : 0,
            PoweredCores = span.Seconds > 0 ? CoreSeconds / span.Seconds : 0,
        };
    }
}
