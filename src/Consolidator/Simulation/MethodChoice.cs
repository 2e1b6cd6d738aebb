using System.Globalization;

namespace Consolidator.Simulation;

/// <summary>The method for one migration, why, and what the models predict for it at the bandwidth it is
/// expected to get.</summary>
public sealed record MethodDecision(MigrationMethod Method, string Reason, MigrationOutcome Predicted);

/// <summary>Picks each VM's method. Auto keeps pre-copy, the method that never risks the VM, unless it would
/// not converge or would break the downtime target; then hybrid when one pre-copy pass leaves at most half
/// the memory to pull (shorter degraded phase, shorter window in which a link failure loses the VM),
/// otherwise post-copy, which moves every page once.</summary>
public static class MethodChoice
{
    /// <summary>Hybrid is worth its first pass when that pass leaves at most this share of memory dirty.</summary>
    public const double HybridPendingShare = 0.5;

    /// <summary>Slack on the downtime comparison: a converged QEMU pre-copy lands on the target exactly.</summary>
    public const double DowntimeToleranceSeconds = 1e-9;

    public static MethodDecision Choose(VmMigrationInputs vm, double wireMibPerSecond, SimulationOptions options)
    {
        var forced = options.Method switch
        {
            MethodSelection.PreCopy => MigrationMethod.PreCopy,
            MethodSelection.PostCopy => MigrationMethod.PostCopy,
            MethodSelection.Hybrid => MigrationMethod.Hybrid,
            _ => (MigrationMethod?)null,
        };
        if (forced is { } method)
            return new(method, $"--method {MigrationMethods.Name(method)}", LiveMigration.Run(vm, method, wireMibPerSecond, options));

        var pre = LiveMigration.Run(vm, MigrationMethod.PreCopy, wireMibPerSecond, options);
        var pageRate = options.Compress.PageRate(wireMibPerSecond);
        if (pre.Converged && pre.DowntimeSeconds <= options.MaxDowntimeSeconds + DowntimeToleranceSeconds)
            return new(MigrationMethod.PreCopy, F("at the expected {0:0.#} MiB/s pre-copy converges in {1} round(s) with {2:0} ms of downtime",
                pageRate, pre.Rounds, pre.DowntimeSeconds * 1000), pre);

        var why = pre.Converged
            ? F("at the expected {0:0.#} MiB/s pre-copy would stop the VM for {1:0} ms, over the {2:0} ms target", pageRate, pre.DowntimeSeconds * 1000, options.MaxDowntimeSeconds * 1000)
            : F("pre-copy does not converge (dirties {0:0.#} MiB/s against the expected {1:0.#} MiB/s of bandwidth; after {2} round(s) it would stop the VM for {3:0} ms)",
                vm.Dirty.RateMibPerSecond, pageRate, pre.Rounds, pre.DowntimeSeconds * 1000);
        var hybrid = LiveMigration.Run(vm, MigrationMethod.Hybrid, wireMibPerSecond, options);
        if (hybrid.PendingAtStopMib <= HybridPendingShare * vm.MemoryMib)
            return new(MigrationMethod.Hybrid, why + F("; hybrid: {0} pre-copy round(s), then post-copy pulls {1:0} MiB", options.HybridRounds, hybrid.PendingAtStopMib), hybrid);
        var post = LiveMigration.Run(vm, MigrationMethod.PostCopy, wireMibPerSecond, options);
        return new(MigrationMethod.PostCopy, why + F("; post-copy: a pre-copy pass would leave {0:0} of {1:0} MiB dirty", hybrid.PendingAtStopMib, vm.MemoryMib), post);
    }

    private static string F(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
