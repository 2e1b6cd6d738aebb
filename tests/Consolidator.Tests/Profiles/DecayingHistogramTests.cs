using Consolidator.Profiles;
using Consolidator.Traces;
using CsCheck;

namespace Consolidator.Tests.Profiles;

public class DecayingHistogramTests
{
    private const long T0 = 1_700_000_000;

    [Fact]
    public void Buckets_grow_by_five_percent_and_a_percentile_is_the_end_of_its_bucket_as_in_the_vpa()
    {
        var h = new DecayingHistogram(0.01, 1000, double.PositiveInfinity);
        Assert.Equal(0.01, h.BucketStart(1), 12);
        Assert.Equal(0.01 + 0.0105, h.BucketStart(2), 12);
        Assert.True(h.BucketStart(h.BucketCount - 1) >= 1000);
        Assert.True(h.BucketStart(h.BucketCount - 2) < 1000);
        foreach (var x in new[] { 1.0, 2.0, 3.0, 4.0 }) h.Add(x, T0);
        // The median falls in the bucket of 2: the VPA returns that bucket's end, at most 5 % above.
        var median = h.Percentile(0.5);
        Assert.InRange(median, 2.0, 2.0 * 1.05 + 0.01);
        Assert.Equal(h.BucketStart(h.FindBucket(4) + 1), h.Percentile(1));
        Assert.Equal(0, new DecayingHistogram(0.01, 1000, 3600).Percentile(0.9));
    }

    [Fact]
    public void A_sample_one_half_life_older_weighs_half()
    {
        // Weight 1 on 1 core a half-life ago, weight 2 on 10 cores now: the 30th percentile is 1 core (1/3 of
        // the weight), the 40th already 10 cores.
        var h = new DecayingHistogram(0.01, 1000, 3600);
        h.Add(1, T0);
        h.Add(10, T0 + 3600);
        Assert.InRange(h.Percentile(0.3), 1.0, 1.06);
        Assert.InRange(h.Percentile(0.4), 10.0, 10.6);
    }

    [Fact]
    public void The_order_samples_arrive_in_does_not_change_a_percentile()
    {
        Gen.Select(Gen.Double[0, 50].Array[1, 200], Gen.Int[0, 1_000_000]).Sample((values, seed) =>
        {
            var times = values.Select((_, i) => T0 + i * 300L).ToArray();
            var forward = new DecayingHistogram(0.01, 1000, 86400);
            var shuffled = new DecayingHistogram(0.01, 1000, 86400);
            for (var i = 0; i < values.Length; i++) forward.Add(values[i], times[i]);
            foreach (var i in Enumerable.Range(0, values.Length).OrderBy(i => (i * 7919 + seed) % 1009)) shuffled.Add(values[i], times[i]);
            foreach (var p in new[] { 0.5, 0.9, 0.95, 1.0 })
                Assert.Equal(forward.Percentile(p), shuffled.Percentile(p), 1e-9);
        }, iter: 200, threads: 1);
    }

    [Fact]
    public void Weights_survive_a_history_of_many_half_lives()
    {
        // 400 half-lives: the reference time must move forward instead of overflowing 2^400.
        var h = new DecayingHistogram(0.01, 1000, 60);
        for (var i = 0; i <= 400; i++) h.Add(i == 400 ? 7 : 1, T0 + i * 60L);
        Assert.InRange(h.Percentile(0.9), 7, 7.4);
    }

    [Fact]
    public void With_a_half_life_a_profile_follows_recent_days()
    {
        // Ten days at 1 core, then two at 4, one sample a day at midnight: the median of hour 0 is 1 core when
        // every sample weighs the same, 4 cores with a one-day half-life (the last two days weigh 1 + 1/2,
        // the ten before less than 1/2 together).
        var t = Enumerable.Range(0, 12).Select(d => T0 - T0 % 86400 + d * 86400L).ToArray();
        var series = new VmSeries(t, [.. t.Select((_, d) => d < 10 ? 1.0 : 4.0)], [.. t.Select(_ => 100.0)]);
        var flat = ProfileBuilder.BuildOne("vm", series, WindowScheme.Hourly(), new ProfileOptions(50));
        var decayed = ProfileBuilder.BuildOne("vm", series, WindowScheme.Hourly(), new ProfileOptions(50, HalfLifeHours: 24));
        Assert.Equal(1, flat.DemandCpu[0]);
        Assert.InRange(decayed.DemandCpu[0], 4, 4.2);
        Assert.True(decayed.MeanCpu[0] > 3 && flat.MeanCpu[0] < 1.6);
    }

    [Fact]
    public void A_margin_scales_the_percentile_but_not_the_mean()
    {
        var t = Enumerable.Range(0, 24).Select(h => T0 - T0 % 86400 + h * 3600L).ToArray();
        var series = new VmSeries(t, [.. t.Select(_ => 2.0)], [.. t.Select(_ => 100.0)]);
        var p = ProfileBuilder.BuildOne("vm", series, WindowScheme.Hourly(), new ProfileOptions(95, Margin: 0.15));
        Assert.Equal(2.3, p.DemandCpu[5], 9);
        Assert.Equal(115, p.DemandMemory[5], 9);
        Assert.Equal(2, p.MeanCpu[5], 9);
    }

    [Theory]
    [InlineData("24h", 24.0)]
    [InlineData("7d", 168.0)]
    [InlineData("1.5d", 36.0)]
    [InlineData("none", null)]
    public void Half_lives_parse_in_hours_or_days(string text, double? hours) =>
        Assert.Equal(hours, ProfileOptions.ParseHalfLife(text));

    [Theory]
    [InlineData("3 weeks")]
    [InlineData("-2h")]
    [InlineData("h")]
    public void A_bad_half_life_names_the_option(string text) =>
        Assert.Contains("--half-life", Assert.Throws<FormatException>(() => ProfileOptions.ParseHalfLife(text)).Message);

    /// <summary>1e300d was taken and printed in the summary with 300 digits ("half-life 2400000...0 h"), 1e-300h as
    /// "half-life 0 h"; the bounds are a minute and ten years.</summary>
    [Theory]
    [InlineData("1e300d")]
    [InlineData("87601h")]
    [InlineData("1e-300h")]
    [InlineData("0.01h")]
    public void A_half_life_beyond_a_minute_to_ten_years_is_refused(string text) =>
        Assert.Equal($"--half-life must be 'none' or from 1 minute (0.0167h) to 10 years (87600h, 3650d), not '{text}'",
            Assert.Throws<FormatException>(() => ProfileOptions.ParseHalfLife(text)).Message);

    [Theory]
    [InlineData("3650d", 87_600.0)]
    [InlineData("0.0167h", 0.0167)]
    public void The_half_lives_at_the_bounds_are_taken(string text, double hours) =>
        Assert.Equal(hours, ProfileOptions.ParseHalfLife(text));
}
