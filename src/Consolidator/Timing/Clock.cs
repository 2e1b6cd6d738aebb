using System.Diagnostics;

namespace Consolidator.Timing;

/// <summary>Where a <see cref="Deadline"/> reads the time: the machine's monotonic clock (<see cref="Wall"/>), or in
/// tests a clock they move by hand, so that what the planner leaves out when time runs short is checked without
/// depending on how fast the machine is.</summary>
public abstract class Clock
{
    /// <summary>The monotonic wall clock (<see cref="Stopwatch"/>).</summary>
    public static Clock Wall { get; } = new WallClock();

    /// <summary>Seconds since a fixed, arbitrary origin; never decreases.</summary>
    public abstract double Now { get; }

    /// <summary>Seconds of processor time this process has used on all its threads since it started, or NaN when the
    /// clock does not know it (then the deadline's pace reads only the phases' wall-clock lengths).</summary>
    public virtual double ProcessorSeconds => double.NaN;

    private sealed class WallClock : Clock
    {
        public override double Now => (double)Stopwatch.GetTimestamp() / Stopwatch.Frequency;

        public override double ProcessorSeconds => Environment.CpuUsage.TotalTime.TotalSeconds;
    }
}
