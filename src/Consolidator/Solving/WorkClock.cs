using System.Diagnostics;

namespace Consolidator.Solving;

/// <summary>How a solver phase measures what it has used of its budget. Counted (the deterministic mode): the
/// work the phase charges, CP-SAT's deterministic time and the searches' own operation counts, and nothing
/// else, so the wall clock never changes an outcome. Otherwise: wall-clock seconds since the clock started.</summary>
internal sealed class WorkClock(bool counted)
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();

    public bool Counted => counted;

    /// <summary>Counted work charged so far, in seconds (kept in both modes, for the notes).</summary>
    public double Charged { get; private set; }

    /// <summary>Budget used so far: counted work, or wall-clock seconds.</summary>
    public double Spent => counted ? Charged : _wall.Elapsed.TotalSeconds;

    public double WallSeconds => _wall.Elapsed.TotalSeconds;

    public void Charge(double seconds) => Charged += seconds;

    /// <summary>The stop signal for a search that counts its own work against <paramref name="budget"/>: in the
    /// counted mode nothing but its own count stops it; otherwise the wall clock does, once the budget has passed
    /// since this call.</summary>
    public Func<bool> StopAfter(double budget)
    {
        if (counted) return () => false;
        var started = _wall.Elapsed.TotalSeconds;
        return () => _wall.Elapsed.TotalSeconds - started >= budget;
    }
}
