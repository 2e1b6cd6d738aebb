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
    bool ConvergenceFits)
{
    /// <summary>Every figure that was measured is within tolerance of this measurement's own figures (true for a point
    /// with a written reason).</summary>
    public bool Fits => Point.NotReproducible is not null || (TotalFits && DowntimeFits && DataFits && ConvergenceFits);

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
            bool totalFits = true, downFits = true, dataFits = true;
            if (m.TotalLowSeconds is { } low && m.TotalHighSeconds is { } high)
            {
                totalRatio = Ratio(p.TotalSeconds, low, high);
                totalFits = t.TimeOrDataFits(p.TotalSeconds, low, high);
            }
            if (m.DowntimeSeconds is { } d && point.DowntimeNotReproducible is null)
            {
                // Measured downtimes are QEMU's own figures, taken on the source.
                downRatio = d > 0 ? p.QemuDowntimeSeconds / d : null;
                downFits = t.DowntimeFits(p.QemuDowntimeSeconds, d);
            }
            if (m.DataMib is { } data)
            {
                dataRatio = p.WireMib / data;
                dataFits = t.TimeOrDataFits(p.WireMib, data, data);
            }
            var convergenceFits = m.Converges is not { } c || c == p.Converged;
            yield return new CalibrationRow(point, i + 1, m, p, totalRatio, downRatio, dataRatio, totalFits, downFits, dataFits, convergenceFits);
        }
    }

    private static double Ratio(double predicted, double low, double high) =>
        predicted < low ? predicted / low : predicted > high ? predicted / high : 1;
}
