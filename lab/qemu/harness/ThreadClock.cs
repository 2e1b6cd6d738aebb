using System.Globalization;

namespace Consolidator.Lab;

/// <summary>CPU time and run-queue wait of every thread of one QEMU process over a stretch of time, from
/// /proc/PID/task/TID/schedstat (Documentation/scheduler/sched-stats.rst: time on the cpu, time waiting on a
/// runqueue, in ns). Threads come and go (the migration thread lives as long as the migration), so the clock
/// keeps each thread's last reading: <see cref="Sample"/> every few tens of ms and the figures cover every
/// thread that ran in between, less what each had run before <see cref="Start"/>.</summary>
internal sealed class ThreadClock(int pid)
{
    private readonly Dictionary<string, (string Comm, double Run, double Wait)> _baseline = [];
    private readonly Dictionary<string, (string Comm, double Run, double Wait)> _last = [];
    private readonly List<(double AtMs, Dictionary<string, (string Comm, double Run, double Wait)> Threads)> _history = [];

    public void Start()
    {
        _baseline.Clear();
        _last.Clear();
        _history.Clear();
        foreach (var t in Read()) _baseline[t.Tid] = (t.Comm, t.Run, t.Wait);
    }

    /// <param name="atMs">When the sample was taken, in ms since the migration started: the samples are kept so that
    /// <see cref="Since"/> can tell what each thread did over a stretch of the migration (the stop).</param>
    public void Sample(double atMs)
    {
        foreach (var t in Read()) _last[t.Tid] = (t.Comm, t.Run, t.Wait);
        _history.Add((atMs, new Dictionary<string, (string, double, double)>(_last)));
    }

    /// <summary>CPU and wait seconds of the threads whose name satisfies <paramref name="which"/> from the last sample
    /// taken at or before <paramref name="fromMs"/> to the last sample, and the length of that stretch in ms; null
    /// when no sample precedes it or none follows it.</summary>
    public (double RunSeconds, double WaitSeconds, double WindowMs)? Since(double fromMs, Func<string, bool> which)
    {
        var first = _history.LastOrDefault(h => h.AtMs <= fromMs);
        if (first.Threads is null || _history.Count == 0) return null;
        var last = _history[^1];
        // No sample after the stretch began: the migration ended before the next one.
        if (last.AtMs <= first.AtMs) return null;
        double run = 0, wait = 0;
        foreach (var (tid, t) in last.Threads)
        {
            if (!which(t.Comm)) continue;
            var b = first.Threads.TryGetValue(tid, out var s) ? s : _baseline.TryGetValue(tid, out var s0) ? s0 : (t.Comm, 0, 0);
            run += t.Run - b.Run;
            wait += t.Wait - b.Wait;
        }
        return (run, wait, last.AtMs - first.AtMs);
    }

    /// <summary>CPU and wait seconds since <see cref="Start"/> of the threads whose name satisfies <paramref name="which"/>.</summary>
    public (double RunSeconds, double WaitSeconds) Of(Func<string, bool> which)
    {
        double run = 0, wait = 0;
        foreach (var (tid, t) in _last)
        {
            if (!which(t.Comm)) continue;
            var b = _baseline.TryGetValue(tid, out var s) ? s : (t.Comm, 0, 0);
            run += t.Run - b.Run;
            wait += t.Wait - b.Wait;
        }
        return (run, wait);
    }

    private List<(string Tid, string Comm, double Run, double Wait)> Read()
    {
        var threads = new List<(string, string, double, double)>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    var f = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ');
                    threads.Add((Path.GetFileName(task), File.ReadAllText(Path.Combine(task, "comm")).Trim(),
                        long.Parse(f[0], CultureInfo.InvariantCulture) / 1e9, long.Parse(f[1], CultureInfo.InvariantCulture) / 1e9));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
                {
                    // The thread ended between the listing and the read; its last reading stands.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process ended; the last readings stand.
        }
        return threads;
    }
}
