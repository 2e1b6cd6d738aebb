using System.Collections.Immutable;
using System.Globalization;
using CsvHelper;
using Consolidator.Datasets;

namespace Consolidator.Calibration;

/// <summary>Reads and writes the lab's CSV (datasets/calibration/qemu-*.csv): a header, one row per
/// migration, invariant culture, "\n" line ends, an empty field for an unknown figure.</summary>
public static class LabCsv
{
    public static readonly string[] Header =
    [
        "scenario", "migration", "concurrent", "method", "capability", "memory_mib", "ram_total_mib", "link_mbit",
        "max_bandwidth_mib_s", "downtime_limit_ms", "suspend_after_s", "requested_dirty_mib_s", "wss_mib",
        "guest_dirty_mib_s", "qemu_dirty_rate_mib_s", "status", "total_ms", "downtime_ms", "setup_ms", "switchover_ms",
        "transferred_mib", "normal_pages", "zero_pages", "dirty_syncs", "postcopy_requests", "postcopy_blocktime_ms",
        "guest_alive", "qemu_version", "machine", "date", "host_load", "migration_cpu_s", "migration_wait_s",
        "source_vcpu_cpu_s", "source_vcpu_wait_s", "source_other_cpu_s", "source_other_wait_s",
        "destination_vcpu_cpu_s", "destination_vcpu_wait_s", "destination_other_cpu_s", "destination_other_wait_s",
        "run", "stop_window_ms", "stop_migration_cpu_ms", "stop_migration_wait_ms", "stop_vcpu_cpu_ms", "stop_vcpu_wait_ms",
        "stop_other_cpu_ms", "stop_other_wait_ms", "downtime_mib", "tcp_timeouts", "tcp_retransmits",
        "tcp_congestion_control", "switch_sync", "predicted_total_ms", "predicted_downtime_ms", "predicted_mib",
    ];

    /// <summary>Columns every recording has; the later ones were added to the lab over time and may be absent.</summary>
    private const int Required = 30;

    public static void Write(IEnumerable<LabMeasurement> rows, TextWriter writer)
    {
        var options = CsvWriterOptions.Default with { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture };
        using var csv = CsvWriter.Create(writer, options, leaveOpen: true);
        csv.WriteRecord(Header);
        foreach (var m in rows)
            csv.WriteRecord(
                m.Scenario, I(m.Migration), I(m.Concurrent), m.Method, m.Capability, N(m.MemoryMib), N(m.RamTotalMib), N(m.LinkMbit),
                N(m.MaxBandwidthMibPerSecond), N(m.DowntimeLimitMs), N(m.SuspendAfterSeconds), N(m.RequestedDirtyMibPerSecond), N(m.WssMib),
                N(m.GuestDirtyMibPerSecond), N(m.QemuDirtyRateMibPerSecond), m.Status, N(m.TotalMs), N(m.DowntimeMs), N(m.SetupMs), N(m.SwitchoverMs),
                N(m.TransferredMib), I(m.NormalPages), I(m.ZeroPages), I(m.DirtySyncs), I(m.PostcopyRequests), N(m.PostcopyBlocktimeMs),
                m.GuestAlive ? "true" : "false", m.QemuVersion, m.Machine, m.Date, N(m.HostLoad), N(m.MigrationCpuSeconds),
                N(m.MigrationWaitSeconds), N(m.SourceVcpuCpuSeconds), N(m.SourceVcpuWaitSeconds), N(m.SourceOtherCpuSeconds),
                N(m.SourceOtherWaitSeconds), N(m.DestinationVcpuCpuSeconds), N(m.DestinationVcpuWaitSeconds),
                N(m.DestinationOtherCpuSeconds), N(m.DestinationOtherWaitSeconds), I(m.Run), N(m.StopWindowMs), N(m.StopMigrationCpuMs),
                N(m.StopMigrationWaitMs), N(m.StopVcpuCpuMs), N(m.StopVcpuWaitMs), N(m.StopOtherCpuMs), N(m.StopOtherWaitMs), N(m.DowntimeMib),
                m.TcpTimeouts is { } t ? I(t) : "", m.TcpRetransmits is { } r ? I(r) : "",
                m.TcpCongestionControl ?? "", m.SwitchSync is { } k ? I(k) : "", N(m.PredictedTotalMs), N(m.PredictedDowntimeMs), N(m.PredictedMib));
    }

