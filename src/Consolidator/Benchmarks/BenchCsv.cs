using System.Globalization;
using CsvHelper;

namespace Consolidator.Benchmarks;

/// <summary>bench.csv (one line per instance) and bench-vector-packing.csv (one line per class), invariant
/// culture, "\n" line ends; an unknown figure is an empty field.</summary>
public static class BenchCsv
{
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        NewLine = "\n",
        FormatProvider = CultureInfo.InvariantCulture,
    };

    public static readonly string[] RowHeader =
    [
        "family", "instance", "group", "vms", "hosts", "windows", "seconds", "active_hosts", "lower_bound",
        "ratio_to_lower_bound", "optimum", "ratio_to_optimum", "peak_sized_ffd_hosts", "ratio_to_peak_sized_ffd",
        "energy_vs_current", "energy_vs_lower_bound", "kept_in_place", "keepable_upper_bound", "kept_share", "gap", "status", "published_lower_bound",
        "published_best_heuristic", "peak_memory_mib", "below_bound", "measures", "note", "error",
    ];

    public static readonly string[] SummaryHeader =
    [
        "group", "instances", "with_known_optimum", "at_optimum", "share_at_optimum", "mean_ratio_to_optimum",
        "published_at_optimum", "published_share_at_optimum", "published_mean_ratio_to_optimum",
        "below_bound", "worse_than_published_best", "failed",
    ];

    public static void WriteRows(BenchReport report, TextWriter writer)
    {
        using var csv = CsvWriter.Create(writer, Options, leaveOpen: true);
        csv.WriteRecord(RowHeader);
        foreach (var r in report.Rows)
            csv.WriteRecord(
                r.Family, r.Instance, r.Group ?? "", N(r.Vms), N(r.Hosts), N(r.Windows), N(r.Seconds), N(r.ActiveHosts),
                N(r.LowerBound), N(r.RatioToLowerBound), N(r.Optimum), N(r.RatioToOptimum), N(r.PeakSizedFfdHosts),
                N(r.RatioToPeakSizedFfd), N(r.EnergyVsCurrent), N(r.EnergyVsLowerBound), N(r.KeptInPlace), N(r.KeepableUpperBound), N(r.KeptShare), N(r.Gap), r.Status ?? "",
                N(r.PublishedLowerBound), N(r.PublishedBestHeuristic), N(r.PeakMemoryMib), r.BelowBound ? "true" : "false",
                r.Measures is null ? "" : string.Join(";", r.Measures.Select(kv => $"{kv.Key}={N(kv.Value)}")),
                r.Note ?? "", r.Error ?? "");
    }

    public static void WriteVectorPacking(BenchReport report, TextWriter writer)
    {
        using var csv = CsvWriter.Create(writer, Options, leaveOpen: true);
        csv.WriteRecord(SummaryHeader);
        foreach (var s in report.VectorPacking)
            csv.WriteRecord(
                s.Group, N(s.Instances), N(s.WithKnownOptimum), N(s.AtOptimum), N(s.ShareAtOptimum), N(s.MeanRatioToOptimum),
                N(s.PublishedAtOptimum), N(s.PublishedShareAtOptimum), N(s.PublishedMeanRatioToOptimum),
                N(s.BelowBound), N(s.WorseThanPublishedBest), N(s.Failed));
    }

    private static string N(int? x) => x?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string N(double? x) => x?.ToString("R", CultureInfo.InvariantCulture) ?? "";
}
