namespace Consolidator.Evaluation;

/// <summary>CloudSim's migration model (research/migration.md section 5), used because no migration simulator is
/// wired in here: a VM of M MiB migrates in M / (bandwidth / 2 / 8) seconds, half the host's bandwidth
/// carrying it, and while it migrates it gets 90 % of the CPU it asks for
/// (VmSchedulerTimeShared: "performance degradation due to migration = 10 % MIPS").</summary>
public static class MigrationPenalty
{
    public const double DegradedShare = 0.1;

    public static double Seconds(double memoryMib, double bandwidthMbps) => memoryMib / (bandwidthMbps / 16.0);

    /// <summary>CPU core-seconds the VM does not get while it migrates from <paramref name="start"/>.</summary>
    public static double Degradation(Timeline vm, double start, double seconds) =>
        DegradedShare * vm.CpuIntegral(start, start + seconds);
}
