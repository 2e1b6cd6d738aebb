namespace Consolidator.Profiles;

/// <summary>A slice of the week in UTC: the minutes [StartMinute, EndMinute) after midnight on each of
/// <see cref="Days"/>. A window may wrap past midnight (night: 19:00 to 07:00), so its length is computed
/// modulo a day; the part after midnight belongs to the day it falls on. A window of a daily scheme covers
/// every day.</summary>
public sealed record Window(int Index, string Label, int StartMinute, int EndMinute, DaysOfWeek Days = DaysOfWeek.All)
{
    public const int MinutesPerDay = 1440;

    /// <summary>Minutes the window covers on each of its days.</summary>
    public int DurationMinutes => ((EndMinute - StartMinute - 1 + MinutesPerDay) % MinutesPerDay) + 1;

    /// <summary>Hours of an average day that fall in the window: its minutes per day times the share of the
    /// week's days it covers. The windows of a scheme sum to 24, so energy per day is the sum over windows of
    /// power times these hours, whether the scheme knows the day of the week or not.</summary>
    public double HoursPerDay => DurationMinutes / 60.0 * Week.Count(Days) / Week.Days;

    public bool Contains(int minuteOfDay) => StartMinute < EndMinute
        ? minuteOfDay >= StartMinute && minuteOfDay < EndMinute
        : minuteOfDay >= StartMinute || minuteOfDay < EndMinute;

    /// <summary>True when minute <paramref name="minuteOfWeek"/> (after Monday 00:00 UTC) falls in the window.</summary>
    public bool ContainsInWeek(int minuteOfWeek) =>
        (Days & Week.Flag(minuteOfWeek / MinutesPerDay)) != 0 && Contains(minuteOfWeek % MinutesPerDay);
}
