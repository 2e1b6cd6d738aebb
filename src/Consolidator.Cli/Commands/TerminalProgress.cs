using System.Globalization;
using Consolidator.Solving;
using Consolidator.Timing;
using Spectre.Console;

namespace Consolidator.Cli.Commands;

/// <summary>A long command's progress on stderr through Spectre.Console, only when stderr is a terminal: the
/// phase, a bar of the time budget spent (or of the steps done, for a sweep's points), and the solver's best
/// plan so far. Redirected output stays quiet and parseable: nothing is drawn, no escape codes. The display runs
/// on its own thread and reads what the work last reported; <see cref="Done"/> takes it off the screen before
/// the command prints its results.</summary>
internal sealed class TerminalProgress : IProgress<SolverProgress>, IProgress<int>, IDisposable
{
    private readonly IAnsiConsole? _console;
    private readonly Deadline _deadline;
    private readonly int _steps;
    private readonly Lock _gate = new();
    private string _phase = "";
    private string _detail = "";
    private int _done, _doingAtSay, _detailAt = -1;
    private Thread? _display;
    private volatile bool _stop;

    /// <param name="steps">Steps of known number (a sweep's points): the bar counts them instead of the time.</param>
    public TerminalProgress(TextWriter stderr, Deadline deadline, int steps = 0)
    {
        _deadline = deadline;
        _steps = steps;
        if (!ReferenceEquals(stderr, Console.Error) || Console.IsErrorRedirected) return;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
        if (console.Profile.Capabilities is { Ansi: true, Interactive: true }) _console = console;
    }

    /// <summary>A new phase begins; the display shows it until the next one, or until the work says on the deadline
    /// what it does (<see cref="Deadline.Begin"/>: the planner's steps, the warm start and the solve apart, the replay
    /// only when it runs).</summary>
    public void Say(string phase)
    {
        lock (_gate) (_phase, _detail, _doingAtSay) = (phase, "", _deadline.Doing.Count);
        if (_console is null || _display is not null) return;
        _stop = false;
        _display = new Thread(Show) { IsBackground = true, Name = "progress" };
        _display.Start();
    }

    public void Report(SolverProgress p)
    {
        var gap = p.ObjectiveWh > 0 ? Math.Max(0, (p.ObjectiveWh - p.BoundWh) / p.ObjectiveWh) : 0;
        // The solver's best plan so far belongs to the step it was reported in (the solve, a re-solve).
        lock (_gate) (_detailAt, _detail) = (_deadline.Doing.Count, string.Format(CultureInfo.InvariantCulture, "objective {0:0.0} Wh/day, bound {1:0.0}, gap {2:0.00%}", p.ObjectiveWh, p.BoundWh, gap));
    }

    public void Report(int done)
    {
        lock (_gate) _done = done;
    }

    /// <summary>Takes the display off the screen (the command prints next).</summary>
    public void Done()
    {
        if (_display is null) return;
        _stop = true;
        _display.Join();
        _display = null;
    }

    /// <summary>Also on failure, so that the error line is not drawn over.</summary>
    public void Dispose() => Done();

    private void Show()
    {
        try
        {
            _console!.Progress().AutoClear(true).Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("...", maxValue: 1);
                    while (!_stop)
                    {
                        Update(task);
                        ctx.Refresh();
                        Thread.Sleep(200);
                    }
                });
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
        {
            // A display that cannot draw (the terminal went away) must not stop the work it shows.
        }
    }

    private void Update(ProgressTask task)
    {
        string phase, detail;
        int done;
        lock (_gate) (phase, detail, done) = (_phase, _detail, _done);
        // What the work said it does since the last phase said here; the solver's detail only while in its step.
        var (count, activity) = _deadline.Doing;
        if (count > _doingAtSay) phase = activity;
        lock (_gate) if (_detailAt != count) detail = "";
        string budget;
        if (_steps > 0)
        {
            (task.MaxValue, task.Value) = (_steps, done);
            budget = $"{done}/{_steps}";
        }
        else if (_deadline.IsWallClock)
        {
            var total = _deadline.Elapsed + Math.Max(0, _deadline.Remaining);
            (task.MaxValue, task.Value) = (total, Math.Min(total, _deadline.Elapsed));
            budget = string.Format(CultureInfo.InvariantCulture, "{0:0.0} s of {1:0} s", _deadline.Elapsed, total);
        }
        else
        {
            task.IsIndeterminate = true;
            budget = string.Format(CultureInfo.InvariantCulture, "{0:0.0} s (limit: counted work)", _deadline.Elapsed);
        }
        task.Description = Markup.Escape(detail.Length > 0 ? $"{phase} ({detail})  {budget}" : $"{phase}  {budget}");
    }
}
