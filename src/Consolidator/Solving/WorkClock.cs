using System.Diagnostics;

namespace Consolidator.Solving;

/// <summary>How a solver phase measures what it has used of its budget. Counted (the deterministic mode): the
/// work the phase charges, CP-SAT's deterministic time and the searches' own operation counts, and nothing
/// else, so the wall clock never changes an outcome. Otherwise: wall-clock seconds since the clock started, plus
/// how late the caller says the solve is running (<see cref="SolverOptions.WallLateness"/>: its end came closer as
/// the machine got busier).</summary>
internal sealed class WorkClock(bool counted, Func<double>? lateness = null)
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private double _late, _lateRead = double.NegativeInfinity;

    /// <summary>The lateness when this clock started: a phase's own clock (the neighbourhood search's) counts only
    /// what came after, as its budget was already cut by what came before.</summary>
    private readonly double _lateAtStart = counted || lateness is null ? 0 : Math.Max(0, lateness());

    /// <summary>The lateness is asked at most this often: the searches read the clock at every node.</summary>
    private const double LatenessReadSeconds = 0.02;

    public bool Counted => counted;

    /// <summary>Counted work charged so far, in seconds (kept in both modes, for the notes).</summary>
    public double Charged { get; private set; }

    /// <summary>Budget used so far: counted work, or wall-clock seconds plus the lateness since this clock started.</summary>
    public double Spent => counted ? Charged : _wall.Elapsed.TotalSeconds + Late();

    public double WallSeconds => _wall.Elapsed.TotalSeconds;

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

    /// <summary>The caller's lateness, never falling (a phase's budget once spent stays spent).</summary>
    private double Late()
    {
        if (lateness is null) return 0;
        var now = _wall.Elapsed.TotalSeconds;
        if (now - _lateRead < LatenessReadSeconds) return _late;
        _lateRead = now;
        return _late = Math.Max(_late, lateness() - _lateAtStart);
    }
}
