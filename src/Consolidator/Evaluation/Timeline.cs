using Consolidator.Traces;

namespace Consolidator.Evaluation;

/// <summary>One VM's usage in a period as a step function: sample k holds from its time until the next
/// sample (across gaps: a missing sample repeats the last one), the last sample for the VM's usual sampling
/// interval, and nothing outside the period. Integrals over it do not change when a trace is resampled to
/// finer steps with the same values.</summary>
public sealed class Timeline
{
    private Timeline(long[] start, long[] end, double[] cpu, double[] memory)
    {
        Start = start;
        End = end;
        Cpu = cpu;
        Memory = memory;
    }

    public long[] Start { get; }
    public long[] End { get; }
    public double[] Cpu { get; }
    public double[] Memory { get; }
    public int Count => Start.Length;

    /// <param name="memoryFloor">Memory demand never below this (the VM's allocation when the planner
    /// counts it so).</param>
    /// <param name="cpuCeiling">CPU demand never above this (the VM's vCPUs: it cannot run more threads).</param>
    public static Timeline Of(VmSeries series, Period period, double memoryFloor, double cpuCeiling = double.PositiveInfinity)
    {
        var hold = UsualInterval(series);
        var starts = new List<long>();
        var ends = new List<long>();
        var cpu = new List<double>();
        var memory = new List<double>();
        for (var k = 0; k < series.Count; k++)
        {
            var t = series.UnixSeconds[k];
            if (!period.Contains(t)) continue;
            var next = k + 1 < series.Count ? series.UnixSeconds[k + 1] : t + hold;
            var end = Math.Min(next, period.To);
            if (end <= t) continue; // a repeated timestamp adds no time
            starts.Add(t);
            ends.Add(end);
            cpu.Add(Math.Min(series.CpuCores[k], cpuCeiling));
            memory.Add(Math.Max(series.MemoryMib[k], memoryFloor));
        }
        return new Timeline([.. starts], [.. ends], [.. cpu], [.. memory]);
    }

    /// <summary>The median interval between consecutive samples; a VM with one sample holds it for a day.</summary>
    public static long UsualInterval(VmSeries series)
    {
        if (series.Count < 2) return Period.DaySeconds;
        var gaps = new long[series.Count - 1];
        for (var k = 1; k < series.Count; k++) gaps[k - 1] = series.UnixSeconds[k] - series.UnixSeconds[k - 1];
        Array.Sort(gaps);
        var positive = gaps.SkipWhile(g => g <= 0).ToArray();
        return positive.Length == 0 ? Period.DaySeconds : positive[positive.Length / 2];
    }

    /// <summary>CPU core-seconds over [from, to).</summary>
    public double CpuIntegral(double from, double to)
    {
        double sum = 0;
        for (var k = 0; k < Count; k++)
        {
            var overlap = Math.Min(End[k], to) - Math.Max(Start[k], from);
            if (overlap > 0) sum += Cpu[k] * overlap;
        }
        return sum;
    }

    public double CpuIntegral() => CpuIntegral(double.MinValue, double.MaxValue);

    /// <summary>The CPU held at time t (0 outside every segment).</summary>
    public double CpuAt(long t)
    {
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (Start[mid] <= t) lo = mid + 1;
            else hi = mid;
        }
        var k = lo - 1;
        return k >= 0 && t < End[k] ? Cpu[k] : 0;
    }
}
