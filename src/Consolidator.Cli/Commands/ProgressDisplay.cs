using System.Globalization;
using Consolidator.Solving;

namespace Consolidator.Cli.Commands;

/// <summary>Progress on stderr, only when stderr is a terminal: one line rewritten in place. Redirected
/// output stays quiet so that stdout and stderr remain parseable.</summary>
internal sealed class ProgressDisplay(TextWriter stderr) : IProgress<SolverProgress>
{
    private readonly bool _live = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
    private readonly Lock _gate = new();
    private string _stage = "";

    public void Say(string stage)
    {
        _stage = stage;
        Write(stage + " ...");
    }

    public void Report(SolverProgress p)
    {
        var gap = p.ObjectiveWh > 0 ? Math.Max(0, (p.ObjectiveWh - p.BoundWh) / p.ObjectiveWh) : 0;
        Write(string.Format(CultureInfo.InvariantCulture, "{0}: {1,6:0.0} s  objective {2:0.0} Wh/day  bound {3:0.0}  gap {4:0.00%}",
            _stage, p.Seconds, p.ObjectiveWh, p.BoundWh, gap));
    }

    public void Done()
    {
        if (_live) lock (_gate) stderr.Write("\r\u001b[2K");
    }

    private void Write(string line)
    {
        if (!_live) return;
        lock (_gate) stderr.Write("\r\u001b[2K" + line);
    }
}
