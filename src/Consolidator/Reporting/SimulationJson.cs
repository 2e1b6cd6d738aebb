using System.Text.Json.Serialization;

namespace Consolidator.Reporting;

// simulation.json as records: the serializer writes them in declaration order with snake_case names
// (ReportJsonContext), so the property names below are the file's field names. Readers take every field as
// optional (a hand-written simulation.json for `export` gives only what it needs) and check what they use.

internal sealed record SimulationJson(string Schema, SimulationOptionsJson? Options, SimulationSummaryJson? Summary,
    IReadOnlyList<SimulationStageJson>? Stages, IReadOnlyList<SimulationMigrationJson>? Migrations);

internal sealed record SimulationOptionsJson(
    string Method, double MaxDowntimeMs, string Hypervisor, string Link, double DefaultNicGbps, int MaxConcurrentPerHost,
    int HybridRounds, double CompressionRatio, double? CompressionMibS, double FailLinkProbability, double? FailAtS,
    double? CheckpointIntervalS, int FaultSeed, double? PostcopyRecoveryS, double? QemuDowntimeLimitMs, double? MaxBandwidthMibS,
    int Streams, string SloJudges,
    // --precopy-timeout, written only when given, so that replays without it read as they always did; the export
    // derives each migration's timeout_s from it (or from the hypervisor's seconds per GiB) and checks the file's.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? PrecopyTimeoutS = null);

internal sealed record SimulationSummaryJson(
    int Migrations, double TotalTimeS, double DataMovedGib, double WorstDowntimeMs, string? WorstDowntimeVm, double MeanDowntimeMs,
    double MaxDowntimeMs, int SloViolations, string SloJudges, double WorstSloDowntimeMs, double FaultStallS, int NonConverging,
    SimulationMethodsJson Methods, double DegradedS, double MigrationEnergyWh, double MigrationEnergyPowerModelWh,
    double EnergyKwhPerDayBefore, double EnergyKwhPerDayAfter, SimulationFailuresJson Failures, OverCapacityJson OverCapacity,
    double PeakNicUtilisation,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SimulationDisksJson? Disks = null);

/// <summary>The plan's block copies (present only when some migration copied a local disk).</summary>
internal sealed record SimulationDisksJson(int Copies, double BulkGib, double CopiedGib, double DedupSavedGib, double CopyS, double LongestCopyS, int NonConverging);

/// <summary>One migration's block copy (present only when it copied a local disk).</summary>
internal sealed record SimulationMigrationDiskJson(double BulkMib, double DedupSavedMib, double CopiedMib, double CopyS, bool Converged);

internal sealed record SimulationMethodsJson(int Precopy, int Postcopy, int Hybrid);

internal sealed record SimulationFailuresJson(int Completed, int Aborted, int Restored, int Lost, int Skipped, int Recovered, double LostStateS, int VmsOffTarget);

internal sealed record OverCapacityJson(double HostHoursBefore, double HostHoursAfter, int HostsBefore, int HostsAfter, double TraceHours);

internal sealed record SimulationStageJson(int Stage, double StartS, double EndS, double MakespanS, int Migrations, int Completed, int Failed, int Skipped, int Placements);

internal sealed record SimulationMigrationJson(
    string? VmId, string? FromHost, string? ToHost, int? Stage, string? Kind, string? Method, string? MethodReason, string? Status,
    double StartS, double EndS, double TotalS, double DowntimeMs, bool SloViolation, double DataMib, int Rounds, bool Converged,
    double DegradedS, double FaultStallS, double LostStateS, double EnergyJ, double PowerModelEnergyJ, double CompressionCpuS,
    double? TimeoutS, double? QemuDowntimeLimitMs, string? Note,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SimulationMigrationDiskJson? Disk = null);
