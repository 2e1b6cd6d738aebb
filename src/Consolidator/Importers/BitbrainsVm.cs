using System.Globalization;
using System.Text;
using CsvHelper;

namespace Consolidator.Importers;

/// <param name="DiskWrite">The disk write throughput column, or -1 when the file has none.</param>
internal sealed record RowColumns(int Timestamp, int Cores, int CpuPercent, int MemoryProvisioned, int MemoryUsage, string[] Header, int DiskWrite = -1);

/// <summary>One parsed row of a Bitbrains file.</summary>
internal readonly record struct BitbrainsRow(long UnixSeconds, double Cores, double CpuPercent, double MemoryProvisionedKb, double MemoryUsageKb,
    double? DiskWriteKbPerSecond = null)
{
    /// <summary>The row's values, or null after reporting the first field that is not a usable number.</summary>
    public static BitbrainsRow? Parse(CsvReader csv, RowColumns c, string path, int line, ImportLog log)
    {
        if (!Number(csv, c.Timestamp, c, path, line, log, out var time)) return null;
        if (!Number(csv, c.Cores, c, path, line, log, out var cores)) return null;
        if (!Number(csv, c.CpuPercent, c, path, line, log, out var percent)) return null;
        if (!Number(csv, c.MemoryProvisioned, c, path, line, log, out var provisioned)) return null;
        if (!Number(csv, c.MemoryUsage, c, path, line, log, out var usage)) return null;
        double? diskWrite = null;
        if (c.DiskWrite >= 0)
        {
            if (!Number(csv, c.DiskWrite, c, path, line, log, out var kb)) return null;
            diskWrite = kb;
        }
        if (time >= BitbrainsImporter.MillisecondThreshold && time < BitbrainsImporter.MillisecondsFrom)
        {
            log.Bad(path, line, c.Header[c.Timestamp], c.Timestamp + 1, Encoding.UTF8.GetString(csv.GetSpan(c.Timestamp)),
                "a timestamp neither in seconds (below 1e11, year 5138) nor in milliseconds (from 1e12, 2001-09-09)");
            return null;
        }
        if (time >= BitbrainsImporter.MillisecondsFrom)
        {
            time /= 1000;
            log.Count("{0} timestamp(s) in milliseconds, converted to seconds");
        }
        return new BitbrainsRow((long)Math.Round(time), cores, percent, provisioned, usage, diskWrite);
    }

    private static bool Number(CsvReader csv, int column, RowColumns c, string path, int line, ImportLog log, out double value)
    {
        var span = csv.GetSpan(column);
        value = 0;
        var problem = span.IsEmpty ? "missing value; expected a number"
            // A trace saved by a spreadsheet in a comma-decimal locale keeps its ';' separators and writes "1,5".
            : !double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out value) ? "not a number" + DecimalComma.Hint(Encoding.UTF8.GetString(span))
            : !double.IsFinite(value) ? "not a finite number"
            : value < 0 ? "must not be negative"
            : null;
        if (problem is not null)
        {
            log.Bad(path, line, c.Header[column], column + 1, Encoding.UTF8.GetString(span), problem);
            return false;
        }
        if (span.IndexOfAny((byte)'E', (byte)'e') >= 0) log.Count("{0} value(s) in scientific notation (e.g. 1.6703488E7) read as numbers");
        return true;
    }
}

/// <summary>What the importer keeps about one VM while its rows stream past: the largest allocation, the
/// last timestamp, and a histogram of sampling intervals to count gaps. Memory is per VM, not per row.</summary>
internal sealed class BitbrainsVm(string id)
{
    private readonly Dictionary<long, long> _intervals = [];
    private long? _lastTime;
    private BitbrainsRow _lastRow;
    private int _lastLine;
    private string _lastPath = "";
    private double? _firstCores;
    private bool _coresChanged, _cpuAbove100, _memoryAboveProvisioned;

    public string Id { get; } = id;
    public long Rows { get; private set; }
    public long ZeroCapacityRows { get; private set; }
    public double MaxCores { get; private set; }

    /// <summary>Time of the first and last sample written (Unix seconds).</summary>
    public long FirstSample { get; private set; } = long.MaxValue;
    public long LastSample { get; private set; } = long.MinValue;
    public double MaxMemoryKb { get; private set; }

