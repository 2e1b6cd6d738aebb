using System.Diagnostics;

namespace Consolidator.Timing;

/// <summary>Where a <see cref="Deadline"/> reads the time, and how busy the machine is: the machine's monotonic clock
/// (<see cref="Wall"/>; the CLI's adds its main thread's wait for a processor, which the library, reading no
/// files, does not), or in tests a clock they move by hand, so that what the planner leaves out when time runs short
/// is checked without depending on how fast the machine is.</summary>
public abstract class Clock
{
    /// <summary>The monotonic wall clock (<see cref="Stopwatch"/>).</summary>
    public static Clock Wall { get; } = new WallClock();

    /// <summary>Seconds since a fixed, arbitrary origin; never decreases.</summary>
    public abstract double Now { get; }

    /// <summary>Seconds of processor time this process has used on all its threads since it started, or NaN when the
    /// clock does not know it (then the deadline's pace reads only the phases' wall-clock lengths).</summary>
    public virtual double ProcessorSeconds => double.NaN;

    /// <summary>Seconds the thread that runs the command has spent on a processor and waiting for one while ready to
    /// run (the kernel's run delay) since an arbitrary origin; NaN when the clock does not know (then the pace reads
    /// only the marked phases). How long it waited for its share is the load the phases after the solve will meet,
    /// in the process's own scheduling group: the load average counts threads of other sessions that the kernel's
    /// group scheduling (autogroup) keeps from taking this process's share.</summary>
    public virtual (double Running, double Waiting) ThreadSeconds => (double.NaN, double.NaN);

    /// <summary>Seconds every thread of the process has spent on a processor and waiting for one while ready to run,
    /// summed, the threads that ended included, since an arbitrary origin; NaN when the clock does not know (then spans
    /// where the command's thread did less than the others are not read, <see cref="Deadline.RunQueueMinCommandShare"/>).</summary>
    public virtual (double Running, double Waiting) ProcessThreadSeconds => (double.NaN, double.NaN);

    /// <summary>Seconds of processor time used, since an arbitrary origin, by the other processes in this process's
    /// scheduling group: the ones that take their share of the processors from its threads rather than beside them
    /// (under Linux's group scheduling, autogroup, the processes of its session). It may fall (a process that ended
    /// taking its figures with it): only its rises count. NaN when the clock does not know
    /// (then <see cref="Deadline"/> tells the group's sharing from its own spans, <see cref="Deadline.SharesGroup"/>).</summary>
    public virtual double GroupNeighbourSeconds => double.NaN;

    /// <summary>The processors the process may use together under a CFS bandwidth quota on its cpu cgroup (quota over
    /// period: 0.5 for `docker run --cpus=0.5`), the least of its cgroup's and their ancestors'; NaN without one or
    /// where the clock does not know it. One thread then runs at most that share of a processor's time
    /// (<see cref="Deadline.QuotaPace"/>).</summary>
    public virtual double QuotaCores => double.NaN;

    private sealed class WallClock : Clock
    {
        public override double Now => (double)Stopwatch.GetTimestamp() / Stopwatch.Frequency;

        public override double ProcessorSeconds => Environment.CpuUsage.TotalTime.TotalSeconds;
    }
}
