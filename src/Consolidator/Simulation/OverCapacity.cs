using System.Collections.Immutable;
using Consolidator.Packing;
using Consolidator.Traces;

namespace Consolidator.Simulation;

/// <summary>Time hosts spend over physical capacity on the raw trace. The plan is sized on windowed
/// percentiles, so the samples above the percentile can still overload a host; this measures how much.
/// Each sample holds until the VM's next one (the last for one more sampling step); a host is over capacity
/// while the samples of its VMs add up to more CPU cores or memory than it has.</summary>
public static class OverCapacity
{
    /// <summary>Host-hours over capacity and how many hosts were ever over.</summary>
    public static (double HostHours, int Hosts) Measure(PlacementProblem p, Placement placement, ImmutableArray<VmSeries> usage, CancellationToken cancel = default)
    {
        if (usage.IsDefaultOrEmpty) return (0, 0);
        double hours = 0;
        var hosts = 0;
        foreach (var (h, vms) in Energy.VmsByHost(p, placement))
        {
            cancel.ThrowIfCancellationRequested();
            var seconds = SecondsOver(p.Hosts[h].CpuCores, p.Hosts[h].MemoryMib, vms.Select(v => usage[v]).ToList());
            hours += seconds / 3600;
            if (seconds > 0) hosts++;
        }
        return (hours, hosts);
    }

    /// <summary>Hours from the first sample of the trace to the end of the last.</summary>
    public static double TraceHours(ImmutableArray<VmSeries> usage)
    {
        if (usage.IsDefaultOrEmpty) return 0;
        long first = long.MaxValue, last = long.MinValue;
        foreach (var s in usage.Where(s => s.Count > 0))
        {
            first = Math.Min(first, s.UnixSeconds[0]);
            last = Math.Max(last, s.UnixSeconds[^1] + Step(s, s.Count - 1));
        }
        return last > first ? (last - first) / 3600.0 : 0;
    }

    private static double SecondsOver(double cores, double memoryMib, List<VmSeries> series)
    {
        // Each sample is a step: +value when it starts, -value when the next sample (or the end) replaces it.
        var steps = new List<(long Time, double Cpu, double Mem)>();
        foreach (var s in series)
            for (var k = 0; k < s.Count; k++)
            {
                var end = s.UnixSeconds[k] + Step(s, k);
                if (end <= s.UnixSeconds[k]) continue;
                steps.Add((s.UnixSeconds[k], s.CpuCores[k], s.MemoryMib[k]));
                steps.Add((end, -s.CpuCores[k], -s.MemoryMib[k]));
            }
        steps.Sort((a, b) => a.Time.CompareTo(b.Time));
        double cpu = 0, mem = 0, over = 0;
        for (var k = 0; k < steps.Count; k++)
        {
            cpu += steps[k].Cpu;
            mem += steps[k].Mem;
            var isLastAtTime = k + 1 == steps.Count || steps[k + 1].Time != steps[k].Time;
            if (!isLastAtTime || k + 1 == steps.Count) continue;
            // A relative slack keeps rounding of the running sums from counting an exact fit as over.
            if (cpu > cores * (1 + 1e-9) || mem > memoryMib * (1 + 1e-9)) over += steps[k + 1].Time - steps[k].Time;
        }
        return over;
    }

    /// <summary>How long sample k holds: until the next sample, the last one as long as the step before it.</summary>
    private static long Step(VmSeries s, int k) =>
        k + 1 < s.Count ? s.UnixSeconds[k + 1] - s.UnixSeconds[k] : s.Count > 1 ? s.UnixSeconds[k] - s.UnixSeconds[k - 1] : 0;
}
