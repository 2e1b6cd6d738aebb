using System.Collections.Immutable;

namespace Consolidator.Benchmarks;

/// <summary>How a class of vector packing instances went, next to the published best heuristic on the same
/// instances. Shares and mean ratios count only instances whose optimum is known and that ran.</summary>
public sealed record VectorPackingClassSummary(
    string Group,
    int Instances,
    int WithKnownOptimum,
    int AtOptimum,
    double? MeanRatioToOptimum,
    int PublishedAtOptimum,
    double? PublishedMeanRatioToOptimum,
    int BelowBound,
    int WorseThanPublishedBest,
    int Failed)
{
    public double? ShareAtOptimum => WithKnownOptimum > 0 ? Math.Round((double)AtOptimum / WithKnownOptimum, 4) : null;
    public double? PublishedShareAtOptimum => WithKnownOptimum > 0 ? Math.Round((double)PublishedAtOptimum / WithKnownOptimum, 4) : null;
}

public static class VectorPackingSummary
{
    /// <summary>One line per class (benchmark/class) in the order the rows came, then one per benchmark
    /// ("Panigrahy/all", the unit of the published summaries) and one for everything ("all").</summary>
    public static ImmutableArray<VectorPackingClassSummary> Of(IEnumerable<BenchRow> rows)
    {
        var packing = rows.Where(r => r.Family == VectorPackingFamily.FamilyName && r.Group is not null).ToArray();
        if (packing.Length == 0) return [];
        var byClass = packing.GroupBy(r => r.Group!).Select(g => Summarise(g.Key, g));
        var byBenchmark = packing.GroupBy(r => Benchmark(r.Group!)).Select(g => Summarise(g.Key + "/all", g));
        return [.. byClass, .. byBenchmark, Summarise("all", packing)];
    }

    private static VectorPackingClassSummary Summarise(string group, IEnumerable<BenchRow> rows)
    {
        var all = rows.ToArray();
        var ran = all.Where(r => r.Error is null && r.ActiveHosts is not null).ToArray();
        var known = ran.Where(r => r.Optimum is > 0).ToArray();
        var published = known.Where(r => r.PublishedBestHeuristic is not null).ToArray();
        return new VectorPackingClassSummary(
            group,
            all.Length,
            known.Length,
            known.Count(r => r.ActiveHosts == r.Optimum),
            Mean(known.Select(r => (double)r.ActiveHosts!.Value / r.Optimum!.Value)),
            published.Count(r => r.PublishedBestHeuristic == r.Optimum),
            Mean(published.Select(r => (double)r.PublishedBestHeuristic!.Value / r.Optimum!.Value)),
            ran.Count(r => r.BelowBound),
            ran.Count(r => r.ActiveHosts > r.PublishedBestHeuristic),
            all.Length - ran.Length);
    }

    private static string Benchmark(string group) => group.Split('/')[0];

    private static double? Mean(IEnumerable<double> xs)
    {
        var list = xs.ToArray();
        return list.Length == 0 ? null : Math.Round(list.Average(), 4);
    }
}
