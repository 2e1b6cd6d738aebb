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

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (double Running, double Waiting)> _threads = [];
    private (double Running, double Waiting) _ended;

    /// <summary>Linux: the first two fields of every thread's schedstat, summed; a thread that ended keeps the last
    /// figures read of it, so the sums never go back (read every tenth of a second at most, Deadline.RunQueueSampleSeconds,
    /// a few dozen small files); NaN elsewhere.</summary>
    public override (double Running, double Waiting) ProcessThreadSeconds
    {
        get
        {
            string[] tasks;
            try
            {
                tasks = Directory.GetDirectories(Tasks);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (double.NaN, double.NaN);
            }
            lock (_gate)
            {
                var seen = new Dictionary<string, (double, double)>(tasks.Length);
                foreach (var task in tasks)
                    if (Read(Path.Combine(task, "schedstat")) is { } figures) seen[Path.GetFileName(task)] = figures;
                foreach (var (id, last) in _threads)
                    if (!seen.ContainsKey(id)) _ended = (_ended.Running + last.Running, _ended.Waiting + last.Waiting);
                _threads.Clear();
                var (running, waiting) = _ended;
                foreach (var (id, figures) in seen)
                {
                    _threads[id] = figures;
                    (running, waiting) = (running + figures.Item1, waiting + figures.Item2);
                }
                return (running, waiting);
            }
        }
    }

    private const string Tasks = "/proc/self/task";

    /// <summary>Linux: the first two fields of the main thread's schedstat (nanoseconds on a processor and waiting on
    /// a run queue); NaN elsewhere.</summary>
    public override (double Running, double Waiting) ThreadSeconds
    {
        get => Read(MainThread) ?? (double.NaN, double.NaN);
    }

    /// <summary>A schedstat file's seconds on a processor and waiting for one; null when it cannot be read (a thread
    /// that ended as it was listed, or not Linux).</summary>
    private static (double, double)? Read(string schedstat)
    {
        try
        {
            var fields = File.ReadAllText(schedstat).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length >= 2 && long.TryParse(fields[0], out var running) && long.TryParse(fields[1], out var waiting)
                ? (running / 1e9, waiting / 1e9) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
