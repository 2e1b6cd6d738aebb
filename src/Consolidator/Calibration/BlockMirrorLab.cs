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
        var points = new Dictionary<string, int>(StringComparer.Ordinal);
        // Each was replayed and judged as read: a sync or a yes/no of another word as "full" or "no" ("sync top" with the
        // base absent replayed as a full copy), a base larger than its disk printed as "256 MiB over a 9999 MiB base",
        // copied_mib 1e300 as a 301-digit number, a ready_ms of 0 as a time ratio of "Infinity", a granularity QEMU refuses.
        while (file.Read())
        {
            double Num(int k) => file.Number(c[k], positive: false);
            var point = file.Id(c[0]);
            if (!points.TryAdd(point, file.Line)) throw file.Error(c[0], $"duplicate point (first on line {points[point]})", point);
            var disk = file.AtMost(c[1], file.Number(c[1], positive: true), Packing.PlacementProblem.MaxMib);
            var baseMib = file.AtMost(c[2], Num(2), disk, "a base image is part of the disk layered over it");
            var atDestination = YesNo(file, c[3]);
            var sync = OneOf(file, c[4], ["full", "top"]);
            if ((sync == "top") != atDestination || (atDestination && baseMib == 0))
                throw file.Error(c[4], "sync top is the copy of a disk whose base is already at the destination (base_mib above 0, base_at_destination true); sync full copies the whole disk", sync);
            var granularity = file.Number(c[8], positive: true);
            // QEMU's drive-mirror granularity: a power of two from 512 bytes to 64 MiB (qapi/block-core.json).
            if (granularity < 0.5 || granularity > 65536 || Math.Log2(granularity) % 1 != 0)
                throw file.Error(c[8], "QEMU's mirror granularity is a power of two from 0.5 KiB (512 bytes) to 65536 KiB (64 MiB)", file.Text(c[8]));
            var status = file.Id(c[9]);
            var ready = status == "ready";
            rows.Add(new BlockMirrorMeasurement(point, disk, baseMib, atDestination, sync,
                file.Number(c[5], positive: true), Num(6), file.Number(c[7], positive: true), granularity, status,
                ready ? file.Number(c[10], positive: true) : Num(10), ready ? file.AtMost(c[11], Num(11), Packing.PlacementProblem.MaxMib) : double.NaN,
                YesNo(file, c[12]), file.OptionalNumber(c[13], positive: false)));
        }
        // A header alone printed the table's header, exit 0: a calibration of nothing that read as one that passed.
        if (rows.Count == 0) throw new InputException(path, file.HeaderLine + 1, null, 0, null, "no mirror jobs: the file has a header but no rows");
        return rows.ToImmutable();
    }

    private static bool YesNo(DatasetFile file, int column) => OneOf(file, column, ["true", "false"]) == "true";

    private static string OneOf(DatasetFile file, int column, string[] words)
    {
        var text = file.Text(column);
        return words.Contains(text, StringComparer.Ordinal) ? text : throw file.Error(column, $"must be {string.Join(" or ", words)}", text);
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
            // A job that never got ready has no time or bytes to compare ("0.96 / NaN").
            var ratio = m.Status == "ready" ? F($"{r.TimeRatio:0.00} / {r.DataRatio:0.00}") : "-";
            w.WriteLine(F($"| {m.Point} | {disk} | {m.SpeedMibPerSecond:0} MiB/s, {writes} | {measured} | {r.PredictedSeconds:0.00} s / {r.PredictedCopiedMib:0.0} MiB ({r.PredictedDedupSavedMib:0} MiB) | {ratio} | {verdict} | {m.HostLoad:0.#} |"));
        }
        w.WriteLine();
        var worst = rows.Where(r => r.Measured.Status == "ready").Select(r => Math.Max(Math.Abs(Math.Log(r.TimeRatio)), Math.Abs(Math.Log(r.DataRatio)))).DefaultIfEmpty(0).Max();
        w.WriteLine(F($"block mirror: {rows.Count(r => r.Fits)} of {rows.Length} lab jobs within 25 %; worst ratio x{Math.Exp(worst):0.00}"));
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
