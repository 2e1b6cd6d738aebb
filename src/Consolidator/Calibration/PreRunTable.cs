using System.Collections.Immutable;
using System.Globalization;

namespace Consolidator.Calibration;

/// <summary>A lab run against the prediction made before it (<see cref="LabPrediction"/>, the predicted_* columns) and
/// against the replay of the same run with its measured inputs (<see cref="LabPoints"/>): the first judges the whole chain
/// (model, machine, inputs as estimated beforehand), the second the model alone.</summary>
public sealed record PreRunRow(LabMeasurement Measured, CalibrationRow Replay)
{
    public double TotalRatio => Measured.PredictedTotalMs!.Value / Measured.TotalMs;
    public double? DowntimeRatio => Measured.DowntimeMs > 0 ? Measured.PredictedDowntimeMs!.Value / Measured.DowntimeMs : null;
    public double DataRatio => Measured.PredictedMib!.Value / Measured.TransferredMib;

    public bool TotalFits => Tolerance.Lab.TimeOrDataFits(Measured.PredictedTotalMs!.Value, Measured.TotalMs, Measured.TotalMs);
    public bool DowntimeFits => Tolerance.Lab.DowntimeFits(Measured.PredictedDowntimeMs!.Value / 1000, Measured.DowntimeMs / 1000);
    public bool DataFits => Tolerance.Lab.TimeOrDataFits(Measured.PredictedMib!.Value, Measured.TransferredMib, Measured.TransferredMib);
    public bool Fits => TotalFits && DowntimeFits && DataFits;
}

/// <summary>The pre-run table of a recording (calibrate prints it for every recording with predicted_* columns).</summary>
public static class PreRunTable
{
    /// <summary>The recording's rows that carry a prediction made before their run, each with its replay on the recording's
    /// machine (as calibrate replays every row).</summary>
    public static ImmutableArray<PreRunRow> Of(LabRecording recording, LabEnvironment environment)
    {
        var machine = LabMachine.Measure(recording.Rows, environment);
        var rows = ImmutableArray.CreateBuilder<PreRunRow>();
        foreach (var run in recording.Rows.GroupBy(r => (r.Scenario, r.Run)))
        {
            var ms = run.OrderBy(r => r.Migration).ToArray();
            if (ms.Any(m => m.PredictedTotalMs is null || m.PredictedDowntimeMs is null || m.PredictedMib is null)) continue;
            var replay = CalibrationCheck.Compare(LabPoints.From(ms, environment, machine).Single()).ToArray();
            rows.AddRange(ms.Select((m, i) => new PreRunRow(m, replay[i])));
        }
        return rows.ToImmutable();
    }

