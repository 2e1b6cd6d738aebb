using System.Globalization;

namespace Consolidator.Evaluation;

/// <summary>When the placement is planned again during an evaluation: every day, every week, or every N
/// hours, counted from the start of the first test period.</summary>
public sealed record ReplanSchedule(string Name, long IntervalSeconds)
{
    public const string Forms = "'daily', 'weekly' or a number of hours such as '6h' (1 to 8760)";

    public static ReplanSchedule Daily => new("daily", Period.DaySeconds);
    public static ReplanSchedule Weekly => new("weekly", 7 * Period.DaySeconds);

    public static ReplanSchedule Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "daily") return Daily;
        if (t == "weekly") return Weekly;
        if (t.EndsWith('h') && int.TryParse(t[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var hours) && hours is >= 1 and <= 8760)
            return new($"{hours}h", hours * 3600L);
        throw new FormatException($"--replan must be {Forms}, not '{(text.Length <= 40 ? text : text[..40] + "...")}'");
    }

    /// <summary>The re-plan instants in [from, to), on the grid that starts at <paramref name="origin"/>.</summary>
    public IEnumerable<long> Points(long origin, long from, long to)
    {
        var k = from <= origin ? 0 : (from - origin + IntervalSeconds - 1) / IntervalSeconds;
        for (var t = origin + k * IntervalSeconds; t < to; t += IntervalSeconds) yield return t;
    }
}
