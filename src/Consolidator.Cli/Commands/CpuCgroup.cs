using System.Globalization;

namespace Consolidator.Cli.Commands;

/// <summary>The cpu cgroup the process runs in, found as the kernel shows it to the process: the path of its cgroup in
/// /proc/self/cgroup (cgroups(7)) under the mount of that hierarchy in /proc/self/mountinfo (proc(5); inside a container
/// with its own cgroup namespace both are "/", and the container's cgroup is mounted at /sys/fs/cgroup). Two things are
/// read in it: its CFS bandwidth quota (<see cref="QuotaCores"/>: `docker run --cpus`, a Kubernetes CPU limit, systemd's
/// CPUQuota=), and the processor time its tasks used (<see cref="UsageSeconds"/>), the scheduling group's whose other
/// processes share its time with this one (CFS splits a group's time among its ready tasks). <paramref name="Root"/> is
/// where the file system is read from ("/"; a folder of files written by a test).</summary>
/// <param name="Directory">The cgroup's folder (with the root folded in).</param>
/// <param name="Mount">The hierarchy's mount point: the quota is read from the cgroup up to it.</param>
/// <param name="V2">cgroup v2 (cpu.max, cpu.stat's usage_usec) rather than v1 (cpu.cfs_quota_us, cpuacct.usage).</param>
/// <param name="Accounting">v1: the cpuacct cgroup's folder when it is the same cgroup as the cpu controller's (mounted
/// with it, or in its own hierarchy at the same path); null when it is not (its usage would count other tasks).</param>
/// <param name="IsRoot">The kernel's root cpu cgroup: no cgroup's quota applies, and the scheduler's group is the
/// session's autogroup where that is on (sched(7)). A container's own cgroup seen as "/" through its cgroup namespace
/// is not: v2 shows it by its cpu.weight ("exists on non-root cgroups", Documentation/admin-guide/cgroup-v2.rst), v1
/// by a mount of part of the hierarchy.</param>
internal sealed record CpuCgroup(string Directory, string Mount, bool V2, string? Accounting, bool IsRoot)
{

