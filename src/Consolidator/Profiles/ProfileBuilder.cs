using System.Collections.Immutable;
using Consolidator.Traces;

namespace Consolidator.Profiles;

/// <summary>Turns raw usage into per-window demand. A window's demand is a percentile of all samples whose
/// time of day falls in it, whatever their date: a week of samples gives seven days' worth per window.</summary>
public static class ProfileBuilder
{
    /// <summary>Day mean over night mean (or the reverse) at which a VM counts as peaking.</summary>
    public const double PeakRatio = 1.5;

    public static ProfileSet Build(Dataset dataset, WindowScheme windows, double percentile)
    {
        if (!(percentile > 0 && percentile <= 100))
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "the percentile must be in (0, 100]");
        var profiles = new VmProfile[dataset.Vms.Length];
        Parallel.For(0, profiles.Length, i =>
            profiles[i] = BuildOne(dataset.Vms[i].Id, dataset.Usage[i], windows, percentile));
        return new ProfileSet(windows, percentile, [.. profiles]);
    }

    public static VmProfile BuildOne(string vmId, VmSeries series, WindowScheme windows, double percentile)
    {
        var n = windows.Count;
        var cpu = new List<double>[n];
        var mem = new List<double>[n];
        for (var w = 0; w < n; w++) { cpu[w] = []; mem[w] = []; }
        for (var s = 0; s < series.Count; s++)
        {
            var w = windows.IndexOf(series.UnixSeconds[s]);
            cpu[w].Add(series.CpuCores[s]);
            mem[w].Add(series.MemoryMib[s]);
        }

        // A window the trace never covers (a trace shorter than a day) takes the VM's whole-trace figure.
        var allCpu = series.CpuCores.ToList();
        var allMem = series.MemoryMib.ToList();
        var demandCpu = new double[n];
        var demandMem = new double[n];
        var meanCpu = new double[n];
        var meanMem = new double[n];
        for (var w = 0; w < n; w++)
        {
            var c = cpu[w].Count > 0 ? cpu[w] : allCpu;
            var m = mem[w].Count > 0 ? mem[w] : allMem;
            demandCpu[w] = Percentile.Of(c, percentile);
            demandMem[w] = Percentile.Of(m, percentile);
            meanCpu[w] = Mean(c);
            meanMem[w] = Mean(m);
        }
        return new VmProfile(vmId, Classify(series), demandCpu, demandMem, meanCpu, meanMem);
    }

    /// <summary>Compares mean CPU in the day (07:00-19:00 UTC) with the night, independent of the window scheme.</summary>
    public static VmClass Classify(VmSeries series)
    {
        var dayNight = WindowScheme.DayNight();
        double day = 0, night = 0;
        int nd = 0, nn = 0;
        for (var s = 0; s < series.Count; s++)
        {
            if (dayNight.IndexOf(series.UnixSeconds[s]) == 0) { day += series.CpuCores[s]; nd++; }
            else { night += series.CpuCores[s]; nn++; }
        }
        if (nd == 0 || nn == 0) return VmClass.Flat;
        day /= nd;
        night /= nn;
        if (day > PeakRatio * night) return VmClass.DayPeaking;
        if (night > PeakRatio * day) return VmClass.NightPeaking;
        return VmClass.Flat;
    }

    private static double Mean(List<double> xs)
    {
        double sum = 0;
        foreach (var x in xs) sum += x;
        return xs.Count == 0 ? 0 : sum / xs.Count;
    }
}
