using System.Collections.Immutable;

namespace Consolidator.Profiles;

/// <summary>Effective sizing for VM multiplexing (Meng, Isci, Kephart, Zhang, Bouillet, Pendarakis, "Efficient
/// resource provisioning in compute clouds via VM multiplexing", ICAC 2010): the p-quantile of a host's
/// aggregate CPU is, by the central limit theorem, about Σμ + z·sqrt(Σσ²), well below the sum of the VMs' own
/// p-quantiles Σ(μ + z·σ), since VMs seldom burst together. The square root is not linear, so it is linearised
/// per VM around the variance of a host holding <c>k</c> VMs of the fleet's mean variance v̄ in that window:
/// excess_i = z·σ_i² / sqrt(k·v̄), at most z·σ_i (a VM never counts on more sharing than running alone). By the
/// tangent bound sqrt(x) &lt;= (a + x) / (2·sqrt(a)), the sizes written sum to at least the aggregate quantile on
/// every host whose VMs' variances add up to k·v̄ or more, or that holds a VM at its cap; the validator and the
/// solver then check the sum, which stays linear. Sizes are further capped by the VM's own percentile size
/// (a skewed VM whose mean + z·σ overshoots its percentile keeps the percentile). Correlation between VMs within
/// a window (Verma, Dasgupta, Nayak, De, Kothari, "Server workload analysis for power minimization using
/// consolidation", USENIX ATC 2009) is not modelled: the windows take out the daily cycle, what co-moves within
/// an hour is what the out-of-sample replay measures.</summary>
public static class MultiplexedSizing
{
    /// <summary>The multiplexed CPU size of one VM in one window: mean + excess, never above <paramref name="cap"/>
    /// (its percentile size).</summary>
    public static double Size(double mean, double sigma, double fleetMeanVariance, double vmsPerHost, double z, double cap) =>
        Math.Min(mean + Excess(sigma, fleetMeanVariance, vmsPerHost, z), cap);

    /// <summary>z·σ²/sqrt(k·v̄), at most z·σ.</summary>
    public static double Excess(double sigma, double fleetMeanVariance, double vmsPerHost, double z)
    {
        var pivot = Math.Sqrt(vmsPerHost * fleetMeanVariance);
        return pivot > 0 ? z * Math.Min(sigma, sigma * sigma / pivot) : z * sigma;
    }

    /// <summary>Resizes every VM's CPU demand in every window; memory, means and quantiles are kept.</summary>
    public static ImmutableArray<VmProfile> Apply(ImmutableArray<VmProfile> vms, ProfileOptions options)
    {
        if (vms.IsEmpty) return vms;
        var z = NormalQuantile.Of(options.Percentile / 100);
        var windows = vms[0].DemandCpu.Length;
        var meanVariance = new double[windows];
        for (var w = 0; w < windows; w++) meanVariance[w] = vms.Average(p => p.CpuStdDev[w] * p.CpuStdDev[w]);
        // The margin multiplies the size, as it multiplies the percentile (ProfileOptions.Margin).
        var scale = 1 + options.Margin;
        return [.. vms.Select(p => p with
        {
            DemandCpu = [.. p.DemandCpu.Select((percentileSize, w) =>
                scale * Size(p.MeanCpu[w], p.CpuStdDev[w], meanVariance[w], options.MultiplexVms, z, percentileSize / scale))],
        })];
    }
}

/// <summary>The standard normal quantile function, by Acklam's rational approximation (P. J. Acklam, "An
/// algorithm for computing the inverse normal cumulative distribution function", 2003; relative error below
/// 1.15e-9), which is ample for a safety factor.</summary>
public static class NormalQuantile
{
    private static readonly double[] A = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
    private static readonly double[] B = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
    private static readonly double[] C = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
    private static readonly double[] D = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
    private const double Low = 0.02425;

    public static double Of(double p)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "a probability strictly between 0 and 1");
        if (p < Low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
        }
        if (p > 1 - Low) return -Of(1 - p);
        var r = p - 0.5;
        var s = r * r;
        return (((((A[0] * s + A[1]) * s + A[2]) * s + A[3]) * s + A[4]) * s + A[5]) * r / (((((B[0] * s + B[1]) * s + B[2]) * s + B[3]) * s + B[4]) * s + 1);
    }
}
