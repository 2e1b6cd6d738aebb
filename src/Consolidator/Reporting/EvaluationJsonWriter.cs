using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Consolidator.Evaluation;

namespace Consolidator.Reporting;

/// <summary>Writes evaluation.json (schema "consolidator.evaluation/2", documented in docs/reference.md): one entry per
/// fold with its re-planning rounds and every policy's test-period figures, then every policy over all folds and the
/// verdict against LR-MMT (<see cref="Verdict"/>),
/// through System.Text.Json's source-generated serializer. No wall-clock times or paths. Figures are rounded to
/// the digits that carry meaning (3 by default, more for the small SLA fractions).</summary>
public static class EvaluationJsonWriter
{
    public const string Schema = "consolidator.evaluation/2";

    public static string ToJson(EvaluationRun run) =>
        JsonSerializer.Serialize(new EvaluationDocument(Schema, [.. run.Folds.Select(Fold)], R(run.Days), [.. run.Overall.Select(Policy)],
            Verdict.Of(run) is { } v ? new EvaluationVerdict(v.Policy, v.Baseline, v.Holds, [.. v.Checks.Select(c => new EvaluationCheck(c.Name, R(c.Value, 6), c.Limit, c.Holds, c.Text))]) : null),
            EvaluationJsonContext.Default.EvaluationDocument) + "\n";

    private static EvaluationFold Fold(EvaluationResult r) => new(
        r.Train.ToString(), r.Test.ToString(), R(r.TestDays), r.Vms, r.TrainOnlyVms, r.TestOnlyVms,
        Names.Of(r.Plan.Summary.SolverStatus), R(r.Plan.Summary.Gap), r.Plan.Summary.Stages,
        [.. r.Rounds.Select(x => new EvaluationRound(Period.Stamp(x.Time), x.Vms, x.Windows, x.Hosts, x.Migrations, x.Stages, R(x.DowntimeSeconds),
            Names.Of(x.SolverStatus), R(x.Gap), x.Notes))],
        [.. r.Policies.Select(Policy)],
        [.. r.Notes.Concat(r.Plan.Summary.Notes)]);

    private static EvaluationPolicy Policy(PolicyOutcome p) => new(p.Policy, R(p.ActiveHosts), R(p.EnergyKWhPerDay), R(p.MigrationEnergyKWh, 4),
        R(p.IdleEnergyKWhPerDay), R(p.PoweredCores),
        R(p.CpuOverloadFraction, 6), R(p.MemoryOverloadFraction, 6), R(p.Slatah, 6), R(p.Pdm, 8), R(p.Slav, 10),
        R(p.CpuShortfall, 6), R(p.ThrottledInteractive, 6), R(p.ThrottledBatch, 6),
        R(p.WorstCpuDepth, 4), R(p.P99CpuDepth, 4), R(p.WorstMemoryDepth, 4), R(p.P99MemoryDepth, 4),
        p.Migrations, R(p.DowntimeSeconds));

    private static double R(double value, int digits = 3) => Math.Round(value, digits);
}

internal sealed record EvaluationDocument(string Schema, ImmutableArray<EvaluationFold> Folds, double Days, ImmutableArray<EvaluationPolicy> Overall,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EvaluationVerdict? Verdict);

internal sealed record EvaluationVerdict(string Policy, string Baseline, bool Holds, ImmutableArray<EvaluationCheck> Checks);

internal sealed record EvaluationCheck(string Name, double Value, double Limit, bool Holds, string Text);

internal sealed record EvaluationFold(
    string Train, string Test, double TestDays, int Vms,
    [property: JsonPropertyName("vms_train_only")] int TrainOnlyVms,
    [property: JsonPropertyName("vms_test_only")] int TestOnlyVms,
    string SolverStatus, double SolverGap, int PlanStages,
    ImmutableArray<EvaluationRound> Rounds,
    ImmutableArray<EvaluationPolicy> Policies, ImmutableArray<string> Notes);

internal sealed record EvaluationRound(string Time, int Vms, string Windows, int Hosts, int Migrations, int Stages,
    [property: JsonPropertyName("downtime_s")] double DowntimeSeconds,
    string SolverStatus, double SolverGap, ImmutableArray<string> Notes);

internal sealed record EvaluationPolicy(
    string Policy, double ActiveHosts,
    [property: JsonPropertyName("energy_kwh_per_day")] double EnergyKWhPerDay,
    [property: JsonPropertyName("migration_energy_kwh")] double MigrationEnergyKWh,
    [property: JsonPropertyName("idle_energy_kwh_per_day")] double IdleEnergyKWhPerDay,
    double PoweredCores,
    double CpuOverloadFraction, double MemoryOverloadFraction, double Slatah, double Pdm, double Slav, double CpuShortfall,
    double ThrottledInteractive, double ThrottledBatch,
    [property: JsonPropertyName("worst_cpu_overload_depth")] double WorstCpuDepth,
    [property: JsonPropertyName("p99_cpu_overload_depth")] double P99CpuDepth,
    [property: JsonPropertyName("worst_memory_overload_depth")] double WorstMemoryDepth,
    [property: JsonPropertyName("p99_memory_overload_depth")] double P99MemoryDepth,
    int Migrations,
    [property: JsonPropertyName("downtime_s")] double DowntimeSeconds);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(EvaluationDocument))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
