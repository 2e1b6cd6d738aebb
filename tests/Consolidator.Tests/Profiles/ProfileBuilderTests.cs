using CsCheck;
using Consolidator.Inventory;
using Consolidator.Profiles;
using Consolidator.Tests.Support;
using Consolidator.Traces;

namespace Consolidator.Tests.Profiles;

public class ProfileBuilderTests
{
    [Theory]
    [InlineData(100, 10)]
    [InlineData(50, 5.5)]
    [InlineData(95, 9.55)]
    public void Percentile_interpolates_between_closest_ranks(double p, double expected) =>
        Assert.Equal(expected, Percentile.Of([.. Enumerable.Range(1, 10).Select(i => (double)i)], p), 6);

    [Fact]
    public void The_one_sort_path_gives_the_same_profile_as_the_per_window_sample_sets_bit_for_bit()
    {
        // A week or two of samples at random steps (repeats of a value included), so that most series cover every
        // window and some do not (then the one-sort path declines and the general one, with its fallbacks, decides).
        var gen = Gen.Select(Gen.Int[1, 4], Gen.Int[300, 7200], Gen.Int[100, 3000], Gen.Int[0, 1000].Array[4], Gen.Int[0, int.MaxValue]);
        var schemes = new[] { WindowScheme.Hourly(), WindowScheme.WeekdayWeekend(), WindowScheme.DayNight(), WindowScheme.Weekly() };
        var covered = 0;
        gen.Sample((scheme, step, count, options, seed) =>
        {
            var random = new Random(seed);
            var t = 1_767_571_200L + random.Next(86_400);
            var times = new long[count];
            var cpu = new double[count];
            var memory = new double[count];
            for (var s = 0; s < count; s++, t += step)
                (times[s], cpu[s], memory[s]) = (t, Math.Round(random.NextDouble() * 8, random.Next(4)), random.Next(1, 4) * 1024);
            var series = new VmSeries(times, cpu, memory);
            var profile = new ProfileOptions(Percentile: 50 + options[0] / 20.0, Margin: options[1] / 2000.0);
            var windows = schemes[scheme - 1];
            var general = ProfileBuilder.General("vm", series, windows, profile);
            if (ProfileBuilder.Exact("vm", series, windows, profile) is not { } exact) return;
            Interlocked.Increment(ref covered);
            foreach (var (a, b) in new[] { (general.DemandCpu, exact.DemandCpu), (general.DemandMemory, exact.DemandMemory), (general.MeanCpu, exact.MeanCpu),
                         (general.MeanMemory, exact.MeanMemory), (general.PeakCpu, exact.PeakCpu), (general.CpuStdDev, exact.CpuStdDev) }
                         .Concat(general.CpuQuantiles.Zip(exact.CpuQuantiles)))
                Assert.Equal(a.Select(BitConverter.DoubleToInt64Bits), b.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(general.Class, exact.Class);
        });
        Assert.True(covered > 0, "no random series covered every window");
    }

    [Fact]
    public void Window_schemes_cover_every_minute_once()
    {
        Assert.Equal(24, WindowScheme.Hourly().Count);
        Assert.Equal(96, WindowScheme.Parse("96").Count);
        var dn = WindowScheme.Parse("day-night");
        Assert.Equal(12, dn.Windows[0].HoursPerDay);
        Assert.Equal(12, dn.Windows[1].HoursPerDay);
        var t = TestInstances.Start; // Monday 00:00 UTC
        Assert.Equal(1, dn.IndexOf(t + 6 * 3600 + 59 * 60));
        Assert.Equal(0, dn.IndexOf(t + 7 * 3600));
        Assert.Equal(1, dn.IndexOf(t + 19 * 3600));
        Assert.Equal(13, WindowScheme.Hourly().IndexOf(t + 3 * 86400 + 13 * 3600 + 1800));
        Assert.Throws<FormatException>(() => WindowScheme.Parse("7"));
        Assert.Throws<FormatException>(() => WindowScheme.Parse("auto"));
        Assert.Throws<FormatException>(() => WindowScheme.Parse("fortnightly"));
    }

    [Fact]
    public void Demand_is_the_percentile_of_all_days_samples_in_the_window_and_energy_uses_the_mean()
    {
        // Hour 9 sees 1, 2, ..., 7 cores over seven days; every other hour 1 core.
        var d = TestInstances.Make([TestInstances.Host("h")], [new Vm("vm", 8, 4096, "h")], (_, h) => (1, 1000), days: 7);
        for (var day = 0; day < 7; day++) d.Usage[0].CpuCores[day * 24 + 9] = day + 1;

        var profile = ProfileBuilder.Build(d, WindowScheme.Hourly(), 100).Vms[0];
        Assert.Equal(7, profile.DemandCpu[9]);
        Assert.Equal(4, profile.MeanCpu[9], 6);
        Assert.Equal(1, profile.DemandCpu[10]);
        Assert.Equal(1000, profile.DemandMemory[3]);

        var p50 = ProfileBuilder.Build(d, WindowScheme.Hourly(), 50).Vms[0];
        Assert.Equal(4, p50.DemandCpu[9], 6);
    }

    [Fact]
    public void A_window_the_trace_never_covers_takes_the_whole_trace_figure()
    {
        var series = new VmSeries([TestInstances.Start, TestInstances.Start + 3600], [2, 4], [100, 100]);
        var profile = ProfileBuilder.BuildOne("vm", series, WindowScheme.Hourly(), 100);
        Assert.Equal(2, profile.DemandCpu[0]);
        Assert.Equal(4, profile.DemandCpu[1]);
        Assert.Equal(4, profile.DemandCpu[15]);
    }

    [Theory]
    [InlineData(VmClass.DayPeaking)]
    [InlineData(VmClass.NightPeaking)]
    [InlineData(VmClass.Flat)]
    public void Vms_are_classed_by_when_they_are_busy(VmClass expected)
    {
        var d = TestInstances.Make([TestInstances.Host("h")], [new Vm("vm", 8, 4096, "h")], (_, h) =>
        {
            var day = h is >= 7 and < 19;
            return (expected switch { VmClass.DayPeaking => day ? 6 : 1, VmClass.NightPeaking => day ? 1 : 6, _ => 3 }, 1000);
        });
        Assert.Equal(expected, ProfileBuilder.Classify(d.Usage[0]));
    }
}
