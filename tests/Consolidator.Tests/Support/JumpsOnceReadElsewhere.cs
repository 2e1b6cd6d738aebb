using Consolidator.Timing;

namespace Consolidator.Tests.Support;

/// <summary>Stands still on the thread that made it (the planner's, before and after the solve) and jumps once the
/// first time another thread reads it: only the solve's watchdog, or CP-SAT's solution callback, while CP-SAT runs.</summary>
public sealed class JumpsOnceReadElsewhere(double seconds) : Clock
{
    private readonly int _owner = Environment.CurrentManagedThreadId;
    private int _jumped;

    public bool Jumped => Volatile.Read(ref _jumped) == 1;

    public override double Now
    {
        get
        {
            if (Environment.CurrentManagedThreadId != _owner) Interlocked.Exchange(ref _jumped, 1);
            return 1000 + (Jumped ? seconds : 0);
        }
    }
}
