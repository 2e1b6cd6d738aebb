using System.Globalization;
using Consolidator.Traces;
using CsvHelper;

namespace Consolidator.Datasets;

/// <summary>Writes a dataset as the native folder format (hosts.csv, vms.csv, usage.csv). The bytes depend
/// only on the dataset: invariant culture, shortest round-trip numbers, "\n" line ends, no BOM, usage rows
/// by VM in dataset order then by time.</summary>
public static class DatasetWriter
{
    public const string HostsFile = "hosts.csv";
    public const string VmsFile = "vms.csv";
    public const string UsageFile = "usage.csv";
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        NewLine = "\n",
        FormatProvider = CultureInfo.InvariantCulture,
    };

    public static void Write(Dataset dataset, string directory)
    {
        // The optional columns appear only when some row has a value, so datasets without them keep their bytes.
        var nic = dataset.Hosts.Any(h => h.NicGbps is not null);
        string[] hostHeader = ["host_id", "cpu_cores", "memory_mib", "idle_watts", "max_watts"];
        WriteCsv(Path.Combine(directory, HostsFile), nic ? [.. hostHeader, DatasetReader.NicColumn] : hostHeader, csv =>
        {
            foreach (var h in dataset.Hosts)
            {
                string[] row = [h.Id, Number(h.CpuCores), Number(h.MemoryMib), Number(h.IdleWatts), Number(h.MaxWatts)];
                csv.WriteRecord(nic ? [.. row, Optional(h.NicGbps)] : row);
            }
        });
        var dirty = dataset.Vms.Any(v => v.DirtyRateMibPerSecond is not null);
        string[] vmHeader = ["vm_id", "vcpus", "memory_mib", "current_host"];
        WriteCsv(Path.Combine(directory, VmsFile), dirty ? [.. vmHeader, DatasetReader.DirtyRateColumn] : vmHeader, csv =>
        {
            foreach (var v in dataset.Vms)
            {
                string[] row = [v.Id, Number(v.Vcpus), Number(v.MemoryMib), v.CurrentHost ?? ""];
                csv.WriteRecord(dirty ? [.. row, Optional(v.DirtyRateMibPerSecond)] : row);
            }
        });
        WriteCsv(Path.Combine(directory, UsageFile), ["timestamp", "vm_id", "cpu_cores", "memory_mib"], csv =>
        {
            for (var i = 0; i < dataset.Vms.Length; i++)
            {
                var id = dataset.Vms[i].Id;
                var s = dataset.Usage[i];
                foreach (var k in TimeOrder(s))
                    csv.WriteRecord(Timestamp(s.UnixSeconds[k]), id, Number(s.CpuCores[k]), Number(s.MemoryMib[k]));
            }
        });
    }

    public static string Timestamp(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    public static string Number(float x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static string Optional(double? x) => x is { } v ? Number(v) : "";

    private static void WriteCsv(string path, string[] header, Action<CsvWriter> rows) =>
        AtomicFile.Write(path, writer =>
        {
            using var csv = CsvWriter.Create(writer, Options, leaveOpen: true);
            csv.WriteRecord(header);
            rows(csv);
        });

    /// <summary>Series are in time order by contract; a stable sort keeps the output right even if one is not.</summary>
    private static IEnumerable<int> TimeOrder(VmSeries s)
    {
        for (var k = 1; k < s.Count; k++)
            if (s.UnixSeconds[k] < s.UnixSeconds[k - 1])
                return Enumerable.Range(0, s.Count).OrderBy(j => s.UnixSeconds[j]);
        return Enumerable.Range(0, s.Count);
    }
}
