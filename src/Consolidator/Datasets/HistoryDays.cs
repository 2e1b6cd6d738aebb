using System.Globalization;

namespace Consolidator.Datasets;

/// <summary>Usage rows counted by UTC day, to find a sample dated far from all the others: a typo in the year (one row
/// of a 2026 trace dated 2062) lies inside <see cref="SampleTime"/>'s range, yet stretched the history to 36 years
/// without a word ("in 631186 h of trace", windows and --half-life weights over the span, evaluate --roll stepping
/// through the empty years). The body of the history is the span of its rows but the farthest 1 % on each side (at least
/// one); a row is far when it lies further from the body than the body's own span and a week. Real traces are far from
/// that: Bitbrains Rnd's month (../shared, 500 VMs) has gaps of at most 31.5 h in 30 days, and the five PlanetLab days
/// imported together (2011-03-03 to 2011-04-20, gaps of up to 19 days) hold 18-26 % of the rows each, so every one is in
/// the body.</summary>
internal sealed class HistoryDays
{
    private const long SecondsPerDay = 86_400;

    /// <summary>A week: a body shorter than that (a few days' trace) is not a reason to refuse a sample days later.</summary>
    private const long MinimumMarginDays = 7;

    private readonly long[] _rows = new long[SampleTime.MaxUnixSeconds / SecondsPerDay + 1];
    private long _total;
    private (long First, long Last)? _body;

    /// <summary>Counts a row; true when it is the first of its day (a streaming writer remembers where that one came from).</summary>
    public bool Add(long unixSeconds)
    {
        _total++;
        _body = null;
        return _rows[unixSeconds / SecondsPerDay]++ == 0;
    }

    /// <summary>True when some row lies far from the body; <see cref="IsFar"/> then tells which.</summary>
    public bool AnyFar()
    {
        if (Body() is not { } body) return false;
        var margin = Margin(body);
        for (var day = 0L; day < _rows.Length; day++)
            if (_rows[day] > 0 && (day < body.First - margin || day > body.Last + margin)) return true;
        return false;
    }

    public bool IsFar(long unixSeconds)
    {
        if (Body() is not { } body) return false;
        var day = unixSeconds / SecondsPerDay;
        var margin = Margin(body);
        return day < body.First - margin || day > body.Last + margin;
    }

    /// <summary>Why the row at <paramref name="unixSeconds"/> is far, in words for a located error.</summary>
    public string Problem(long unixSeconds)
    {
        var body = Body()!.Value;
        var day = unixSeconds / SecondsPerDay;
        var (days, side) = day < body.First ? (body.First - day, "before") : (day - body.Last, "after");
        var distance = days >= 365 ? $"{days.ToString("N0", CultureInfo.InvariantCulture)} days ({(days / 365.25).ToString("0.0", CultureInfo.InvariantCulture)} years)"
            : $"{days.ToString("N0", CultureInfo.InvariantCulture)} days";
        return $"{distance} {side} the rest of the history ({Bodyrows(body).ToString("N0", CultureInfo.InvariantCulture)} of {_total.ToString("N0", CultureInfo.InvariantCulture)} rows "
            + $"lie from {Date(body.First)} to {Date(body.Last)}): a typo in the date? A sample further from the others than their own span "
            + "and a week would stretch the history it is read into (the hours of trace, windows and --half-life weights over the span, evaluate --roll's days)";
    }

    private long Bodyrows((long First, long Last) body)
    {
        long rows = 0;
        for (var day = body.First; day <= body.Last; day++) rows += _rows[day];
        return rows;
    }

    private static string Date(long day) => DateTime.UnixEpoch.AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static long Margin((long First, long Last) body) => Math.Max(body.Last - body.First + 1, MinimumMarginDays);

    /// <summary>The first and last day of the body: the days of the rows of rank trim + 1 from either end, where trim is
    /// 1 % of the rows and at least one; none for fewer than three rows.</summary>
    private (long First, long Last)? Body()
    {
        if (_body is not null || _total < 3) return _body;
        var trim = Math.Max(1, _total / 100);
        long first = 0, last = _rows.Length - 1;
        for (long seen = 0; (seen += _rows[first]) <= trim; first++) { }
        for (long seen = 0; (seen += _rows[last]) <= trim; last--) { }
        return _body = (first, last);
    }
}
