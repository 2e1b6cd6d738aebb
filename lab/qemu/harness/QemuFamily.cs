using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Consolidator.Benchmarks;
using Consolidator.Calibration;
using Consolidator.Output;

namespace Consolidator.Lab;

/// <summary>`bench --family qemu`: real QEMU live migrations on this machine, one case per lab scenario
/// (--lab-set smoke, standard or full). Each case appends its measurements to the lab CSV (replacing the
/// scenario's earlier rows) and returns a row with what QEMU measured.</summary>
public sealed class QemuFamily(BenchSettings settings) : IBenchFamily
{
    public const string FamilyName = "qemu";

    /// <summary>Where the guest is built when --lab-guest is not given.</summary>
    public const string DefaultGuestFolder = "out/lab/qemu";

    /// <summary>The script that builds the guest, relative to the repository root (the folder bench runs in).</summary>
    public const string BuildScript = "lab/qemu/build-guest.sh";

    public string Name => FamilyName;

    public ImmutableArray<LabScenario> Scenarios
    {
        get
        {
            var set = (settings.LabSet ?? (settings.Full ? "full" : "standard")) switch
            {
                "smoke" => LabScenario.Smoke,
                "full" => LabScenario.Full,
                _ => LabScenario.Standard,
            };
            return settings.LabScenarios.IsEmpty ? set : [.. set.Where(s => settings.LabScenarios.Contains(s.Id))];
        }
    }

