using Consolidator.Traces;

namespace Consolidator.Evaluation.Reactive;

/// <summary>What a monitor has seen of one VM by time t: only samples stamped strictly before t. A sample stamped
/// t holds from t on in the replay (<see cref="Timeline"/>), so reading it at t would be reading the next five
/// minutes; the reactive level never does (LR-MMT, as CloudSim runs it, does: it decides at t on the sample of t).
/// This is the only way the reactive level reads a trace, which is what keeps it out of sample.</summary>
public readonly record struct Observation(double Cpu, double Peak, double MemoryPeak = 0, double[]? Recent = null)
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
}
