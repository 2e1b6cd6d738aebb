using System.Collections.Immutable;
using System.Globalization;

namespace Consolidator.Profiles;

/// <summary>How the week is cut into windows. Every minute of the week falls in exactly one window. Daily
/// schemes (hourly, day-night, N slices) have windows that cover every day; weekly schemes key windows on
/// the day of the week as well (UTC days).</summary>
public sealed record WindowScheme(string Name, ImmutableArray<Window> Windows)
{
    public const int DayStartMinute = 7 * 60;
    public const int NightStartMinute = 19 * 60;

    public const string HourlyName = "hourly";
    public const string DayNightName = "day-night";
    public const string WeeklyName = "weekly";
    public const string WeekdayWeekendName = "weekday-weekend";

    public int Count => Windows.Length;

    /// <summary>True when some window covers only some days of the week.</summary>
    public bool KnowsTheWeek => Windows.Any(w => w.Days != DaysOfWeek.All);

    /// <summary>24 hour-of-day windows.</summary>
    public static WindowScheme Hourly() => Slices(24, HourlyName);

    /// <summary>Day 07:00-19:00 UTC and night 19:00-07:00 UTC.</summary>
    public static WindowScheme DayNight() => new(DayNightName,
        [new Window(0, "day", DayStartMinute, NightStartMinute), new Window(1, "night", NightStartMinute, DayStartMinute)]);

    /// <summary>7 x 24 windows: each hour of each day of the week (Monday first).</summary>
    public static WindowScheme Weekly() => new(WeeklyName,
        [.. Enumerable.Range(0, Week.Days).SelectMany(d => Enumerable.Range(0, 24).Select(h =>
            new Window(d * 24 + h, $"{Week.Names[d]} {Label(h * 60, (h + 1) * 60)}", h * 60, (h + 1) * 60 % Window.MinutesPerDay, Week.Flag(d))))]);

    /// <summary>2 x 24 windows: each hour of the working days (Monday to Friday), then each hour of the weekend.</summary>
    public static WindowScheme WeekdayWeekend() => new(WeekdayWeekendName,
        [.. new[] { (Name: "weekday", Days: DaysOfWeek.Weekdays), (Name: "weekend", Days: DaysOfWeek.Weekend) }
            .SelectMany((g, k) => Enumerable.Range(0, 24).Select(h =>
                new Window(k * 24 + h, $"{g.Name} {Label(h * 60, (h + 1) * 60)}", h * 60, (h + 1) * 60 % Window.MinutesPerDay, g.Days)))]);

    /// <summary>N equal slices of the day; N must divide 1440 so that windows are whole minutes.</summary>
    public static WindowScheme Slices(int n, string? name = null)
    {
        if (n < 1 || n > Window.MinutesPerDay || Window.MinutesPerDay % n != 0)
            throw new ArgumentOutOfRangeException(nameof(n), n, "the number of windows must divide 1440 (minutes in a day): 1, 2, 3, 4, 6, 8, 12, 24, 48, 96, ...");
        var len = Window.MinutesPerDay / n;
        var windows = Enumerable.Range(0, n)
            .Select(i => new Window(i, Label(i * len, (i + 1) * len), i * len, (i + 1) * len % Window.MinutesPerDay))
            .ToImmutableArray();
        return new WindowScheme(name ?? n.ToString(CultureInfo.InvariantCulture), windows);
    }

    /// <summary>Parses a fixed scheme: "hourly", "day-night", "weekly", "weekday-weekend" or a number of equal
    /// slices of the day.</summary>
    public static WindowScheme Parse(string text) => WindowChoice.Parse(text).Fixed
        ?? throw new FormatException($"--windows: '{Quoted.Value(text)}' chooses a scheme from the data; a fixed scheme is needed here ({WindowChoice.FixedForms})");

    private readonly int[] _windowOfMinute = MapMinutes(Windows);

    /// <summary>The window a Unix time (UTC) falls in.</summary>
    public int IndexOf(long unixSeconds) => _windowOfMinute[Week.MinuteOf(unixSeconds)];

    private static int[] MapMinutes(ImmutableArray<Window> windows)
    {
        var map = new int[Week.MinutesPerWeek];
        Array.Fill(map, -1);
        foreach (var w in windows)
            for (var m = 0; m < Week.MinutesPerWeek; m++)
                if (w.ContainsInWeek(m))
                {
                    if (map[m] >= 0) throw new ArgumentException($"windows overlap at minute {m % Window.MinutesPerDay} of {Week.Names[m / Window.MinutesPerDay]}");
                    map[m] = w.Index;
                }
        var gap = Array.IndexOf(map, -1);
        if (gap >= 0) throw new ArgumentException($"no window covers minute {gap % Window.MinutesPerDay} of {Week.Names[gap / Window.MinutesPerDay]}");
        return map;
    }

    private static string Label(int start, int end) =>
        $"{start / 60:00}:{start % 60:00}-{end / 60:00}:{end % 60:00}";
}
