namespace Consolidator.Sweeps;

/// <summary>What one point of a sweep costs and risks. Energy is the planner's kWh per day after the
/// migrations; overload is host-hours over physical capacity on the raw trace where the VMs end up;
/// downtimes are from the live-migration replay.</summary>
public sealed record SweepFigures(
    double EnergyKWhPerDay,
    int ActiveHosts,
    int Migrations,
    double DataMovedGiB,
    double MigrationSeconds,
    double WorstDowntimeMs,
    double P99DowntimeMs,
    double OverloadHostHours,
    int SloViolations);

/// <summary>A point and its figures, or why it has none (an infeasible combination of options).</summary>
public sealed record SweepPointResult(SweepPoint Point, SweepFigures? Figures, string? Failure, bool Pareto = false);
