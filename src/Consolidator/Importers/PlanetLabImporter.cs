using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Datasets;
using Consolidator.Inventory;

namespace Consolidator.Importers;

/// <summary>Imports the PlanetLab (CoMon) CPU traces of Beloglazov and Buyya 2012: one folder per day named
/// yyyyMMdd, one file per VM named after it, 288 lines of integer CPU % at 5-minute steps, no header, no
/// timestamps, no memory and no hosts. What is missing comes from CloudSim's PlanetLab experiments
/// (examples/power/Constants.java, Helper.java): four VM types in four equal blocks of VM order, and
/// alternating HP ProLiant ML110 G4 / G5 hosts with their SPECpower tables.</summary>
public static class PlanetLabImporter
{
    public const int SamplesPerDay = 288;
    public const int StepSeconds = 300;
    public const int DefaultHostCount = 800;

    /// <summary>What a bad line's one field is called (the files have no header): a CPU utilisation in percent.</summary>
    public const string ValueColumn = "CPU %";

    /// <summary>CloudSim's VM types: MIPS (one PE) and RAM in MB, memory "halved to enable oversubscription".</summary>
    public static readonly ImmutableArray<(double Mips, double RamMb)> VmTypes = [(2500, 870), (2000, 1740), (1000, 1740), (500, 613)];

    /// <summary>Imports every day folder of <paramref name="sources"/> (each a day folder, or a folder of day
    /// folders) into the native dataset folder <paramref name="outDir"/>, all or nothing. VMs with the same
    /// file name on several days are one VM.</summary>
    public static ImportReport Import(IReadOnlyList<string> sources, string outDir, ImportOptions options)
    {
        options.Validate();
        var log = new ImportLog(options.Strict);
        var days = Days(sources);
        var vmFiles = new SortedDictionary<string, List<(DateOnly Day, string File)>>(SourceFolders.NameOrder);
        foreach (var (day, folder) in days)
        {
            var here = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in SourceFolders.Files(folder))
            {
                var id = VmId(file);
                // A VM's file beside its gzip copy would read the day twice: every line of the second a bad row.
                if (!here.TryAdd(id, file))
                    throw new InputException(file, 0, null, 0, null, $"VM '{Quoted.Value(id)}' has two files in this day folder (also {Quoted.Path(Path.GetFileName(here[id]))}): its day would be read twice; keep one");
                if (id.Trim().Length != id.Length)
                    throw new InputException(file, 0, null, 0, id, "a file name that starts or ends with whitespace cannot be a VM id (CSV readers trim it)");
                if (Ids.HostOrVmProblem(id) is { } problem)
                    throw new InputException(file, 0, null, 0, id, $"the file name is the VM's id: {problem}");
                if (!vmFiles.TryGetValue(id, out var list)) vmFiles[id] = list = [];
                list.Add((day, file));
            }
        }
        if (vmFiles.Count == 0)
            throw new InputException(sources[0], 0, null, 0, null, "no VM trace files found (expected one file per VM in a yyyyMMdd day folder)");
        // Once the sources are known good (their own faults first), before anything is written.
        SourceFolders.RequireOutside(outDir, sources);

        var ids = vmFiles.Keys.ToArray();
        // Helper.createVmList: vmType = i / ceil(n / 4).
        var block = (int)Math.Ceiling(ids.Length / (double)VmTypes.Length);
        var types = ids.Select((_, i) => VmTypes[i / block]).ToArray();
        var hosts = options.Hosts ?? [.. Enumerable.Range(0, options.HostCount ?? DefaultHostCount).Select(CloudSimHost)];

        var kept = new List<(string Id, double Vcpus, double MemoryMib, long First, long Last)>();
        using var stream = DatasetWriter.Open(outDir);
        for (var v = 0; v < ids.Length; v++)
        {
            var cores = types[v].Mips / HostModels.MipsPerCore;
            long rows = 0;
            foreach (var (day, file) in vmFiles[ids[v]])
                rows += ReadDay(file, ids[v], day, cores, types[v].RamMb, stream, log);
            // The native format needs at least one sample per VM; a VM whose every line was bad has none.
            // The VM runs from the start of its first day to the end of its last one.
            var dayStart = (DateOnly d) => new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
            if (rows > 0) kept.Add((ids[v], cores, types[v].RamMb, dayStart(vmFiles[ids[v]].Min(f => f.Day)), dayStart(vmFiles[ids[v]].Max(f => f.Day)) + 86399));
            else log.Note($"VM '{ids[v]}' left out: none of its lines is a usable sample");
        }
        // As for Bitbrains: a dataset of no VM was written (exit 0), which every command then refused ("no VMs").
        if (kept.Count == 0)
            throw new InputException(sources[0], 0, null, 0, null, string.Create(CultureInfo.InvariantCulture, $"no usable samples in any file ({log.BadRowCount:N0} bad rows)"));
        var allocations = kept.Select(k => new AllocationFirstFit.Stay(k.Vcpus, k.MemoryMib, k.First, k.Last)).ToArray();
        var placed = options.Placement == CurrentPlacementRule.FirstFit ? AllocationFirstFit.Place(hosts, allocations) : new string?[kept.Count];
        var vms = kept.Select((k, v) => new Vm(k.Id, k.Vcpus, k.MemoryMib, placed[v])).ToArray();
        stream.Complete(hosts, vms);

