using System.Globalization;
using Consolidator.Inventory;
using Consolidator.Output;
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

    /// <summary>Writes the three files as one output set (see <see cref="OutputSet"/>): all or nothing.</summary>
    public static void Write(Dataset dataset, string directory) =>
        OutputSet.Write(directory, OutputKind.Dataset, Files(dataset));

    /// <summary>The three files of a dataset, for a command that adds them to an output set of its own.</summary>
    public static IEnumerable<OutputFile> Files(Dataset dataset) =>
    [
        OutputFile.Text(HostsFile, w => WriteHosts(w, dataset.Hosts)),
        OutputFile.Text(VmsFile, w => WriteVms(w, dataset.Vms)),
        OutputFile.Text(UsageFile, w => WriteUsage(w, dataset)),
        .. dataset.Images.IsDefaultOrEmpty ? [] : new[] { OutputFile.Text(ImagesReader.File, w => WriteImages(w, dataset.Images)) },
    ];

    /// <summary>images.csv: image_id, size_gib, parent, shared_gib.</summary>
    public static void WriteImages(TextWriter writer, IReadOnlyList<Storage.Image> images)
    {
        using var csv = CsvWriter.Create(writer, Options, leaveOpen: true);
        csv.WriteRecord(ImagesReader.IdColumn, ImagesReader.SizeColumn, ImagesReader.ParentColumn, ImagesReader.SharedColumn);
        foreach (var i in images)
            csv.WriteRecord(i.Id, Number(i.SizeGib), i.Parent ?? "", i.Parent is null ? "" : Number(i.SharedWithParentGib));
    }

    private static void WriteUsage(TextWriter writer, Dataset dataset)
    {
        using var csv = CsvWriter.Create(writer, Options, leaveOpen: true);
        // A VM's disk write rate is kept as its mean, so each of its rows carries the mean (read back, it averages to it).
        var writes = dataset.Usage.Any(s => s.MeanDiskWriteKibPerSecond is not null);
        csv.WriteRecord(writes ? [.. UsageHeader, DatasetReader.DiskWriteColumn] : UsageHeader);
        for (var i = 0; i < dataset.Vms.Length; i++)
        {
            var id = dataset.Vms[i].Id;
            var s = dataset.Usage[i];
            var write = s.MeanDiskWriteKibPerSecond is { } w ? Number(w) : "";
            foreach (var k in TimeOrder(s))
                if (writes) csv.WriteRecord(Timestamp(s.UnixSeconds[k]), id, Number(s.CpuCores[k]), Number(s.MemoryMib[k]), write);
                else csv.WriteRecord(Timestamp(s.UnixSeconds[k]), id, Number(s.CpuCores[k]), Number(s.MemoryMib[k]));
        }
    }

    /// <summary>hosts.csv. The optional columns (nic_gbps, power_table) appear only when some host has a
    /// value, so datasets without them keep their bytes.</summary>
    public static void WriteHosts(TextWriter writer, IReadOnlyList<Host> hosts)
    {
        var nic = hosts.Any(h => h.NicGbps is not null);
        var tables = hosts.Any(h => h.PowerTable is not null);
        var local = hosts.Any(h => h.Storage == StorageKind.Local);
        using var csv = CsvWriter.Create(writer, Options, leaveOpen: true);
        List<string> header = ["host_id", "cpu_cores", "memory_mib", "idle_watts", "max_watts"];
        if (nic) header.Add(DatasetReader.NicColumn);
        if (tables) header.Add(DatasetReader.PowerTableColumn);
        if (local) header.AddRange([StorageKinds.Column, DatasetReader.DiskColumn]);
        csv.WriteRecord([.. header]);
        foreach (var h in hosts)
        {
            List<string> row = [h.Id, Number(h.CpuCores), Number(h.MemoryMib), Number(h.IdleWatts), Number(h.MaxWatts)];
            if (nic) row.Add(Optional(h.NicGbps));
            if (tables) row.Add(h.PowerTable?.Format() ?? "");
            if (local) row.AddRange([StorageKinds.Name(h.Storage), Optional(h.DiskGib)]);
            csv.WriteRecord([.. row]);
        }
    }

    /// <summary>vms.csv; each optional column (dirty_rate_mib_s, qos, wss_mib, hot_dirty_mib_s, cold_dirty_mib_s)
    /// appears only when some VM has a value for it.</summary>
    public static void WriteVms(TextWriter writer, IReadOnlyList<Vm> vms)
    {
        (string Name, Func<Vm, string?> Value)[] optional =
        [
            (DatasetReader.DirtyRateColumn, v => v.DirtyRateMibPerSecond is { } x ? Optional(x) : null),
            (QosClasses.Column, v => v.Qos is { } q ? QosClasses.Name(q) : null),
            (DatasetReader.WssColumn, v => v.WssMib is { } x ? Optional(x) : null),
            (DatasetReader.HotDirtyColumn, v => v.HotDirtyMibPerSecond is { } x ? Optional(x) : null),
            (DatasetReader.ColdDirtyColumn, v => v.ColdDirtyMibPerSecond is { } x ? Optional(x) : null),
            (DatasetReader.DiskColumn, v => v.DiskGib is { } x ? Optional(x) : null),
            (DatasetReader.ImageColumn, v => v.ImageId),
        ];
        var present = optional.Where(c => vms.Any(v => c.Value(v) is not null)).ToArray();
        using var csv = CsvWriter.Create(writer, Options, leaveOpen: true);
        csv.WriteRecord([.. new[] { "vm_id", "vcpus", "memory_mib", "current_host" }, .. present.Select(c => c.Name)]);
        foreach (var v in vms)
            csv.WriteRecord([.. new[] { v.Id, Number(v.Vcpus), Number(v.MemoryMib), v.CurrentHost ?? "" }, .. present.Select(c => c.Value(v) ?? "")]);
    }

    /// <summary>Starts a dataset whose usage rows are written as they arrive and whose inventory is known
    /// only at the end; see <see cref="DatasetStream"/>.</summary>
    /// <param name="diskWrites">usage.csv gets the disk_write_kib_s column (the importer's source has it).</param>
    public static DatasetStream Open(string directory, Action? onWait = null, bool diskWrites = false) =>
        new(OutputSet.Begin(directory, OutputKind.Dataset, onWait), Options, diskWrites);

    public static string Timestamp(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    public static string Number(float x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static string Optional(double? x) => x is { } v ? Number(v) : "";

    /// <summary>Series are in time order by contract; a stable sort keeps the output right even if one is not.</summary>
    private static IEnumerable<int> TimeOrder(VmSeries s)
    {
        for (var k = 1; k < s.Count; k++)
            if (s.UnixSeconds[k] < s.UnixSeconds[k - 1])
                return Enumerable.Range(0, s.Count).OrderBy(j => s.UnixSeconds[j]);
        return Enumerable.Range(0, s.Count);
    }
}
