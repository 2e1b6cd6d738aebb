using System.Collections.Immutable;

namespace Consolidator.Profiles;

/// <summary>The profiles of all VMs of a dataset, in the dataset's VM order, for one window scheme.</summary>
/// <param name="Note">How the window scheme was chosen, when it was chosen from the data (--windows auto).</param>
public sealed record ProfileSet(WindowScheme Windows, ProfileOptions Options, ImmutableArray<VmProfile> Vms, string? Note = null)
{
    public double Percentile => Options.Percentile;

    /// <summary>The windows that the span [from, to) touches (the whole scheme for a week or more).</summary>
    public ImmutableSortedSet<int> WindowsOf(long from, long to)
    {
        var set = ImmutableSortedSet.CreateBuilder<int>();
        var end = Math.Min(to, from + Week.SecondsPerWeek);
        for (var t = from; t < end; t += 60) set.Add(Windows.IndexOf(t));
        return set.ToImmutable();
    }

    /// <summary>The profiles for a plan that only has to hold during some windows (a re-plan's horizon, until the
    /// next re-plan): outside them demand and mean are zero, so those windows never bind and cost no dynamic
    /// energy. Memory the planner floors at the allocation still counts everywhere.</summary>
    public ProfileSet Within(IReadOnlySet<int> windows)
    {
        if (windows.Count >= Windows.Count) return this;
        double[] Keep(double[] xs) => [.. xs.Select((x, w) => windows.Contains(w) ? x : 0)];
        return this with
        {
            Vms = [.. Vms.Select(p => p with
            {
                DemandCpu = Keep(p.DemandCpu), DemandMemory = Keep(p.DemandMemory), MeanCpu = Keep(p.MeanCpu), MeanMemory = Keep(p.MeanMemory),
                PeakCpu = Keep(p.PeakCpu), CpuStdDev = p.CpuStdDev.Length > 0 ? Keep(p.CpuStdDev) : [],
                CpuQuantiles = [.. p.CpuQuantiles.Select((q, w) => windows.Contains(w) ? q : new double[q.Length])],
            })],
        };
    }
}
