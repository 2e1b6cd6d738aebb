using Consolidator.Simulation;

namespace Consolidator.Calibration;

/// <summary>The constants of the lab's environment (QEMU 7.2 under TCG on a shared 2-core machine, migrating
/// over a shaped loopback), each with a physical meaning, fitted on the lab's fit points by
/// <see cref="LabFit"/> and checked on the held-out ones.</summary>
/// <param name="LinkEfficiency">TCP goodput over the tbf line rate.</param>
/// <param name="ZeroScanMibPerSecond">Zero pages the migration thread checks per second (TCG guest on the other core).</param>
/// <param name="SyncSecondsPerDirtyGib">A sync's cost per GiB of pages it finds dirty: QEMU 7.2 under TCG resets
/// the TLB dirty state page by page (setup finds every page dirty).</param>
/// <param name="SyncSecondsPerGib">Each sync's walk of the bitmap, per GiB of guest memory.</param>
/// <param name="ResumeSeconds">Fixed part of a downtime: device state and the switch.</param>
/// <param name="InFlightMib">Data queued ahead of a post-copy page request (socket buffer and the tbf queue).</param>
/// <param name="FaultShare">Post-copy faults per working-set page not yet received.</param>
public sealed record LabEnvironment(
    double LinkEfficiency,
    double ZeroScanMibPerSecond,
    double SyncSecondsPerDirtyGib,
    double SyncSecondsPerGib,
    double ResumeSeconds,
    double InFlightMib,
    double FaultShare)
{
    /// <summary>Fitted by `consolidator calibrate --fit` on datasets/calibration/qemu-7.2-tcg.csv (the fit points).</summary>
    public static readonly LabEnvironment Fitted = new(1.05, 89, 1.37, 0.0505, 0.02, 2.02, 0.05);

    /// <summary>The transport: TCP on the namespace's loopback, shaped by tc tbf.</summary>
    public LinkProfile Link => new("lab-tcp", LinkEfficiency, null, 50e-6, InFlightMib);

    /// <summary>The simulator's options for one lab migration.</summary>
    public SimulationOptions Options(LabMeasurement m) => new(
        MaxDowntimeSeconds: m.DowntimeLimitMs / 1000,
        QemuDowntimeLimitSeconds: m.DowntimeLimitMs / 1000,
        Link: Link,
        MaxBandwidthMibPerSecond: m.MaxBandwidthMibPerSecond,
        Streams: m.Capability == "multifd" ? 2 : 1,
        DeviceStateMib: 0.25,
        ResumeSeconds: ResumeSeconds,
        ZeroScanMibPerSecond: ZeroScanMibPerSecond,
        SyncSecondsPerGib: SyncSecondsPerGib,
        SyncSecondsPerDirtyGib: SyncSecondsPerDirtyGib,
        FaultShare: FaultShare,
        PreCopyTimeoutSeconds: m.SuspendAfterSeconds);

    public double[] ToVector() => [LinkEfficiency, ZeroScanMibPerSecond, SyncSecondsPerDirtyGib, SyncSecondsPerGib, ResumeSeconds, InFlightMib, FaultShare];

    public static LabEnvironment FromVector(double[] x) => new(x[0], x[1], x[2], x[3], x[4], x[5], x[6]);
}
