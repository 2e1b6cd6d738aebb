using Consolidator.Timing;

namespace Consolidator.Cli.Commands;

/// <summary>A command's clock: the wall clock, and how long this process's threads waited for a processor while ready
/// to run (Linux's per-thread schedstat), which paces the reserves of a command's deadline between its phases
/// (<see cref="Deadline.Pace"/>). Read here, as the library reads no files.</summary>
internal sealed class SchedulerClock : Clock
{
    public static SchedulerClock Instance { get; } = new();

    public override double Now => Wall.Now;

    public override double ProcessorSeconds => Wall.ProcessorSeconds;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Running, long Waiting)> _threads = [];
    private long _running, _waiting;

    /// <summary>Linux: the first two fields of /proc/self/task/*/schedstat (nanoseconds on a processor and
    /// waiting on a run queue), summed over the threads as they come and go; NaN elsewhere.</summary>
    public override (double Running, double Waiting) ThreadSeconds
    {
        get
        {
            lock (_gate)
            {
                try
                {
                    var seen = new HashSet<string>();
                    foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
                    {
                        if (Read(Path.Combine(task, "schedstat")) is not { } now) continue;
                        var before = _threads.GetValueOrDefault(task);
                        _running += Math.Max(0, now.Running - before.Running);
                        _waiting += Math.Max(0, now.Waiting - before.Waiting);
                        _threads[task] = now;
                        seen.Add(task);
                    }
                    if (seen.Count == 0) return (double.NaN, double.NaN);
                    foreach (var gone in _threads.Keys.Where(t => !seen.Contains(t)).ToList()) _threads.Remove(gone);
                    return (_running / 1e9, _waiting / 1e9);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return (double.NaN, double.NaN);
                }
            }
        }
    }

    /// <summary>A thread's schedstat, or null when it ended meanwhile or the kernel keeps none.</summary>
    private static (long Running, long Waiting)? Read(string path)
    {
        try
        {
            var fields = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length >= 2 && long.TryParse(fields[0], out var running) && long.TryParse(fields[1], out var waiting)
                ? (running, waiting) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
