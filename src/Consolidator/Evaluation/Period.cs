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
        // Spaces around the dots (" 1 .. 3") are allowed as the date forms allow them.
        if (t.Split("..") is [var a, var b] && DayNumbers().IsMatch(a.Trim()) && DayNumbers().IsMatch(b.Trim()))
            t = a.Trim() + ".." + b.Trim();
        var days = DayNumbers().Match(t);
        if (days.Success)
        {
            // Up to 99,999 days (273 years) from the first sample: a larger number overflowed int.Parse (exit code 1).
            if (!int.TryParse(days.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                || !int.TryParse(days.Groups[2].Success ? days.Groups[2].ValueSpan : days.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                || last > MaxDay)
                throw new FormatException($"'{Quoted.Value(text)}': day numbers go from 1 to {MaxDay}");
            if (first < 1 || last < first)
                throw new FormatException($"'{Quoted.Value(text)}': days are numbered from 1 (the day of the first sample) and FROM must not be after TO");
            return Within(new Period(origin + (first - 1) * DaySeconds, origin + last * DaySeconds), text);
        }
        var parts = t.Split("..");
        // One side a day number and the other not ("1..1.5"): the message named the day number as the bad half,
        // since the text fell through to the date form; name the half that is not a day number instead.
        if (parts.Length == 2 && Array.FindIndex(parts, p => DayNumbers().IsMatch(p.Trim())) is var whole and >= 0
            && parts[1 - whole] is var other && !DayNumbers().IsMatch(other.Trim()))
            throw new FormatException($"'{Quoted.Value(other)}' in '{Quoted.Value(text)}' is not a day number (a whole number from 1 to {MaxDay}); give day numbers, dates or timestamps on both sides");
        if (parts.Length != 2)
            throw new FormatException($"'{Quoted.Value(text)}' is not a period: use day numbers (1..3), dates (2011-04-11..2011-04-12) or timestamps (2013-06-30T22:03:24Z..2013-07-01T22:03:24Z)");
        var period = new Period(Point(parts[0], text, end: false), Point(parts[1], text, end: true));
        if (period.To <= period.From) throw new FormatException($"'{Quoted.Value(text)}': the period ends before it starts");
        return Within(period, text);
    }

    /// <summary>The largest day number of the --train / --test forms.</summary>
    public const int MaxDay = 99_999;

    /// <summary>The period, when a timestamp can show both its ends (a period ending after 9999-12-31 could not be
    /// printed: "Valid values are between -62135596800 and 253402300799", exit code 2 without the option).</summary>
    private static Period Within(Period period, string text)
    {
        if (period.From < MinSeconds || period.To > MaxSeconds)
            throw new FormatException($"'{Quoted.Value(text)}': the period must lie between 0001-01-01 and 9999-12-31 (UTC)");
        return period;
    }

    private static readonly long MinSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds(), MaxSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>The train/test pairs of a rolling evaluation: the given pair, then both shifted by the test period's
    /// length in whole days (a day at least) while the test period still starts before <paramref name="dataEnd"/>.
    /// The roll is one continuous run whose policies carry their placement from fold to fold, so the test periods
    /// must follow one another: shifted a day at a time, a test of several days overlapped the next fold's, which
    /// re-planned an instant already passed from a placement made after it.</summary>
    public static IEnumerable<(Period Train, Period Test)> Roll(Period train, Period test, long dataEnd)
    {
        var step = Math.Max(1, (test.To - test.From + DaySeconds - 1) / DaySeconds) * DaySeconds;
        for (var k = 0L; test.From + k * step < dataEnd; k++)
            yield return (train.Shift(k * step), test.Shift(k * step));
    }

    private static long Point(string text, string whole, bool end)
    {
        var s = text.Trim();
        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
            return end ? start + DaySeconds : start;
        }
        if (IsoTime.TryParse(s, out var time))
            return time.ToUnixTimeSeconds();
        throw new FormatException($"'{Quoted.Value(text)}' in '{Quoted.Value(whole)}' is neither a date (yyyy-MM-dd) nor a timestamp (e.g. 2013-06-30T22:03:24Z)");
    }

    // ECMAScript: \d is 0-9 only (not every Unicode digit, which int.Parse then refused with .NET's own message).
    [GeneratedRegex(@"^(\d+)(?:\.\.(\d+))?$", RegexOptions.ECMAScript)]
    private static partial Regex DayNumbers();
}
