using Google.OrTools.Sat;

namespace Consolidator.Solving;

/// <summary>Stops a running CP-SAT solve once its stop signal says its time is spent. CP-SAT's own
/// max_time_in_seconds is fixed when the solve starts, so a solve already running did not react when the machine got
/// busier and the command's end came closer (the caller's lateness, <see cref="SolverOptions.WallLateness"/>): the
/// watchdog asks the signal every <see cref="PollSeconds"/> and calls <see cref="CpSolver.StopSearch"/>, after which
/// CP-SAT returns its best solution as at its own limit. Never started in the deterministic mode, whose solves are
/// bounded by their deterministic time alone.</summary>
internal sealed class SolveWatchdog : IDisposable
{
    /// <summary>How often the stop signal is asked: a few of the scheduler's time slices, a small part of the
    /// shortest wall-clock limit (1 s), and no measurable load (the signal reads two clocks).</summary>
    public const double PollSeconds = 0.05;

    private readonly CpSolver _solver;
    private readonly Func<bool> _stop;
    private readonly Timer _timer;
    private int _checking;
    private volatile bool _fired;

    private SolveWatchdog(CpSolver solver, Func<bool> stop)
    {
        (_solver, _stop) = (solver, stop);
        var period = TimeSpan.FromSeconds(PollSeconds);
        _timer = new Timer(_ => Check(), null, period, period);
    }

    /// <summary>True once the signal stopped the solve.</summary>
    public bool Fired => _fired;

    /// <summary>Solves <paramref name="model"/>, stopped when <paramref name="stop"/> says so (null: CP-SAT's own
    /// limit alone, as in the deterministic mode); <paramref name="stopped"/> tells whether the signal stopped it.</summary>
    public static CpSolverStatus Solve(CpSolver solver, CpModel model, CpSolverSolutionCallback? callback, Func<bool>? stop, out bool stopped)
    {
        if (stop is null)
        {
            stopped = false;
            return callback is null ? solver.Solve(model) : solver.Solve(model, callback);
        }
        using var watchdog = new SolveWatchdog(solver, stop);
        var status = callback is null ? solver.Solve(model) : solver.Solve(model, callback);
        stopped = watchdog.Fired;
        return status;
    }

    private void Check()
    {
        // Timer callbacks may overlap on a busy thread pool; one asks at a time.
        if (Interlocked.Exchange(ref _checking, 1) == 1) return;
        try
        {
            // Asked again at every tick once fired: a stop before CP-SAT set up its search is not kept.
            if (_fired || _stop())
            {
                _fired = true;
                _solver.StopSearch();
            }
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    /// <summary>Waits for a check in progress, so that the signal (which reads the solver's clock) is not asked after
    /// the solve returned.</summary>
    public void Dispose()
    {
        using var done = new ManualResetEvent(false);
        if (_timer.Dispose(done)) done.WaitOne();
    }
}
