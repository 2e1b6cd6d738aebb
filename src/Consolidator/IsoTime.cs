using System.Globalization;
using System.Text.RegularExpressions;

namespace Consolidator;

/// <summary>A point in time as the options that take one (`import --start/--end`, `evaluate --train/--test`) accept
/// it: ISO-8601's extended form only, <c>yyyy-MM-dd</c> or <c>yyyy-MM-ddTHH:mm[:ss[.fffffff]]</c> with an optional
/// <c>Z</c> or <c>+HH:mm</c> / <c>-HH:mm</c>; a time without either is UTC. .NET's own parser also took "12:00" (noon
/// of the day the command runs, so the same command read other samples tomorrow), "1/5/2026" (January or May?),
/// "Jan 5 2026" and "Sun, 05 Jan 2026 00:00:00 GMT": a typo became some other instant without a word.</summary>
public static partial class IsoTime
{
    /// <summary>The instant <paramref name="text"/> names, or false when it is not of the accepted form or not a
    /// real time (2026-02-30, 24:00).</summary>
    public static bool TryParse(string text, out DateTimeOffset time)
    {
        time = default;
        return Form().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    // ECMAScript: \d is 0-9 only.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})?)?$", RegexOptions.ECMAScript)]
    private static partial Regex Form();
}
