namespace Consolidator.Simulation;

/// <summary>One migration alone on a link of constant bandwidth: what the models predict for it.</summary>
/// <param name="TotalSeconds">From the start (setup included) to the last page sent and the destination's activation
/// due (QEMU's total-time, taken on the source); a destination that loads slower than the stream finishes
/// <paramref name="LoadLagSeconds"/> later.</param>
/// <param name="DowntimeSeconds">How long the VM was stopped.</param>
/// <param name="PageMib">Page and state data moved, before compression (zero pages excluded).</param>
/// <param name="WireMib">Data on the wire: after compression, with page headers and zero-page markers.</param>
/// <param name="Rounds">Dirty-log syncs (QEMU's dirty-sync-count) or Xen iterations; 1 for post-copy.</param>
/// <param name="Converged">Pre-copy met its stop condition; false when a cap or the timeout forced the
/// stop. Post-copy always converges.</param>
/// <param name="PendingAtStopMib">Dirty memory left when the VM stopped (pre-copy) or switched (hybrid).</param>
/// <param name="DegradedSeconds">Time the VM ran on the destination before all its memory arrived.</param>
/// <param name="FaultStallSeconds">Estimated time the VM waited on network page faults in that phase.</param>
/// <param name="TimeoutSeconds">The libvirt timeout (suspend action) the migration was planned with; null: none.</param>
/// <param name="QemuDowntimeSeconds">The downtime QEMU would report (measured on the source: until the last byte
/// is queued, without the destination's activation).</param>
/// <param name="LoadLagSeconds">Time the destination still loaded the stream after the source had sent its last byte
/// and the resume was due (it ran behind through the sockets' buffers): part of <paramref name="DowntimeSeconds"/>,
/// not of <paramref name="TotalSeconds"/> nor <paramref name="QemuDowntimeSeconds"/>, which QEMU takes on the source.</param>
public sealed record MigrationOutcome(
    MigrationMethod Method,
    double TotalSeconds,
    double DowntimeSeconds,
    double PageMib,
    double WireMib,
    int Rounds,
    bool Converged,
    double PendingAtStopMib,
    double DegradedSeconds,
    double FaultStallSeconds,
    double? TimeoutSeconds = null,
    double QemuDowntimeSeconds = 0,
    double LoadLagSeconds = 0)
{
    /// <summary>The pause the SLO judges under <paramref name="slo"/>.</summary>
    public double SloDowntimeSeconds(SloDowntime slo) => DowntimeSeconds + (slo == SloDowntime.StopAndStalls ? FaultStallSeconds : 0);
}

public static class LiveMigration
{
    /// <summary>Runs one migration at a fixed share of the link.</summary>
    /// <param name="wireMibPerSecond">Wire bandwidth the migration gets, in MiB/s (after link efficiency).</param>
    public static MigrationOutcome Run(VmMigrationInputs vm, MigrationMethod method, double wireMibPerSecond, SimulationOptions options)
    {
        if (!(wireMibPerSecond > 0) || double.IsInfinity(wireMibPerSecond))
            throw new ArgumentOutOfRangeException(nameof(wireMibPerSecond), wireMibPerSecond, "bandwidth must be a positive number of MiB/s");
        var process = new MigrationProcess(vm, method, options, wireMibPerSecond);
        // Each step ends a phase, a sync or an iteration, all of them bounded; the guard catches a model bug.
        for (var step = 0; !process.IsDone; step++)
        {
            if (step > 1_000_000) throw new InvalidOperationException("the migration model did not finish; this is a bug");
            process.Advance(process.NextDelay(wireMibPerSecond), wireMibPerSecond);
            process.Step(wireMibPerSecond);
        }
        return Outcome(process);
    }

    internal static MigrationOutcome Outcome(MigrationProcess p) => new(
        p.Method,
        p.Elapsed,
        p.DowntimeSeconds,
        p.MovedMib,
        p.WireMib,
        p.Syncs,
        !p.Forced,
        p.PendingAtStopMib,
        p.DegradedSeconds,
        p.FaultStallSeconds,
        p.TimeoutSeconds,
        p.QemuDowntimeSeconds,
        p.LoadLagSeconds);
}
