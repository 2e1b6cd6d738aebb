using System.Globalization;
using System.Text.RegularExpressions;

namespace Consolidator.Evaluation;

/// <summary>A half-open stretch of time [From, To) in Unix seconds (UTC).</summary>
public sealed partial record Period(long From, long To)
{
    public const long DaySeconds = 86400;

    public long Seconds => To - From;
    public double Days => Seconds / (double)DaySeconds;
    public bool Contains(long t) => t >= From && t < To;
    public Period Shift(long seconds) => new(From + seconds, To + seconds);

    public override string ToString() =>
        $"{Stamp(From)}..{Stamp(To)}";

    public static string Stamp(long t) =>
        DateTimeOffset.FromUnixTimeSeconds(t).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses the --train / --test forms: day numbers counted from <paramref name="origin"/> (the
    /// dataset's first sample), "1..3" or "4", inclusive; UTC dates "2011-04-11..2011-04-12", inclusive;
    /// or timestamps "2013-06-30T22:03:24Z..2013-07-01T22:03:24Z", end excluded.</summary>
    public static Period Parse(string text, long origin)
    {
        var t = text.Trim();
        var days = DayNumbers().Match(t);
        if (days.Success)
        {
            var first = int.Parse(days.Groups[1].Value, CultureInfo.InvariantCulture);
            var last = days.Groups[2].Success ? int.Parse(days.Groups[2].Value, CultureInfo.InvariantCulture) : first;
            if (first < 1 || last < first)
                throw new FormatException($"'{Quoted.Value(text)}': days are numbered from 1 (the day of the first sample) and FROM must not be after TO");
            return new Period(origin + (first - 1) * DaySeconds, origin + last * DaySeconds);
        }
        var parts = t.Split("..");
        if (parts.Length != 2)
            throw new FormatException($"'{Quoted.Value(text)}' is not a period: use day numbers (1..3), dates (2011-04-11..2011-04-12) or timestamps (2013-06-30T22:03:24Z..2013-07-01T22:03:24Z)");
        var period = new Period(Point(parts[0], text, end: false), Point(parts[1], text, end: true));
        if (period.To <= period.From) throw new FormatException($"'{Quoted.Value(text)}': the period ends before it starts");
        return period;
    }

    /// <summary>The train/test pairs of a rolling evaluation: the given pair, then both shifted a day at a
    /// time while the test period still starts before <paramref name="dataEnd"/>.</summary>
    public static IEnumerable<(Period Train, Period Test)> Roll(Period train, Period test, long dataEnd)
    {
        for (var k = 0L; test.From + k * DaySeconds < dataEnd; k++)
            yield return (train.Shift(k * DaySeconds), test.Shift(k * DaySeconds));
    }

    private static long Point(string text, string whole, bool end)
    {
        var s = text.Trim();
        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
            return end ? start + DaySeconds : start;
        }
        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            return time.ToUnixTimeSeconds();
        throw new FormatException($"'{Quoted.Value(text)}' in '{Quoted.Value(whole)}' is neither a date (yyyy-MM-dd) nor a timestamp (e.g. 2013-06-30T22:03:24Z)");
    }

    [GeneratedRegex(@"^(\d+)(?:\.\.(\d+))?$")]
    private static partial Regex DayNumbers();
}
