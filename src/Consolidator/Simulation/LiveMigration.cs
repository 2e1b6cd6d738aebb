namespace Consolidator.Simulation;

/// <summary>One migration alone on a link of constant bandwidth: what the models predict for it.</summary>
/// <param name="TotalSeconds">From the first page sent to the last page on the destination.</param>
/// <param name="DowntimeSeconds">How long the VM was stopped.</param>
/// <param name="PageMib">Memory and state data moved, before compression.</param>
/// <param name="WireMib">Data on the wire, after compression.</param>
/// <param name="Rounds">Pre-copy rounds begun (0 for post-copy).</param>
/// <param name="Converged">Pre-copy met the stop threshold; false when a cap forced the stop. Post-copy
/// always converges.</param>
/// <param name="PendingAtStopMib">Dirty memory left when the VM stopped (pre-copy) or switched (hybrid).</param>
/// <param name="DegradedSeconds">Time the VM ran on the destination before all its memory arrived.</param>
/// <param name="FaultStallSeconds">Estimated time the VM waited on network page faults in that phase.</param>
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
    double FaultStallSeconds);

public static class LiveMigration
{
    /// <summary>Runs one migration at a fixed share of the link.</summary>
    /// <param name="wireMibPerSecond">Wire bandwidth the migration gets, in MiB/s (after link efficiency).</param>
    public static MigrationOutcome Run(VmMigrationInputs vm, MigrationMethod method, double wireMibPerSecond, SimulationOptions options)
    {
        if (!(wireMibPerSecond > 0) || double.IsInfinity(wireMibPerSecond))
            throw new ArgumentOutOfRangeException(nameof(wireMibPerSecond), wireMibPerSecond, "bandwidth must be a positive number of MiB/s");
        var rate = options.Compress.PageRate(wireMibPerSecond);
        var process = new MigrationProcess(vm, method, options);
        // Each step ends a phase or a round, and rounds are capped, so this ends; the bound guards a model bug.
        for (var step = 0; !process.IsDone; step++)
        {
            if (step > 100_000) throw new InvalidOperationException("the migration model did not finish; this is a bug");
            process.Advance(process.NextDelay(rate), rate);
            process.Step(rate);
        }
        return Outcome(process, options);
    }

    internal static MigrationOutcome Outcome(MigrationProcess p, SimulationOptions options) => new(
        p.Method,
        p.Elapsed,
        p.DowntimeSeconds,
        p.MovedMib,
        options.Compress.WireMib(p.MovedMib),
        p.Method == MigrationMethod.PostCopy ? 0 : p.Rounds,
        !p.Forced,
        p.PendingAtStopMib,
        p.DegradedSeconds,
        p.FaultStallSeconds);
}
