using System.Text;
using System.Text.Json;
using Consolidator.Evaluation;

namespace Consolidator.Reporting;

/// <summary>Writes evaluation.json (schema "consolidator.evaluation/1", documented in the README): one entry per
/// train/test fold with every policy's test-period figures. No wall-clock times or paths.</summary>
public static class EvaluationJsonWriter
{
    public const string Schema = "consolidator.evaluation/1";

    public static string ToJson(IReadOnlyList<EvaluationResult> folds)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("schema", Schema);
            json.WriteStartArray("folds");
            foreach (var fold in folds) WriteFold(json, fold);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteFold(Utf8JsonWriter json, EvaluationResult r)
    {
        json.WriteStartObject();
        json.WriteString("train", r.Train.ToString());
        json.WriteString("test", r.Test.ToString());
        Number(json, "test_days", r.TestDays);
        json.WriteNumber("vms", r.Vms);
        json.WriteNumber("vms_train_only", r.TrainOnlyVms);
        json.WriteNumber("vms_test_only", r.TestOnlyVms);
        json.WriteString("solver_status", Names.Of(r.Plan.Summary.SolverStatus));
        Number(json, "solver_gap", r.Plan.Summary.Gap);
        json.WriteNumber("plan_stages", r.Plan.Summary.Stages);
        json.WriteStartArray("policies");
        foreach (var p in r.Policies)
        {
            json.WriteStartObject();
            json.WriteString("policy", p.Policy);
            Number(json, "active_hosts", p.ActiveHosts);
            Number(json, "energy_kwh_per_day", p.EnergyKWhPerDay);
            Number(json, "cpu_overload_fraction", p.CpuOverloadFraction, 6);
            Number(json, "memory_overload_fraction", p.MemoryOverloadFraction, 6);
            Number(json, "slatah", p.Slatah, 6);
            Number(json, "pdm", p.Pdm, 8);
            Number(json, "slav", p.Slav, 10);
            Number(json, "cpu_shortfall", p.CpuShortfall, 6);
            Number(json, "worst_cpu_overload_depth", p.WorstCpuDepth, 4);
            Number(json, "p99_cpu_overload_depth", p.P99CpuDepth, 4);
            Number(json, "worst_memory_overload_depth", p.WorstMemoryDepth, 4);
            Number(json, "p99_memory_overload_depth", p.P99MemoryDepth, 4);
            json.WriteNumber("migrations", p.Migrations);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("notes");
        foreach (var n in r.Notes.Concat(r.Plan.Summary.Notes)) json.WriteStringValue(n);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter json, string name, double value, int digits = 3) => json.WriteNumber(name, Math.Round(value, digits));
}
