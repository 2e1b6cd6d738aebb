using System.Collections.Immutable;
using System.Globalization;

namespace Consolidator.Profiles;

/// <summary>How a day is cut into windows. Every minute of the day falls in exactly one window.</summary>
public sealed record WindowScheme(string Name, ImmutableArray<Window> Windows)
{
    public const int DayStartMinute = 7 * 60;
    public const int NightStartMinute = 19 * 60;

    public int Count => Windows.Length;

    /// <summary>24 hour-of-day windows.</summary>
    public static WindowScheme Hourly() => Slices(24, "hourly");

    /// <summary>Day 07:00-19:00 UTC and night 19:00-07:00 UTC.</summary>
    public static WindowScheme DayNight() => new("day-night",
        [new Window(0, "day", DayStartMinute, NightStartMinute), new Window(1, "night", NightStartMinute, DayStartMinute)]);

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

    /// <summary>Parses the --windows option: "hourly", "day-night" or a number of equal slices.</summary>
    public static WindowScheme Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t is "hourly" or "hour" or "24") return Hourly();
        if (t is "day-night" or "daynight") return DayNight();
        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return Slices(n);
        throw new FormatException($"--windows must be 'hourly', 'day-night' or a number of equal slices of the day, not '{text}'");
    }

    private readonly int[] _windowOfMinute = MapMinutes(Windows);

    public int IndexOf(long unixSeconds) => _windowOfMinute[(int)(((unixSeconds % 86400) + 86400) % 86400 / 60)];

    private static int[] MapMinutes(ImmutableArray<Window> windows)
    {
        var map = new int[Window.MinutesPerDay];
        Array.Fill(map, -1);
        foreach (var w in windows)
            for (var m = 0; m < Window.MinutesPerDay; m++)
                if (w.Contains(m))
                {
                    if (map[m] >= 0) throw new ArgumentException($"windows overlap at minute {m} of the day");
                    map[m] = w.Index;
                }
        var gap = Array.IndexOf(map, -1);
        if (gap >= 0) throw new ArgumentException($"no window covers minute {gap} of the day");
        return map;
    }

    private static string Label(int start, int end) =>
        $"{start / 60:00}:{start % 60:00}-{end / 60:00}:{end % 60:00}";
}
