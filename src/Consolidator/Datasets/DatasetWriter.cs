using System.Globalization;
using Consolidator.Inventory;
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

    public static readonly string[] UsageHeader = ["timestamp", "vm_id", "cpu_cores", "memory_mib"];

    public static void Write(Dataset dataset, string directory)
    {
        AtomicFile.Write(Path.Combine(directory, HostsFile), w => WriteHosts(w, dataset.Hosts));
        AtomicFile.Write(Path.Combine(directory, VmsFile), w => WriteVms(w, dataset.Vms));
        WriteCsv(Path.Combine(directory, UsageFile), UsageHeader, csv =>
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

    /// <summary>hosts.csv; the power_table column appears only when some host has a table, so datasets
    /// with linear hosts keep their bytes.</summary>
    public static void WriteHosts(TextWriter writer, IReadOnlyList<Host> hosts)
    {
        var tables = hosts.Any(h => h.PowerTable is not null);
        using var csv = CsvWriter.Create(writer, Options, leaveOpen: true);
        csv.WriteRecord(tables
            ? ["host_id", "cpu_cores", "memory_mib", "idle_watts", "max_watts", DatasetReader.PowerTableColumn]
            : ["host_id", "cpu_cores", "memory_mib", "idle_watts", "max_watts"]);
        foreach (var h in hosts)
        {
            if (tables)
                csv.WriteRecord(h.Id, Number(h.CpuCores), Number(h.MemoryMib), Number(h.IdleWatts), Number(h.MaxWatts), h.PowerTable?.Format() ?? "");
            else
                csv.WriteRecord(h.Id, Number(h.CpuCores), Number(h.MemoryMib), Number(h.IdleWatts), Number(h.MaxWatts));
        }
    }

    public static void WriteVms(TextWriter writer, IReadOnlyList<Vm> vms)
    {
        using var csv = CsvWriter.Create(writer, Options, leaveOpen: true);
        csv.WriteRecord("vm_id", "vcpus", "memory_mib", "current_host");
        foreach (var v in vms)
            csv.WriteRecord(v.Id, Number(v.Vcpus), Number(v.MemoryMib), v.CurrentHost ?? "");
    }

    /// <summary>Starts a dataset whose usage rows are written as they arrive and whose inventory is known
    /// only at the end; see <see cref="DatasetStream"/>.</summary>
    public static DatasetStream Open(string directory) => new(directory, Options);

    public static string Timestamp(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    public static string Number(float x) => x.ToString("R", CultureInfo.InvariantCulture);

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
