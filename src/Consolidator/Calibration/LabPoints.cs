using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Simulation;

namespace Consolidator.Calibration;

/// <summary>The lab's measurements as reference points: one per scenario (its migrations ran together on
/// the shaped link), with the guest as measured (zero pages from QEMU's counter, the dirty rate the guest
/// program achieved over its working set).</summary>
public static class LabPoints
{
    /// <summary>Scenarios whose points fit the lab's constants, in every recording; every other point is held
    /// out. Chosen to cover each constant: idle guests (zero-page scan, setup), two pre-copy rates (link
    /// efficiency, syncs), a cap, post-copy (faults); the recordings cover the CPU shares from a quiet machine to
    /// a busy one.</summary>
    public static readonly ImmutableHashSet<string> FitScenarios =
        ["pre-idle-256", "pre-idle-1024", "pre-r16-w64", "pre-r32-w128", "pre-r8-w64-cap24", "post-r16-w64", "hybrid-r32-w128"];

    /// <summary>Capabilities the simulator does not model, with the reason.</summary>
    public static string? NotModelled(LabMeasurement m) => m.Capability switch
    {
        "xbzrle" => "XBZRLE delta encoding is not modelled",
        "compress" => "QEMU 7.2 leaves compressed pages out of ram.transferred, so the measured bytes are not the data sent",
        // A run lab/qemu/stop-probe.py cancelled after its patience (status "timeout") is replayed: QEMU had not converged.
        _ => m.Status is not ("completed" or "timeout") ? $"the migration ended {m.Status}" : null,
    };

    /// <summary>The points of several recordings; each point's id names its recording when there are several.</summary>
    public static ImmutableArray<ReferencePoint> From(IReadOnlyList<LabRecording> recordings, LabEnvironment environment) =>
        [.. recordings.SelectMany(r => From(r, environment, recordings.Count > 1 ? $" [{r.Name}]" : ""))];

    /// <summary>The recording's rows the constants are fitted on.</summary>
    public static LabRecording FitPart(LabRecording recording) =>
        recording with { Rows = [.. recording.Rows.Where(m => FitScenarios.Contains(m.Scenario))] };

    public static ImmutableArray<ReferencePoint> From(LabRecording recording, LabEnvironment environment, string idSuffix = "") =>
        From(recording.Rows, environment, idSuffix);

    /// <summary>One point per run of a scenario (a run's migrations ran together); a scenario run more than once is
    /// named with its run, and every run names its scenario as its setting, whose runs are judged together by their
    /// median (<see cref="CalibrationSettings"/>).</summary>
    public static ImmutableArray<ReferencePoint> From(IEnumerable<LabMeasurement> rows, LabEnvironment environment, string idSuffix = "")
    {
        var all = rows.ToArray();
        return From(all, environment, LabMachine.Measure(all, environment), idSuffix);
    }

    /// <summary>The rows' points replayed on <paramref name="machine"/> (a prediction before a run takes the machine from the
    /// recording's earlier rows, <see cref="LabPrediction"/>).</summary>
    public static ImmutableArray<ReferencePoint> From(IReadOnlyList<LabMeasurement> all, LabEnvironment environment, LabMachine machine, string idSuffix = "")
    {
        var repeated = all.GroupBy(r => r.Scenario).Where(g => g.Select(r => r.Run).Distinct().Count() > 1).Select(g => g.Key).ToHashSet();
        return [.. all.GroupBy(r => (r.Scenario, r.Run)).Select(g =>
        {
            var ms = g.OrderBy(r => r.Migration).ToArray();
            var first = ms[0];
            var vms = ms.Select(m => new VmMigrationInputs(
                m.RamTotalMib, DirtyProfile.OverWorkingSet(m.WssMib, m.GuestDirtyMibPerSecond, 0), 0.25,
                ZeroMib: m.ZeroPages * 4096.0 / 1048576, WorkingSetMib: m.WssMib, CpuShare: environment.CpuShare(m, machine),
                SyncCpuShare: environment.SyncCpuShare(m, machine), DestinationCpuShare: environment.DestinationCpuShare(m))).ToImmutableArray();
            var method = first.Method switch
            {
                "postcopy" => MigrationMethod.PostCopy,
                "hybrid" => MigrationMethod.Hybrid,
                _ => MigrationMethod.PreCopy,
            };
            var link = first.LinkMbit is { } mbit ? environment.Link.GoodputMibPerSecond(mbit / 1000) : 1e6;
            var reason = ms.Select(NotModelled).FirstOrDefault(r => r is not null);
            var id = first.Scenario + (repeated.Contains(first.Scenario) ? string.Create(CultureInfo.InvariantCulture, $" run {first.Run}") : "") + idSuffix;
            return new ReferencePoint(id, $"lab, {first.QemuVersion}, {first.Machine}, {first.Date[..10]}", Setting(ms),
                vms, method, link, environment.Options(first, machine),
                // A run that did not finish has no figures to judge, only its verdict: it had not converged by its total_ms.
                [.. ms.Select(m => m.Status == "timeout" ? Measured.Of(null, null, null, converges: false)
                    : Measured.Of(m.TotalMs / 1000, m.DowntimeMs / 1000, m.TransferredMib))],
                Tolerance.Lab, FitScenarios.Contains(first.Scenario) ? PointRole.Fit : PointRole.Holdout, reason,
                SettingId: first.Scenario + idSuffix);
        })];
    }

    private static string Setting(LabMeasurement[] ms)
    {
        var m = ms[0];
        var guests = string.Join(" + ", ms.Select(x => string.Create(CultureInfo.InvariantCulture,
            $"{x.MemoryMib:0} MiB ({x.GuestDirtyMibPerSecond:0.#} MiB/s over {x.WssMib:0} MiB, {x.ZeroFraction:P0} zero)")));
        return string.Create(CultureInfo.InvariantCulture,
            $"{m.Method} {guests}, {(m.LinkMbit is { } l ? $"{l:0} Mbit/s" : "loopback")}" +
            $"{(m.MaxBandwidthMibPerSecond is { } c ? $", cap {c:0} MiB/s" : "")}, {m.DowntimeLimitMs:0} ms" +
            $"{(m.Capability == "none" ? "" : ", " + m.Capability)}{(m.SuspendAfterSeconds is { } s ? $", suspended after {s:0} s" : "")}");
    }
}
