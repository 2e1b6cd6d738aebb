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

    /// <summary>Linux: the processor seconds of the other processes in the process's scheduling group, the ones that take
    /// their share of the processors from its threads (CFS splits a group's time among its ready tasks). In a cpu cgroup
    /// other than the root (a container, a systemd unit with a CPU quota or weight), that cgroup: its tasks' processor
    /// time (<see cref="CpuCgroup.UsageSeconds"/>) less the process's own. In the root cgroup with autogroup on (then the
    /// group is the session's autogroup, sched(7)): every other live process of its session, summed: utime and stime,
    /// and cutime and cstime, those of its children it waited for (/proc/PID/stat's fields 14-17, in USER_HZ ticks of
    /// 1/100 s, proc(5)), so that a short job started and waited for by a shell in the session counts when it ends. A
    /// process that ends whose parent is not in the session takes its figures with it: the sum can fall, and the
    /// deadline counts only its rises. A process first seen counts all it used, as it started since the first reading
    /// (no process joins a session it did not start in). The session's processes are found by reading every process's
    /// stat at most every <see cref="NeighbourScanSeconds"/>, and only theirs in between. NaN elsewhere (autogroup off
    /// in the root cgroup, a cgroup v1 whose cpuacct is elsewhere, not Linux): the deadline then tells the group from
    /// its own spans.</summary>
    public override double GroupNeighbourSeconds
    {
        get
        {
            if (Cgroup.Value is { IsRoot: false } cgroup)
                return cgroup.UsageSeconds is { } used && ProcessorSeconds is var own && !double.IsNaN(own) ? Math.Max(0, used - own) : double.NaN;
            if (!Autogroup.Value || Session.Value is not { } mine) return double.NaN;
            lock (_gate)
            {
                var now = Now;
                IEnumerable<string> pids = _neighbours;
                if (now - _scanned >= NeighbourScanSeconds)
                {
                    try
                    {
                        pids = Directory.GetDirectories("/proc").Select(Path.GetFileName).OfType<string>().Where(p => p.All(char.IsAsciiDigit)).ToList();
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        return double.NaN;
                    }
                    _scanned = now;
                }
                var (seen, sum) = (new List<string>(), 0.0);
                foreach (var pid in pids)
                    if (pid != Self && Stat(pid) is { Session: var session, Seconds: var seconds } && session == mine)
                    {
                        seen.Add(pid);
                        sum += seconds;
                    }
                _neighbours = seen;
                return sum;
            }
        }
    }

    /// <summary>How often every process is read to find the session's: a loop started in it is counted at most this
    /// late (with all it used since it started), for a few milliseconds of a hundred or so small files.</summary>
    private const double NeighbourScanSeconds = 2;

    private static readonly string Self = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    private List<string> _neighbours = [];
    private double _scanned = double.NegativeInfinity;

    /// <summary>The process's cpu cgroup, read once (a process moved to another cgroup while it runs is not followed).</summary>
    private static readonly Lazy<CpuCgroup?> Cgroup = new(() => CpuCgroup.Find());

    /// <summary>The processors the process's cpu cgroup's CFS bandwidth quota allows (<see cref="CpuCgroup.QuotaCores"/>),
    /// read once; NaN without one. `docker update --cpus` while the command runs is not followed.</summary>
    public override double QuotaCores => Quota.Value;

    private static readonly Lazy<double> Quota = new(() => Cgroup.Value?.QuotaCores ?? double.NaN);

    private static readonly Lazy<bool> Autogroup = new(() =>
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/sched_autogroup_enabled").Trim() == "1"
                && (Cgroup.Value is { } cgroup ? cgroup.IsRoot : RootCpuCgroup(File.ReadAllLines("/proc/self/cgroup")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    });

    /// <summary>Autogroup applies only to tasks in the root cpu cgroup (sched(7)): cgroup v1's line naming the cpu
    /// controller, or v2's single line when no v1 line does, must give the path "/".</summary>
    internal static bool RootCpuCgroup(IEnumerable<string> cgroup)
    {
        string? v1 = null, v2 = null;
        foreach (var line in cgroup)
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3) continue;
            if (parts[1].Split(',').Contains("cpu")) v1 = parts[2];
            else if (parts[0] == "0" && parts[1] == "") v2 = parts[2];
        }
        return (v1 ?? v2) == "/";
    }

    private static readonly Lazy<long?> Session = new(() => Stat(Self)?.Session);

    /// <summary>A process's session (field 6) and processor seconds with its waited-for children's (fields 14-17) from /proc/PID/stat, read after
    /// the command name's closing parenthesis (a name may hold spaces and parentheses); null when it cannot be read.</summary>
    private static (long Session, double Seconds)? Stat(string pid)
    {
        try
        {
            return ParseStat(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    internal static (long Session, double Seconds)? ParseStat(string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0) return null;
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state): the session is field 6, utime, stime, cutime and cstime fields 14 to 17.
        if (fields.Length < 15 || !long.TryParse(fields[3], out var session)) return null;
        var ticks = 0L;
        for (var i = 11; i <= 14; i++)
            if (long.TryParse(fields[i], out var t)) ticks += t;
            else return null;
        return (session, ticks / 100.0);
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
