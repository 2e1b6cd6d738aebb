using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Consolidator.Benchmarks;

namespace Consolidator.Cli.Commands;

/// <summary>`bench --family fleet` (only when named): the whole <c>plan</c> command on a generated fleet, as a
/// user runs it, in its own process: wall clock from its start to its exit (reading, profiles, baselines, solve,
/// staging, validation, replay, output), its peak resident memory (what <c>/usr/bin/time</c> reports as maximum
/// resident set size), and what the plan says: active hosts against the lower bound, energy against the energy
/// bound, VMs kept in place against the most that could be. Issue 12's and 17's fleet targets: 30,000 VMs at
/// <c>--time-limit 60</c> (75 s) and 300 (330 s); with <c>--full</c> also 100,000 VMs at 900 (20 minutes, 8 GiB).
/// It lives in the command line because it measures the command itself.</summary>
internal sealed class FleetFamily(BenchSettings settings, string? cacheFolder = null) : IBenchFamily
{
    /// <summary>Where generated fleets are kept between runs unless the constructor names another folder.</summary>
    public static string DefaultCacheFolder => Path.Combine(Path.GetTempPath(), "consolidator-fleet");

    public const string FamilyName = "fleet";
    public const int GeneratorSeed = GeneratedFamily.GeneratorSeed;

    public string Name => FamilyName;

    public bool OnlyWhenNamed => true;

    /// <summary>How <c>plan</c>'s summary begins its note when the replay was left out or stopped.</summary>
    public const string ReplayLeftOut = "note: not replayed through the live-migration simulator";

    /// <summary>Fleet size and the time limits it is planned with (the issues' targets).</summary>
    private static readonly ImmutableArray<(int Vms, double[] Limits)> Quick = [(30_000, [60, 300])];
    private static readonly ImmutableArray<(int Vms, double[] Limits)> FullSet = [(30_000, [60, 300]), (100_000, [900])];

