using System.Collections.Immutable;

namespace Consolidator.Datasets;

/// <summary>What a benchmark's authors published for one instance, in bins: a lower bound, the optimum
/// when it is known, and the best result of their heuristics.</summary>
public sealed record PublishedResult(int LowerBound, int? Optimum, int BestHeuristic);

/// <summary>Reads a Vectorpack results table (<c>results/*_summary_known.csv</c>): TAB-separated, a header
/// with at least <c>instance_name LB OPT best_overall</c>; OPT is -1 when unknown.</summary>
public static class PublishedResults
{
    public static ImmutableSortedDictionary<string, PublishedResult> Read(string path)
    {
        using var file = DatasetFile.Open(path, '\t', "instance_name", "LB", "OPT", "best_overall");
        int name = file.Column("instance_name"), lb = file.Column("LB"), opt = file.Column("OPT"), best = file.Column("best_overall");
        var rows = ImmutableSortedDictionary.CreateBuilder<string, PublishedResult>(StringComparer.Ordinal);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        while (file.Read())
        {
            var instance = file.Id(name);
            if (!lines.TryAdd(instance, file.Line))
                throw file.Error(name, $"duplicate instance_name (first on line {lines[instance]})", instance);
            var lower = file.Integer(lb, 0);
            var optimum = file.Integer(opt, -1);
            if (optimum == 0 || (optimum > 0 && optimum < lower))
                throw file.Error(opt, $"OPT must be -1 (unknown) or a number of bins of at least LB ({lower})", file.Text(opt));
            var heuristic = file.Integer(best, Math.Max(1, Math.Max(lower, optimum)));
            rows[instance] = new PublishedResult(lower, optimum > 0 ? optimum : null, heuristic);
        }
        return rows.ToImmutable();
    }
}
