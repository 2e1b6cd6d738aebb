using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Consolidator.Evaluation;

namespace Consolidator.Reporting;

/// <summary>Writes evaluation.json (schema "consolidator.evaluation/1", documented in the README): one entry per
/// train/test fold with every policy's test-period figures, through System.Text.Json's source-generated
/// serializer. No wall-clock times or paths. Figures are rounded to the digits that carry meaning (3 by default,
/// more for the small SLA fractions).</summary>
public static class EvaluationJsonWriter
{
    public const string Schema = "consolidator.evaluation/1";

    public static string ToJson(IReadOnlyList<EvaluationResult> folds) =>
        JsonSerializer.Serialize(new EvaluationDocument(Schema, [.. folds.Select(Fold)]), EvaluationJsonContext.Default.EvaluationDocument) + "\n";

    private static EvaluationFold Fold(EvaluationResult r) => new(
        r.Train.ToString(), r.Test.ToString(), R(r.TestDays), r.Vms, r.TrainOnlyVms, r.TestOnlyVms,
        Names.Of(r.Plan.Summary.SolverStatus), R(r.Plan.Summary.Gap), r.Plan.Summary.Stages,
        [.. r.Policies.Select(p => new EvaluationPolicy(p.Policy, R(p.ActiveHosts), R(p.EnergyKWhPerDay),
            R(p.CpuOverloadFraction, 6), R(p.MemoryOverloadFraction, 6), R(p.Slatah, 6), R(p.Pdm, 8), R(p.Slav, 10),
            R(p.CpuShortfall, 6), R(p.WorstCpuDepth, 4), R(p.P99CpuDepth, 4), R(p.WorstMemoryDepth, 4), R(p.P99MemoryDepth, 4),
            p.Migrations))],
        [.. r.Notes.Concat(r.Plan.Summary.Notes)]);

    private static double R(double value, int digits = 3) => Math.Round(value, digits);
}

internal sealed record EvaluationDocument(string Schema, ImmutableArray<EvaluationFold> Folds);

internal sealed record EvaluationFold(
    string Train, string Test, double TestDays, int Vms,
    [property: JsonPropertyName("vms_train_only")] int TrainOnlyVms,
    [property: JsonPropertyName("vms_test_only")] int TestOnlyVms,
    string SolverStatus, double SolverGap, int PlanStages,
    ImmutableArray<EvaluationPolicy> Policies, ImmutableArray<string> Notes);

internal sealed record EvaluationPolicy(
    string Policy, double ActiveHosts,
    [property: JsonPropertyName("energy_kwh_per_day")] double EnergyKWhPerDay,
    double CpuOverloadFraction, double MemoryOverloadFraction, double Slatah, double Pdm, double Slav, double CpuShortfall,
    [property: JsonPropertyName("worst_cpu_overload_depth")] double WorstCpuDepth,
    [property: JsonPropertyName("p99_cpu_overload_depth")] double P99CpuDepth,
    [property: JsonPropertyName("worst_memory_overload_depth")] double WorstMemoryDepth,
    [property: JsonPropertyName("p99_memory_overload_depth")] double P99MemoryDepth,
    int Migrations);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(EvaluationDocument))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
