using System.Globalization;
using Consolidator.Timing;

namespace Consolidator.Cli.Commands;

/// <summary>A wall-clock limit a command could not keep, said once on stderr (where a script that reads the JSON
/// summary, or a terminal that shows only the end, sees it) and handed to <c>--fail-on time</c>, read once so that
/// the warning and the exit code never disagree about a run that ended on the limit itself.</summary>
internal static class MissedLimit
{
    /// <summary>The warning when the command has run past its limit (never in the deterministic mode, which keeps
    /// counted work, not the wall clock); <paramref name="phases"/> names the phases never cut short, which took the
    /// time, and <paramref name="more"/> where to read more. Returns the finding's words for <c>--fail-on time</c>
    /// ("8.0 s of 6.0 s"), null when the limit was kept.</summary>
    public static string? Say(Deadline deadline, TextWriter stderr, string phases, string more = "")
    {
        if (!deadline.IsWallClock) return null;
        var elapsed = deadline.Elapsed;
        if (elapsed <= deadline.Limit) return null;
        var figures = string.Format(CultureInfo.InvariantCulture, "{0:0.0} s of {1:0.0} s", elapsed, deadline.Limit);
        stderr.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "warning: the time limit was missed: {0}. The phases that are never cut short ({1}) took longer on this machine, {2:0.0} times slower than idle, than the limit left them{3}",
            figures, phases, deadline.Pace, more));
        return figures;
    }
}
