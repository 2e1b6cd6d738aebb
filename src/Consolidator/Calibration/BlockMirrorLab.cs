using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Datasets;
using Consolidator.Simulation;

namespace Consolidator.Calibration;

/// <summary>One real block-mirror job of the lab (lab/qemu/drive-mirror.py, a row of
/// datasets/calibration/qemu-7.2-drive-mirror.csv).</summary>
/// <param name="BaseMib">The part of the disk that is its base image (0: a disk of its own).</param>
/// <param name="BaseAtDestination">The destination held the base already: the job copied the overlay only (sync top).</param>
/// <param name="ReadyMs">From the job's start to its READY event.</param>
/// <param name="CopiedMib">Bytes copied by READY (the event's offset).</param>
/// <param name="TargetIdentical">qemu-img compare found the destination equal to the source after the job.</param>
public sealed record BlockMirrorMeasurement(string Point, double DiskMib, double BaseMib, bool BaseAtDestination, string Sync,
    double SpeedMibPerSecond, double WriteKibPerSecond, double WriteKib, double GranularityKib, string Status, double ReadyMs,
    double CopiedMib, bool TargetIdentical, double? HostLoad);

/// <summary>A lab job beside the simulator's <see cref="BlockMirror"/> prediction for it.</summary>
public sealed record BlockMirrorRow(BlockMirrorMeasurement Measured, double PredictedSeconds, double PredictedCopiedMib, double PredictedDedupSavedMib)
{
    public double TimeRatio => PredictedSeconds / (Measured.ReadyMs / 1000);
    public double DataRatio => PredictedCopiedMib / Measured.CopiedMib;

    /// <summary>The job got ready with the destination equal to its source, and time and bytes are within
    /// <see cref="BlockMirrorLab.Tolerance"/>.</summary>
    public bool Fits => Measured.Status == "ready" && Measured.TargetIdentical
        && Math.Abs(TimeRatio - 1) <= BlockMirrorLab.Tolerance && Math.Abs(DataRatio - 1) <= BlockMirrorLab.Tolerance;
}

/// <summary>Issue 15's block-migration calibration: reads the block-mirror lab's recording and replays every job
/// through the simulator's model at the job's speed (the lab's loopback carries more than any speed it sets).</summary>
public static class BlockMirrorLab
{
    /// <summary>The recording, relative to the repository root.</summary>
    public const string DefaultPath = "datasets/calibration/qemu-7.2-drive-mirror.csv";

    /// <summary>Issue 15's acceptance: time and bytes within 25 %.</summary>
    public const double Tolerance = 0.25;

    private static readonly string[] Header =
    [
        "point", "disk_mib", "base_mib", "base_at_destination", "sync", "speed_mib_s", "write_kib_s", "write_kib",
        "granularity_kib", "status", "ready_ms", "copied_mib", "target_identical", "host_load",
    ];

    /// <exception cref="InputException">The file is missing or a row is malformed (file, line and column named).</exception>
    public static ImmutableArray<BlockMirrorMeasurement> Read(string path)
    {
        using var file = DatasetFile.Open(path, Header);
        var c = Header.Select(file.Column).ToArray();
        var rows = ImmutableArray.CreateBuilder<BlockMirrorMeasurement>();
        while (file.Read())
        {
            double Num(int k) => file.Number(c[k], positive: false);
            var status = file.Id(c[9]);
            rows.Add(new BlockMirrorMeasurement(file.Id(c[0]), file.Number(c[1], positive: true), Num(2), file.Text(c[3]) == "true", file.Id(c[4]),
                file.Number(c[5], positive: true), Num(6), file.Number(c[7], positive: true), file.Number(c[8], positive: true), status,
                Num(10), status == "ready" ? Num(11) : double.NaN, file.Text(c[12]) == "true", file.OptionalNumber(c[13], positive: false)));
        }
        return rows.ToImmutable();
    }

    /// <summary>The model's prediction for one job: the disk's bulk is what the destination lacks (the overlay when
    /// it holds the base), the guest writes at the job's rate and size over the whole disk, and the copy runs at
    /// the job's speed.</summary>
    public static BlockMirrorRow Predict(BlockMirrorMeasurement m)
    {
        var bulk = m.DiskMib - (m.BaseAtDestination ? m.BaseMib : 0);
        var inputs = new BlockCopyInputs(bulk, m.DiskMib, m.DiskMib, m.WriteKibPerSecond / 1024);
        var mirror = new BlockMirror(inputs, new BlockMirrorOptions(m.SpeedMibPerSecond, m.GranularityKib, m.WriteKib), double.PositiveInfinity);
        mirror.Advance(mirror.NextDelay(m.SpeedMibPerSecond), m.SpeedMibPerSecond);
        var r = mirror.Result;
        return new BlockMirrorRow(m, r.Seconds, r.CopiedMib, r.DedupSavedMib);
    }

    /// <summary>The table docs/simulator.md shows (Markdown), then a summary line.</summary>
    public static void WriteMarkdown(ImmutableArray<BlockMirrorRow> rows, TextWriter w)
    {
        w.WriteLine("| point | disk / base at destination | speed, guest writes | measured ready / copied | simulated ready / copied (dedup saved) | ratio time / data | within 25 % | load |");
        w.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var r in rows)
        {
            var m = r.Measured;
            var disk = m.BaseMib > 0 ? F($"{m.DiskMib:0} MiB over a {m.BaseMib:0} MiB base, {(m.BaseAtDestination ? "present (sync top)" : "absent (sync full)")}") : F($"{m.DiskMib:0} MiB, own (sync full)");
            var writes = m.WriteKibPerSecond > 0 ? F($"{m.WriteKibPerSecond:0} KiB/s of {m.WriteKib:0} KiB writes") : "none";
            var measured = m.Status == "ready" ? F($"{m.ReadyMs / 1000:0.00} s / {m.CopiedMib:0.0} MiB") : $"{m.Status}";
            var verdict = r.Fits ? "yes" : m.TargetIdentical ? "**no**" : "**no** (target differs)";
            w.WriteLine(F($"| {m.Point} | {disk} | {m.SpeedMibPerSecond:0} MiB/s, {writes} | {measured} | {r.PredictedSeconds:0.00} s / {r.PredictedCopiedMib:0.0} MiB ({r.PredictedDedupSavedMib:0} MiB) | {r.TimeRatio:0.00} / {r.DataRatio:0.00} | {verdict} | {m.HostLoad:0.#} |"));
        }
        w.WriteLine();
        var worst = rows.Where(r => r.Measured.Status == "ready").Select(r => Math.Max(Math.Abs(Math.Log(r.TimeRatio)), Math.Abs(Math.Log(r.DataRatio)))).DefaultIfEmpty(0).Max();
        w.WriteLine(F($"block mirror: {rows.Count(r => r.Fits)} of {rows.Length} lab jobs within 25 %; worst ratio x{Math.Exp(worst):0.00}"));
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
