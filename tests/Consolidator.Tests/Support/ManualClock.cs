using Consolidator.Timing;

namespace Consolidator.Tests.Support;

/// <summary>A clock that moves only when told: by <see cref="Advance"/>, and by <see cref="StepPerRead"/> each time it
/// is read (a counted clock: time passes with the work asked of it, never with the machine's speed).</summary>
public sealed class ManualClock(double stepPerRead = 0) : Clock
{
    private double _now = 1000;

    public double StepPerRead { get; set; } = stepPerRead;

    /// <summary>Times the clock was read.</summary>
    public long Reads { get; private set; }

    public override double Now
    {
        get
        {
            Reads++;
            _now += StepPerRead;
            return _now;
        }
    }

    public void Advance(double seconds) => _now += seconds;

    /// <summary>The process's processor seconds this clock reports (unknown, NaN, unless a test sets it).</summary>
    public double Processor { get; set; } = double.NaN;

    public override double ProcessorSeconds => Processor;

    /// <summary>The process's threads' seconds on a processor and waiting for one that this clock reports (unknown,
    /// NaN, unless a test sets them).</summary>
    public (double Running, double Waiting) Threads { get; set; } = (double.NaN, double.NaN);

    public override (double Running, double Waiting) ThreadSeconds => Threads;

    /// <summary>Every thread's seconds on a processor and waiting for one, summed, that this clock reports (unknown, NaN,
    /// unless a test sets them).</summary>
    public (double Running, double Waiting) AllThreads { get; set; } = (double.NaN, double.NaN);

    public override (double Running, double Waiting) ProcessThreadSeconds => AllThreads;

    /// <summary>The processor seconds of the other processes of the command's scheduling group that this clock reports
    /// (unknown, NaN, unless a test sets them).</summary>
    public double Neighbours { get; set; } = double.NaN;

    public override double GroupNeighbourSeconds => Neighbours;

    /// <summary>The processors a CPU quota allows the process that this clock reports (none, NaN, unless a test sets it).</summary>
    public double Quota { get; set; } = double.NaN;

    public override double QuotaCores => Quota;

    /// <summary>Moves the clock by <paramref name="seconds"/> in which the process's threads ran
    /// <paramref name="running"/> seconds and waited <paramref name="waiting"/> for a processor.</summary>
    public void Advance(double seconds, double running, double waiting)
    {
        Advance(seconds);
        Threads = (Threads.Running + running, Threads.Waiting + waiting);
    }
}
