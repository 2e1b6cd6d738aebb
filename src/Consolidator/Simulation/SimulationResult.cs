using System.Collections.Immutable;
using Consolidator.Packing;
using Consolidator.Staging;

namespace Consolidator.Simulation;

public enum MigrationStatus
{
    Completed,
    /// <summary>The link failed before the VM ran on the destination: it keeps running on its source.</summary>
    Aborted,
    /// <summary>The link failed in post-copy; the VM was restored on its source from its last checkpoint.</summary>
    Restored,
    /// <summary>The link failed in post-copy and no checkpoint existed: the VM is gone.</summary>
    Lost,
    /// <summary>Not started: an earlier failure left the VM elsewhere, or its destination without room.</summary>
    Skipped,
    /// <summary>The link failed in post-copy; QEMU paused the migration (postcopy-paused), the link came back
    /// and migrate-recover resumed it: the VM reached its destination, blocked on missing pages meanwhile.</summary>
    Recovered,
}

/// <summary>What happened to one live migration of the plan in the replay. Times are seconds after the plan starts.</summary>
/// <param name="Index">Position of the migration in the plan (stage order, then order within the stage).</param>
/// <param name="WireMib">Data on the wire, after compression.</param>
/// <param name="Rounds">Pre-copy rounds begun (0 for post-copy).</param>
/// <param name="Converged">False when pre-copy was forced to stop by a cap instead of meeting its threshold
/// (a migration aborted before its stop counts as converged: nothing forced it).</param>
/// <param name="LostStateSeconds">State the VM lost: time since its last checkpoint when it was restored.</param>
/// <param name="EnergyJoules">Migration energy, E = alpha x data + beta (Liu et al. 2011).</param>
/// <param name="PowerModelJoules">The same from host power: (dP source + dP destination) x duration.</param>
/// <param name="CompressionCpuSeconds">Core-seconds spent compressing pages.</param>
/// <param name="TimeoutSeconds">The libvirt timeout (suspend action) the migration was planned with.</param>
/// <param name="QemuDowntimeSeconds">The downtime QEMU itself would report (source side: until the last byte
/// is queued, without the destination's activation); the calibration compares it with QEMU's figures.</param>
/// <param name="QemuDowntimeLimitSeconds">QEMU's downtime-limit the migration ran with (null: not started).</param>
/// <param name="Disk">The block copy of the VM's local disk before its memory migration (null: none).</param>
public sealed record VmMigrationResult(
    int Index,
    int Vm,
    int From,
    int To,
    int Stage,
    MigrationKind Kind,
    MigrationMethod Method,
    string MethodReason,
    MigrationStatus Status,
    string? Note,
    double StartSeconds,
    double EndSeconds,
    double DowntimeSeconds,
    double WireMib,
    int Rounds,
    bool Converged,
    double DegradedSeconds,
    double FaultStallSeconds,
    double LostStateSeconds,
    double EnergyJoules,
    double PowerModelJoules,
    double CompressionCpuSeconds,
    double? TimeoutSeconds = null,
    double QemuDowntimeSeconds = 0,
    double? QemuDowntimeLimitSeconds = null,
    BlockCopyResult? Disk = null)
{
    public double TotalSeconds => EndSeconds - StartSeconds;
    public bool Started => Status != MigrationStatus.Skipped;

    /// <summary>The VM ended on its destination.</summary>
    public bool Arrived => Status is MigrationStatus.Completed or MigrationStatus.Recovered;

    /// <summary>The pause the SLO judges: the stop, plus the post-copy fault stalls when the SLO counts them.</summary>
    public double SloDowntimeSeconds(SloDowntime slo) => DowntimeSeconds + (slo == SloDowntime.StopAndStalls ? FaultStallSeconds : 0);
}

/// <param name="Placements">First placements (VMs that ran nowhere) started at the stage's beginning.</param>
public sealed record StageResult(int Number, double StartSeconds, double EndSeconds, int Migrations, int Completed, int Failed, int Skipped, int Placements)
{
    public double MakespanSeconds => EndSeconds - StartSeconds;
}

/// <summary>Host-hours over physical capacity on the raw trace (every sample, not the windowed profile):
/// summed over hosts, the time the VMs placed on a host used more CPU or memory than it has.</summary>
public sealed record OverCapacityReport(double HostHoursBefore, double HostHoursAfter, int HostsBefore, int HostsAfter, double TraceHours);

public sealed record SimulationSummary(
    int Migrations,
    int Completed,
    int Aborted,
    int Restored,
    int Lost,
    int Skipped,
    int Recovered,
    int PreCopy,
    int PostCopy,
    int Hybrid,
    int NonConverging,
    double TotalSeconds,
    double DataMovedGiB,
    double WorstDowntimeSeconds,
    int? WorstDowntimeVm,
    double MeanDowntimeSeconds,
    int SloViolations,
    double MaxDowntimeSeconds,
    SloDowntime Slo,
    double WorstSloDowntimeSeconds,
    double FaultStallSeconds,
    double DegradedSeconds,
    double LostStateSeconds,
    double MigrationEnergyWh,
    double MigrationEnergyPowerModelWh,
    double EnergyKWhPerDayBefore,
    double EnergyKWhPerDayAfter,
    int VmsOffTarget,
    double PeakNicUtilisation,
    OverCapacityReport OverCapacity,
    BlockCopySummary? Disks = null);

/// <summary>The replay of a plan: per migration, per stage and for the whole plan, and where every VM ended
/// up (-1: lost).</summary>
public sealed record SimulationResult(
    SimulationOptions Options,
    SimulationSummary Summary,
    ImmutableArray<VmMigrationResult> Migrations,
    ImmutableArray<StageResult> Stages,
    Placement Final);
