using Consolidator.Packing;
using Consolidator.Simulation;

namespace Consolidator.Reporting;

/// <summary>Writes simulation.json (schema "consolidator.simulation/1", documented in docs/reference.md) and the
/// "simulation" objects of plan.json, as <see cref="SimulationJson"/> records through the source-generated
/// serializer. Deterministic: no wall-clock times, no paths; figures rounded to 3 decimals, which hides float
/// noise and is below every figure's precision.</summary>
public static class SimulationJsonWriter
{
    public const string Schema = "consolidator.simulation/1";

    public static string ToJson(SimulationResult result, PlacementProblem p) =>
        ReportJson.Serialize(new SimulationJson(Schema, Options(result.Options), Summary(result.Summary, p),
            [.. result.Stages.Select(s => new SimulationStageJson(s.Number, R(s.StartSeconds), R(s.EndSeconds), R(s.MakespanSeconds),
                s.Migrations, s.Completed, s.Failed, s.Skipped, s.Placements))],
            [.. result.Migrations.Select(m => Migration(m, result.Options, p))]), ReportJsonContext.Default.SimulationJson);

    internal static SimulationOptionsJson Options(SimulationOptions o) => new(
        MigrationMethods.Name(o.Method), R(o.MaxDowntimeSeconds * 1000), o.Rules.Name, o.Transport.Name, R(o.DefaultNicGbps),
        o.MaxConcurrentPerHost, o.HybridRounds, R(o.Compress.Ratio), R(o.Compress.IsOn ? o.Compress.ThroughputMibPerSecond : null),
        R(o.FaultPlan.LinkFailureProbability), R(o.FaultPlan.FailAtSeconds), R(o.FaultPlan.CheckpointIntervalSeconds), o.FaultPlan.Seed,
        R(o.FaultPlan.RecoverySeconds), R(o.QemuDowntimeLimit * 1000), R(o.MaxBandwidthMibPerSecond), o.Streams, SloName(o.Slo),
        R(o.PreCopyTimeoutSeconds));

    /// <summary>The plan-level figures (plan.json embeds them in its summary).</summary>
    internal static SimulationSummaryJson Summary(SimulationSummary s, PlacementProblem p) => new(
        s.Migrations, R(s.TotalSeconds), R(s.DataMovedGiB), R(s.WorstDowntimeSeconds * 1000),
        s.WorstDowntimeVm is { } v ? p.Vms[v].Id : null, R(s.MeanDowntimeSeconds * 1000), R(s.MaxDowntimeSeconds * 1000),
        s.SloViolations, SloName(s.Slo), R(s.WorstSloDowntimeSeconds * 1000), R(s.FaultStallSeconds), s.NonConverging,
        new SimulationMethodsJson(s.PreCopy, s.PostCopy, s.Hybrid), R(s.DegradedSeconds), R(s.MigrationEnergyWh),
        R(s.MigrationEnergyPowerModelWh), R(s.EnergyKWhPerDayBefore), R(s.EnergyKWhPerDayAfter),
        new SimulationFailuresJson(s.Completed, s.Aborted, s.Restored, s.Lost, s.Skipped, s.Recovered, R(s.LostStateSeconds), s.VmsOffTarget),
        new OverCapacityJson(R(s.OverCapacity.HostHoursBefore), R(s.OverCapacity.HostHoursAfter), s.OverCapacity.HostsBefore,
            s.OverCapacity.HostsAfter, R(s.OverCapacity.TraceHours)),
        R(s.PeakNicUtilisation),
        s.Disks is { } d ? new SimulationDisksJson(d.Copies, R(d.BulkGiB), R(d.CopiedGiB), R(d.DedupSavedGiB), R(d.Seconds), R(d.LongestSeconds), d.NonConverging) : null);

    private static SimulationMigrationJson Migration(VmMigrationResult m, SimulationOptions o, PlacementProblem p) => new(
        p.Vms[m.Vm].Id, p.Hosts[m.From].Id, p.Hosts[m.To].Id, m.Stage, Names.Of(m.Kind), MigrationMethods.Name(m.Method), m.MethodReason,
        Names.Of(m.Status), R(m.StartSeconds), R(m.EndSeconds), R(m.TotalSeconds), R(m.DowntimeSeconds * 1000), SloViolation(m, o),
        R(m.WireMib), m.Rounds, m.Converged, R(m.DegradedSeconds), R(m.FaultStallSeconds), R(m.LostStateSeconds), R(m.EnergyJoules),
        R(m.PowerModelJoules), R(m.CompressionCpuSeconds), R(m.TimeoutSeconds), R(m.QemuDowntimeLimitSeconds * 1000), m.Note,
        m.Disk is { } d ? new SimulationMigrationDiskJson(R(d.BulkMib), R(d.DedupSavedMib), R(d.CopiedMib), R(d.Seconds), d.Converged) : null);

    /// <summary>What the SLO judges, as simulation.json spells it.</summary>
    public static string SloName(SloDowntime slo) => slo == SloDowntime.Stop ? "stop" : "stop+stalls";

    public static bool SloViolation(VmMigrationResult m, SimulationOptions o) =>
        m.SloDowntimeSeconds(o.Slo) > o.MaxDowntimeSeconds + MethodChoice.DowntimeToleranceSeconds;

    private static double R(double value) => ReportJson.Round(value);

    private static double? R(double? value) => ReportJson.Round(value);
}
