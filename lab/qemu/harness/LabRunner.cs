using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Consolidator.Calibration;

namespace Consolidator.Lab;

/// <summary>Runs lab scenarios: boots the source guests, starts their destinations in the same network
/// namespace, sets QEMU's capabilities and parameters over QMP, measures the guests' dirty rate
/// (calc-dirty-rate), starts every migration of the scenario together and follows them with query-migrate
/// until they complete, switching to post-copy or suspending the guest when the scenario says so.</summary>
public sealed class LabRunner(GuestImage guest, string qemuVersion, string machine, Action<string>? progress = null)
{
    /// <summary>Longest a scenario may run once its migrations started.</summary>
    public static readonly TimeSpan MigrationPatience = TimeSpan.FromMinutes(4);

    private const int FirstPort = 4444;
    private const double Mib = 1048576;

    public ImmutableArray<LabMeasurement> Run(LabScenario scenario)
    {
        if (scenario.Kind != "migration") throw new LabException($"scenario kind '{scenario.Kind}' has no runner");
        var folder = Directory.CreateTempSubdirectory("cl-lab-").FullName;
        var vms = new List<QemuVm>();
        try
        {
            using var network = LabNetwork.Create(scenario.LinkMbit, scenario.TcpRestartAfterIdle, scenario.CongestionControl);
            var n = scenario.Guests.Length;
            var load = HostLoad();
            progress?.Invoke($"{scenario.Id}: booting {n} guest(s)");
            // The sources boot one at a time, each up before the next starts: a boot is CPU-bound under TCG, and
            // several at once on two shared cores only slow each other down. The destinations wait idle.
            var sources = new QemuVm[n];
            for (var i = 0; i < n; i++)
            {
                var g = scenario.Guests[i];
                sources[i] = Track(vms, QemuVm.Start(network, folder, $"src{i}", guest, g.MemoryMib, g.DirtyMibPerSecond, g.WssMib, incoming: false));
                sources[i].WaitReady(TimeSpan.FromSeconds(180));
            }
            var targets = scenario.Guests.Select((g, i) => Track(vms, QemuVm.Start(network, folder, $"dst{i}", guest, g.MemoryMib, g.DirtyMibPerSecond, g.WssMib, incoming: true))).ToArray();

            for (var i = 0; i < n; i++) Configure(scenario, sources[i], targets[i], FirstPort + i);
            var measuredRate = MeasureDirtyRate(sources);
            var before = sources.Select(s => s.LastReport()).ToArray();

            progress?.Invoke($"{scenario.Id}: migrating");
            var tcpBefore = network.TcpCounters();
            var congestion = network.CongestionControl();
            var clocks = sources.Zip(targets, (s, t) => new MigrationClocks(s.Threads(), t.Threads())).ToArray();
            foreach (var c in clocks) c.Start();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < n; i++)
            {
                sources[i].Qmp.Execute("migrate", new { uri = Uri(FirstPort + i) });
                if (scenario.Method == "postcopy") sources[i].Qmp.Execute("migrate-start-postcopy");
            }
            var follow = Follow(scenario, sources, clocks, clock);
            var tcpAfter = network.TcpCounters();
            // A guest suspended before the end stays paused on the destination; resume it, as libvirt does after a
            // --timeout suspend, once the destination has loaded it.
            for (var i = 0; i < n; i++)
                if (follow.SuspendedAtMs[i] is not null) Resume(targets[i]);
            Thread.Sleep(1000);

            var rows = ImmutableArray.CreateBuilder<LabMeasurement>();
            for (var i = 0; i < n; i++)
            {
                var g = scenario.Guests[i];
                var info = follow.Final[i];
                var ram = info["ram"];
                var after = targets[i].LastReport();
                var cpu = clocks[i];
                var status = info["status"]?.GetValue<string>() ?? "unknown";
                double downtime = Num(info["downtime"]) ?? double.NaN;
                if (follow.SuspendedAtMs[i] is { } suspended) downtime = (Num(info["total-time"]) ?? 0) - suspended;
                // What each source thread did while the VM was stopped: QEMU's total-time and the harness's clock
                // both start at the migrate command, so the stop began total-time less downtime after it.
                var stopAt = (Num(info["total-time"]) ?? double.NaN) - downtime;
                var stop = (Migration: cpu.Source.Since(stopAt, IsMigration), Vcpu: cpu.Source.Since(stopAt, IsVcpu),
                    Other: cpu.Source.Since(stopAt, c => !IsVcpu(c) && !IsMigration(c)));
                rows.Add(new LabMeasurement(
                    scenario.Id, i + 1, n, scenario.Method, scenario.Capability, g.MemoryMib,
                    Math.Round((Num(ram?["total"]) ?? 0) / Mib, 3), scenario.LinkMbit, scenario.MaxBandwidthMibPerSecond,
                    scenario.DowntimeLimitMs, scenario.SuspendAfterSeconds, g.DirtyMibPerSecond, g.WssMib,
                    AchievedRate(before[i], scenario.Method == "precopy" ? sources[i] : targets[i], g.DirtyMibPerSecond), measuredRate[i], status,
                    Num(info["total-time"]) ?? double.NaN, downtime, Num(info["setup-time"]) ?? 0, follow.SwitchedAtMs[i],
                    Math.Round((Num(ram?["transferred"]) ?? 0) / Mib, 3), (long)(Num(ram?["normal"]) ?? 0),
                    (long)(Num(ram?["duplicate"]) ?? 0), (long)(Num(ram?["dirty-sync-count"]) ?? 0),
                    (long)(Num(ram?["postcopy-requests"]) ?? 0), Blocktime(targets[i]),
                    after is { } a && before[i] is { } b && a.Ms > b.Ms && status == "completed",
                    qemuVersion, machine, DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), load,
                    S(cpu.Source.Of(IsMigration).RunSeconds), S(cpu.Source.Of(IsMigration).WaitSeconds),
                    S(cpu.Source.Of(IsVcpu).RunSeconds), S(cpu.Source.Of(IsVcpu).WaitSeconds),
                    S(cpu.Source.Of(c => !IsVcpu(c) && !IsMigration(c)).RunSeconds), S(cpu.Source.Of(c => !IsVcpu(c) && !IsMigration(c)).WaitSeconds),
                    S(cpu.Destination.Of(IsVcpu).RunSeconds), S(cpu.Destination.Of(IsVcpu).WaitSeconds),
                    S(cpu.Destination.Of(c => !IsVcpu(c)).RunSeconds), S(cpu.Destination.Of(c => !IsVcpu(c)).WaitSeconds),
                    1, Ms(stop.Migration?.WindowMs / 1000), Ms(stop.Migration?.RunSeconds), Ms(stop.Migration?.WaitSeconds),
                    Ms(stop.Vcpu?.RunSeconds), Ms(stop.Vcpu?.WaitSeconds), Ms(stop.Other?.RunSeconds), Ms(stop.Other?.WaitSeconds),
                    Num(ram?["downtime-bytes"]) is { } bytes ? Math.Round(bytes / Mib, 3) : null,
                    tcpAfter.Timeouts - tcpBefore.Timeouts, tcpAfter.Retransmits - tcpBefore.Retransmits,
                    congestion, scenario.Method == "hybrid" ? scenario.SwitchSync : null));
            }
            return rows.ToImmutable();
        }
        finally
        {
            foreach (var vm in vms) vm.Dispose();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static double? HostLoad()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static QemuVm Track(List<QemuVm> all, QemuVm vm)
    {
        all.Add(vm);
        return vm;
    }

    private static string Uri(int port) => string.Create(CultureInfo.InvariantCulture, $"tcp:127.0.0.1:{port}");

    private static void Configure(LabScenario s, QemuVm source, QemuVm target, int port)
    {
        var caps = new List<(string, bool)>();
        if (s.Method is "postcopy" or "hybrid") caps.Add(("postcopy-ram", true));
        switch (s.Capability)
        {
            case "xbzrle": caps.Add(("xbzrle", true)); break;
            case "compress": caps.Add(("compress", true)); break;
            case "multifd": caps.Add(("multifd", true)); break;
            case "none": break;
            default: throw new LabException($"unknown capability '{s.Capability}'");
        }
        object Caps(IEnumerable<(string Name, bool On)> list) => new { capabilities = list.Select(c => new Dictionary<string, object> { ["capability"] = c.Name, ["state"] = c.On }).ToArray() };
        var targetCaps = s.Capability == "xbzrle" ? caps.Where(c => c.Item1 != "xbzrle").ToList() : caps;
        if (s.Method is "postcopy" or "hybrid") targetCaps = [.. targetCaps, ("postcopy-blocktime", true)];
        if (caps.Count > 0) source.Qmp.Execute("migrate-set-capabilities", Caps(caps));
        if (targetCaps.Count > 0) target.Qmp.Execute("migrate-set-capabilities", Caps(targetCaps));
        var parameters = new Dictionary<string, object>
        {
            // Unlimited is QEMU's largest value; its default would be 128 MiB/s.
            ["max-bandwidth"] = s.MaxBandwidthMibPerSecond is { } cap ? (long)(cap * Mib) : long.MaxValue / 8,
            ["downtime-limit"] = s.DowntimeLimitMs,
        };
        if (s.Capability == "compress") { parameters["compress-threads"] = 2; parameters["compress-level"] = 1; }
        if (s.Capability == "multifd") parameters["multifd-channels"] = 2;
        source.Qmp.Execute("migrate-set-parameters", parameters);
        if (s.Capability == "compress") target.Qmp.Execute("migrate-set-parameters", new Dictionary<string, object> { ["decompress-threads"] = 1 });
        if (s.Capability == "multifd") target.Qmp.Execute("migrate-set-parameters", new Dictionary<string, object> { ["multifd-channels"] = 2 });
        target.Qmp.Execute("migrate-incoming", new { uri = Uri(port) });
    }

    /// <summary>QEMU's calc-dirty-rate (page sampling, 1 s) on every source at once, in MiB/s.</summary>
    private static double?[] MeasureDirtyRate(QemuVm[] sources)
    {
        foreach (var s in sources) s.Qmp.Execute("calc-dirty-rate", new Dictionary<string, object> { ["calc-time"] = 1 });
        Thread.Sleep(1300);
        return [.. sources.Select(s =>
        {
            for (var k = 0; k < 20; k++)
            {
                var r = s.Qmp.Execute("query-dirty-rate");
                if (r?["status"]?.GetValue<string>() == "measured") return Num(r["dirty-rate"]) is { } mb ? mb * 1e6 / Mib : (double?)null;
                Thread.Sleep(100);
            }
            return null;
        })];
    }

    /// <summary>Starts a destination guest that arrived paused. QEMU 7.2 (migration.c,
    /// process_incoming_migration_bh) sets the destination's run state from the source's once the incoming
    /// migration ends: a "cont" that arrives while it is still in "inmigrate" only sets autostart, which that
    /// paused state then overrides, so the guest never runs (seen in the quiet rerun's suspend scenario). Wait
    /// for the load to end, then cont, and check that the guest runs.</summary>
    private static void Resume(QemuVm target)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Status(target) == "inmigrate")
        {
            if (DateTime.UtcNow > deadline) throw new LabException("the destination was still loading the guest 60 s after the source completed");
            Thread.Sleep(50);
        }
        target.Qmp.Execute("cont");
        if (Status(target) is var now && now != "running") throw new LabException($"the destination guest is '{now}' after cont, not running");
    }

    private static string Status(QemuVm vm) => vm.Qmp.Execute("query-status")?["status"]?.GetValue<string>() ?? "unknown";

    /// <summary>The source's migration thread, as QEMU names it (migration.c, migrate_fd_connect).</summary>
    private static bool IsMigration(string comm) => comm == "live_migration";

    /// <summary>A vCPU thread, as QEMU names it under TCG with debug-threads=on ("CPU 0/TCG", tcg-accel-ops).</summary>
    private static bool IsVcpu(string comm) => comm.StartsWith("CPU ", StringComparison.Ordinal);

    private static double S(double seconds) => Math.Round(seconds, 3);

    private static double? Ms(double? seconds) => seconds is { } s ? Math.Round(s * 1000, 1) : null;

    /// <summary>The thread clocks of one migration's two QEMUs.</summary>
    private sealed record MigrationClocks(ThreadClock Source, ThreadClock Destination)
    {
        public void Start()
        {
            Source.Start();
            Destination.Start();
        }

        public void Sample(double atMs)
        {
            Source.Sample(atMs);
            Destination.Sample(atMs);
        }
    }

    private sealed record Followed(JsonNode[] Final, double?[] SwitchedAtMs, double?[] SuspendedAtMs);

    private static Followed Follow(LabScenario s, QemuVm[] sources, MigrationClocks[] clocks, Stopwatch clock)
    {
        var n = sources.Length;
        var final = new JsonNode?[n];
        var switched = new double?[n];
        var suspended = new double?[n];
        while (final.Any(f => f is null))
        {
            if (clock.Elapsed > MigrationPatience)
                throw new LabException($"{s.Id}: migrations still running after {MigrationPatience.TotalMinutes:0} minutes");
            for (var i = 0; i < n; i++)
            {
                if (final[i] is not null) continue;
                // Every thread of both QEMUs, sampled every 50 ms until the source reports the end: the migration
                // thread ends with the migration, so its last sample stands for the whole.
                clocks[i].Sample(clock.Elapsed.TotalMilliseconds);
                var info = sources[i].Qmp.Execute("query-migrate") ?? throw new LabException("query-migrate returned nothing");
                var status = info["status"]?.GetValue<string>();
                // QEMU 7.2 sets "completed" in migration_completion (migration.c) on the migration thread, and only
                // later, in migration_iteration_finish under the BQL, computes total-time and downtime
                // (migration_calculate_complete): a query in between reads both as 0 (seen in the CI smoke on a
                // loaded machine). Wait for the figures.
                if (status == "completed" && !(Num(info["total-time"]) > 0)) continue;
                if (status is "completed" or "failed" or "cancelled")
                {
                    // One more sample once the end is known: query-migrate runs in the main loop under the BQL, which the
                    // migration thread holds through the stop, so the query sent during the stop returns only after it and
                    // the sample before it covers none of the stop (pre-idle-1024 run 2: a 56 ms window over a 2337 ms stop).
                    clocks[i].Sample(clock.Elapsed.TotalMilliseconds);
                    final[i] = info;
                    continue;
                }
                var elapsedMs = Num(info["total-time"]) ?? clock.Elapsed.TotalMilliseconds;
                if (s.Method == "postcopy" && status == "postcopy-active" && switched[i] is null) switched[i] = elapsedMs;
                if (s.Method == "hybrid" && status == "active" && switched[i] is null && Num(info["ram"]?["dirty-sync-count"]) >= s.SwitchSync)
                {
                    sources[i].Qmp.Execute("migrate-start-postcopy");
                    switched[i] = elapsedMs;
                }
                if (s.SuspendAfterSeconds is { } after && status == "active" && suspended[i] is null && elapsedMs >= after * 1000)
                {
                    sources[i].Qmp.Execute("stop");
                    suspended[i] = elapsedMs;
                }
            }
            Thread.Sleep(50);
        }
        return new Followed([.. final.Select(f => f!)], switched, suspended);
    }

    /// <summary>What the guest dirtied per second while it ran during the migration, from its own reports: on
    /// the source until it stopped (pre-copy), on the destination after the switch (post-copy, hybrid; the
    /// window then runs a second past the end); the requested rate when it reported too little to tell.</summary>
    private static double AchievedRate((double Ms, long Pages)? before, QemuVm ranOn, double requested)
    {
        if (before is not { } b || ranOn.LastReport() is not { } e || e.Ms - b.Ms < 500) return requested;
        return Math.Round((e.Pages - b.Pages) * 4096.0 / Mib / ((e.Ms - b.Ms) / 1000), 3);
    }

    /// <summary>The destination's postcopy-blocktime in ms, when QEMU kept it after the migration.</summary>
    private static double? Blocktime(QemuVm target)
    {
        try
        {
            return Num(target.Qmp.Execute("query-migrate")?["postcopy-blocktime"]);
        }
        catch (LabException)
        {
            return null;
        }
    }

    private static double? Num(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : node is JsonValue w && w.TryGetValue<long>(out var l) ? l : null;
}
