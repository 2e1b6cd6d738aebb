using System.CommandLine;
using System.Globalization;
using Consolidator.Simulation;
using Consolidator.Staging;

namespace Consolidator.Cli.Commands;

/// <summary><c>--json</c> (the summary as one JSON document on stdout, the schema of the file the command writes)
/// and <c>--fail-on slo,overload,blocked</c> (exit code 5 when one of those findings holds; the outputs are still
/// written), for commands that gate a change review or a pipeline.</summary>
internal sealed class ScriptingOptions(params string[] findings)
{
    public const string Slo = "slo";
    public const string Overload = "overload";
    public const string Blocked = "blocked";

    private readonly Option<bool> _json = new("--json") { Description = "Print the summary as one JSON document on stdout (the schema of the file written) instead of text" };
    private readonly Option<string?> _failOn = new("--fail-on") { Description = $"Exit with code 5 when any of these findings holds (outputs are still written): {string.Join(", ", findings)}" };

    public void AddTo(Command command)
    {
        command.Add(_json);
        command.Add(_failOn);
    }

    /// <summary>Only <c>--json</c>, for commands without findings to gate on.</summary>
    public void AddJsonTo(Command command) => command.Add(_json);

    public bool Json(ParseResult r) => r.GetValue(_json);

    /// <summary>The findings asked for, checked before any work: an unknown name is bad input.</summary>
    public IReadOnlySet<string> FailOn(ParseResult r)
    {
        var names = r.GetValue(_failOn) is { } list ? OptionLists.Items(list, "--fail-on") : [];
        foreach (var n in names)
            if (!findings.Contains(n))
                throw new FormatException($"--fail-on: '{Quoted.Value(n)}' is not a finding; use {string.Join(", ", findings)}");
        return names.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Each finding asked for that holds, one line each on stderr; exit code 5 if any, else 0.</summary>
    public static int Verdict(IReadOnlySet<string> failOn, SimulationSummary? replay, MigrationPlan? migrations, TextWriter stderr)
    {
        var inv = CultureInfo.InvariantCulture;
        var found = new List<string>();
        if (failOn.Contains(Slo) && replay is { SloViolations: > 0 })
            found.Add(string.Format(inv, "slo: {0} migration(s) stop their VM longer than the downtime SLO", replay.SloViolations));
        if (failOn.Contains(Overload) && replay is { OverCapacity.HostHoursAfter: > 0 } o)
            found.Add(string.Format(inv, "overload: {0:0.0} host-hour(s) over physical capacity on the raw trace after the plan ({1} host(s))",
                o.OverCapacity.HostHoursAfter, o.OverCapacity.HostsAfter));
        if (failOn.Contains(Blocked) && migrations is { Blocked.Length: > 0 } m)
            found.Add(string.Format(inv, "blocked: {0} move(s) could not be staged safely", m.Blocked.Length));
        foreach (var f in found) stderr.WriteLine($"fail-on {f}");
        return found.Count > 0 ? ExitCodes.FindingsFailed : ExitCodes.Ok;
    }
}