    public static void WriteMarkdown(ImmutableArray<PreRunRow> rows, TextWriter w)
    {
        w.WriteLine("| run | role | load, congestion control | measured total / downtime / data | predicted before the run | ratio (pred/meas) | within | replayed with the run's inputs: ratio | within |");
        w.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var r in rows)
        {
            var m = r.Measured;
            var id = F($"{m.Scenario} run {m.Run}") + (m.Concurrent > 1 ? F($" #{m.Migration}") : "");
            var role = LabPoints.FitScenarios.Contains(m.Scenario) ? "fit" : "held out";
            w.WriteLine(F($"| {id} | {role} | {m.HostLoad:0.#}, {m.TcpCongestionControl ?? "-"} | {m.TotalMs / 1000:0.##} s / {m.DowntimeMs:0} ms / {m.TransferredMib:0} MiB | ") +
                F($"{m.PredictedTotalMs / 1000:0.##} s / {m.PredictedDowntimeMs:0} ms / {m.PredictedMib:0} MiB | {r.TotalRatio:0.00} / {Ratio(r.DowntimeRatio)} / {r.DataRatio:0.00} | ") +
                F($"{(r.Fits ? "yes" : "**no**")} | {Ratio(r.Replay.TotalRatio)} / {Ratio(r.Replay.DowntimeRatio)} / {Ratio(r.Replay.DataRatio)} | {(r.Replay.Fits ? "yes" : "**no**")} |"));
        }
    }

    /// <summary>The error distribution, held-out rows only: for the prediction before the run and for the replay, each
    /// figure's ratios (median, lowest, highest) and how many runs are within tolerance; then each held-out setting by the
    /// median of its runs (the measured median against the median of the predictions, as the calibration judges a setting).</summary>
    public static IEnumerable<string> Summary(ImmutableArray<PreRunRow> rows)
    {
        var held = rows.Where(r => !LabPoints.FitScenarios.Contains(r.Measured.Scenario)).ToArray();
        if (held.Length == 0) yield break;
        yield return F($"held-out runs ({held.Length} migrations of {held.Select(r => r.Measured.Scenario).Distinct().Count()} settings), ratios median (lowest-highest):");
        yield return F($"  predicted before the run: total {Dist(held.Select(r => (double?)r.TotalRatio))}, downtime {Dist(held.Select(r => r.DowntimeRatio))}, data {Dist(held.Select(r => (double?)r.DataRatio))}; ") +
            F($"within tolerance: total {held.Count(r => r.TotalFits)}, downtime {held.Count(r => r.DowntimeFits)}, data {held.Count(r => r.DataFits)}, all three {held.Count(r => r.Fits)} of {held.Length}");
        yield return F($"  replayed with the run's inputs: total {Dist(held.Select(r => r.Replay.TotalRatio))}, downtime {Dist(held.Select(r => r.Replay.DowntimeRatio))}, data {Dist(held.Select(r => r.Replay.DataRatio))}; ") +
            F($"within tolerance: total {held.Count(r => r.Replay.TotalFits)}, downtime {held.Count(r => r.Replay.DowntimeFits)}, data {held.Count(r => r.Replay.DataFits)}, all three {held.Count(r => r.Replay.Fits)} of {held.Length}");
        foreach (var s in held.GroupBy(r => (r.Measured.Scenario, r.Measured.Migration)))
        {
            var runs = s.ToArray();
            var total = RunSpread.Of(runs.Select(r => r.Measured.TotalMs)).Median;
            var down = RunSpread.Of(runs.Select(r => r.Measured.DowntimeMs)).Median;
            var data = RunSpread.Of(runs.Select(r => r.Measured.TransferredMib)).Median;
            var (pt, pd, pm) = (RunSpread.Of(runs.Select(r => r.Measured.PredictedTotalMs!.Value)).Median,
                RunSpread.Of(runs.Select(r => r.Measured.PredictedDowntimeMs!.Value)).Median, RunSpread.Of(runs.Select(r => r.Measured.PredictedMib!.Value)).Median);
            var fits = Tolerance.Lab.TimeOrDataFits(pt, total, total) && Tolerance.Lab.DowntimeFits(pd / 1000, down / 1000) && Tolerance.Lab.TimeOrDataFits(pm, data, data);
            var name = s.Key.Scenario + (runs[0].Measured.Concurrent > 1 ? F($" #{s.Key.Migration}") : "");
            yield return F($"  {name}: {runs.Length} runs, measured median {total / 1000:0.##} s / {down:0} ms / {data:0} MiB, predicted before {pt / 1000:0.##} s / {pd:0} ms / {pm:0} MiB: ") +
                F($"x{pt / total:0.00} / x{(down > 0 ? pd / down : double.NaN):0.00} / x{pm / data:0.00}, median {(runs.Length < CalibrationSetting.MinimumRuns ? "not judged (fewer than 3 runs)" : fits ? "within" : "**outside**")}");
        }
    }

    private static string Dist(IEnumerable<double?> ratios)
    {
        var xs = ratios.OfType<double>().ToArray();
        if (xs.Length == 0) return "-";
        var s = RunSpread.Of(xs);
        return F($"x{s.Median:0.00} ({s.Low:0.00}-{s.High:0.00})");
    }

    private static string Ratio(double? x) => x is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "-";

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
