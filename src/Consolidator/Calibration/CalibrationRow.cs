using System.Collections.Immutable;
using Consolidator.Simulation;

namespace Consolidator.Calibration;

/// <summary>One measured migration of a reference point against the simulator's prediction. Ratios are
/// predicted over measured (over the nearest end of a measured range); null where nothing was measured.</summary>
public sealed record CalibrationRow(
    ReferencePoint Point,
    int Migration,
    Measured Measured,
    VmMigrationResult? Predicted,
    double? TotalRatio,
    double? DowntimeRatio,
    double? DataRatio,
    bool TotalFits,
    bool DowntimeFits,
    bool DataFits,
    bool ConvergenceFits,
    bool DowntimeFitsOwnRun = true)
{
    /// <summary>Every figure that was measured is within tolerance (true for a point with a written reason).</summary>
    public bool Fits => Point.NotReproducible is not null || (TotalFits && DowntimeFits && DataFits && ConvergenceFits);

    /// <summary>As <see cref="Fits"/>, with the downtime judged against this run's own figure even where the
    /// setting was run more than once.</summary>
    public bool FitsOwnRun => Fits && DowntimeFitsOwnRun;

    public string Id => Point.Vms.Length > 1 ? $"{Point.Id} #{Migration}" : Point.Id;
}

/// <summary>Predicts every reference point and compares.</summary>
public static class CalibrationCheck
{
    public static ImmutableArray<CalibrationRow> Compare(IEnumerable<ReferencePoint> points) =>
        [.. points.SelectMany(Compare)];

    public static IEnumerable<CalibrationRow> Compare(ReferencePoint point)
    {
        if (point.NotReproducible is not null)
        {
            foreach (var (m, i) in point.Measured.Select((m, i) => (m, i)))
                yield return new CalibrationRow(point, i + 1, m, null, null, null, null, true, true, true, true);
            yield break;
        }
        var predicted = ReferenceReplay.Predict(point);
        var t = point.Tolerance;
        for (var i = 0; i < point.Measured.Length; i++)
        {
            var (m, p) = (point.Measured[i], predicted[i]);
            double? totalRatio = null, downRatio = null, dataRatio = null;
            bool totalFits = true, downFits = true, dataFits = true, downOwn = true;
            if (m.TotalLowSeconds is { } low && m.TotalHighSeconds is { } high)
            {
                totalRatio = Ratio(p.TotalSeconds, low, high);
                totalFits = t.TimeOrDataFits(p.TotalSeconds, low, high);
            }
            if (m.DowntimeSeconds is { } d && point.DowntimeNotReproducible is null)
            {
                // Measured downtimes are QEMU's own figures, taken on the source.
                downRatio = d > 0 ? p.QemuDowntimeSeconds / d : null;
                // Where the setting was run more than once, against the spread of its runs: QEMU's stop check falls
                // at a random phase of its last iteration, which the model takes at its middle.
                downOwn = t.DowntimeFits(p.QemuDowntimeSeconds, d);
                downFits = m.DowntimeRuns is { } runs ? t.DowntimeFits(p.QemuDowntimeSeconds, runs) : downOwn;
            }
            if (m.DataMib is { } data)
            {
                dataRatio = p.WireMib / data;
                dataFits = t.TimeOrDataFits(p.WireMib, data, data);
            }
            var convergenceFits = m.Converges is not { } c || c == p.Converged;
            yield return new CalibrationRow(point, i + 1, m, p, totalRatio, downRatio, dataRatio, totalFits, downFits, dataFits, convergenceFits, downOwn);
        }
    }

    private static double Ratio(double predicted, double low, double high) =>
        predicted < low ? predicted / low : predicted > high ? predicted / high : 1;
}
