using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Datasets;
using Consolidator.Inventory;
using CsvHelper;

namespace Consolidator.Importers;

/// <summary>Imports Bitbrains GWA-T-12 per-VM files (Shen, van Beek and Iosup, CCGrid 2015): one
/// <c>&lt;id&gt;.csv</c> per VM, fields separated by ";" and a TAB, CPU and memory every ~5 minutes. The
/// trace names no hosts; the importer assumes Dell R820 servers (or the inventory given) and an
/// allocation-sized first-fit current placement.</summary>
public static class BitbrainsImporter
{
    public const string TimestampColumn = "Timestamp [ms]";
    public const string CoresColumn = "CPU cores";
    public const string CpuPercentColumn = "CPU usage [%]";
    public const string MemoryProvisionedColumn = "Memory capacity provisioned [KB]";
    public const string MemoryUsageColumn = "Memory usage [KB]";

    /// <summary>Optional: the VM's disk write throughput, written to usage.csv's disk_write_kib_s (KB read as
    /// KiB, as the memory columns are), which block migration copies again while it runs.</summary>
    public const string DiskWriteColumn = "Disk write throughput [KB/s]";

    /// <summary>Epoch values below this are seconds (year 5138 in seconds, 1973 in milliseconds): the published
    /// files hold seconds in a column labelled [ms].</summary>
    public const double MillisecondThreshold = 1e11;

    /// <summary>Epoch values from this on are milliseconds (2001-09-09). Between the two thresholds a value is neither
    /// a time a VM trace holds in seconds (years 5138 to 33658) nor in milliseconds (1973 to 2001): a bad row, where
    /// reading it as milliseconds turned 253402300799 (9999-12-31 in seconds) into 1978 without a word.</summary>
    public const double MillisecondsFrom = 1e12;

    private static readonly CsvReaderOptions Options = CsvReaderOptions.Default with
    {
        // ";" then TAB: the TAB is trimmed as whitespace. Detection would be a guess between ";" and TAB.
        Separator = ';',
        DetectSeparatorHint = false,
        TrimWhitespace = true,
        TrackLineNumbers = true,
        FormatProvider = CultureInfo.InvariantCulture,
        MalformedData = CsvMalformedDataHandling.Throw,
        MaxRecordSize = Datasets.DatasetFile.MaxRecordBytes,
    };

