using Consolidator.Traces;

namespace Consolidator.Evaluation.Reactive;

/// <summary>What a monitor has seen of one VM by time t: only samples stamped strictly before t. A sample stamped
/// t holds from t on in the replay (<see cref="Timeline"/>), so reading it at t would be reading the next five
/// minutes; the reactive level never does (LR-MMT, as CloudSim runs it, does: it decides at t on the sample of t).
/// This is the only way the reactive level reads a trace, which is what keeps it out of sample.</summary>
/// <param name="Seasonal">With <see cref="ReactiveOptions.SeasonalDays"/>, the VM's one-step CPU rises at the same time of
/// day on earlier days (<see cref="Rises"/>); null otherwise.</param>
public readonly record struct Observation(double Cpu, double Peak, double MemoryPeak = 0, double[]? Recent = null, double[]? Seasonal = null)
{
    /// <summary>The last CPU sample before <paramref name="t"/> and the largest of the last <paramref name="samples"/>
    /// before it, capped at the VM's vCPUs (it cannot run more threads), and the largest memory sample among them;
    /// zeros when nothing was seen yet. <see cref="Recent"/> holds those samples, the latest first.</summary>
    public static Observation Before(VmSeries series, long t, int samples, double vcpus)
    {
        var end = series.FirstAtOrAfter(t);
        if (end == 0) return default;
        var cpu = Math.Min(series.CpuCores[end - 1], vcpus);
        double peak = cpu, memory = series.MemoryMib[end - 1];
        var recent = new double[Math.Min(samples, end)];
        for (var k = Math.Max(0, end - samples); k < end; k++)
        {
            var c = Math.Min(series.CpuCores[k], vcpus);
            recent[end - 1 - k] = c;
            peak = Math.Max(peak, c);
            memory = Math.Max(memory, series.MemoryMib[k]);
        }
        return new Observation(cpu, peak, memory, recent);
    }

    /// <summary>The VM's one-step CPU rises around the same time of day on each of the earlier <paramref name="days"/>
    /// (1 = the day before <paramref name="t"/>): for the k-th of them, d, and offset j in [-<paramref name="halfWidth"/>,
    /// <paramref name="halfWidth"/>], the sample in force at u = t - d days + j steps less the one in force a step before
    /// (capped at the vCPUs), at index k (2 halfWidth + 1) + j + halfWidth; NaN where the trace has no sample yet. Every
    /// u is before t (d is at least 1 and halfWidth steps are under a day: <see cref="ReactiveOptions.Validate"/>), so
    /// this reads history only.</summary>
    /// <param name="into">Where to write them (days × (2 halfWidth + 1)); a new array when null.</param>
    public static double[] Rises(VmSeries series, long t, double vcpus, IReadOnlyList<int> days, int halfWidth, long stepSeconds, double[]? into = null)
    {
        var width = 2 * halfWidth + 1;
        var rises = into ?? new double[days.Count * width];
        if (rises.Length != days.Count * width) throw new ArgumentException("one rise per day and offset", nameof(into));
        for (var k = 0; k < days.Count; k++)
        {
            var d = days[k];
            if (d < 1) throw new ArgumentOutOfRangeException(nameof(days), d, "earlier days only");
            // Walk the in-force sample along the grid u0 - step, u0, ..., u0 + (width - 1) steps.
            var u = t - d * Period.DaySeconds - (halfWidth + 1) * stepSeconds;
            var i = series.FirstAtOrAfter(u + 1) - 1;
            var before = i >= 0 ? Math.Min(series.CpuCores[i], vcpus) : double.NaN;
            for (var j = 0; j < width; j++)
            {
                u += stepSeconds;
                while (i + 1 < series.Count && series.UnixSeconds[i + 1] <= u) i++;
                var now = i >= 0 ? Math.Min(series.CpuCores[i], vcpus) : double.NaN;
                rises[k * width + j] = now - before;
                before = now;
            }
        }
        return rises;
    }
}
