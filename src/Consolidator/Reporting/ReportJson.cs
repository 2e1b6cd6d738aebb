using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Consolidator.Reporting;

/// <summary>How the tool's JSON files are written: indented, one final newline, figures rounded so that the
/// text never shows float noise (3 decimals is below any figure's precision; non-finite figures become null).</summary>
internal static class ReportJson
{
    public static string Serialize<T>(T document, JsonTypeInfo<T> type) => JsonSerializer.Serialize(document, type) + "\n";

    public static double Round(double value) => Math.Round(value, 3);

    public static double? Round(double? value) => value is { } v && double.IsFinite(v) ? Math.Round(v, 3) : null;
}

/// <summary>The source-generated serializer of plan.json and simulation.json (no reflection at run time).
/// Comments are skipped on reading, as a hand-edited plan may carry them.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(PlanJson))]
[JsonSerializable(typeof(SimulationJson))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
