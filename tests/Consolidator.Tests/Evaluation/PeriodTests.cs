using Consolidator.Evaluation;

namespace Consolidator.Tests.Evaluation;

public class PeriodTests
{
    private static readonly long Origin = new DateTimeOffset(2013, 6, 30, 22, 3, 24, TimeSpan.Zero).ToUnixTimeSeconds();

    [Fact]
    public void Day_numbers_count_whole_days_from_the_first_sample()
    {
        Assert.Equal(new Period(Origin, Origin + 86400), Period.Parse("1", Origin));
        Assert.Equal(new Period(Origin + 86400, Origin + 3 * 86400), Period.Parse("2..3", Origin));
        Assert.Equal(new Period(Origin + 86400, Origin + 3 * 86400), Period.Parse(" 2 .. 3 ", Origin));
    }

    [Fact]
    public void Dates_are_whole_utc_days_inclusive_and_timestamps_exclude_the_end()
    {
        var apr11 = new DateTimeOffset(2011, 4, 11, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        Assert.Equal(new Period(apr11, apr11 + 86400), Period.Parse("2011-04-11..2011-04-11", 0));
        Assert.Equal(new Period(apr11, apr11 + 2 * 86400), Period.Parse("2011-04-11..2011-04-12", 0));
        Assert.Equal(new Period(Origin, Origin + 86400), Period.Parse("2013-06-30T22:03:24Z..2013-07-01T22:03:24Z", 0));
        Assert.Equal(new Period(Origin, Origin + 86400), Period.Parse("2013-07-01T00:03:24+02:00..2013-07-01T22:03:24Z", 0));
    }

    [Theory]
    [InlineData("0", "numbered from 1")]
    [InlineData("3..2", "numbered from 1")]
    [InlineData("yesterday", "is not a period")]
    [InlineData("2011-04-12..2011-04-11", "ends before it starts")]
    [InlineData("2011-04-11..soon", "'soon'")]
    [InlineData("1..1.5", "'1.5' in '1..1.5' is not a day number")]
    [InlineData("1.5..3", "'1.5' in '1.5..3' is not a day number")]
    [InlineData("2..2011-04-12", "'2011-04-12' in '2..2011-04-12' is not a day number")]
    public void Bad_periods_say_what_is_wrong(string text, string problem)
    {
        var e = Assert.Throws<FormatException>(() => Period.Parse(text, Origin));
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Rolling_shifts_both_periods_a_day_at_a_time_while_test_samples_remain()
    {
        var folds = Period.Roll(Period.Parse("1..2", 0), Period.Parse("3", 0), 5 * 86400).ToList();
        Assert.Equal(3, folds.Count);
        Assert.Equal((new Period(2 * 86400, 4 * 86400), new Period(4 * 86400, 5 * 86400)), folds[2]);
    }

    [Fact]
    public void Rolling_a_test_of_several_days_steps_by_its_length_so_the_folds_never_overlap()
    {
        var folds = Period.Roll(Period.Parse("1", 0), Period.Parse("2..3", 0), 8 * 86400).ToList();
        Assert.Equal(
            [(new Period(0, 86400), new Period(86400, 3 * 86400)),
             (new Period(2 * 86400, 3 * 86400), new Period(3 * 86400, 5 * 86400)),
             (new Period(4 * 86400, 5 * 86400), new Period(5 * 86400, 7 * 86400)),
             (new Period(6 * 86400, 7 * 86400), new Period(7 * 86400, 9 * 86400))],
            folds);
        for (var k = 1; k < folds.Count; k++) Assert.True(folds[k].Test.From >= folds[k - 1].Test.To);
    }

    [Fact]
    public void Rolling_a_test_shorter_than_a_day_still_steps_a_day()
    {
        var test = new Period(86400, 86400 + 6 * 3600);
        var folds = Period.Roll(Period.Parse("1", 0), test, 3 * 86400).ToList();
        Assert.Equal([86400L, 2 * 86400L], folds.Select(f => f.Test.From));
    }
}
