using System.Collections.Immutable;

namespace Consolidator.Calibration;

/// <summary>Fits the lab's constants (<see cref="LabEnvironment"/>) on the fit points only: coordinate
/// descent in log space on the summed squared log-ratios of total time and data, plus the squared downtime
/// miss in units of its tolerance. Deterministic: the same rows give the same constants.</summary>
public static class LabFit
{
    /// <summary>Bounds of each constant (physical ranges), in <see cref="LabEnvironment.ToVector"/> order. The
    /// resume (the destination's activation) is held to 20 ms: QEMU's total-time and downtime are taken on the
    /// source and leave it out, so a larger value would only stand in for the shared machine's slowdown.</summary>
    private static readonly (double Low, double High)[] Bounds =
        [(0.5, 1.1), (20, 20000), (0.001, 5), (0.0001, 0.5), (0.0005, 0.02), (0.05, 64), (0.001, 1), (0.001, 20)];

    public static LabEnvironment Fit(IEnumerable<LabRecording> recordings, LabEnvironment start)
    {
        var fitRows = FitRows(recordings);
        var x = start.ToVector();
        var best = Loss(fitRows, start, x);
        for (var step = 2.0; step > 0.005; step /= 2)
        {
            for (var pass = 0; pass < 20; pass++)
            {
                var improved = false;
                for (var k = 0; k < (start.ScalesWithCpuShare ? x.Length : x.Length - 1); k++)
                    foreach (var direction in new[] { 1.0, -1.0 })
                    {
                        var y = (double[])x.Clone();
                        y[k] = Math.Clamp(y[k] * Math.Exp(direction * step), Bounds[k].Low, Bounds[k].High);
                        var loss = Loss(fitRows, start, y);
                        if (loss >= best - 1e-12) continue;
                        (x, best, improved) = (y, loss, true);
                    }
                if (!improved) break;
            }
        }
        return start.WithVector(x);
    }

    /// <summary>The parts of the recordings the constants are fitted on (<see cref="LabPoints.FitPart"/>).</summary>
    public static ImmutableArray<LabRecording> FitRows(IEnumerable<LabRecording> recordings) =>
        [.. recordings.Select(LabPoints.FitPart).Where(r => !r.Rows.IsEmpty)];

    public static double Loss(ImmutableArray<LabRecording> rows, LabEnvironment model, double[] x)
    {
        var env = model.WithVector(x);
        double loss = 0;
        foreach (var r in CalibrationCheck.Compare(rows.SelectMany(recording => LabPoints.From(recording, env))))
        {
            if (r.Predicted is null) continue;
            if (r.TotalRatio is > 0) loss += Math.Pow(Math.Log(r.TotalRatio.Value), 2);
            if (r.DataRatio is > 0) loss += Math.Pow(Math.Log(r.DataRatio.Value), 2);
            if (r.Measured.DowntimeSeconds is { } d)
                loss += Math.Pow((r.Predicted.QemuDowntimeSeconds - d) / Math.Max(0.05, 0.5 * d), 2) / 4;
        }
        return loss;
    }
}