    /// <summary>Imports every <c>*.csv</c> and <c>*.csv.gz</c> of <paramref name="sources"/> (each a folder of VM
    /// files, or a folder of such folders, e.g. one per month) into <paramref name="outDir"/>, all or nothing.
    /// Files with the same name in several folders are one VM. A gzip file is decompressed as it streams past:
    /// nothing is unpacked on disk.</summary>
    public static ImportReport Import(IReadOnlyList<string> sources, string outDir, ImportOptions options)
    {
        options.Validate();
        if (sources.Count == 0) throw new ArgumentOutOfRangeException(nameof(sources), "give at least one Bitbrains folder");
        var log = new ImportLog(options.Strict);
        var vmFiles = new SortedDictionary<string, List<string>>(SourceFolders.NameOrder);
        // A folder read twice (given twice, or as a month and inside its parent) or a VM's file beside its gzip copy read
        // every row of the VM twice: the second copy was a bad row per row. Refused, as PlanetLab refuses a day twice.
        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in sources.SelectMany(Folders))
        {
            var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
            if (!folders.TryAdd(full, folder))
                throw new InputException(folder, 0, null, 0, null, $"the folder is given twice (also as {Quoted.Path(folders[full])}): its VMs' rows would be read twice");
            var here = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in SourceFolders.Files(folder, IsVmFile))
            {
                var id = VmId(file);
                if (Ids.HostOrVmProblem(id) is { } problem)
                    throw new InputException(file, 0, null, 0, id, $"the file name is the VM's id: {problem}");
                if (!here.TryAdd(id, file))
                    throw new InputException(file, 0, null, 0, null, $"VM '{Quoted.Value(id)}' has two files in this folder (also {Quoted.Path(Path.GetFileName(here[id]))}): its rows would be read twice; keep one");
                if (!vmFiles.TryGetValue(id, out var list)) vmFiles[id] = list = [];
                list.Add(file);
            }
        }
        if (vmFiles.Count == 0)
            throw new InputException(sources[0], 0, null, 0, null, "no VM files found (expected <id>.csv or <id>.csv.gz files with the GWA-T-12 header)");
        // Once the sources are known good (their own faults first), before anything is written.
        SourceFolders.RequireOutside(outDir, sources);

        var kept = new List<BitbrainsVm>();
        var zeroCapacity = new List<string>();
        using var stream = DatasetWriter.Open(outDir, diskWrites: true);
        foreach (var (id, files) in vmFiles)
        {
            var vm = new BitbrainsVm(id);
            foreach (var file in files) ReadFile(file, vm, stream, log);
            vm.Finish(log);
            if (vm.Rows > 0) kept.Add(vm);
            else if (vm.ZeroCapacityRows > 0) zeroCapacity.Add(id);
            else log.Note($"VM '{id}' left out: none of its rows is a usable sample");
        }
        if (kept.Count == 0)
            throw new InputException(sources[0], 0, null, 0, null, "no usable samples in any file");

        var allocations = kept.Select(v => new AllocationFirstFit.Stay(v.MaxCores, v.MaxMemoryKb / 1024, v.FirstSample, v.LastSample)).ToArray();
        var hosts = options.Hosts ?? [.. Enumerable.Range(0, options.HostCount ?? AllocationFirstFit.HostsNeeded(HostModels.DellR820, allocations))
            .Select(i => HostModels.DellR820.Create(string.Create(CultureInfo.InvariantCulture, $"{HostModels.DellR820.Name}-{i:000}")))];
        var placed = options.Placement == CurrentPlacementRule.FirstFit ? AllocationFirstFit.Place(hosts, allocations) : new string?[kept.Count];
        var vms = kept.Select((v, i) => new Vm(v.Id, allocations[i].Vcpus, allocations[i].MemoryMib, placed[i])).ToArray();
        stream.Complete(hosts, vms);

        if (zeroCapacity.Count > 0)
            log.Note($"{zeroCapacity.Count} VM(s) left out: zero cores and memory provisioned in every row (never running in the trace): {string.Join(", ", zeroCapacity)}");
        var placedCount = placed.Count(p => p is not null);
        if (options.Placement == CurrentPlacementRule.FirstFit && placedCount < vms.Length)
            log.Note($"{vms.Length - placedCount} VM(s) found no host with room for their allocation and run nowhere today");
        return new ImportReport("bitbrains", vms.Length, hosts.Length, placedCount, stream.Rows, log.BadRowCount, log.Listed, log.Notes,
            Assumptions(options, hosts.Length));
    }

    public const string GzipExtension = ".gz";

    /// <summary>A VM's file: <c>&lt;id&gt;.csv</c>, or the same gzip-compressed as <c>&lt;id&gt;.csv.gz</c>.</summary>
    public static bool IsVmFile(string path) =>
        path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".csv" + GzipExtension, StringComparison.OrdinalIgnoreCase);

    /// <summary>The VM id: the file name without <c>.csv</c> or <c>.csv.gz</c>.</summary>
    public static string VmId(string path)
    {
        var name = Path.GetFileName(path);
        if (name.EndsWith(GzipExtension, StringComparison.OrdinalIgnoreCase)) name = name[..^GzipExtension.Length];
        return Path.GetFileNameWithoutExtension(name).Trim();
    }

    private static IEnumerable<string> Folders(string source)
    {
        SourceFolders.RequireFolder(source);
        var subfolders = SourceFolders.Folders(source);
        if (SourceFolders.Files(source, IsVmFile).Length == 0) return subfolders;
        // VM files beside folders of VM files (a stray file copied into the months' parent): the months were skipped
        // without a word and the import held the stray VMs alone.
        if (subfolders.FirstOrDefault(f => SourceFolders.Files(f, IsVmFile).Length > 0) is { } month)
            throw new InputException(source, 0, null, 0, null,
                $"holds VM files and also folders of VM files ('{Quoted.Path(Path.GetFileName(month))}'): give the folders one by one, or move the files into one of them");
        return [source];
    }

    private static void ReadFile(string path, BitbrainsVm vm, DatasetStream stream, ImportLog log)
    {
        InputFiles.Require(path);
        CsvReader csv;
        try
        {
            csv = Open(path);
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw InputFiles.Failure(path, e);
        }
        using var owned = csv;
        try
        {
            ReadRows(path, csv, vm, stream, log);
        }
        catch (Exception e) when (IsGzip(path) && e is ICSharpCode.SharpZipLib.SharpZipBaseException or EndOfStreamException or InvalidDataException)
        {
            // The rows before the damage were read, but the file is not whole: refuse it rather than import part.
            throw new InputException(path, 0, null, 0, null, $"not a whole gzip file (truncated or corrupt): {e.Message}");
        }
    }

    private static bool IsGzip(string path) => path.EndsWith(GzipExtension, StringComparison.OrdinalIgnoreCase);

    /// <summary>A reader over the file, decompressing it on the fly when it is gzip. SharpZipLib checks each
    /// member's CRC and length against its trailer, so a truncated file is an error; .NET's GZipStream reads a
    /// truncated file to wherever it stops without a word.</summary>
    private static CsvReader Open(string path)
    {
        if (!IsGzip(path)) return CsvReader.FromFile(path, Options);
        var file = File.OpenRead(path);
        try
        {
            return CsvReader.Create(new ICSharpCode.SharpZipLib.GZip.GZipInputStream(file), Options);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static void ReadRows(string path, CsvReader csv, BitbrainsVm vm, DatasetStream stream, ImportLog log)
    {
        string[] header;
        try
        {
            header = [.. csv.Headers.Select(h => h.Trim())];
        }
        catch (CsvFormatException e)
        {
            throw new InputException(path, (int)e.LineNumber, null, 0, null, Datasets.DatasetFile.Reason(e));
        }
        // An empty file (a copy cut short, a VM whose monitor never wrote) was "required column 'Timestamp [ms]' is
        // missing; the header has:  (fields must be separated by ';')", blaming a separator the file does not hold.
        if (header is [] or [""] && csv.LineNumber <= 1)
            throw new InputException(path, 1, null, 0, null,
                $"the file is empty; expected a header line with the columns {TimestampColumn}; {CoresColumn}; {CpuPercentColumn}; {MemoryProvisionedColumn}; {MemoryUsageColumn} (separated by ';')");
        // A column named twice (a header edited or concatenated by hand) was read from its first occurrence without a word.
        int Column(string name)
        {
            var i = Datasets.DatasetFile.IndexOf(path, 1, header, name);
            if (i < 0)
                throw new InputException(path, 1, name, 0, null,
                    $"required column '{Quoted.Value(name)}' is missing; the header has: {Quoted.Escape(string.Join(", ", header), 200)} (fields must be separated by ';')");
            return i;
        }
        var columns = new RowColumns(Column(TimestampColumn), Column(CoresColumn), Column(CpuPercentColumn),
            Column(MemoryProvisionedColumn), Column(MemoryUsageColumn), header,
            Datasets.DatasetFile.IndexOf(path, 1, header, DiskWriteColumn));
        while (true)
        {
            try
            {
                if (!csv.Read()) break;
            }
            catch (CsvFormatException e)
            {
                throw new InputException(path, (int)e.LineNumber, null, 0, null, Datasets.DatasetFile.Reason(e));
            }
            var line = (int)Math.Min(csv.LineNumber, int.MaxValue);
            if (csv.FieldCount < header.Length)
            {
                // Named by the first column the row lacks: where the row ends early.
                log.Bad(path, line, header[csv.FieldCount], csv.FieldCount + 1, null, $"missing: the row has {csv.FieldCount} fields but the header has {header.Length}");
                continue;
            }
            // A field past the header's with something in it: two rows joined where a line break was lost (a file appended
            // to one that did not end in one), of which the first was read and the second dropped without a word. An empty
            // one (a trailing ';') holds nothing to lose.
            if (FirstFilledExtra(csv, header.Length) is { } extra)
            {
                log.Bad(path, line, "past the header", extra + 1, System.Text.Encoding.UTF8.GetString(csv.GetSpan(extra)), $"the row has {csv.FieldCount} fields but the header has {header.Length} (two rows joined where a line break was lost?)");
                continue;
            }
            if (BitbrainsRow.Parse(csv, columns, path, line, log) is { } row)
                vm.Add(row, columns, path, line, stream, log);
        }
    }

    private static int? FirstFilledExtra(CsvReader csv, int headerLength)
    {
        for (var i = headerLength; i < csv.FieldCount; i++)
            if (!csv.GetSpan(i).Trim((byte)' ').Trim((byte)'\t').IsEmpty) return i;
        return null;
    }

    private static ImmutableArray<string> Assumptions(ImportOptions options, int hostCount)
    {
        var list = ImmutableArray.CreateBuilder<string>();
        list.Add("timestamps: Unix epoch (UTC); values below 1e11 in 'Timestamp [ms]' are seconds, as the published files hold, values from 1e12 milliseconds, values between them bad rows");
        list.Add("CPU: cores = CPU usage [%] / 100 x CPU cores; memory: MiB = KB / 1024; vcpus and memory_mib = the most provisioned in any row");
        list.Add("rows with zero cores or zero memory provisioned: the VM is not running; no sample is written");
        list.Add("disk writes: disk_write_kib_s = 'Disk write throughput [KB/s]' (KB read as KiB), when the files have the column");
        if (options.Hosts is null)
            list.Add($"hosts: {hostCount} x {HostModels.DellR820.Description}, SPECpower table from {HostModels.DellR820.Source}; as many as the current placement needs unless --host-count says otherwise");
        if (options.Placement == CurrentPlacementRule.FirstFit)
            list.Add("current placement: each VM, when its first sample appears, on the first host with room for its whole allocation (vCPUs and memory) among the VMs running then; a VM's room is freed after its last sample");
        return list.ToImmutable();
    }
}
