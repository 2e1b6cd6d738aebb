using System.CommandLine;
using System.Globalization;
using Consolidator.Simulation;
using Consolidator.Staging;

namespace Consolidator.Cli.Commands;

/// <summary><c>--json</c> (the summary as one JSON document on stdout, the schema of the file the command writes)
/// and <c>--fail-on slo,overload,blocked,time</c> (exit code 5 when one of those findings holds; the outputs are still
/// written), for commands that gate a change review or a pipeline.</summary>
internal sealed class ScriptingOptions(params string[] findings)
{
    public const string Slo = "slo";
    public const string Overload = "overload";
    public const string Blocked = "blocked";

    /// <summary>The command ended past its wall-clock <c>--time-limit</c> (<see cref="MissedLimit"/>): a missed limit is
    /// otherwise a warning on stderr and exit code 0, as the output is whole and checked; a script that must know
    /// asks for it.</summary>
    public const string Time = "time";

    private readonly Option<bool> _json = new("--json") { Description = "Print the summary as one JSON document on stdout (the schema of the file written) instead of text" };
    private readonly Option<string?> _failOn = new("--fail-on") { Description = $"Exit with code 5 when any of these findings holds (outputs are still written): {string.Join(", ", findings)}" };

    public void AddTo(Command command)
    {
        command.Add(_json);
        command.Add(_failOn);
    }

    /// <summary>Only <c>--json</c>, for commands without findings to gate on.</summary>
    public void AddJsonTo(Command command) => command.Add(_json);

    /// <summary>Only <c>--fail-on</c>, for commands without a JSON summary.</summary>
    public void AddFailOnTo(Command command) => command.Add(_failOn);

    public bool Json(ParseResult r) => r.GetValue(_json);

    /// <summary>The findings asked for, checked before any work: an unknown name is bad input, and so is <c>time</c>
    /// with <paramref name="deterministic"/>, whose limit is counted work that no run misses: the gate would pass
    /// whatever the wall clock, which the script meant to bound.</summary>
    public IReadOnlySet<string> FailOn(ParseResult r, bool deterministic = false)
    {
        var names = r.GetValue(_failOn) is { } list ? OptionLists.Items(list, "--fail-on") : [];
        foreach (var n in names)
            if (!findings.Contains(n))
                throw new FormatException($"--fail-on: '{Quoted.Value(n)}' is not a finding; use {string.Join(", ", findings)}");
        if (deterministic && names.Contains(Time))
            throw new FormatException("--fail-on time: with --deterministic the time limit bounds counted solver work, not the wall clock: drop one of them");
        return names.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Each finding asked for that holds, one line each on stderr; exit code 5 if any, else 0.</summary>
    /// <param name="missed">The missed limit's figures (<see cref="MissedLimit.Say"/>), null when it was kept.</param>
    public static int Verdict(IReadOnlySet<string> failOn, SimulationSummary? replay, MigrationPlan? migrations, TextWriter stderr, string? missed = null)
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
        if (failOn.Contains(Time) && missed is not null)
            found.Add($"time: the command ended past its --time-limit ({missed}); the output is whole and checked");
        foreach (var f in found) stderr.WriteLine($"fail-on {f}");
        return found.Count > 0 ? ExitCodes.FindingsFailed : ExitCodes.Ok;
    }
}
