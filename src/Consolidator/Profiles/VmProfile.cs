namespace Consolidator.Profiles;

/// <summary>Per-window demand of one VM. <c>Demand*</c> is the chosen percentile of the samples in the window
/// (sizes capacity); <c>Mean*</c> is their mean (drives energy, since power follows average load);
/// <c>PeakCpu</c> the highest sample (with decay, the top of the decaying histogram), which the host-level CPU
/// allocation reads.</summary>
public sealed record VmProfile(
    string VmId,
    VmClass Class,
    double[] DemandCpu,
    double[] DemandMemory,
    double[] MeanCpu,
    double[] MeanMemory)
{
    public double[] PeakCpu { get; init; } = DemandCpu;

    /// <summary>CPU at each of <see cref="QuantileLevels"/> per window ([window][level]), for the host level to
    /// weigh how often a VM would exceed a cap; empty when not computed.</summary>
    public double[][] CpuQuantiles { get; init; } = [];

    /// <summary>Standard deviation of the CPU samples per window, weighted as the mean is; multiplexed sizing
    /// (<see cref="MultiplexedSizing"/>) reads it.</summary>
    public double[] CpuStdDev { get; init; } = [];

    /// <summary>The percentiles kept per window: enough to tell a VM that bursts rarely from one that bursts often.</summary>
    public static readonly double[] QuantileLevels = [50, 75, 90, 95, 98, 99, 99.5, 99.9, 100];

    /// <summary>The CPU a VM exceeds with probability <paramref name="exceedance"/> in window w, interpolated
    /// linearly between the kept levels (0.5 and above reads the median).</summary>
    public double CpuAtExceedance(int w, double exceedance)
    {
        var q = CpuQuantiles[w];
        var level = 100 * (1 - Math.Clamp(exceedance, 0, 1));
        if (level <= QuantileLevels[0]) return q[0];
        for (var i = 1; i < QuantileLevels.Length; i++)
            if (level <= QuantileLevels[i])
            {
                var f = (level - QuantileLevels[i - 1]) / (QuantileLevels[i] - QuantileLevels[i - 1]);
                return q[i - 1] + f * (q[i] - q[i - 1]);
            }
        return q[^1];
    }
}
