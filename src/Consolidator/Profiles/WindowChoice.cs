using System.Globalization;

namespace Consolidator.Profiles;

/// <summary>The --windows option: a fixed scheme, or "auto": a weekly scheme when the history holds at least a
/// week and shows a weekly pattern (<see cref="WeeklyPattern"/>), else hourly.</summary>
public sealed record WindowChoice(WindowScheme? Fixed)
{
    public const string AutoName = "auto";
    public const string Forms = "'auto', " + FixedForms;

    /// <summary>The fixed schemes alone, for the commands that cannot choose from the data.</summary>
    public const string FixedForms = "'hourly', 'day-night', 'weekly' (7 x 24), 'weekday-weekend' (2 x 24) or a number of equal slices of the day that divides 1440";

    public static readonly WindowChoice Auto = new((WindowScheme?)null);

    public bool IsAuto => Fixed is null;

    public override string ToString() => Fixed?.Name ?? AutoName;

    public static WindowChoice Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == AutoName) return Auto;
        if (t is "hourly" or "hour" or "24") return new(WindowScheme.Hourly());
        if (t is "day-night" or "daynight") return new(WindowScheme.DayNight());
        if (t is "weekly" or "week" or "168") return new(WindowScheme.Weekly());
        if (t is "weekday-weekend" or "weekdays") return new(WindowScheme.WeekdayWeekend());
        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            if (n < 1 || n > Window.MinutesPerDay || Window.MinutesPerDay % n != 0)
                throw new FormatException($"--windows: {n} slices do not divide the day into whole minutes; use {Forms}");
            return new(WindowScheme.Slices(n));
        }
        throw new FormatException($"--windows must be {Forms}, not '{Quoted.Value(text)}'");
    }

}
