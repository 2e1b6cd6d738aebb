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

    /// <summary>Slack on downtime comparisons (rounding).</summary>
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
        var rate = Math.Min(wireMibPerSecond, options.StreamsCapMibPerSecond);
        if (pre.Converged && pre.DowntimeSeconds <= options.MaxDowntimeSeconds + DowntimeToleranceSeconds)
            return new(MigrationMethod.PreCopy, F("at the expected {0:0.#} MiB/s pre-copy converges after {1} dirty-log sync(s) with {2:0} ms of downtime",
                rate, pre.Rounds, pre.DowntimeSeconds * 1000), pre);

        var why = pre.Converged
            ? F("at the expected {0:0.#} MiB/s pre-copy would stop the VM for {1:0} ms, over the {2:0} ms target", rate, pre.DowntimeSeconds * 1000, options.MaxDowntimeSeconds * 1000)
            : F("pre-copy does not converge (dirties {0:0.#} MiB/s against the expected {1:0.#} MiB/s of bandwidth; the timeout would suspend the VM for {2:0} ms)",
                vm.Dirty.RateMibPerSecond, rate, pre.DowntimeSeconds * 1000);
        var hybrid = LiveMigration.Run(vm, MigrationMethod.Hybrid, wireMibPerSecond, options);
        var post = LiveMigration.Run(vm, MigrationMethod.PostCopy, wireMibPerSecond, options);
        var slo = options.Slo;
        // Of the two that resume the VM on its destination, the one whose judged pause is shorter; hybrid on
        // a tie, since it leaves less to pull (a shorter window in which a link failure matters).
        var pick = hybrid.PendingAtStopMib <= HybridPendingShare * vm.MemoryMib && hybrid.SloDowntimeSeconds(slo) <= post.SloDowntimeSeconds(slo) + DowntimeToleranceSeconds
            ? hybrid : post;
        var judged = slo == SloDowntime.StopAndStalls ? " (stop plus fault stalls)" : "";
        if (pre.SloDowntimeSeconds(slo) < pick.SloDowntimeSeconds(slo) && pre.Converged)
            return new(MigrationMethod.PreCopy, why + F("; kept: post-copy and hybrid would pause it longer{0}", judged), pre);
        return pick == hybrid
            ? new(MigrationMethod.Hybrid, why + F("; hybrid: {0} pre-copy pass(es), then post-copy pulls {1:0} MiB; pause {2:0} ms{3}", options.HybridRounds, hybrid.PendingAtStopMib, hybrid.SloDowntimeSeconds(slo) * 1000, judged), hybrid)
            : new(MigrationMethod.PostCopy, why + F("; post-copy: a pre-copy pass would leave {0:0} of {1:0} MiB dirty; pause {2:0} ms{3}", hybrid.PendingAtStopMib, vm.MemoryMib, post.SloDowntimeSeconds(slo) * 1000, judged), post);
    }

    private static string F(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
