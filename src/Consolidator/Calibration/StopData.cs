using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Simulation;

namespace Consolidator.Calibration;

/// <summary>What a pre-copy stop sent: QEMU's downtime-bytes (the pages the source sent while the VM was stopped, QEMU 7.1
/// and later) against what the model leaves pending at its stop (<see cref="MigrationOutcome.PendingAtStopMib"/>), for
/// every completed single pre-copy migration of a recording that has the figure, each replayed alone on its link with its
/// recording's machine (<see cref="LiveMigration"/>). The stop's length is this data at the link's rate, so this tells a
/// stop rule that leaves the wrong amount from a link that carries it at another rate.</summary>
public sealed record StopData(string Recording, LabMeasurement Measured, double ModelPendingMib, double ModelDowntimeMs)
{
    public static ImmutableArray<StopData> Of(IReadOnlyList<LabRecording> recordings, LabEnvironment environment) =>
    [
        .. recordings.SelectMany(r =>
        {
            var machine = LabMachine.Measure(r.Rows, environment);
            return r.Rows.Where(m => m.Method == "precopy" && m.Concurrent == 1 && m.Capability == "none" && m.Status == "completed"
                    && m.SuspendAfterSeconds is null && m.DowntimeMib is not null)
                .Select(m =>
                {
                    var point = LabPoints.From([m], environment, machine).Single();
                    var o = LiveMigration.Run(point.Vms[0], MigrationMethod.PreCopy, point.LinkMibPerSecond, point.Options);
                    return new StopData(r.Name, m, o.PendingAtStopMib, o.QemuDowntimeSeconds * 1000);
                });
        }),
    ];

    /// <summary>One line per setting (scenario and recording): its runs' medians of QEMU's stop and what it sent, against the
    /// model's.</summary>
    public static IEnumerable<string> Lines(ImmutableArray<StopData> rows)
    {
        yield return "setting [recording]: runs, QEMU stop ms and MiB sent while stopped, median (lowest-highest); the model's stop and pending MiB (median)";
        foreach (var g in rows.GroupBy(r => (r.Measured.Scenario, r.Recording)))
        {
            var stop = RunSpread.Of(g.Select(r => r.Measured.DowntimeMs));
            var sent = RunSpread.Of(g.Select(r => r.Measured.DowntimeMib!.Value));
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{g.Key.Scenario} [{g.Key.Recording}]: {g.Count()}, {stop.Median:0} ({stop.Low:0}-{stop.High:0}) ms, {sent.Median:0.00} ({sent.Low:0.00}-{sent.High:0.00}) MiB; model {RunSpread.Of(g.Select(r => r.ModelDowntimeMs)).Median:0} ms, {RunSpread.Of(g.Select(r => r.ModelPendingMib)).Median:0.00} MiB");
        }
    }
}
