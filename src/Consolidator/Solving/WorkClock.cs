using System.Diagnostics;
using Consolidator.Timing;

namespace Consolidator.Solving;

/// <summary>How a solver phase measures what it has used of its budget. Counted (the deterministic mode): the
/// work the phase charges, CP-SAT's deterministic time and the searches' own operation counts, and nothing
/// else, so the wall clock never changes an outcome. Otherwise: wall-clock seconds since the clock started, plus
/// how late the caller says the solve is running (<see cref="SolverOptions.WallLateness"/>: its end came closer as
/// the machine got busier). The wall-clock seconds are the stopwatch's, or the caller's clock's
/// (<see cref="SolverOptions.WallClock"/>) when it ran ahead (a test's clock moved by hand).</summary>
internal sealed class WorkClock(bool counted, Func<double>? lateness = null, Clock? caller = null)
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly Clock? _caller = counted ? null : caller;
    private readonly double _callerStart = counted || caller is null ? 0 : caller.Now;

    /// <summary>The clock of a solve with <paramref name="options"/>: counted in the deterministic mode, otherwise the
    /// wall clock with the caller's lateness and clock.</summary>
    public static WorkClock For(SolverOptions options) => new(options.Deterministic, options.WallLateness, options.WallClock);
    private double _late, _lateRead = double.NegativeInfinity;

    /// <summary>The lateness when this clock started: a phase's own clock (the neighbourhood search's) counts only
    /// what came after, as its budget was already cut by what came before.</summary>
    private readonly double _lateAtStart = counted || lateness is null ? 0 : Math.Max(0, lateness());

    /// <summary>The lateness is asked at most this often: the searches read the clock at every node.</summary>
    private const double LatenessReadSeconds = 0.02;

    public bool Counted => counted;

    /// <summary>Counted work charged so far, in seconds (kept in both modes, for the notes).</summary>
    public double Charged { get; private set; }

    /// <summary>Budget used so far: counted work, or wall-clock seconds (<see cref="WallSeconds"/>) plus the lateness
    /// since this clock started.</summary>
    public double Spent => counted ? Charged : WallSeconds + Late();

    /// <summary>Seconds since this clock started: its stopwatch's, or the caller's clock's when that ran ahead.</summary>
    public double WallSeconds => Math.Max(_wall.Elapsed.TotalSeconds, _caller is null ? 0 : _caller.Now - _callerStart);

    /// <summary>Seconds by which the budget used ran ahead of this clock's own stopwatch: the caller's lateness and
    /// its clock's lead (0 in the counted mode).</summary>
    public double Ahead => counted ? 0 : Spent - _wall.Elapsed.TotalSeconds;

    public void Charge(double seconds) => Charged += seconds;

    /// <summary>The stop signal for a search that counts its own work against <paramref name="budget"/>: in the
    /// counted mode nothing but its own count stops it; otherwise the wall clock does, once the budget has passed
    /// since this call.</summary>
    public Func<bool> StopAfter(double budget)
    {
        if (counted) return () => false;
        var started = Spent;
        return () => Spent - started >= budget;
    }

    /// <summary>The caller's lateness, never falling (a phase's budget once spent stays spent). Held at its highest it
    /// charges the solve with the pace's peak: hourly-mem K = 200 at 60 s with six busy loops ended at 51.5 and 53.2 s,
    /// the solve stopped as if at pace 14 to 17 where the output then ran at 7 to 12. Read as it is now, the same row
    /// ended at 51.9 and 59.5 s: the pace fell late in the solve and rose again in the output (docs/overrun-load.sh,
    /// docs/solver.md). The peak is kept for that safety.</summary>
    private double Late()
    {
        if (lateness is null) return 0;
        var now = _wall.Elapsed.TotalSeconds;
        if (now - _lateRead < LatenessReadSeconds) return _late;
        _lateRead = now;
        return _late = Math.Max(_late, lateness() - _lateAtStart);
    }
}
