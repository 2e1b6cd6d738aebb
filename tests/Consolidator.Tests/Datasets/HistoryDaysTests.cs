using Consolidator.Datasets;

namespace Consolidator.Tests.Datasets;

/// <summary>A sample far from the rest of the history is found, and the shapes of the real traces in ../shared are not.</summary>
public class HistoryDaysTests
{
    private static readonly long Start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    private static HistoryDays Every5Minutes(int vms, double days, long from)
    {
        var history = new HistoryDays();
        for (var t = from; t < from + (long)(days * 86_400); t += 300)
            for (var vm = 0; vm < vms; vm++) history.Add(t);
        return history;
    }

    [Fact]
    public void A_month_with_a_31_hour_gap_as_Bitbrains_has_no_far_sample()
    {
        var history = Every5Minutes(5, 14, Start);
        for (var t = Start + (long)((14 + 31.5 / 24) * 86_400); t < Start + 30 * 86_400L; t += 300)
            for (var vm = 0; vm < 5; vm++) history.Add(t);
        Assert.False(history.AnyFar());
    }

    [Fact]
    public void Five_PlanetLab_days_weeks_apart_have_no_far_sample()
    {
        var history = new HistoryDays();
        foreach (var day in new[] { 0, 19, 39, 40, 48 })
            for (var t = 0; t < 288; t++)
                for (var vm = 0; vm < 20; vm++) history.Add(Start + day * 86_400L + t * 300L);
        Assert.False(history.AnyFar());
    }

    [Fact]
    public void One_row_in_another_year_is_far_and_the_others_are_not()
    {
        var history = Every5Minutes(20, 3, Start);
        var typo = new DateTimeOffset(2062, 1, 7, 4, 45, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        history.Add(typo);
        Assert.True(history.AnyFar());
        Assert.True(history.IsFar(typo));
        Assert.False(history.IsFar(Start));
        Assert.StartsWith("13,149 days (36.0 years) after the rest of the history (17,280 of 17,281 rows lie from 2026-01-05 to 2026-01-07)", history.Problem(typo));
    }

    [Fact]
    public void A_row_a_week_and_a_day_past_a_short_trace_is_far_and_one_a_week_past_is_not()
    {
        var history = Every5Minutes(2, 2, Start);
        history.Add(Start + 8 * 86_400L);
        Assert.False(history.AnyFar());
        history.Add(Start + 9 * 86_400L);
        Assert.True(history.AnyFar());
        Assert.False(history.IsFar(Start + 8 * 86_400L));
    }

    [Fact]
    public void Two_rows_are_never_far()
    {
        var history = new HistoryDays();
        history.Add(Start);
        history.Add(Start + 3000 * 86_400L);
        Assert.False(history.AnyFar());
    }
}
