using System.Collections.Immutable;
using System.Diagnostics;

namespace Consolidator.Timing;

/// <summary>The wall-clock end of a whole command (`--time-limit`), handed from the CLI through profiles, planner,
/// solver, staging, validation, replay and output: each phase asks what is left and gives the solver what remains
/// after a reserve for the phases behind it. <see cref="None"/> is the deterministic mode's: no phase ever reads
/// the wall clock, so the load of the machine cannot change a result. The deadline also records how long each
/// phase took, for the plan's time line.</summary>
public sealed class Deadline
{
    private readonly long _start, _end;
    private readonly PhaseLog _log;

    private Deadline(long start, long end, PhaseLog? log = null) => (_start, _end, _log) = (start, end, log ?? new PhaseLog(start));

    /// <summary>No wall-clock end: the deterministic mode (counted work only) and library callers that set none.</summary>
    public static Deadline None => new(Stopwatch.GetTimestamp(), long.MaxValue);

    /// <summary>Ends <paramref name="seconds"/> after <paramref name="alreadySpent"/> seconds that passed before this
    /// call (the process's start-up, for the CLI).</summary>
    public static Deadline After(double seconds, double alreadySpent = 0)
    {
        if (!(seconds > 0) || double.IsInfinity(seconds)) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "--time-limit must be a positive number of seconds");
        var now = Stopwatch.GetTimestamp();
        var start = now - (long)(Math.Max(0, alreadySpent) * Stopwatch.Frequency);
        return new Deadline(start, start + (long)(seconds * Stopwatch.Frequency));
    }

    /// <summary>True when a wall-clock end is set (false in the deterministic mode).</summary>
    public bool IsWallClock => _end != long.MaxValue;

    /// <summary>Seconds left before the end; infinity when none is set.</summary>
    public double Remaining => IsWallClock ? (double)(_end - Stopwatch.GetTimestamp()) / Stopwatch.Frequency : double.PositiveInfinity;

    /// <summary>Seconds since the command started.</summary>
    public double Elapsed => (double)(Stopwatch.GetTimestamp() - _start) / Stopwatch.Frequency;

    /// <summary>True when at least <paramref name="seconds"/> are left (always, without a wall-clock end).</summary>
    public bool Allows(double seconds) => Remaining >= seconds;

    /// <summary>The same deadline <paramref name="seconds"/> sooner, for the phases before a reserved one (the
    /// planner's, before the CLI writes the output). It shares this deadline's time line.</summary>
    public Deadline EarlierBy(double seconds) =>
        IsWallClock ? new Deadline(_start, _end - (long)(Math.Max(0, seconds) * Stopwatch.Frequency), _log) : this;

    /// <summary>Records that <paramref name="phase"/> ended now (it began at the previous mark).</summary>
    public void Mark(string phase) => _log.Mark(phase);

    /// <summary>Each marked phase and its wall-clock seconds, in order.</summary>
    public ImmutableArray<(string Phase, double Seconds)> Phases => _log.Phases;

    private sealed class PhaseLog(long start)
    {
        private readonly Lock _gate = new();
        private ImmutableArray<(string Phase, double Seconds)> _phases = [];
        private long _last = start;

        public ImmutableArray<(string Phase, double Seconds)> Phases
        {
            get { lock (_gate) return _phases; }
        }

        public void Mark(string phase)
        {
            lock (_gate)
            {
                var now = Stopwatch.GetTimestamp();
                _phases = _phases.Add((phase, (double)(now - _last) / Stopwatch.Frequency));
                _last = now;
            }
        }
    }
}
