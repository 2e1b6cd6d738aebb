using System.Diagnostics;
using Consolidator.Timing;

namespace Consolidator.Solving;

/// <summary>How a solver phase measures what it has used of its budget. Counted (the deterministic mode): the
/// work the phase charges, CP-SAT's deterministic time and the searches' own operation counts, and nothing
/// else, so the wall clock never changes an outcome. Otherwise: wall-clock seconds since the clock started, plus
/// how late the caller says the solve is running (<see cref="SolverOptions.WallLateness"/>: its end came closer as
/// the machine got busier, or moved away, negative, as it got quieter). The wall-clock seconds are the stopwatch's, or the caller's clock's
/// (<see cref="SolverOptions.WallClock"/>) when it ran ahead (a test's clock moved by hand).</summary>
/// <param name="cutShort">The part of the caller's lateness that is never held at a peak
/// (<see cref="SolverOptions.CutShortLateness"/>).</param>
internal sealed class WorkClock(bool counted, Func<double>? lateness = null, Clock? caller = null, Func<double>? cutShort = null)
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly Clock? _caller = counted ? null : caller;
    private readonly double _callerStart = counted || caller is null ? 0 : caller.Now;

    /// <summary>The clock of a solve with <paramref name="options"/>: counted in the deterministic mode, otherwise the
    /// wall clock with the caller's lateness and clock.</summary>
    public static WorkClock For(SolverOptions options) => new(options.Deterministic, options.WallLateness, options.WallClock, options.CutShortLateness);
    private double _late, _lateRead = double.NegativeInfinity;

    /// <summary>The lateness readings of the last <see cref="LatenessHoldSeconds"/> that a later one has not passed
    /// (each lower than the one before it): the first is the highest of the window.</summary>
    private readonly LinkedList<(double At, double Late)> _peaks = new();
    private readonly Lock _gate = new();

    /// <summary>The lateness when this clock started: a phase's own clock (the neighbourhood search's) counts only
    /// what came after, as its budget was already cut (or, when negative, lengthened) by what came before.</summary>
    private readonly double _lateAtStart = counted || lateness is null ? 0 : lateness(),
        _cutShortAtStart = counted || cutShort is null ? 0 : cutShort();

    /// <summary>The lateness is asked at most this often: the searches read the clock at every node.</summary>
    public const double LatenessReadSeconds = 0.02;

    /// <summary>How long a peak of the caller's lateness is held. Read as it is now, the lateness let a solve run on
    /// when the pace fell late in it and the output then met it rising again (hourly-mem K = 200 at 60 s, six busy
    /// loops: 59.5 s of 60); held at its peak for the whole solve, a burst early in a run cost the rest of it (the
    /// same row ended at 51.5 and 53.2 s, stopped as if at pace 14 to 17 where the output ran at 7 to 12;
    /// docs/overrun-load.sh, docs/solver.md). 10 s: five time constants of the pace's own moving average of the
    /// command thread's wait (<see cref="Timing.Deadline.RunQueueSmoothingSeconds"/>, 2 s), after which a burst that
    /// ended weighs under 1 % in it, while a load that lasts still shows in the readings the window holds.</summary>
    public const double LatenessHoldSeconds = 10;

    public bool Counted => counted;

    /// <summary>The options for the phases inside a solve timed by this clock (the fill, the neighbourhood search, the
    /// bin-count descent, each with its own clock): their clocks count this clock's lateness as it reads here, already
    /// held once, so a phase given the budget this clock has left ends when this clock says it is spent. With the
    /// caller's lateness they held its peak again from their own start, as if at a lateness that this clock had let go:
    /// on the Bitbrains month (load 20-26, traced) the neighbourhood search ended 1 to 1.5 s before the solve's share,
    /// which went unused to homecoming's budget. Unchanged in the counted mode.</summary>
    public SolverOptions ForPhases(SolverOptions options) =>
        counted || (lateness is null && cutShort is null) ? options : options with { WallLateness = null, CutShortLateness = () => Lateness };

    /// <summary>Counted work charged so far, in seconds (kept in both modes, for the notes).</summary>
    public double Charged { get; private set; }

    /// <summary>The lateness this clock counts now (<see cref="Spent"/> less <see cref="WallSeconds"/>, read once: the
    /// two read apart see the stopwatch move between them).</summary>
    internal double Lateness => counted ? 0 : Late();

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

    /// <summary>The caller's lateness, the highest read in the last <see cref="LatenessHoldSeconds"/> of this clock's
    /// time (<see cref="WallSeconds"/>): a peak is held while the load that raised it may still be there, then let
    /// go, so that a phase's budget spent by a burst comes back once the burst is over. Never less than the lateness
    /// as read now, so the solve never ends later than the caller's end as it reads now. Negative when the caller's
    /// end moved away (its reserves shrank as the pace fell; the rule is TimeBudget.Solver's): that time is the
    /// solve's once the whole window reads it. Floored at 0, it never was, and runs ended 4 to 11 s early of 30. Plus
    /// the part of phases cut short at their turn (the replay's), as it reads now.</summary>
    private double Late()
    {
        if (lateness is null && cutShort is null) return 0;
        var now = WallSeconds;
        if (now - Volatile.Read(ref _lateRead) < LatenessReadSeconds) return Volatile.Read(ref _late);
        // The searches' threads and the solve's watchdog read this clock at once.
        lock (_gate)
        {
            if (now - _lateRead < LatenessReadSeconds) return _late;
            var late = lateness is null ? 0 : lateness() - _lateAtStart;
            while (_peaks.Count > 0 && _peaks.Last!.Value.Late <= late) _peaks.RemoveLast();
            _peaks.AddLast((now, late));
            while (_peaks.First!.Value.At < now - LatenessHoldSeconds) _peaks.RemoveFirst();
            _late = _peaks.First.Value.Late + (cutShort is null ? 0 : cutShort() - _cutShortAtStart);
            Volatile.Write(ref _lateRead, now);
            return _late;
        }
    }
}
