using System.Collections.Immutable;
using System.Globalization;

namespace Consolidator.Calibration;

/// <summary>The calibration table as Markdown (the README's) and as a short summary line.</summary>
public static class CalibrationTable
{
    public static void WriteMarkdown(ImmutableArray<CalibrationRow> rows, TextWriter w)
    {
        w.WriteLine("| point | role | measured total / downtime / data | simulated (downtime as QEMU reports it) | ratio (sim/meas) | within tolerance |");
        w.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var r in rows)
        {
            var m = r.Measured;
            var runs = m.DowntimeRuns is { } s ? F($" ({s.Runs} runs: {s.Low * 1000:0}-{s.High * 1000:0} ms)") : "";
            var measured = $"{Range(m.TotalLowSeconds, m.TotalHighSeconds, "s")} / {Ms(m.DowntimeSeconds)}{runs} / {Mib(m.DataMib)}" +
                (m.Converges is { } c ? (c ? ", converges" : ", does not converge") : "");
            if (r.Point.NotReproducible is { } why)
            {
                w.WriteLine($"| {Cell(r.Id)} | {Role(r.Point.Role)} | {measured} | - | - | not replayed: {Cell(why)} |");
                continue;
            }
            var p = r.Predicted!;
            var simulated = F($"{p.TotalSeconds:0.##} s / {p.QemuDowntimeSeconds * 1000:0} ms / {p.WireMib:0} MiB") +
                (m.Converges is not null ? (p.Converged ? ", converges" : ", does not converge") : "");
            var ratio = $"{Ratio(r.TotalRatio)} / {Ratio(r.DowntimeRatio)} / {Ratio(r.DataRatio)}";
            var verdict = r.Fits ? "yes" : "**no**";
            if (r.Point.DowntimeNotReproducible is { } why2) verdict += $" (downtime not judged: {Cell(why2)})";
            w.WriteLine($"| {Cell(r.Id)} | {Role(r.Point.Role)} | {measured} | {simulated} | {ratio} | {verdict} |");
        }
    }

    /// <summary>One line per role: points, within tolerance, worst ratios.</summary>
    public static IEnumerable<string> Summary(ImmutableArray<CalibrationRow> rows)
    {
        foreach (var g in rows.Where(r => r.Point.NotReproducible is null).GroupBy(r => r.Point.Role).OrderBy(g => g.Key))
        {
            static double Worst(IEnumerable<double?> xs) => xs.Where(x => x is > 0).Select(x => Math.Abs(Math.Log(x!.Value))).DefaultIfEmpty(0).Max();
            var own = g.Any(r => r.Measured.DowntimeRuns is not null) ? F($" ({g.Count(r => r.FitsOwnRun)} with each downtime judged against its own run alone)") : "";
            yield return F($"{Role(g.Key)}: {g.Count(r => r.Fits)} of {g.Count()} within tolerance{own}; worst ratio total x{Math.Exp(Worst(g.Select(r => r.TotalRatio))):0.00}, ") + F(
                $"downtime x{Math.Exp(Worst(g.Select(r => r.DowntimeRatio))):0.00}, data x{Math.Exp(Worst(g.Select(r => r.DataRatio))):0.00}");
        }
        var skipped = rows.Count(r => r.Point.NotReproducible is not null);
        if (skipped > 0) yield return $"not replayed (reason given): {skipped}";
    }

    private static string Role(PointRole role) => role switch
    {
        PointRole.Fit => "lab, fit",
        PointRole.PublishedFit => "published, used to set a default",
        PointRole.Holdout => "lab, held out",
        _ => "published",
    };

    private static string Range(double? low, double? high, string unit) =>
        low is not { } l ? "-" : high is { } h && h > l ? F($"{l:0.##}-{h:0.##} {unit}") : F($"{l:0.##} {unit}");

    private static string Ms(double? seconds) => seconds is { } s ? F($"{s * 1000:0} ms") : "-";

    private static string Mib(double? mib) => mib is { } m ? F($"{m:0} MiB") : "-";

    private static string Ratio(double? r) => r is { } x ? F($"{x:0.00}") : "-";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
