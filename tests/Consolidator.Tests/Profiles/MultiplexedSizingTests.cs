using Consolidator.Inventory;
using Consolidator.Profiles;
using Consolidator.Tests.Support;
using Consolidator.Traces;
using CsCheck;

namespace Consolidator.Tests.Profiles;

public class MultiplexedSizingTests
{
    [Theory]
    [InlineData(0.5, 0)]
    [InlineData(0.95, 1.6448536)]
    [InlineData(0.99, 2.3263479)]
    [InlineData(0.01, -2.3263479)]
    [InlineData(0.999, 3.0902323)]
    public void Normal_quantile_matches_the_table(double p, double z) => Assert.Equal(z, NormalQuantile.Of(p), 6);

    [Fact]
    public void A_host_holding_at_least_the_assumed_variance_gets_at_least_its_aggregate_quantile_and_at_most_the_sum_of_bursts()
    {
        // The tangent bound: Σ excess_i >= z·sqrt(Σσ²) whenever Σσ² >= k·v̄ (or a VM is at its cap), and no VM's
        // excess is above its own z·σ, so the host never needs more than sizing every VM alone.
        var gen = Gen.Select(Gen.Double[0, 4].Array[1, 60], Gen.Double[0.001, 4], Gen.Double[1, 64], Gen.Double[0.6, 0.999]);
        gen.Sample((sigmas, meanVariance, k, p) =>
        {
            var z = NormalQuantile.Of(p);
            var excesses = sigmas.Select(s => MultiplexedSizing.Excess(s, meanVariance, k, z)).ToArray();
            for (var i = 0; i < sigmas.Length; i++) Assert.InRange(excesses[i], 0, z * sigmas[i] + 1e-12);
            var variance = sigmas.Sum(s => s * s);
            var capped = sigmas.Any(s => s * s >= k * meanVariance);
            if (variance >= k * meanVariance || capped)
                Assert.True(excesses.Sum() >= z * Math.Sqrt(variance) - 1e-9, $"Σ excess {excesses.Sum()} < z·sqrt(Σσ²) {z * Math.Sqrt(variance)}");
        });
    }

    [Fact]
    public void A_size_never_exceeds_the_percentile_size_nor_falls_below_the_mean_under_it()
    {
        Gen.Select(Gen.Double[0, 8], Gen.Double[0, 4], Gen.Double[0, 16], Gen.Double[0.001, 4], Gen.Double[1, 64]).Sample((mean, sigma, cap, v, k) =>
        {
            var size = MultiplexedSizing.Size(mean, sigma, v, k, NormalQuantile.Of(0.95), cap);
            Assert.True(size <= cap);
            Assert.True(size >= Math.Min(mean, cap));
        });
    }

    [Fact]
    public void Sixteen_independent_vms_sized_for_eight_cover_their_measured_aggregate_p95_with_fewer_cores_than_their_percentiles()
    {
        const int vms = 16, days = 20, step = 300;
        var random = new Random(7);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var n = days * 86400 / step;
        var series = Enumerable.Range(0, vms).Select(v =>
        {
            var t = new long[n];
            var c = new double[n];
            var m = new double[n];
            for (var i = 0; i < n; i++) { t[i] = TestInstances.Start + (long)i * step; c[i] = Math.Max(0, 2 + 0.1 * v + 0.5 * Normal()); m[i] = 1000; }
            return new VmSeries(t, c, m);
        }).ToArray();
        var data = new Dataset("iid", [TestInstances.Host("h", cores: 64)], [.. Enumerable.Range(0, vms).Select(v => new Vm($"vm{v}", 8, 4096, "h"))], [.. series]);
        var percentile = ProfileBuilder.Build(data, WindowScheme.Hourly(), new ProfileOptions(95));
        var multiplexed = ProfileBuilder.Build(data, WindowScheme.Hourly(), new ProfileOptions(95, Sizing: DemandSizing.Multiplexed, MultiplexVms: 8));
        var hourly = WindowScheme.Hourly();
        for (var w = 0; w < 24; w++)
        {
            var aggregate = Enumerable.Range(0, n).Where(i => hourly.IndexOf(series[0].UnixSeconds[i]) == w).Select(i => series.Sum(s => s.CpuCores[i])).ToArray();
            var measured = Percentile.Of(aggregate, 95);
            var sumOfPercentiles = percentile.Vms.Sum(p => p.DemandCpu[w]);
            var sized = multiplexed.Vms.Sum(p => p.DemandCpu[w]);
            Assert.True(sized >= measured, $"window {w}: multiplexed {sized:0.00} < measured aggregate p95 {measured:0.00}");
            Assert.True(sized < sumOfPercentiles, $"window {w}: multiplexed {sized:0.00} >= sum of percentiles {sumOfPercentiles:0.00}");
            for (var v = 0; v < vms; v++)
            {
                Assert.InRange(multiplexed.Vms[v].DemandCpu[w], multiplexed.Vms[v].MeanCpu[w], percentile.Vms[v].DemandCpu[w]);
                Assert.Equal(percentile.Vms[v].DemandMemory[w], multiplexed.Vms[v].DemandMemory[w]);
            }
        }
    }

    [Fact]
    public void Bad_sizing_options_are_refused_with_the_option_named()
    {
        Assert.Contains("--sizing", Assert.Throws<FormatException>(() => SizingNames.Parse("clt")).Message);
        Assert.Contains("--sizing multiplexed", Assert.Throws<ArgumentOutOfRangeException>(() => new ProfileOptions(100, Sizing: DemandSizing.Multiplexed).Validate()).Message);
        Assert.Contains("--multiplex-vms", Assert.Throws<ArgumentOutOfRangeException>(() => new ProfileOptions(95, Sizing: DemandSizing.Multiplexed, MultiplexVms: 0.5).Validate()).Message);
        Assert.Equal(DemandSizing.Multiplexed, SizingNames.Parse(" Multiplexed "));
    }
}
