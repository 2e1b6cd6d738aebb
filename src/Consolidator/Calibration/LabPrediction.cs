using System.Collections.Immutable;
using System.Globalization;

namespace Consolidator.Calibration;

/// <summary>One guest of a lab scenario about to run: what the harness will ask of it.</summary>
public sealed record PlannedGuest(double MemoryMib, double DirtyMibPerSecond, double WssMib);

/// <summary>A lab scenario about to run, in the terms of a <see cref="LabMeasurement"/>'s settings.</summary>
public sealed record PlannedRun(
    string Scenario,
    string Method,
    string Capability,
    ImmutableArray<PlannedGuest> Guests,
    double? LinkMbit,
    double? MaxBandwidthMibPerSecond,
    double DowntimeLimitMs,
    double? SuspendAfterSeconds,
    int? SwitchSync);

/// <summary>What the simulator predicts for one migration of a run, with the inputs it assumed.</summary>
public sealed record PredictedMigration(double TotalMs, double DowntimeMs, double DataMib, double ZeroMib, double CpuShare, double DestinationCpuShare);

/// <summary>The simulator's prediction for a lab run made before it starts (the held-out check of 2026-12-07: settings the
/// fit and the held-out set never used, predicted first, then run). A replayed row (<see cref="LabPoints"/>) takes what
/// the run itself measured as its inputs: its zero pages, the rate its guest achieved, the CPU shares its QEMU threads got.
/// None of those is known before the run, so the prediction takes each from the recording's earlier rows only:
/// <list type="bullet">
/// <item>the machine's CPU costs (<see cref="LabMachine.Measure"/> on those rows' fit scenarios);</item>
/// <item>the guest's pages that are not zero at the first pass: a least squares over the earlier completed pre-copy rows of
/// the non-zero MiB (QEMU's ram_total less its zero pages) on the guest's memory and working set, with an intercept (the
/// lab guest's kernel and initramfs, its struct page array growing with the memory, the dirtier's buffer);</item>
/// <item>the guest's dirty rate as asked (the dirtier reaches it unless the vCPU is starved);</item>
/// <item>the source migration thread's and the destination's CPU shares: the medians over the earlier rows of runs with as
/// many migrations at once, else over every earlier row (the shares fall with the QEMUs sharing the two cores).</item>
/// </list>
/// The later replay of the same run with its measured inputs tells the model's error from the inputs' (docs/simulator.md,
/// Fresh held-out runs).</summary>
public static class LabPrediction
{
    /// <summary>The prediction, one per guest, or null when the earlier rows cannot give the inputs (no completed pre-copy
    /// row to estimate the guest's pages from).</summary>
    public static ImmutableArray<PredictedMigration>? Predict(PlannedRun run, IReadOnlyList<LabMeasurement> earlier, LabEnvironment environment)
    {
        var precopy = earlier.Where(m => m.Method == "precopy" && m.Capability == "none" && m.Status == "completed").ToArray();
        if (precopy.Length == 0) return null;
        var machine = LabMachine.Measure(earlier, environment);
        var firmware = RunSpread.Of(earlier.Select(m => m.RamTotalMib - m.MemoryMib)).Median;
        var nonZero = NonZeroModel(precopy);
        var concurrent = run.Guests.Length;
        var alike = earlier.Where(m => m.Concurrent == concurrent).ToArray();
        var pool = alike.Any(m => m.MigrationCpuShare is not null) ? alike : [.. earlier];
        var share = Median(pool.Select(m => m.MigrationCpuShare)) ?? 1;
        var destination = Median(pool.Select(m => environment.ScalesWithCpuShare && m.DestinationOtherCpuSeconds is > 0 ? environment.DestinationCpuShare(m) : (double?)null)) ?? 1;
        var date = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var expected = run.Guests.Select((g, i) =>
        {
            var ram = g.MemoryMib + firmware;
            var zeroMib = Math.Clamp(ram - nonZero(g.MemoryMib, g.WssMib), 0, ram);
            // The row the run is expected to measure, its measured figures unknown (NaN): the replay reads only its inputs.
            return new LabMeasurement(run.Scenario, i + 1, concurrent, run.Method, run.Capability, g.MemoryMib, ram, run.LinkMbit,
                run.MaxBandwidthMibPerSecond, run.DowntimeLimitMs, run.SuspendAfterSeconds, g.DirtyMibPerSecond, g.WssMib, g.DirtyMibPerSecond,
                null, "completed", double.NaN, double.NaN, 0, null, double.NaN, 0, (long)Math.Round(zeroMib * 256), 0, 0, null, true,
                "", "", date, MigrationCpuSeconds: share, MigrationWaitSeconds: 1 - share,
                DestinationOtherCpuSeconds: destination, DestinationOtherWaitSeconds: 1 - destination, SwitchSync: run.SwitchSync);
        }).ToArray();
        var point = LabPoints.From(expected, environment, machine).Single();
        var results = ReferenceReplay.Predict(point);
        return [.. results.Select((r, i) => new PredictedMigration(r.TotalSeconds * 1000, r.QemuDowntimeSeconds * 1000, r.WireMib,
            expected[i].ZeroPages / 256.0, share, destination))];
    }

    private static double? Median(IEnumerable<double?> values) =>
        values.OfType<double>().ToArray() is { Length: > 0 } v ? RunSpread.Of(v).Median : null;

    /// <summary>Non-zero MiB = a + b x memory + c x working set, least squares over the rows; where the rows do not tell
    /// memory and working set apart (too few distinct guests), the median of the rows' non-zero MiB less their working sets
    /// stands for a, and b is 0.</summary>
    private static Func<double, double, double> NonZeroModel(IReadOnlyList<LabMeasurement> rows)
    {
        var y = rows.Select(m => m.RamTotalMib - m.ZeroPages / 256.0).ToArray();
        var x = rows.Select(m => new[] { 1, m.MemoryMib, m.WssMib }).ToArray();
        if (LeastSquares(x, y) is { } c) return (memory, wss) => c[0] + c[1] * memory + c[2] * wss;
        var a = RunSpread.Of(rows.Select((m, i) => y[i] - m.WssMib)).Median;
        return (_, wss) => a + wss;
    }

    /// <summary>The normal equations of a three-column least squares, solved by Cramer's rule; null when singular.</summary>
    private static double[]? LeastSquares(double[][] x, double[] y)
    {
        var a = new double[3, 3];
        var b = new double[3];
        for (var r = 0; r < x.Length; r++)
            for (var i = 0; i < 3; i++)
            {
                b[i] += x[r][i] * y[r];
                for (var j = 0; j < 3; j++) a[i, j] += x[r][i] * x[r][j];
            }
        double Det(double[,] m) => m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1]) - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
            + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);
        var det = Det(a);
        var scale = a[0, 0] * a[1, 1] * a[2, 2];
        if (!(Math.Abs(det) > 1e-9 * scale)) return null;
        var c = new double[3];
        for (var k = 0; k < 3; k++)
        {
            var m = (double[,])a.Clone();
            for (var i = 0; i < 3; i++) m[i, k] = b[i];
            c[k] = Det(m) / det;
        }
        return c;
    }
}
