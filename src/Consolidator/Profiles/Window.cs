namespace Consolidator.Profiles;

/// <summary>A slice of the day in UTC, [StartMinute, EndMinute) in minutes after midnight. A window may
/// wrap past midnight (night: 19:00 to 07:00), so its duration is computed modulo a day.</summary>
public sealed record Window(int Index, string Label, int StartMinute, int EndMinute)
{
    public const int MinutesPerDay = 1440;

    public int DurationMinutes => ((EndMinute - StartMinute - 1 + MinutesPerDay) % MinutesPerDay) + 1;
    public double DurationHours => DurationMinutes / 60.0;

    public bool Contains(int minuteOfDay) => StartMinute < EndMinute
        ? minuteOfDay >= StartMinute && minuteOfDay < EndMinute
        : minuteOfDay >= StartMinute || minuteOfDay < EndMinute;
}