    public BenchCases Cases()
    {
        if (settings.Deterministic)
            return new BenchCases([], ["fleet: measures wall-clock limits, so it does not run with --deterministic"]);
        var sizes = !settings.GeneratedVms.IsEmpty
            ? [.. settings.GeneratedVms.Select(n => (n, new double[] { 60, 300 }))]
            : settings.Full ? FullSet : Quick;
        var cases = sizes.SelectMany(s => (settings.TimeLimitSeconds is { } t ? [t] : s.Limits).Select(limit =>
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"vms={s.Vms} limit={limit:0.#}");
            return new BenchCase(Name, name, Name,
                string.Create(CultureInfo.InvariantCulture, $"plan --time-limit {limit:0.#} on generate --vms {s.Vms} (seed {GeneratorSeed}), the whole command in its own process"),
                limit, () => Run(name, s.Vms, limit));
        }));
        return new BenchCases([.. cases], []);
    }

    private BenchRow Run(string name, int vms, double limit)
    {
        var dataset = EnsureDataset(vms);
        var outDir = Path.Combine(Path.GetTempPath(), $"consolidator-fleet-plan-{Environment.ProcessId}");
        try
        {
            var loadBefore = LoadAverage();
            var (program, leading) = BenchChild.Program();
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in leading.Concat(["plan", dataset, "--out", outDir,
                         "--time-limit", limit.ToString("R", CultureInfo.InvariantCulture),
                         "--seed", settings.Seed.ToString(CultureInfo.InvariantCulture),
                         "--workers", settings.Workers.ToString(CultureInfo.InvariantCulture)]))
                start.ArgumentList.Add(arg);
            var clock = Stopwatch.StartNew();
            using var child = Process.Start(start) ?? throw new IOException($"could not start {program}");
            var output = child.StandardOutput.ReadToEndAsync();
            var errors = child.StandardError.ReadToEndAsync();
            child.WaitForExit();
            var seconds = clock.Elapsed.TotalSeconds;
            if (child.ExitCode != ExitCodes.Ok)
                return BenchRow.Failed(Name, name, Name, $"plan exited with code {child.ExitCode}: {errors.Result.Split('\n').FirstOrDefault(l => l.StartsWith("error", StringComparison.Ordinal)) ?? errors.Result.Trim()}");
            var lines = output.Result.Split('\n');
            var timeLine = lines.LastOrDefault(l => l.StartsWith("time: ", StringComparison.Ordinal))?.Trim();
            // Why the replay was left out, when it was (the time line then names no replay): at 100,000 VMs the row kept
            // only the time line, and whether the solve took the replay's room or the check at its turn left it out was
            // not shown.
            var replayNote = lines.FirstOrDefault(l => l.StartsWith(ReplayLeftOut, StringComparison.Ordinal))?.Trim();
            var load = string.Create(CultureInfo.InvariantCulture, $"load average {loadBefore:0.0} at the start, {LoadAverage():0.0} at the end");
            return Row(name, Path.Combine(outDir, "plan.json"), seconds, LargestChildRssMib()) with
            {
                Note = string.Join("; ", new[] { timeLine ?? "no time line", replayNote, load }.OfType<string>()),
            };
        }
        finally
        {
            if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
        }
    }

    /// <summary>The row from what plan.json's summary says.</summary>
    private BenchRow Row(string name, string planJson, double seconds, double? peakMib)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(planJson));
        var s = doc.RootElement.GetProperty("summary");
        int I(string field) => s.GetProperty(field).GetInt32();
        double D(string field) => s.GetProperty(field).GetDouble();
        var solver = s.GetProperty("solver");
        var keepable = I("keepable_upper_bound");
        var energyBound = D("energy_lower_bound_kwh_per_day");
        return new BenchRow
        {
            Family = Name,
            Instance = name,
            Group = Name,
            Vms = I("vms"),
            Hosts = I("hosts"),
            Windows = doc.RootElement.GetProperty("options").GetProperty("window_list").GetArrayLength(),
            Seconds = Math.Round(seconds, 1),
            ActiveHosts = I("active_hosts_after"),
            LowerBound = I("host_lower_bound"),
            PeakSizedFfdHosts = s.GetProperty("baselines").GetProperty("peak_sized_ffd_hosts") is { ValueKind: JsonValueKind.Number } ffd ? ffd.GetInt32() : null,
            EnergyVsCurrent = D("energy_kwh_per_day_before") > 0 ? Math.Round(D("energy_kwh_per_day_after") / D("energy_kwh_per_day_before"), 4) : null,
            EnergyVsLowerBound = energyBound > 0 ? Math.Round(D("energy_kwh_per_day_after") / energyBound, 4) : null,
            KeptInPlace = keepable > 0 ? I("kept_in_place") : null,
            KeepableUpperBound = keepable > 0 ? keepable : null,
            Gap = Math.Round(solver.GetProperty("gap").GetDouble(), 4),
            Status = solver.GetProperty("status").GetString(),
            PeakMemoryMib = peakMib,
        };
    }

    /// <summary>The generated fleet, written once per tool version and kept in the temporary folder: generating
    /// 30,000 VMs writes 830 MB, and every case of a run plans the same folder. Folders of other versions of the
    /// same size (whose generator may differ) are removed.</summary>
    private string EnsureDataset(int vms)
    {
        var cache = cacheFolder ?? DefaultCacheFolder;
        var key = string.Concat(ToolVersion.Text.Where(char.IsAsciiLetterOrDigit));
        var dir = Path.Combine(cache, string.Create(CultureInfo.InvariantCulture, $"generate-vms{vms}-seed{GeneratorSeed}-{key}"));
        if (Directory.Exists(dir)) return dir; // output sets appear whole or not at all
        Directory.CreateDirectory(cache);
        foreach (var old in Directory.EnumerateDirectories(cache, $"generate-vms{vms}-seed{GeneratorSeed}-*"))
            Directory.Delete(old, recursive: true);
        var errors = new StringWriter();
        var code = Cli.Run(["generate", "--out", dir, "--vms", vms.ToString(CultureInfo.InvariantCulture), "--seed", GeneratorSeed.ToString(CultureInfo.InvariantCulture)], TextWriter.Null, errors);
        if (code != ExitCodes.Ok) throw new IOException($"generate --vms {vms} into {dir} failed: {errors.ToString().Trim()}");
        return dir;
    }

    /// <summary>The 1-minute load average (Linux), to print beside the figures; null elsewhere.</summary>
    private static double? LoadAverage()
    {
        if (!File.Exists("/proc/loadavg")) return null;
        var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : null;
    }

    /// <summary>The peak resident set of the largest child this process has waited for, MiB (getrusage's
    /// RUSAGE_CHILDREN ru_maxrss, in KiB on Linux: what /usr/bin/time reports). This process's only child is the
    /// <c>plan</c> command (the fleet is generated in this process). Null where there is no getrusage.</summary>
    private static double? LargestChildRssMib()
    {
        if (!OperatingSystem.IsLinux()) return null;
        return GetRusage(RusageChildren, out var usage) == 0 ? Math.Round(usage.MaxRssKib / 1024.0, 1) : null;
    }

    private const int RusageChildren = -1;

    /// <summary>struct rusage of Linux on 64-bit: two timevals, then 14 longs, ru_maxrss the first.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRssKib;
        public long Ixrss, Idrss, Isrss, Minflt, Majflt, Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals, Nvcsw, Nivcsw;
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetRusage(int who, out Rusage usage);
}
