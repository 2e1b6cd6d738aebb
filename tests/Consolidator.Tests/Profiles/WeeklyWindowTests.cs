using Consolidator.Profiles;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Profiles;

public class WeeklyWindowTests
{
    private static readonly long Monday = TestInstances.Start; // 2026-01-05 00:00 UTC

    [Fact]
    public void The_week_starts_on_monday_in_utc_and_wraps()
    {
        Assert.Equal(0, Week.DayOf(Monday));
        Assert.Equal(0, Week.MinuteOf(Monday));
        Assert.Equal(6, Week.DayOf(Monday - 1));
        Assert.Equal(Week.MinutesPerWeek - 1, Week.MinuteOf(Monday - 1));
        Assert.Equal(3, Week.DayOf(0)); // 1970-01-01 was a Thursday
        Assert.Equal(2, Week.DayOf(-1)); // and the second before it a Wednesday
        Assert.Equal(4 * 1440 + 13 * 60 + 30, Week.MinuteOf(Monday + 4 * 86400 + 13 * 3600 + 1800 + 59));
    }

    [Theory]
    [InlineData("weekly", 168)]
    [InlineData("weekday-weekend", 48)]
    [InlineData("hourly", 24)]
    [InlineData("day-night", 2)]
    [InlineData("96", 96)]
    public void Every_scheme_covers_each_minute_of_the_week_once_and_its_hours_per_day_sum_to_24(string name, int count)
    {
        var scheme = WindowScheme.Parse(name);
        Assert.Equal(count, scheme.Count);
        Assert.Equal(24, scheme.Windows.Sum(w => w.HoursPerDay), 9);
        for (var m = 0; m < Week.MinutesPerWeek; m += 7)
            Assert.Single(scheme.Windows, w => w.ContainsInWeek(m));
        Assert.Equal(name is "weekly" or "weekday-weekend", scheme.KnowsTheWeek);
    }

    [Fact]
    public void Weekly_windows_are_keyed_on_the_day_and_the_hour()
    {
        var weekly = WindowScheme.Weekly();
        var split = WindowScheme.WeekdayWeekend();
        var saturday9 = Monday + 5 * 86400 + 9 * 3600 + 120;
        Assert.Equal(5 * 24 + 9, weekly.IndexOf(saturday9));
        Assert.Equal("Sat 09:00-10:00", weekly.Windows[weekly.IndexOf(saturday9)].Label);
        Assert.Equal(24 + 9, split.IndexOf(saturday9));
        Assert.Equal("weekend 09:00-10:00", split.Windows[24 + 9].Label);
        Assert.Equal(9, split.IndexOf(Monday + 4 * 86400 + 9 * 3600)); // Friday
        Assert.Equal(9, split.IndexOf(Monday + 7 * 86400 + 9 * 3600)); // next Monday
        Assert.Equal(5.0 / 7, split.Windows[9].HoursPerDay, 12);
        Assert.Equal(2.0 / 7, split.Windows[33].HoursPerDay, 12);
        Assert.Equal(1.0 / 7, weekly.Windows[0].HoursPerDay, 12);
    }

    [Theory]
    [InlineData("fortnightly")]
    [InlineData("7")]
    [InlineData("")]
    public void A_bad_scheme_is_a_format_error_naming_the_option(string text)
    {
        var e = Assert.Throws<FormatException>(() => WindowChoice.Parse(text));
        Assert.Contains("--windows", e.Message);
        Assert.True(WindowChoice.Parse("auto").IsAuto);
        Assert.Throws<FormatException>(() => WindowScheme.Parse("auto"));
    }

    [Fact]
    public void A_window_the_history_does_not_cover_takes_the_same_hour_of_other_days()
    {
        // Three days (Monday to Wednesday) of 1 core at 09:00 and 0.5 otherwise: a weekly scheme has no Saturday
        // samples, so Saturday 09:00 takes the 09:00 hour of the days it has.
        var t = Enumerable.Range(0, 72).Select(h => Monday + h * 3600L).ToArray();
        var series = new Traces.VmSeries(t, [.. t.Select(x => (x - Monday) / 3600 % 24 == 9 ? 1.0 : 0.5)], [.. t.Select(_ => 100.0)]);
        var profile = ProfileBuilder.BuildOne("vm", series, WindowScheme.Weekly(), 100);
        Assert.Equal(1, profile.DemandCpu[5 * 24 + 9]);
        Assert.Equal(0.5, profile.DemandCpu[5 * 24 + 10]);
        Assert.Equal(1, profile.DemandCpu[2 * 24 + 9]);
    }
}
