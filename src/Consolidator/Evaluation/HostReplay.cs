using Consolidator.Inventory;

namespace Consolidator.Evaluation;

/// <summary>Sums what the hosts went through while their VMs' samples were replayed on them: energy, time on,
/// time and depth over physical capacity per resource, and CPU asked for but not available. A host is
/// replayed between change points of its VMs' step functions, so nothing depends on the sampling step.</summary>
internal sealed class HostReplay
{
    private readonly List<(double Depth, double Seconds)> _cpuDepths = [];
    private readonly List<(double Depth, double Seconds)> _memoryDepths = [];

    public double EnergyJoules { get; private set; }
    public double HostSeconds { get; private set; }
    public double CpuOverSeconds { get; private set; }
    public double MemoryOverSeconds { get; private set; }
    public double CpuShortfall { get; private set; }
    public double CpuRequested { get; private set; }
    public double WorstCpuDepth { get; private set; }
    public double WorstMemoryDepth { get; private set; }

    /// <summary>Replays <paramref name="vms"/> on <paramref name="host"/>, which is on for all of [from, to).</summary>
    public void Run(Host host, IReadOnlyList<Timeline> vms, long from, long to)
    {
        if (to <= from) return;
        var events = new List<(long Time, int Vm, int Segment)>();
        for (var i = 0; i < vms.Count; i++)
        {
            var v = vms[i];
            // Segments are in time order: start at the first that ends after `from`.
            var k = FirstEndingAfter(v, from);
            for (; k < v.Count && v.Start[k] < to; k++)
            {
                events.Add((Math.Max(v.Start[k], from), i, k));
                events.Add((Math.Min(v.End[k], to), i, -1));
            }
        }
        events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Segment.CompareTo(b.Segment));

        var cpu = new double[vms.Count];
        var memory = new double[vms.Count];
        var t = from;
        var e = 0;
        while (t < to)
        {
            // Ends sort before starts at the same instant, so back-to-back segments hand over cleanly.
            while (e < events.Count && events[e].Time <= t)
            {
                var (_, vm, segment) = events[e++];
                cpu[vm] = segment < 0 ? 0 : vms[vm].Cpu[segment];
                memory[vm] = segment < 0 ? 0 : vms[vm].Memory[segment];
            }
            var next = e < events.Count ? Math.Min(events[e].Time, to) : to;
            Account(host, cpu.Sum(), memory.Sum(), next - t);
            t = next;
        }
    }

    private void Account(Host host, double cpu, double memory, double seconds)
    {
        if (seconds <= 0) return;
        HostSeconds += seconds;
        CpuRequested += cpu * seconds;
        EnergyJoules += host.WattsAt(cpu) * seconds;
        if (cpu > host.CpuCores * (1 + 1e-9))
        {
            var depth = cpu / host.CpuCores - 1;
            CpuOverSeconds += seconds;
            CpuShortfall += (cpu - host.CpuCores) * seconds;
            _cpuDepths.Add((depth, seconds));
            WorstCpuDepth = Math.Max(WorstCpuDepth, depth);
        }
        if (memory > host.MemoryMib * (1 + 1e-9))
        {
            var depth = memory / host.MemoryMib - 1;
            MemoryOverSeconds += seconds;
            _memoryDepths.Add((depth, seconds));
            WorstMemoryDepth = Math.Max(WorstMemoryDepth, depth);
        }
    }

    /// <summary>The overload depth that 99 % of host-time stays at or below (0 when at most 1 % of host-time
    /// is overloaded), weighting each stretch by its duration.</summary>
    public double P99CpuDepth => Quantile99(_cpuDepths);
    public double P99MemoryDepth => Quantile99(_memoryDepths);

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

    private static int FirstEndingAfter(Timeline v, long from)
    {
        int lo = 0, hi = v.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (v.End[mid] <= from) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
