using System.Text.Json.Serialization;

namespace Consolidator.Reporting;

// plan.json as records: the serializer writes them in declaration order with snake_case names
// (ReportJsonContext), so the property names below are the file's field names. What a reader needs is
// nullable so that it can say which field is missing; PlanJsonReader and the export reader check the rest.

internal sealed record PlanJson(string? Schema,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PlanDatasetJson? Dataset,
    PlanOptionsJson? Options, PlanSummaryJson? Summary,
    IReadOnlyList<PlacementJson>? Placement, IReadOnlyList<PlanStageJson>? Stages, IReadOnlyList<BlockedJson>? Blocked);

/// <summary>The dataset a plan was made from: its folder relative to the plan's own folder (so the two can move
/// together, and the bytes do not depend on where they sit), and <see cref="Traces.Dataset.Fingerprint"/>.</summary>
public sealed record PlanDatasetJson(string? Path, string? Fingerprint);

internal sealed record PlanOptionsJson(
    string? Windows, string? WindowsChoice, double? Percentile, double? HalfLifeHours, double? Margin,
    // Written only when not the default, so that plans sized by the percentile read as they always did.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sizing,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? MultiplexVms,
    double? Headroom, double? MigrationWeightWhPerGib, bool? MemoryAllocationFloor, double? CpuAllocationRatio, double? RamAllocationRatio,
    // Written only when disks sit on local storage, so that plans without them read as they always did.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? DiskWeightWhPerGib,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? WholeDisks,
    double TimeLimitS, int Seed, int Workers, bool Deterministic, IReadOnlyList<WindowJson>? WindowList, SimulationOptionsJson? Simulation);

internal sealed record WindowJson(int Index, string Label, double Hours);

internal sealed record PlanSummaryJson(
    int Vms, int Hosts, int ActiveHostsBefore, int ActiveHostsAfter, double EnergyKwhPerDayBefore, double EnergyKwhPerDayAfter,
    int Migrations, int RelayMigrations, int FirstPlacements, int Stages, double MemoryMovedGib, int HostLowerBound,
    double EnergyLowerBoundKwhPerDay, int KeptInPlace, int KeepableUpperBound, double MigrationCostWh, int MovesLowerBound,
    double MigrationCostLowerBoundWh, double EnergyGap, SolverJson Solver, BaselinesJson Baselines,
    IReadOnlyDictionary<string, int> VmClasses, IReadOnlyList<string> Notes, SimulationSummaryJson? Simulation,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PlanStorageJson? Storage = null);

/// <summary>Local storage before and after (present only when some VM's disk sits on local storage): see
/// Planning/StorageSummary.</summary>
internal sealed record PlanStorageJson(int LocalHosts, double CapacityGib, double UsedGibBefore, double UsedGibAfter, double WholeGibAfter,
    double SavedByImagesGib, double DiskSentGib, double DiskSentWholeGib, double DiskSentSavedGib, string PlacementCounts);

internal sealed record SolverJson(string Engine, string Status, double ObjectiveWh, double BoundWh, double Gap);

internal sealed record BaselinesJson(double? PeakSizedFfdHosts, double? PeakSizedFfdEnergyKwhPerDay, double? TemporalFfdHosts, double? TemporalBfdHosts);

internal sealed record PlacementJson(string? VmId, string? HostId, string? CurrentHost, string? Class);

internal sealed record PlanStageJson(int? Stage, IReadOnlyList<PlanMigrationJson>? Migrations);

internal sealed record PlanMigrationJson(string? VmId, string? FromHost, string? ToHost, string? Kind, double? MemoryMib);

internal sealed record BlockedJson(string? VmId, string? FromHost, string? ToHost, string? Reason);