    /// <summary>The process's cpu cgroup under <paramref name="root"/>, or null where there is none to read (not Linux,
    /// no cpu controller mounted, a cgroup outside the mount seen, as from another cgroup namespace).</summary>
    public static CpuCgroup? Find(string root = "/")
    {
        try
        {
            return Parse(File.ReadAllLines(Path.Combine(root, "proc/self/cgroup")), File.ReadAllLines(Path.Combine(root, "proc/self/mountinfo")), root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>From the lines of /proc/self/cgroup and /proc/self/mountinfo: cgroup v1's cpu controller where a v1
    /// hierarchy has it (a line "N:cpu,cpuacct:/path" and a mount of type cgroup with the option cpu), else v2's
    /// unified hierarchy (the line "0::/path" and a mount of type cgroup2); its cgroup v2 folder is the nearest of the
    /// path and its ancestors whose cgroup.controllers lists cpu (below it the controller is not enabled, and the
    /// process's tasks belong to that ancestor's scheduling group).</summary>
    internal static CpuCgroup? Parse(IEnumerable<string> cgroup, IEnumerable<string> mountinfo, string root)
    {
        string? cpuPath = null, acctPath = null, unified = null;
        foreach (var line in cgroup)
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3) continue;
            var controllers = parts[1].Split(',');
            if (controllers.Contains("cpu")) cpuPath = parts[2];
            if (controllers.Contains("cpuacct")) acctPath = parts[2];
            if (parts[0] == "0" && parts[1] == "") unified = parts[2];
        }
        var mounts = mountinfo.Select(Mountinfo.Parse).OfType<Mountinfo>().ToList();
        if (cpuPath is not null && mounts.FirstOrDefault(m => m.Type == "cgroup" && m.Options.Contains("cpu")) is { } cpu)
        {
            if (cpu.Folder(cpuPath, root) is not { } dir) return null;
            string? acct = null;
            if (acctPath == cpuPath && mounts.FirstOrDefault(m => m.Type == "cgroup" && m.Options.Contains("cpuacct")) is { } a)
                acct = a.Folder(acctPath, root);
            var mountPoint = Path.TrimEndingDirectorySeparator(Path.Combine(root, cpu.Point.TrimStart('/')));
            return new CpuCgroup(dir, mountPoint, false, acct, dir == mountPoint && cpu.RootPath == "/");
        }
        if (unified is not null && mounts.FirstOrDefault(m => m.Type == "cgroup2") is { } v2 && v2.Folder(unified, root) is { } folder)
        {
            var mount = Path.TrimEndingDirectorySeparator(Path.Combine(root, v2.Point.TrimStart('/')));
            var effective = Path.TrimEndingDirectorySeparator(folder);
            while (effective.Length > mount.Length && !Controllers(effective).Contains("cpu"))
                effective = Path.GetDirectoryName(effective) ?? mount;
            return new CpuCgroup(effective, mount, true, null, effective == mount && !File.Exists(Path.Combine(effective, "cpu.weight")));
        }
        return null;
    }

    private static string[] Controllers(string folder) =>
        Text(Path.Combine(folder, "cgroup.controllers"))?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>The processors the CFS bandwidth quota lets the cgroup's tasks use together, the least of the cgroup's
    /// and each ancestor's up to the mount (a quota on a Kubernetes pod's cgroup bounds its containers' cgroups too):
    /// quota over period, cgroup v1's cpu.cfs_quota_us over cpu.cfs_period_us (-1: none) or v2's cpu.max ("max PERIOD":
    /// none); the kernel's rule (Documentation/scheduler/sched-bwc.rst: "a group ... is limited to 'quota'
    /// microseconds of CPU time per 'period' microseconds", and "a parent's quota bounds its children's"). Null when none
    /// is set or none can be read.</summary>
    public double? QuotaCores
    {
        get
        {
            double? least = null;
            var (folder, mount) = (Path.TrimEndingDirectorySeparator(Directory), Path.TrimEndingDirectorySeparator(Mount));
            while (true)
            {
                var cores = V2 ? ParseCpuMax(Text(Path.Combine(folder, "cpu.max")))
                    : ParseV1Quota(Text(Path.Combine(folder, "cpu.cfs_quota_us")), Text(Path.Combine(folder, "cpu.cfs_period_us")));
                if (cores is { } c && (least is null || c < least)) least = c;
                if (folder.Length <= mount.Length || Path.GetDirectoryName(folder) is not { } parent) return least;
                folder = parent;
            }
        }
    }

    /// <summary>The processor seconds the cgroup's tasks (its descendants' too) used since it was made: cgroup v2's
    /// cpu.stat usage_usec, v1's cpuacct.usage (nanoseconds); null where it cannot be read (v1 without the cpuacct
    /// controller at the same cgroup).</summary>
    public double? UsageSeconds => V2
        ? StatField(Text(Path.Combine(Directory, "cpu.stat")), "usage_usec") / 1e6
        : Accounting is null ? null : ParseLong(Text(Path.Combine(Accounting, "cpuacct.usage"))) / 1e9;

    /// <summary>The kernel's count of the bandwidth periods and of those in which the cgroup was throttled, and the
    /// seconds its tasks were held throttled (cpu.stat: v1's nr_periods, nr_throttled, throttled_time in nanoseconds;
    /// v2's throttled_usec); null where it cannot be read.</summary>
    public (long Periods, long Throttled, double ThrottledSeconds)? Throttling
    {
        get
        {
            var stat = Text(Path.Combine(Directory, "cpu.stat"));
            var (periods, throttled) = (StatField(stat, "nr_periods"), StatField(stat, "nr_throttled"));
            var seconds = V2 ? StatField(stat, "throttled_usec") / 1e6 : StatField(stat, "throttled_time") / 1e9;
            return periods is { } p && throttled is { } t && seconds is { } s ? (p, t, s) : null;
        }
    }

    /// <summary>cgroup v1: cores from cpu.cfs_quota_us and cpu.cfs_period_us (microseconds); null for -1 (no quota)
    /// or what does not parse.</summary>
    internal static double? ParseV1Quota(string? quota, string? period) =>
        ParseLong(quota) is { } q && q > 0 && ParseLong(period) is { } p && p > 0 ? (double)q / p : null;

    /// <summary>cgroup v2: cores from cpu.max, "$MAX $PERIOD" (microseconds; "max": no quota); null for none or what
    /// does not parse.</summary>
    internal static double? ParseCpuMax(string? cpuMax)
    {
        var fields = cpuMax?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        return fields.Length >= 1 && ParseLong(fields[0]) is { } q && q > 0 && (fields.Length < 2 ? 100_000 : ParseLong(fields[1])) is { } p && p > 0
            ? (double)q / p : null;
    }

    /// <summary>A field of a flat keyed file ("key value" lines, as cpu.stat).</summary>
    internal static long? StatField(string? text, string key)
    {
        foreach (var line in text?.Split('\n') ?? [])
        {
            var parts = line.Split(' ', 2, StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && parts[0] == key) return ParseLong(parts[1]);
        }
        return null;
    }

    private static long? ParseLong(string? text) =>
        long.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static string? Text(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>One line of /proc/self/mountinfo: "ID PARENT MAJ:MIN ROOT POINT OPTIONS [TAGS...] - TYPE SOURCE SUPER"
    /// (proc(5)); the controllers of a v1 cgroup mount are among its super options.</summary>
    private sealed record Mountinfo(string RootPath, string Point, string Type, string[] Options)
    {
        public static Mountinfo? Parse(string line)
        {
            var fields = line.Split(' ');
            var dash = Array.IndexOf(fields, "-");
            if (dash < 6 || fields.Length < dash + 4) return null;
            return new Mountinfo(Unescape(fields[3]), Unescape(fields[4]), fields[dash + 1], fields[dash + 3].Split(','));
        }

        /// <summary>The folder of <paramref name="cgroupPath"/> under this mount (its root path the mount's own part of
        /// the hierarchy, as a container's bind mount shows it), or null when the path is not under it.</summary>
        public string? Folder(string cgroupPath, string root)
        {
            var under = RootPath == "/" ? cgroupPath
                : cgroupPath == RootPath ? "/"
                : cgroupPath.StartsWith(RootPath + "/", StringComparison.Ordinal) ? cgroupPath[RootPath.Length..] : null;
            if (under is null || !under.StartsWith('/') || under.Split('/').Contains("..")) return null;
            return Path.TrimEndingDirectorySeparator(Path.Combine(root, Point.TrimStart('/'), under.TrimStart('/')));
        }

        /// <summary>mountinfo writes a space, tab, newline and backslash in a path as an octal escape (\040 ...).</summary>
        private static string Unescape(string field)
        {
            var s = new System.Text.StringBuilder(field.Length);
            for (var i = 0; i < field.Length; i++)
                if (field[i] == '\\' && IsOctal(field, i + 1))
                {
                    s.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                    i += 3;
                }
                else s.Append(field[i]);
            return s.ToString();
        }

        private static bool IsOctal(string s, int at) => at + 3 <= s.Length && s[at..(at + 3)].All(c => c is >= '0' and <= '7');
    }
}
