using System.Collections.Immutable;
using System.Globalization;

namespace Consolidator.Calibration;

/// <summary>The calibration table as Markdown (docs/simulator.md's) and as a short summary line.</summary>
public static class CalibrationTable
{
    public static void WriteMarkdown(ImmutableArray<CalibrationRow> rows, TextWriter w)
    {
        w.WriteLine("| point | role | measured total / downtime / data | simulated (downtime as QEMU reports it) | ratio (sim/meas) | within tolerance |");
        w.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var r in rows)
        {
            var m = r.Measured;
            var measured = $"{Range(m.TotalLowSeconds, m.TotalHighSeconds, "s")} / {Ms(m.DowntimeSeconds)} / {Mib(m.DataMib)}" +
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
            var verdict = r.Fits ? "yes" : r.Point.KnownMiss is { } miss ? $"**no** (known: {Cell(miss)})" : "**no**";
            if (r.Point.DowntimeNotReproducible is { } why2) verdict += $" (downtime not judged: {Cell(why2)})";
            w.WriteLine($"| {Cell(r.Id)} | {Role(r.Point.Role)} | {measured} | {simulated} | {ratio} | {verdict} |");
        }
    }

    /// <summary>The lab's settings judged by the median of their runs: the measured median with the runs' lowest and
    /// highest, the median of the runs' predictions, the ratio of the two and the verdict, and how many runs are within
    /// tolerance of their own figures.</summary>
    public static void WriteSettingsMarkdown(ImmutableArray<CalibrationSetting> settings, TextWriter w)
    {
        w.WriteLine("| setting | role | runs | measured median (lowest-highest) total / downtime / data | simulated median | ratio (sim/meas) | median within tolerance | runs within tolerance |");
        w.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var s in settings)
        {
            var measured = F($"{Spread(s.MeasuredTotal, 1, "0.##")} s / ") +
                (s.MeasuredDowntime is { } d ? F($"{Spread(d, 1000, "0")} ms") : "-") + F($" / {Spread(s.MeasuredData, 1, "0")} MiB");
            var simulated = F($"{s.PredictedTotal:0.##} s / ") + (s.PredictedDowntime is { } p ? F($"{p * 1000:0} ms") : "-") + F($" / {s.PredictedData:0} MiB");
            var ratio = $"{Ratio(s.TotalRatio)} / {Ratio(s.DowntimeRatio)} / {Ratio(s.DataRatio)}";
            var verdict = !s.Judged ? F($"not judged: {s.Runs.Length} run{(s.Runs.Length == 1 ? "" : "s")} (at least {CalibrationSetting.MinimumRuns})")
                : s.Fits ? "yes" : "**no**";
            w.WriteLine(F($"| {Cell(s.Id)} | {Role(s.Role)} | {s.Runs.Length} | {measured} | {simulated} | {ratio} | {verdict} | {s.RunsFitting} of {s.Runs.Length} |"));
        }
    }

    /// <summary>One line per role: points, within tolerance, worst ratios; then the lab's settings by their medians.</summary>
    public static IEnumerable<string> Summary(ImmutableArray<CalibrationRow> rows)
    {
        static double Worst(IEnumerable<double?> xs) => xs.Where(x => x is > 0).Select(x => Math.Abs(Math.Log(x!.Value))).DefaultIfEmpty(0).Max();
        foreach (var g in rows.Where(r => r.Point.NotReproducible is null).GroupBy(r => r.Point.Role).OrderBy(g => g.Key))
        {
            var what = g.Any(r => r.Point.SettingId is not null) ? " runs, each against its own figures" : "";
            var known = g.Count(r => !r.Fits && r.Point.KnownMiss is not null) is var k and > 0 ? F($" ({k} known miss{(k == 1 ? "" : "es")}, reason in the table)") : "";
            yield return F($"{Role(g.Key)}{what}: {g.Count(r => r.Fits)} of {g.Count()} within tolerance{known}; worst ratio total x{Math.Exp(Worst(g.Select(r => r.TotalRatio))):0.00}, ") + F(
                $"downtime x{Math.Exp(Worst(g.Select(r => r.DowntimeRatio))):0.00}, data x{Math.Exp(Worst(g.Select(r => r.DataRatio))):0.00}") + Closest(g);
        }
        var settings = CalibrationSettings.Of(rows);
        foreach (var g in settings.Where(s => s.Judged).GroupBy(s => s.Role).OrderBy(g => g.Key))
        {
            var runs = g.Select(s => s.Runs.Length).ToArray();
            yield return F($"{Role(g.Key)} settings, each by the median of its {runs.Min()}-{runs.Max()} runs: {g.Count(s => s.Fits)} of {g.Count()} within tolerance; ") + F(
                $"worst ratio total x{Math.Exp(Worst(g.Select(s => (double?)s.TotalRatio))):0.00}, downtime x{Math.Exp(Worst(g.Select(s => s.DowntimeRatio))):0.00}, ") + F(
                $"data x{Math.Exp(Worst(g.Select(s => (double?)s.DataRatio))):0.00}");
        }
        if (settings.Count(s => !s.Judged) is var fewer and > 0)
            yield return F($"lab settings of fewer than {CalibrationSetting.MinimumRuns} runs in their recording, shown and not judged: {fewer}");
        var skipped = rows.Count(r => r.Point.NotReproducible is not null);
        if (skipped > 0) yield return $"not replayed (reason given): {skipped}";
    }

    /// <summary>Of the points within a factor tolerance, the figure nearest its limit (its ratio's logarithm over the
    /// limit's), so that the margin the "within" hides is stated: ratios of a range are over its nearest end.</summary>
    private static string Closest(IEnumerable<CalibrationRow> rows)
    {
        var near = rows.Where(r => r.Fits && r.Predicted is not null && !r.Point.Tolerance.Relative)
            .SelectMany(r => new[] { (r, "total", r.TotalRatio, r.Point.Tolerance.TimeAndData), (r, "downtime", r.DowntimeRatio, r.Point.Tolerance.DowntimeFactor),
                (r, "data", r.DataRatio, r.Point.Tolerance.TimeAndData) })
            .Where(x => x.Item3 is > 0)
            .Select(x => (Row: x.r, What: x.Item2, Ratio: x.Item3!.Value, Limit: x.Item4, Share: Math.Abs(Math.Log(x.Item3!.Value)) / Math.Log(x.Item4)))
            .OrderByDescending(x => x.Share).ThenBy(x => x.Row.Id, StringComparer.Ordinal).FirstOrDefault();
        if (near.Row is null) return "";
        var range = near.What == "total" && near.Row.Measured.TotalHighSeconds > near.Row.Measured.TotalLowSeconds
            ? F($", over the {(near.Ratio > 1 ? "high" : "low")} end of the measured {near.Row.Measured.TotalLowSeconds:0.##}-{near.Row.Measured.TotalHighSeconds:0.##} s") : "";
        return F($"; closest to its limit of those within: {near.Row.Id}, {near.What} x{near.Ratio:0.00} (limit x{(near.Ratio > 1 ? near.Limit : 1 / near.Limit):0.##}{range})");
    }

    private static string Spread(RunSpread s, double scale, string format) =>
        s.High > s.Low
            ? $"{(s.Median * scale).ToString(format, CultureInfo.InvariantCulture)} ({(s.Low * scale).ToString(format, CultureInfo.InvariantCulture)}-{(s.High * scale).ToString(format, CultureInfo.InvariantCulture)})"
            : (s.Median * scale).ToString(format, CultureInfo.InvariantCulture);

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
