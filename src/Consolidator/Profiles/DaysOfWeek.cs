namespace Consolidator.Profiles;

/// <summary>Days of the week a window covers, in UTC, Monday first (ISO 8601).</summary>
[Flags]
public enum DaysOfWeek
{
    None = 0,
    Monday = 1,
    Tuesday = 2,
    Wednesday = 4,
    Thursday = 8,
    Friday = 16,
    Saturday = 32,
    Sunday = 64,
    Weekdays = Monday | Tuesday | Wednesday | Thursday | Friday,
    Weekend = Saturday | Sunday,
    All = Weekdays | Weekend,
}

public static class Week
{
    public const int Days = 7;
    public const int MinutesPerWeek = Days * Window.MinutesPerDay;
    public const long SecondsPerWeek = MinutesPerWeek * 60L;

    /// <summary>1970-01-01, the Unix epoch, was a Thursday: day 3 counted from Monday.</summary>
    private const int EpochDayOfWeek = 3;

    public static readonly string[] Names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    /// <summary>The day of the week of a Unix time in UTC, 0 = Monday.</summary>
    public static int DayOf(long unixSeconds) => MinuteOf(unixSeconds) / Window.MinutesPerDay;

    /// <summary>Minutes since Monday 00:00 UTC of the week the time falls in.</summary>
    public static int MinuteOf(long unixSeconds)
    {
        var minute = FloorDiv(unixSeconds, 60) + EpochDayOfWeek * (long)Window.MinutesPerDay;
        return (int)(((minute % MinutesPerWeek) + MinutesPerWeek) % MinutesPerWeek);
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    public static DaysOfWeek Flag(int day) => (DaysOfWeek)(1 << day);

    public static int Count(DaysOfWeek days) => System.Numerics.BitOperations.PopCount((uint)(days & DaysOfWeek.All));
}