    public BenchCases Cases()
    {
        // The names first: a typo was found only on a machine with the guest, after a skip note and exit code 0 elsewhere.
        var unknown = settings.LabScenarios.Where(id => Scenarios.All(s => s.Id != id)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentOutOfRangeException(nameof(settings.LabScenarios), string.Join(",", unknown),
                $"--lab-scenarios names no scenario of the set: {string.Join(", ", unknown.Take(3).Select(id => $"'{Quoted.Value(id)}'"))}{(unknown.Length > 3 ? $" and {unknown.Length - 3} more" : "")}");
        if (!OperatingSystem.IsLinux()) return new BenchCases([], ["qemu: the lab needs Linux (network namespaces, tc, QEMU)"]);
        if (Environment.UserName != "root") return new BenchCases([], ["qemu: the lab needs root (network namespaces, tc, apt-get)"]);
        var guest = new GuestImage(settings.LabGuest ?? DefaultGuestFolder);
        if (!guest.Exists && !File.Exists(BuildScript))
            return new BenchCases([], [$"qemu: no guest in {guest.Folder} and no {BuildScript} to build it (run bench from the repository root)"]);
        if (settings.LabRepeat > 0)
            return new BenchCases([.. Scenarios.SelectMany(s => Enumerable.Range(1, settings.LabRepeat).Select(k =>
                new BenchCase(Name, string.Create(CultureInfo.InvariantCulture, $"{s.Id}+{k}"), s.Method, s.Describe() + ", one more run", 200, () => Run(s, append: true))))], []);
        return new BenchCases([.. Scenarios.Select(s => new BenchCase(Name, s.Id, s.Method, s.Describe(), 200, () => Run(s, append: false)))], []);
    }

    private BenchRow Run(LabScenario scenario, bool append)
    {
        var guest = EnsureGuest(new GuestImage(settings.LabGuest ?? DefaultGuestFolder));
        var clock = Stopwatch.StartNew();
        var runner = new LabRunner(guest, QemuVersion(), Machine(), line => Console.Error.WriteLine(line));
        var csv = settings.LabCsv ?? Path.Combine("out", "lab", "qemu-lab.csv");
        // The simulator's prediction, made before the run from the scenario's settings and the recording's earlier rows
        // only, printed and then kept in the run's rows (predicted_* columns) beside what QEMU measured.
        var predicted = Predict(scenario, File.Exists(csv) ? LabCsv.Read(csv) : []);
        var rows = runner.Run(scenario);
        if (predicted is { } p)
            rows = [.. rows.Select((r, i) => r with
            {
                PredictedTotalMs = Math.Round(p[i].TotalMs, 1), PredictedDowntimeMs = Math.Round(p[i].DowntimeMs, 1), PredictedMib = Math.Round(p[i].DataMib, 3),
            })];
        Record(csv, scenario.Id, rows, append);
        var measures = new Dictionary<string, double>();
        foreach (var m in rows)
        {
            var suffix = rows.Length > 1 ? "." + m.Migration.ToString(CultureInfo.InvariantCulture) : "";
            measures["total_ms" + suffix] = m.TotalMs;
            measures["downtime_ms" + suffix] = m.DowntimeMs;
            measures["transferred_mib" + suffix] = m.TransferredMib;
            measures["guest_dirty_mib_s" + suffix] = m.GuestDirtyMibPerSecond;
        }
        return new BenchRow
        {
            Family = Name,
            Instance = scenario.Id,
            Group = scenario.Method,
            Seconds = clock.Elapsed.TotalSeconds,
            Measures = ImmutableSortedDictionary.CreateRange(measures),
            Error = rows.FirstOrDefault(r => r.Status != "completed" || !r.GuestAlive) is { } bad
                ? $"migration {bad.Migration} ended {bad.Status}{(bad.GuestAlive ? "" : " and the guest did not run on the destination")}" : null,
        };
    }

    private static ImmutableArray<PredictedMigration>? Predict(LabScenario s, IReadOnlyList<LabMeasurement> earlier)
    {
        var plan = new PlannedRun(s.Id, s.Method, s.Capability, [.. s.Guests.Select(g => new PlannedGuest(g.MemoryMib, g.DirtyMibPerSecond, g.WssMib))],
            s.LinkMbit, s.MaxBandwidthMibPerSecond, s.DowntimeLimitMs, s.SuspendAfterSeconds, s.Method == "hybrid" ? s.SwitchSync : null);
        var predicted = LabPrediction.Predict(plan, earlier, LabEnvironment.Fitted);
        if (predicted is not { } p) Console.Error.WriteLine($"{s.Id}: no prediction (the recording has no earlier completed pre-copy row)");
        else
            foreach (var (m, i) in p.Select((m, i) => (m, i)))
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{s.Id} #{i + 1}: predicted before the run {m.TotalMs / 1000:0.00} s / {m.DowntimeMs:0} ms / {m.DataMib:0.0} MiB (assumed {m.ZeroMib:0} MiB of zero pages, CPU shares {m.CpuShare:0.00} source, {m.DestinationCpuShare:0.00} destination; {earlier.Count} earlier rows)"));
        return predicted;
    }

    /// <summary>Writes the scenario's rows into the CSV in place of its earlier rows, keeping the others; with
    /// <paramref name="append"/>, after the scenario's earlier rows as its next run.</summary>
    public static void Record(string path, string scenario, ImmutableArray<LabMeasurement> rows, bool append = false)
    {
        var earlier = File.Exists(path) ? LabCsv.Read(path) : [];
        var run = append ? earlier.Where(r => r.Scenario == scenario).Select(r => r.Run).DefaultIfEmpty(0).Max() + 1 : 1;
        var kept = append ? earlier : earlier.Where(r => r.Scenario != scenario);
        // The file was read as a lab CSV above (or is new): its first columns are the marker that lets it be replaced.
        OutputSet.WriteFile(path, OutputFile.Text(Path.GetFileName(path), w => LabCsv.Write(kept.Concat(rows.Select(r => r with { Run = run })), w)),
            string.Join(',', LabCsv.Header[..2]));
    }

    private static GuestImage EnsureGuest(GuestImage guest)
    {
        if (guest.Exists) return guest;
        var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true };
        start.ArgumentList.Add(BuildScript);
        start.ArgumentList.Add(guest.Folder);
        using var p = Process.Start(start) ?? throw new LabException("could not run " + BuildScript);
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 || !guest.Exists) throw new LabException($"{BuildScript} failed with code {p.ExitCode}");
        return guest;
    }

    public static string QemuVersion()
    {
        var start = new ProcessStartInfo("qemu-system-x86_64") { UseShellExecute = false, RedirectStandardOutput = true };
        start.ArgumentList.Add("--version");
        using var p = Process.Start(start) ?? throw new LabException("qemu-system-x86_64 is not installed");
        var first = p.StandardOutput.ReadLine() ?? "";
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return first.Replace("QEMU emulator version ", "", StringComparison.Ordinal).Trim();
    }

    private static string Machine()
    {
        var m = BenchMachine.Describe(File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : null);
        return string.Create(CultureInfo.InvariantCulture, $"{m.Cpu ?? "unknown CPU"}, {m.Cores} cores, TCG");
    }
}
