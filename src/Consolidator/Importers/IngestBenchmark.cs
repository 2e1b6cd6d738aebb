using System.Diagnostics;
using System.Globalization;
using Consolidator.Datasets;
using Consolidator.Randomness;
using Consolidator.Inventory;

namespace Consolidator.Importers;

/// <summary>What one ingest measurement found.</summary>
/// <param name="Rows">Usage rows in the generated usage.csv.</param>
/// <param name="FileBytes">Size of usage.csv.</param>
/// <param name="IngestSeconds">Wall time of <see cref="DatasetReader.Read"/> on the whole dataset folder.</param>
/// <param name="LineReadSeconds">Wall time of reading the same usage.csv line by line and counting the lines.</param>
/// <param name="PeakManagedBytes">Highest managed heap size seen during the ingest, above what was live before it.</param>
/// <param name="RetainedBytes">Managed memory the read dataset keeps once the reader is done.</param>
public sealed record IngestBenchmarkResult(
    long Rows,
    int Vms,
    long FileBytes,
    double IngestSeconds,
    double LineReadSeconds,
    long PeakManagedBytes,
    long RetainedBytes)
{
    public double RowsPerSecond => Rows / IngestSeconds;
    public double LineReadRowsPerSecond => Rows / LineReadSeconds;

    /// <summary>Ingest speed as a fraction of the plain line read (1 = as fast as just reading the lines).</summary>
    public double RatioToLineRead => LineReadSeconds / IngestSeconds;

    public double PeakBytesPerRow => PeakManagedBytes / (double)Rows;

    public override string ToString() => string.Format(CultureInfo.InvariantCulture,
        "ingest: {0:N0} rows ({1:0.0} MB) in {2:0.00} s = {3:N0} rows/s; line read {4:0.00} s = {5:N0} rows/s; ingest at {6:0.00} x the line read; peak managed heap {7:0.0} MB ({8:0.0} bytes/row), retained {9:0.0} MB",
        Rows, FileBytes / 1e6, IngestSeconds, RowsPerSecond, LineReadSeconds, LineReadRowsPerSecond, RatioToLineRead,
        PeakManagedBytes / 1e6, PeakBytesPerRow, RetainedBytes / 1e6);
}

/// <summary>The ingest row of the bench command: generates a usage.csv of the requested size in
/// <c>scratchDir</c>, then in the same run times a plain line-count read of it and the full dataset read,
/// sampling the managed heap while the dataset is read.</summary>
public static class IngestBenchmark
{
    public const int Vms = 1000;
    private const long StepSeconds = 300;
    private static readonly long Start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    public static IngestBenchmarkResult Run(string scratchDir, long rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        var dir = Path.Combine(scratchDir, "ingest-" + rows.ToString(CultureInfo.InvariantCulture));
        Generate(dir, rows);
        var usage = Path.Combine(dir, DatasetWriter.UsageFile);
        var bytes = new FileInfo(usage).Length;

        var clock = Stopwatch.StartNew();
        long lines = 0;
        using (var reader = new StreamReader(usage))
            while (reader.ReadLine() is not null) lines++;
        var lineSeconds = clock.Elapsed.TotalSeconds;
        if (lines != rows + 1) throw new InvalidOperationException($"usage.csv has {lines} lines, expected {rows + 1}");

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var (ingestSeconds, peak, withDataset, vms) = ReadSampled(dir, rows, before);
        // What the dataset holds: the heap after a full collection with it (taken in ReadSampled) less the heap
        // after one without it, back to back. The heap is process-wide, so a difference taken across the whole
        // read would count whatever other threads freed or allocated meanwhile (it once came out at -660 kB,
        // with the test suite's other classes finishing on a loaded machine).
        var retained = withDataset - GC.GetTotalMemory(forceFullCollection: true);
        return new IngestBenchmarkResult(rows, vms, bytes, ingestSeconds, lineSeconds, peak - before, retained);
    }

    /// <summary>Reads the dataset while sampling the heap; returns the heap after a full collection with the
    /// dataset still held. The dataset is unreachable once this returns (a frame of its own, never inlined).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (double Seconds, long Peak, long WithDataset, int Vms) ReadSampled(string dir, long rows, long before)
    {
        long peak = before;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                Thread.Sleep(5);
            }
        });
        var clock = Stopwatch.StartNew();
        var dataset = DatasetReader.Read(dir);
        var seconds = clock.Elapsed.TotalSeconds;
        stop.Cancel();
        sampler.Wait();
        peak = Math.Max(peak, GC.GetTotalMemory(false));
        var read = dataset.Usage.Sum(s => (long)s.Count);
        if (read != rows) throw new InvalidOperationException($"read {read} rows, expected {rows}");
        var withDataset = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(dataset);
        // A sample may miss the top; the heap held at least the dataset at the end of the read.
        return (seconds, Math.Max(peak, withDataset), withDataset, dataset.Vms.Length);
    }

    /// <summary>Rows round-robin over the VMs at 5-minute steps, values from a fixed seed.</summary>
    private static void Generate(string dir, long rows)
    {
        var rng = new SplitMix64(20260105);
        var vms = (int)Math.Min(Vms, rows);
        using var stream = DatasetWriter.Open(dir);
        for (long i = 0; i < rows; i++)
        {
            var v = (int)(i % vms);
            stream.WriteUsage(Start + i / vms * StepSeconds, VmId(v), Math.Round(rng.NextDouble(0, 8), 3), Math.Round(rng.NextDouble(512, 16384)));
        }
        var hosts = Enumerable.Range(0, 100).Select(h => new Host(string.Create(CultureInfo.InvariantCulture, $"h{h:000}"), 64, 524288, 150, 400)).ToArray();
        var vmList = Enumerable.Range(0, vms).Select(v => new Vm(VmId(v), 8, 16384, hosts[v % hosts.Length].Id)).ToArray();
        stream.Complete(hosts, vmList);
    }

    private static string VmId(int v) => string.Create(CultureInfo.InvariantCulture, $"vm-{v:0000}");
}
