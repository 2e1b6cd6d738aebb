using System.Text.Json;

namespace Consolidator.Benchmarks;

/// <summary>bench.json (schema "consolidator.bench/1") and the one-line row a child process hands back.
/// Names are snake_case; unknown figures are null; ratios are rounded to 4 decimals.</summary>
public static class BenchJson
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
    };

    private static readonly JsonSerializerOptions OneLine = new(Indented) { WriteIndented = false };

    public static string ToJson(BenchReport report) => JsonSerializer.Serialize(new
    {
        schema = BenchReport.Schema,
        machine = report.Machine,
        settings = report.Settings,
        clean = report.Clean,
        rows = report.Rows,
        vector_packing = report.VectorPacking,
        skipped = report.Skipped,
    }, Indented) + "\n";

    public static string RowToLine(BenchRow row) => JsonSerializer.Serialize(row, OneLine);

    /// <exception cref="JsonException">The text is not a row.</exception>
    public static BenchRow RowFromLine(string line) =>
        JsonSerializer.Deserialize<BenchRow>(line, OneLine) ?? throw new JsonException("null instead of a benchmark row");
}