        var spaced = vms.Count(vm => vm.Id.Contains(' '));
        if (spaced > 0) log.Note($"{spaced} VM id(s) contain a space (PlanetLab file names); kept verbatim");
        var placedCount = placed.Count(p => p is not null);
        if (options.Placement == CurrentPlacementRule.FirstFit && placedCount < vms.Length)
            log.Note($"{vms.Length - placedCount} VM(s) found no host with room for their allocation and run nowhere today");
        return new ImportReport("planetlab", vms.Length, hosts.Length, placedCount, stream.Rows, log.BadRowCount, log.Listed, log.Notes,
            Assumptions(days, options, hosts.Length));
    }

    /// <summary>CloudSim's Helper.createHostList: host i is of type i % 2, G4 first.</summary>
    public static Host CloudSimHost(int i)
    {
        var model = i % 2 == 0 ? HostModels.Ml110G4 : HostModels.Ml110G5;
        return model.Create(string.Create(CultureInfo.InvariantCulture, $"{model.Name}-{i:000}"));
    }

    /// <summary>The largest VM-day file read: its lines were read whole, and a file of one line that never ends (a disk
    /// image under a VM's name) took 7.3 GB of memory for 1.5 GB, then was an OutOfMemoryException (exit code 1).</summary>
    public const long MaxDayFileBytes = 64 << 10;

    /// <summary>A gzip-compressed VM-day file (<c>&lt;vm&gt;.gz</c>, as the traces are often stored): its VM is the name
    /// less <c>.gz</c>. Such files were read as text, every line of compressed bytes a bad row, and the VM "name.gz"
    /// left out.</summary>
    public const string GzipExtension = ".gz";

    /// <summary>The VM id: the file name, less <see cref="GzipExtension"/>.</summary>
    public static string VmId(string path)
    {
        var name = Path.GetFileName(path);
        return name.EndsWith(GzipExtension, StringComparison.OrdinalIgnoreCase) && name.Length > GzipExtension.Length ? name[..^GzipExtension.Length] : name;
    }

    /// <summary>The text of one VM-day file, decompressed when it is gzip (by its name, or by its first bytes: a gzip file
    /// renamed); at most <see cref="MaxDayFileBytes"/> either way, so a small compressed file that expands without end
    /// is refused, not read into memory. SharpZipLib checks the CRC and length of the gzip trailer, so a truncated file is
    /// an error (as for Bitbrains).</summary>
    private static Stream OpenDay(string file)
    {
        var input = InputFiles.OpenRead(file);
        var tooLarge = $"more than {MaxDayFileBytes >> 10} KiB: a PlanetLab VM-day file holds {SamplesPerDay} lines of one CPU percentage each (about 1 KiB)";
        try
        {
            if (input.Length > MaxDayFileBytes) throw new InputException(file, 0, null, 0, null, tooLarge);
            Span<byte> magic = stackalloc byte[2];
            var gzip = Path.GetFileName(file).EndsWith(GzipExtension, StringComparison.OrdinalIgnoreCase)
                || (input.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1F && magic[1] == 0x8B);
            input.Position = 0;
            if (!gzip) return input;
            var text = new MemoryStream();
            try
            {
                using var unpacked = new ICSharpCode.SharpZipLib.GZip.GZipInputStream(input) { IsStreamOwner = false };
                var buffer = new byte[16 << 10];
                int read;
                while ((read = unpacked.Read(buffer, 0, buffer.Length)) > 0)
                {
                    if (text.Length + read > MaxDayFileBytes) throw new InputException(file, 0, null, 0, null, tooLarge + ", once decompressed");
                    text.Write(buffer, 0, read);
                }
            }
            catch (Exception e) when (e is ICSharpCode.SharpZipLib.SharpZipBaseException or EndOfStreamException or InvalidDataException)
            {
                throw new InputException(file, 0, null, 0, null, $"not a whole gzip file (truncated or corrupt): {e.Message}");
            }
            input.Dispose();
            text.Position = 0;
            return text;
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            input.Dispose();
            throw InputFiles.Failure(file, e);
        }
        catch
        {
            input.Dispose();
            throw;
        }
    }

    /// <summary>Streams one VM-day file; returns the samples written.</summary>
    private static long ReadDay(string file, string vmId, DateOnly day, double cores, double ramMb, DatasetStream stream, ImportLog log)
    {
        long written = 0;
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        using var reader = new StreamReader(OpenDay(file), detectEncodingFromByteOrderMarks: true);
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            var value = text.Trim();
            if (line > SamplesPerDay)
            {
                log.Bad(file, line, ValueColumn, 1, value, $"a day holds {SamplesPerDay} 5-minute samples; this line would fall on the next day");
                continue;
            }
            if (value.Length == 0)
            {
                log.Bad(file, line, ValueColumn, 1, null, "empty line: no sample for this 5-minute step");
                continue;
            }
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) || !double.IsFinite(percent))
            {
                log.Bad(file, line, ValueColumn, 1, value, "not a CPU utilisation in percent" + DecimalComma.Hint(value));
                continue;
            }
            if (percent < 0)
            {
                log.Bad(file, line, ValueColumn, 1, value, "negative CPU utilisation");
                continue;
            }
            if (DatasetStream.SampleProblem(start + (line - 1) * (long)StepSeconds, percent / 100 * cores, ramMb) is { } problem)
            {
                log.Bad(file, line, ValueColumn, 1, value, problem.Problem);
                continue;
            }
            if (percent > 100) log.Count("{0} sample(s) above 100 % CPU kept as measured");
            stream.WriteUsage(start + (line - 1) * (long)StepSeconds, vmId, percent / 100 * cores, ramMb, source: new SampleSource(file, line, null, 0, null));
            written++;
        }
        if (line < SamplesPerDay) log.Count("{0} missing sample(s) at the end of short day files", SamplesPerDay - line);
        return written;
    }

    private static List<(DateOnly Day, string Folder)> Days(IReadOnlyList<string> sources)
    {
        if (sources.Count == 0) throw new ArgumentOutOfRangeException(nameof(sources), "give at least one PlanetLab folder");
        var days = new List<(DateOnly Day, string Folder)>();
        foreach (var source in sources)
        {
            SourceFolders.RequireFolder(source);
            var dayFolders = SourceFolders.Folders(source).Where(f => TryDay(f, out _)).ToArray();
            // A day folder holding day folders (a day unpacked into itself): its own VM files were skipped without a
            // word. A parent's other files (PROVENANCE.md) are not VM files, as its name is not a day.
            if (dayFolders.Length > 0 && TryDay(source, out _) && SourceFolders.FirstFile(source) is { } stray)
                throw new InputException(source, 0, null, 0, null,
                    $"holds VM files ('{Quoted.Path(Path.GetFileName(stray))}') and also day folders ('{Quoted.Path(Path.GetFileName(dayFolders[0]))}'): give the day folders one by one, or move the files into their day");
            foreach (var folder in dayFolders.Length > 0 ? dayFolders : [source])
            {
                if (!TryDay(folder, out var day))
                    throw new InputException(folder, 0, null, 0, Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)),
                        "a PlanetLab day folder must be named after its day, yyyyMMdd (e.g. 20110411): the files hold no timestamps");
                // Every line of the day would be a bad row ("a time outside ..." quoting its CPU value), and the import empty.
                var dayStart = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
                if (!SampleTime.Holds(dayStart) || !SampleTime.Holds(dayStart + 86_399))
                    throw new InputException(folder, 0, null, 0, Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)),
                        $"the day folder's date is outside {SampleTime.Range}, the times a usage sample may carry");
                var seen = days.FindIndex(d => d.Day == day);
                if (seen >= 0)
                    throw new InputException(folder, 0, null, 0, null, $"day {day:yyyy-MM-dd} is given twice (also {days[seen].Folder})");
                days.Add((day, folder));
            }
        }
        return [.. days.OrderBy(d => d.Day)];
    }

    private static bool TryDay(string folder, out DateOnly day) =>
        DateOnly.TryParseExact(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    private static ImmutableArray<string> Assumptions(List<(DateOnly Day, string Folder)> days, ImportOptions options, int hostCount)
    {
        var list = ImmutableArray.CreateBuilder<string>();
        list.Add($"timestamps: line n of a day folder yyyyMMdd is yyyy-MM-ddT00:00:00Z + (n - 1) x 5 min (days: {string.Join(", ", days.Select(d => d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))}); the publisher states neither start time nor time zone");
        list.Add("CPU: cores of 1000 MIPS; a VM's usage = CPU % / 100 x its type's MIPS / 1000");
        list.Add("VM types (CloudSim Constants.java, blocks of VM order as in Helper.createVmList): 2500 MIPS / 870 MB, 2000 / 1740, 1000 / 1740, 500 / 613; memory usage = the type's RAM (the trace has none)");
        if (options.Hosts is null)
            list.Add($"hosts: {hostCount} alternating HP ProLiant ML110 G4 (3.72 cores, 4096 MiB) and G5 (5.32 cores, 4096 MiB) with CloudSim's SPECpower tables (PlanetLabConstants.NUMBER_OF_HOSTS = 800)");
        if (options.Placement == CurrentPlacementRule.FirstFit)
            list.Add("current placement: each VM, from the start of its first day, on the first host with room for its whole allocation (MIPS and RAM) among the VMs running then; a VM's room is freed after its last day");
        return list.ToImmutable();
    }
}
