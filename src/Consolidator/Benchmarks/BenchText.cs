using System.Globalization;

namespace Consolidator.Benchmarks;

/// <summary>The benchmark table as aligned text for a terminal: the machine, one line per instance, the
/// vector packing summary per class, and what was skipped.</summary>
public static class BenchText
{
    /// <summary>Above this many vector packing rows the text shows only their summary (bench.csv has them all).</summary>
    public const int MaxVectorPackingRows = 40;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="table">Draws a table instead of the aligned text (the CLI's terminal tables) and says whether it
    /// did; null or false: text.</param>
    public static void Write(BenchReport report, TextWriter o, Func<string[], IReadOnlyList<string[]>, bool>? table = null)
    {
        void Table(string[] header, IEnumerable<string[]> rows)
        {
            string[][] all = [.. rows];
            if (table is null || !table(header, all)) PlainTable(o, header, all);
        }

        o.WriteLine($"machine: {report.Machine}");
        var packing = report.Rows.Count(r => r.Family == VectorPackingFamily.FamilyName);
        var shown = report.Rows.Where(r => r.Family != VectorPackingFamily.FamilyName || packing <= MaxVectorPackingRows).ToArray();
        if (shown.Length > 0)
        {
            o.WriteLine();
            Table(
                ["family", "instance", "VMs", "hosts", "windows", "seconds", "active", "LB", "/LB", "optimum", "/opt",
                 "peak FFD", "/FFD", "energy/now", "energy/LB", "kept", "kept/UB", "peak MiB", "status"],
                shown.Select(r => r.Error is { } e
                    ? new[] { r.Family, r.Instance, "error: " + e }
                    : [r.Family, r.Instance, I(r.Vms), I(r.Hosts), I(r.Windows), F(r.Seconds, "0.0"), I(r.ActiveHosts),
                       I(r.LowerBound), F(r.RatioToLowerBound, "0.000"), I(r.Optimum), F(r.RatioToOptimum, "0.000"),
                       I(r.PeakSizedFfdHosts), F(r.RatioToPeakSizedFfd, "0.000"), F(r.EnergyVsCurrent, "0.000"),
                       F(r.EnergyVsLowerBound, "0.000"), I(r.KeptInPlace), F(r.KeptShare, "0.000"), F(r.PeakMemoryMib, "0"), r.BelowBound ? "BELOW BOUND (bug)" : r.Status ?? ""]));
        }
        foreach (var r in shown.Where(r => r.Note is not null)) o.WriteLine($"note: {r.Family}/{r.Instance}: {r.Note}");
        if (packing > MaxVectorPackingRows)
            o.WriteLine($"({packing} vector packing instances: one line each in bench.csv)");

        var summary = report.VectorPacking;
        if (!summary.IsEmpty)
        {
            o.WriteLine();
            o.WriteLine("vector packing, per class (ratios to the known optimum; 'published' = best of the paper's heuristics on the same instances):");
            Table(
                ["class", "instances", "OPT known", "at OPT", "mean /OPT", "published at OPT", "published /OPT", "below bound", "worse than published", "failed"],
                summary.Select(s => new[]
                {
                    s.Group, I(s.Instances), I(s.WithKnownOptimum), P(s.ShareAtOptimum), F(s.MeanRatioToOptimum, "0.000"),
                    P(s.PublishedShareAtOptimum), F(s.PublishedMeanRatioToOptimum, "0.000"), I(s.BelowBound),
                    I(s.WorseThanPublishedBest), I(s.Failed),
                }));
        }
        foreach (var s in report.Skipped) o.WriteLine($"skipped: {s}");
    }

    /// <summary>Columns as wide as their widest cell; text left, numbers right. A short row (an error) runs
    /// its last cell on without alignment.</summary>
    private static void PlainTable(TextWriter o, string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToArray();
        var widths = header.Select((_, c) => all.Where(r => r.Length == header.Length).Max(r => r[c].Length)).ToArray();
        foreach (var row in all)
        {
            var cells = row.Select((cell, c) => row.Length < header.Length && c == row.Length - 1 ? cell
                : IsNumber(cell) ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]));
            o.WriteLine(string.Join("  ", cells).TrimEnd());
        }
    }

    private static bool IsNumber(string cell) => cell.Length > 0 && (char.IsDigit(cell[0]) || cell == "-" || cell.EndsWith('%'));

    private static string I(int? x) => x?.ToString(Inv) ?? "-";

    private static string F(double? x, string format) => x?.ToString(format, Inv) ?? "-";

    private static string P(double? x) => x?.ToString("0.0%", Inv) ?? "-";
}
