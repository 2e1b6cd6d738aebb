using Consolidator.Timing;

namespace Consolidator.Cli.Commands;

/// <summary>A command's clock: the wall clock, and how long the process's main thread (the one that runs the command)
/// waited for a processor while ready to run (Linux's schedstat), which paces the reserves of a command's deadline
/// between its phases (<see cref="Deadline.Pace"/>). Read here, as the library reads no files.</summary>
internal sealed class SchedulerClock : Clock
{
    public static SchedulerClock Instance { get; } = new();

    public override double Now => Wall.Now;

    public override double ProcessorSeconds => Wall.ProcessorSeconds;

    /// <summary>The main thread alone: the phases after the solve run on it, and it meets the load they will meet.
    /// Summed over every thread, the solver's workers (which compete with each other too) read up to five times the
    /// slowdown the output then met (Bitbrains month, six busy loops: pace 20 where the output ran 3.75 times its
    /// idle length).</summary>
    private static readonly string MainThread = $"/proc/self/task/{Environment.ProcessId}/schedstat";

    /// <summary>Linux: the first two fields of the main thread's schedstat (nanoseconds on a processor and waiting on
    /// a run queue); NaN elsewhere.</summary>
    public override (double Running, double Waiting) ThreadSeconds
    {
        get
        {
            try
            {
                var fields = File.ReadAllText(MainThread).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return fields.Length >= 2 && long.TryParse(fields[0], out var running) && long.TryParse(fields[1], out var waiting)
                    ? (running / 1e9, waiting / 1e9) : (double.NaN, double.NaN);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (double.NaN, double.NaN);
            }
        }
    }
}
