namespace Consolidator.Sweeps;

/// <summary>What one point of a sweep costs and risks. Energy is the planner's kWh per day after the
/// migrations; overload is host-hours over physical capacity on the raw trace where the VMs end up;
/// downtimes are from the live-migration replay. The storage figures are null unless some VM's disk sits on local
/// storage: the local stores after the plan and what images stored once per host save there (the plan's storage
/// summary), the disk data the replay's block copies sent and what images already on the destinations spared.</summary>
public sealed record SweepFigures(
    double EnergyKWhPerDay,
    int ActiveHosts,
    int Migrations,
    double DataMovedGiB,
    double MigrationSeconds,
    double WorstDowntimeMs,
    double P99DowntimeMs,
    double OverloadHostHours,
    int SloViolations,
    double? StorageUsedGiB = null,
    double? StorageSavedGiB = null,
    double? DiskCopiedGiB = null,
    double? DiskDedupSavedGiB = null);

/// <summary>A point and its figures, or why it has none: an infeasible combination of options, or
/// (<paramref name="OutOfTime"/>) a plan the sweep's time limit left unstarted.</summary>
public sealed record SweepPointResult(SweepPoint Point, SweepFigures? Figures, string? Failure, bool Pareto = false, bool OutOfTime = false);