    public void Add(BitbrainsRow row, RowColumns c, string path, int line, Datasets.DatasetStream stream, ImportLog log)
    {
        var cpu = row.CpuPercent / 100 * row.Cores;
        var memory = row.MemoryUsageKb / 1024;
        if (Datasets.DatasetStream.SampleProblem(row.UnixSeconds, cpu, memory) is { } problem)
        {
            // Reported in the source's own columns: the row holds a value the dataset format cannot.
            // The columns are found by name, so a file may hold them in any order: numbered from its header.
            var column = problem.Column switch
            {
                "timestamp" => c.Timestamp,
                "cpu_cores" => c.CpuPercent,
                _ => c.MemoryUsage,
            };
            log.Bad(path, line, c.Header[column], column + 1, null, problem.Problem);
            return;
        }
        if (row.Cores != 0 && row.MemoryProvisionedKb != 0 && Datasets.DatasetStream.SizeProblem(row.Cores, row.MemoryProvisionedKb / 1024) is { } size)
        {
            // The VM's size is the most provisioned in any row: one such row made a vms.csv the reader refuses.
            var column = size.Column == "vcpus" ? c.Cores : c.MemoryProvisioned;
            log.Bad(path, line, c.Header[column], column + 1, null, size.Problem);
            return;
        }
        if (_lastTime is { } last)
        {
            if (row.UnixSeconds == last)
            {
                // The month's files repeat timestamps: mostly the same row again, sometimes other values for the
                // same instant (the monitor writing twice). One sample per instant; the first one stands.
                log.Count(row == _lastRow
                    ? "{0} row(s) repeating the previous row exactly (same timestamp, same values): skipped"
                    : "{0} row(s) with the previous row's timestamp but other values: the first row of that instant kept");
                return;
            }
            if (row.UnixSeconds < last)
            {
                log.Bad(path, line, c.Header[c.Timestamp], c.Timestamp + 1, row.UnixSeconds.ToString(CultureInfo.InvariantCulture),
                    $"timestamp is before the previous row's ({last} on line {_lastLine}{(path == _lastPath ? "" : " of " + Quoted.Path(_lastPath))}): an out-of-order row");
                return;
            }
            // Bins of 10 s absorb the trace's 299-301 s jitter.
            var bin = (long)Math.Round((row.UnixSeconds - last) / 10.0) * 10;
            _intervals[bin] = _intervals.GetValueOrDefault(bin) + 1;
        }
        _lastTime = row.UnixSeconds;
        _lastLine = line;
        _lastPath = path;
        _lastRow = row;

        if (row.Cores == 0 || row.MemoryProvisionedKb == 0)
        {
            ZeroCapacityRows++;
            log.Count("{0} row(s) with zero cores or memory provisioned (VM not running): no sample written");
            return;
        }
        if (_firstCores is { } first && first != row.Cores) _coresChanged = true;
        _firstCores ??= row.Cores;
        if (row.CpuPercent > 100)
        {
            _cpuAbove100 = true;
            log.Count("{0} row(s) with CPU usage above 100 % kept as measured");
        }
        if (row.MemoryUsageKb > row.MemoryProvisionedKb)
        {
            _memoryAboveProvisioned = true;
            log.Count("{0} row(s) with memory usage above provisioned memory kept as measured");
        }
        MaxCores = Math.Max(MaxCores, row.Cores);
        MaxMemoryKb = Math.Max(MaxMemoryKb, row.MemoryProvisionedKb);
        stream.WriteUsage(row.UnixSeconds, Id, cpu, memory, row.DiskWriteKbPerSecond,
            new Datasets.SampleSource(path, line, BitbrainsImporter.TimestampColumn, 1, null));
        FirstSample = Math.Min(FirstSample, row.UnixSeconds);
        LastSample = Math.Max(LastSample, row.UnixSeconds);
        Rows++;
    }

    /// <summary>Counts the VM's quirks once its last file is read.</summary>
    public void Finish(ImportLog log)
    {
        if (_coresChanged) log.Count("{0} VM(s) change their core count within the trace; vcpus = the most provisioned");
        if (_cpuAbove100) log.Count("{0} VM(s) report CPU usage above 100 % in some rows");
        if (_memoryAboveProvisioned) log.Count("{0} VM(s) report memory usage above provisioned memory in some rows");
        if (_intervals.Count == 0) return;
        // The most common interval is the VM's sampling step; a longer one is a gap of whole missing steps.
        var step = _intervals.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).First().Key;
        if (step <= 0) return;
        long missing = 0;
        foreach (var (interval, count) in _intervals)
            if (interval > 1.5 * step) missing += count * ((long)Math.Round(interval / (double)step) - 1);
        if (missing == 0) return;
        log.Count("{0} VM(s) with missing samples (gaps in their sampling grid)");
        log.Count("{0} missing sample(s) in all, left as gaps", missing);
    }
}
