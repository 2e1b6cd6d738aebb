using System.Collections.Immutable;

namespace Consolidator.Calibration;

/// <summary>The lowest, median and highest of one figure over the runs of a setting.</summary>
public sealed record RunSpread(double Low, double Median, double High)
{
    public static RunSpread Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("a spread needs at least one value", nameof(values));
        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new RunSpread(sorted[0], median, sorted[^1]);
    }
}

/// <summary>One migration of a lab setting (a scenario, one of its guests) over all its recorded runs: the setting's
/// measured figure is the median of its runs, shown with their spread, and its predicted figure the median of the
/// runs' predictions (each run is replayed at the CPU share and dirty rate measured in it). Repeated runs of one setting
/// on this shared machine differ by more than the tolerance (an idle guest's stop falls at a random phase of QEMU's
/// last iteration; the load moves the CPU shares), so one run is one draw and the median is the measurement judged.</summary>
/// <param name="Runs">The setting's runs, each with its own prediction, ratio and verdict against its own figures.</param>
public sealed record CalibrationSetting(
    string Id,
    PointRole Role,
    ImmutableArray<CalibrationRow> Runs,
    RunSpread MeasuredTotal,
    RunSpread? MeasuredDowntime,
    RunSpread MeasuredData,
    double PredictedTotal,
    double? PredictedDowntime,
    double PredictedData,
    Tolerance Tolerance)
{
    /// <summary>Runs a setting needs before its median is judged: one run is one draw of a spread wider than the
    /// tolerance, and three is the fewest whose median leaves out one far draw at either end.</summary>
    public const int MinimumRuns = 3;

    /// <summary>The setting has enough runs for its median to be judged.</summary>
    public bool Judged => Runs.Length >= MinimumRuns;

    public double TotalRatio => PredictedTotal / MeasuredTotal.Median;

    public double? DowntimeRatio => PredictedDowntime is { } p && MeasuredDowntime is { Median: > 0 } d ? p / d.Median : null;

    public double DataRatio => PredictedData / MeasuredData.Median;

    public bool TotalFits => Tolerance.TimeOrDataFits(PredictedTotal, MeasuredTotal.Median, MeasuredTotal.Median);

    public bool DowntimeFits => PredictedDowntime is not { } p || MeasuredDowntime is not { } d || Tolerance.DowntimeFits(p, d.Median);

    public bool DataFits => Tolerance.TimeOrDataFits(PredictedData, MeasuredData.Median, MeasuredData.Median);

    /// <summary>The medians are within tolerance, and every run reached the stop the model says it reaches (whether or not
    /// the setting has enough runs to be <see cref="Judged"/>).</summary>
    public bool Fits => TotalFits && DowntimeFits && DataFits && Runs.All(r => r.ConvergenceFits);

    /// <summary>Runs within tolerance of their own figures.</summary>
    public int RunsFitting => Runs.Count(r => r.Fits);
}

/// <summary>Groups the calibration rows of lab runs into their settings.</summary>
public static class CalibrationSettings
{
    /// <summary>One entry per setting and migration, in the order the rows first name them; rows without a setting
    /// (published points), settings that cannot be replayed (a written reason) and runs QEMU did not finish (no figures to
    /// take a median of: lab/qemu/stop-probe.py's timeouts, judged by their verdict in the table of runs) are left out.</summary>
    public static ImmutableArray<CalibrationSetting> Of(IEnumerable<CalibrationRow> rows) =>
        [.. rows.Where(r => r.Point.SettingId is not null && r.Predicted is not null && r.Measured.TotalLowSeconds is not null)
            .GroupBy(r => (Setting: r.Point.SettingId!, r.Migration, Concurrent: r.Point.Vms.Length > 1))
            .Select(g =>
            {
                var runs = g.ToImmutableArray();
                var first = runs[0];
                var judgeDowntime = runs.All(r => r.Measured.DowntimeSeconds is not null && r.Point.DowntimeNotReproducible is null);
                return new CalibrationSetting(
                    g.Key.Concurrent ? $"{g.Key.Setting} #{g.Key.Migration}" : g.Key.Setting,
                    first.Point.Role, runs,
                    RunSpread.Of(runs.Select(r => r.Measured.TotalLowSeconds!.Value)),
                    judgeDowntime ? RunSpread.Of(runs.Select(r => r.Measured.DowntimeSeconds!.Value)) : null,
                    RunSpread.Of(runs.Select(r => r.Measured.DataMib!.Value)),
                    RunSpread.Of(runs.Select(r => r.Predicted!.TotalSeconds)).Median,
                    judgeDowntime ? RunSpread.Of(runs.Select(r => r.Predicted!.QemuDowntimeSeconds)).Median : null,
                    RunSpread.Of(runs.Select(r => r.Predicted!.WireMib)).Median,
                    first.Point.Tolerance);
            })];
}