    /// <exception cref="InputException">The file is missing, holds no rows or a row is malformed (file, line and column named).</exception>
    public static ImmutableArray<LabMeasurement> Read(string path)
    {
        using var file = DatasetFile.Open(path, Header[..Required]);
        var c = Header[..Required].Select(file.Column).ToArray();
        var optional = Header[Required..].Select(file.OptionalColumn).ToArray();
        var rows = ImmutableArray.CreateBuilder<LabMeasurement>();
        while (file.Read())
        {
            double Num(int k) => file.Number(c[k], positive: false);
            double? Opt(int k) => file.OptionalNumber(c[k], positive: false);
            long Whole(int k) => (long)file.Number(c[k], positive: false);
            double? O(int k) => file.OptionalNumber(optional[k], positive: false);
            // The figures the replay runs on, bounded here so that a bad one is named by line and column: a link of 0 was
            // "error: bandwidth must be a positive number of MiB/s", 1e-300 "would take 2e295 years ... check nic_gbps",
            // a downtime-limit of 1e300 ms "QEMU's downtime-limit must be between 0 and 2000 s", none saying where.
            double? Rate(int k) => file.OptionalNumber(c[k], positive: true) is { } x ? file.AtLeast(c[k], x, 1, MinRateWhy) : null;
            var (scenario, migration, concurrent) = (file.Id(c[0]), file.Integer(c[1], 1), file.Integer(c[2], 1));
            var (method, capability) = (OneOf(file, c[3], Methods), OneOf(file, c[4], Capabilities));
            // A guest larger than QEMU's ram.total, or a working set larger than the guest, was replayed and judged (the
            // setting printed as a "1E+300 MiB" guest). zero_pages is not bounded by the memory: QEMU's ram.duplicate
            // counts every zero page sent, in every pass (a page zeroed again after it was sent is counted again).
            var ram = file.AtMost(c[6], file.Number(c[6], positive: true), Packing.PlacementProblem.MaxMib);
            var memory = file.AtMost(c[5], file.Number(c[5], positive: true), ram, "the guest's memory is part of QEMU's ram_total_mib");
            var wss = file.AtMost(c[12], Num(12), memory, "the guest program writes within the guest's memory_mib");
            // A stop or a setup longer than the whole migration was replayed and judged: a downtime of 99999999 ms in a
            // 2.4 s migration printed a downtime ratio of 0.00 and "worst ratio x1199926". QEMU counts both within total-time.
            var status = file.Id(c[15]);
            var total = Num(16);
            // A migration that did not complete has no stop: lab/qemu/stop-probe.py records one it cancelled after its patience
            // (status "timeout") with the stop's columns empty.
            double Within(int k, string what) => status == "completed" ? file.AtMost(c[k], Num(k), total, $"the {what} is part of the migration's total_ms")
                : Opt(k) ?? double.NaN;
            rows.Add(new LabMeasurement(
                scenario, migration, concurrent, method, capability, memory, ram, Rate(7),
                Rate(8), file.AtLeast(c[9], file.AtMost(c[9], file.Number(c[9], positive: true), 2_000_000, "QEMU's downtime-limit is at most 2000 s"), 1, "QEMU's downtime-limit counts milliseconds"), Opt(10), Num(11), wss, Num(13), Opt(14), status, total, Within(17, "stop"), Within(18, "setup"), Opt(19),
                Num(20), Whole(21), Whole(22), Whole(23), Whole(24), Opt(25),
                // Any word but "true" was read as a guest that died ("maybe", "True", "yes").
                OneOf(file, c[26], Booleans) == "true", file.Text(c[27]), file.Text(c[28]), file.Text(c[29]), O(0), O(1), O(2),
                O(3), O(4), O(5), O(6), O(7), O(8), O(9), O(10),
                optional[11] >= 0 && file.Text(optional[11]).Length > 0 ? file.Integer(optional[11], 1) : 1, O(12), O(13), O(14), O(15), O(16), O(17), O(18), O(19),
                Count(optional[20]), Count(optional[21]),
                optional[22] >= 0 && file.Text(optional[22]).Length > 0 ? file.Id(optional[22]) : null,
                optional[23] >= 0 && file.Text(optional[23]).Length > 0 ? SwitchSync(file, optional[23], method) : null,
                O(24), O(25), O(26)));
        }
        long? Count(int column) => column >= 0 && file.Text(column).Length > 0 ? file.Integer(column, 0) : null;
        // A header alone replayed nothing and printed the published points as if the lab had been judged.
        if (rows.Count == 0)
            throw new InputException(path, file.HeaderLine + 1, null, 0, null, "no migrations: the file has a header but no rows");
        return rows.ToImmutable();
    }

    /// <summary>Why a link (Mbit/s) or bandwidth cap (MiB/s) below 1 is refused: the lab's links run at 200-1000 Mbit/s
    /// and its caps at 24-48 MiB/s (datasets/calibration); a rate below 1 is a unit mistake, and the replay of a
    /// migration at 1e-300 would take 1e295 years.</summary>
    private const string MinRateWhy = "a lab link runs at hundreds of Mbit/s and a cap at tens of MiB/s: a rate below 1 is a unit mistake";

    /// <summary>The words the replay tells apart (<see cref="LabPoints"/>, <see cref="LabEnvironment"/>): any other was
    /// replayed as pre-copy without a capability, a row judged as a migration it was not.</summary>
    private static readonly string[] Methods = ["precopy", "postcopy", "hybrid"], Capabilities = ["none", "xbzrle", "compress", "multifd"],
        Booleans = ["true", "false"];

    /// <summary>The dirty-sync-count of a hybrid row's switch: QEMU's first sync is the setup's (1), so the first full pass
    /// ends at 2; a switch before it, or on a row that is not hybrid, names a setting the replay cannot give.</summary>
    private static int SwitchSync(DatasetFile file, int column, string method) => method == "hybrid"
        ? file.Integer(column, 2) is var k && k <= Simulation.SimulationOptions.MaxHybridRounds + 1 ? k
            : throw file.Error(column, $"must be at most {Simulation.SimulationOptions.MaxHybridRounds + 1} (a sanity bound on the passes before the switch)", file.Text(column))
        : throw file.Error(column, "is a hybrid migration's switch point; this row is " + method, file.Text(column));

    private static string OneOf(DatasetFile file, int column, string[] words)
    {
        var text = file.Id(column);
        return words.Contains(text, StringComparer.Ordinal) ? text
            : throw file.Error(column, $"must be {string.Join(", ", words[..^1])} or {words[^1]}", text);
    }

    private static string N(double? x) => x?.ToString("0.###", CultureInfo.InvariantCulture) ?? "";

    private static string I(long x) => x.ToString(CultureInfo.InvariantCulture);
}
