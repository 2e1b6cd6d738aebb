using System.Collections.Immutable;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Power;
using Consolidator.Storage;
using Consolidator.Traces;

namespace Consolidator.Datasets;

/// <summary>Reads a dataset folder in the native format: <c>hosts.csv</c>, <c>vms.csv</c> and
/// <c>usage.csv</c> (long format, one row per VM and timestamp). Header order is free, names match
/// case-insensitively, unknown columns are ignored. Any problem is an <see cref="InputException"/>.</summary>
public static class DatasetReader
{
    public const string HostsFile = "hosts.csv";
    public const string VmsFile = "vms.csv";
    public const string UsageFile = "usage.csv";
    public const string PowerTableColumn = "power_table";

    /// <summary>Optional hosts.csv column: NIC line rate in Gbit/s (&gt; 0).</summary>
    public const string NicColumn = "nic_gbps";

    /// <summary>Optional vms.csv column: page-dirtying rate in MiB/s (&gt;= 0).</summary>
    public const string DirtyRateColumn = "dirty_rate_mib_s";

    /// <summary>Optional vms.csv columns of the dirty model: working set (MiB), hot and cold dirty rates (MiB/s).</summary>
    public const string WssColumn = "wss_mib", HotDirtyColumn = "hot_dirty_mib_s", ColdDirtyColumn = "cold_dirty_mib_s";

    /// <summary>Optional usage.csv column: share of the VM's allocated memory that reads as zero, in [0, 1].</summary>
    public const string ZeroFractionColumn = "zero_fraction";

    /// <summary>Optional usage.csv column: the VM's disk write throughput in KiB/s (&gt;= 0), which block
    /// migration must copy again while it runs.</summary>
    public const string DiskWriteColumn = "disk_write_kib_s";

    /// <summary>Optional hosts.csv and vms.csv column: local storage capacity (hosts) or the VM's disk (VMs), in GiB.</summary>
    public const string DiskColumn = "disk_gib";

    /// <summary>Optional vms.csv column: the image the VM's disk was cloned from (an image_id of images.csv).</summary>
    public const string ImageColumn = "image_id";

    private const string Millicore = "millicore";

    /// <param name="fingerprint">Also hash the files read (<see cref="Dataset.Fingerprint"/>), each just before it is
    /// parsed: a file changed while the dataset is read then reads as changed when compared later, never the other way
    /// round. The files are read twice: SHA-256 took 0.28 s of processor time for 500 MB in OpenSSL, which .NET calls on
    /// Linux (`openssl dgst -sha256`, load 15), against about 8 s to parse the 1 GB usage.csv of 30,000 VMs.</param>
    public static Dataset Read(string directory, bool fingerprint = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new InputException(directory, 0, null, 0, null, 
                FileKinds.IsBrokenLink(directory) ? FileKinds.BrokenLinkWords : File.Exists(directory) ? "a file, not a dataset folder" : "dataset folder not found");

        using var hash = fingerprint ? new DatasetFingerprint() : null;
        // Every file is opened through the folder (DatasetFolder.Open: no link out of it, checked on the file opened).
        var folder = new DatasetFolder(directory);
        string Hashed(string path) => hash?.Add(path, folder) ?? path;
        var hosts = ReadHosts(Hashed(Path.Combine(directory, HostsFile)), folder);
        var imagesPath = Path.Combine(directory, ImagesReader.File);
        var images = File.Exists(imagesPath) || new FileInfo(imagesPath).LinkTarget is not null ? ImagesReader.Read(Hashed(imagesPath), hosts, folder, hash is null ? null : Hashed) : default(ImmutableArray<Image>?);
        var vms = ReadVms(Hashed(Path.Combine(directory, VmsFile)), hosts, images, folder);
        var usage = ReadUsage(Hashed(Path.Combine(directory, UsageFile)), vms, folder);
        var name = NameOf(directory);
        var constraints = Path.Combine(directory, ConstraintsReader.File);
        // A link to a missing constraints.csv is an error, not a dataset without rules.
        var rules = File.Exists(constraints) || new FileInfo(constraints).LinkTarget is not null ? ConstraintsReader.Read(Hashed(constraints), hosts, vms.Vms, folder) : [];
        return new Dataset(name, hosts, vms.Vms, usage) { Rules = rules, Images = images ?? [], Fingerprint = hash?.Digest() };
    }

    /// <summary>Seconds reading <paramref name="dataset"/> takes on an idle machine, for <see cref="Timing.Deadline.Pace"/>:
    /// 20.2 M usage rows of `generate --vms 30000` were read in 8.0 s on 2 idle cores (load 1.4 to 4.8) by one thread
    /// that copied each series twice; without the copies about a third less (6 s, the constant's first value). Parsing on
    /// two threads is faster still, and reading numbers and timestamps from the bytes (<see cref="DecimalText"/>) took the
    /// process's CPU for reading from 8.6 to 5.8 s (same file, `plan`, load 30 to 45): the constant scaled by that
    /// ratio, so that a faster reader does not read as an idle machine and shrink the reserves behind it.</summary>
    public static double IdleSeconds(Dataset dataset) => IdleSecondsPerUsageRow * dataset.Usage.Sum(s => (long)s.Count);

    public const double IdleSecondsPerUsageRow = 2e-7;

    /// <summary>Processor seconds reading <paramref name="dataset"/> takes on its threads together, for
    /// <see cref="Timing.Deadline.Mark(string, double, double)"/>: reading parses on both cores, so it uses more
    /// processor time than wall clock. 20.2 M usage rows of `generate --vms 30000`: 6.36 and 6.42 s of the process's
    /// processor time (`plan`, stopped after the profiles, main 4b7cd73, 2026-12-07 13:17-13:19 UTC, load 12-17), 5.8 s
    /// when the reader was last made faster (above); the smallest of them per row, so that the pace it sets errs high.
    /// The Bitbrains month's 3.66 M rows took 1.89-2.01 s, the runtime's start-up and compilation included.</summary>
    public static double IdleProcessorSeconds(Dataset dataset) => IdleProcessorSecondsPerUsageRow * dataset.Usage.Sum(s => (long)s.Count);

    public const double IdleProcessorSecondsPerUsageRow = 2.9e-7;

    /// <summary>The dataset's name: its folder's name, as <c>plan</c> and <c>sweep</c> name their default output.</summary>
    public static string NameOf(string directory) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));

    /// <summary>Reads one hosts.csv on its own, e.g. an inventory for an importer.</summary>
    public static ImmutableArray<Host> ReadHosts(string path) => ReadHosts(path, null);

    private static ImmutableArray<Host> ReadHosts(string path, DatasetFolder? folder)
    {
        using var file = DatasetFile.Open(path, folder, "host_id", "cpu_cores", "memory_mib", "idle_watts", "max_watts");
        int id = file.Column("host_id"), cpu = file.Column("cpu_cores"), memory = file.Column("memory_mib"),
            idle = file.Column("idle_watts"), max = file.Column("max_watts"), nic = file.OptionalColumn(NicColumn),
            table = file.OptionalColumn(PowerTableColumn), storage = file.OptionalColumn(StorageKinds.Column),
            disk = file.OptionalColumn(DiskColumn);
        var hosts = ImmutableArray.CreateBuilder<Host>();
        // Host names are case-insensitive (DNS, RFC 4343): "H1" and "h1" are one machine to libvirt's qemu+ssh URIs and
        // to OpenStack's hypervisor_hostname, so the exports would address it twice.
        var first = new Dictionary<string, (string Id, int Line)>(StringComparer.OrdinalIgnoreCase);
        while (file.Read())
        {
            var hostId = file.Id(id, hostOrVm: true);
            if (first.TryGetValue(hostId, out var earlier))
                throw file.Error(id, earlier.Id == hostId ? $"duplicate host_id (first on line {earlier.Line})"
                    : $"host_id differs only in case from '{Quoted.Value(earlier.Id)}' on line {earlier.Line}: host names are case-insensitive, so both would name one machine", hostId);
            first.Add(hostId, (hostId, file.Line));
            var host = new Host(hostId,
                file.Whole(cpu, file.AtLeast(cpu, file.AtMost(cpu, file.Number(cpu, positive: true), PlacementProblem.MaxCores), MinVcpus,
                    "one millicore: a host's capacity is counted in whole millicores, rounded down"), 3, Millicore),
                file.Whole(memory, file.AtLeast(memory, file.AtMost(memory, file.Number(memory, positive: true), PlacementProblem.MaxMib), 1,
                    "one MiB: a host's capacity is counted in whole MiB, rounded down"), 0, "MiB"),
                Watts(file, idle), Watts(file, max))
            {
                NicGbps = file.OptionalNumber(nic, positive: true) is { } gbps
                    ? file.AtLeast(nic, file.AtMost(nic, gbps, Host.MaxNicGbps, "1 Tbit/s, above the fastest Ethernet, 800 Gbit/s"), Host.MinNicGbps,
                        "1 Mbit/s: nic_gbps is in Gbit/s, and the slowest Ethernet runs at 10 Mbit/s") : null,
            };
            host = WithStorage(file, host, storage, disk);
            if (host.MaxWatts < host.IdleWatts)
                throw file.Error(max, $"max_watts must be at least idle_watts ({file.Text(idle)})", file.Text(max));
            if (table >= 0 && file.Text(table).Length > 0)
                host = host with { PowerTable = ReadPowerTable(file, table, host, idle, max) };
            hosts.Add(host);
        }
        if (hosts.Count == 0)
            throw new InputException(path, file.HeaderLine + 1, null, 0, null, "no hosts: the file has a header but no rows");
        return hosts.ToImmutable();
    }

    /// <summary>The optional storage and disk_gib columns: local storage needs a capacity; a capacity alone means
    /// local storage; shared storage has no capacity of the host's own.</summary>
    private static Host WithStorage(DatasetFile file, Host host, int storage, int disk)
    {
        var gib = disk >= 0 ? file.OptionalNumber(disk, positive: true) : null;
        if (gib is not null) file.AtMost(disk, gib.Value, PlacementProblem.MaxMib / 1024);
        StorageKind? kind = storage < 0 || file.Text(storage).Length == 0 ? null
            : StorageKinds.TryParse(file.Text(storage)) ?? throw file.Error(storage, "storage must be 'shared', 'local' or empty", file.Text(storage));
        if (kind == StorageKind.Local && gib is null)
            throw file.Error(disk >= 0 ? disk : storage, "a host on local storage needs disk_gib (its storage capacity in GiB)", disk >= 0 ? file.Text(disk) : file.Text(storage));
        if (kind == StorageKind.Shared && gib is not null)
            throw file.Error(disk, "disk_gib is the capacity of local storage: leave it empty on a host with shared storage", file.Text(disk));
        return gib is null ? host : host with { Storage = StorageKind.Local, DiskGib = gib };
    }

    /// <summary>The optional SPECpower-style table; idle_watts and max_watts must be its 0 % and 100 % values,
    /// so that every figure read from them agrees with the table.</summary>
    private static PowerTable ReadPowerTable(DatasetFile file, int column, Host host, int idle, int max)
    {
        PowerTable parsed;
        try
        {
            parsed = PowerTable.Parse(file.Text(column));
        }
        catch (FormatException e)
        {
            throw file.Error(column, e.Message, file.Text(column));
        }
        if (!Close(parsed.IdleWatts, host.IdleWatts))
            throw file.Error(idle, $"idle_watts must equal the power table's 0 % value ({DatasetWriter.Number(parsed.IdleWatts)})", file.Text(idle));
        if (!Close(parsed.MaxWatts, host.MaxWatts))
            throw file.Error(max, $"max_watts must equal the power table's 100 % value ({DatasetWriter.Number(parsed.MaxWatts)})", file.Text(max));
        return parsed;
    }

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(b));

    /// <summary>Reads one vms.csv on its own against its hosts, e.g. an inventory for an importer.</summary>
    public static ImmutableArray<Vm> ReadVms(string path, IReadOnlyList<Host> hosts) => ReadVms(path, [.. hosts], null, null).Vms;

    /// <summary>The ids of hosts and images by how they read (<see cref="Ids.Reading"/>), against which a VM's id is
    /// compared: the per-column check sees look-alikes only within hosts.csv's or vms.csv's own ids.</summary>
    private static Dictionary<string, (string Id, string What, string File)> ReadingsOf(params IEnumerable<(string Id, string What, string File)>?[] kinds)
    {
        var readings = new Dictionary<string, (string Id, string What, string File)>(StringComparer.Ordinal);
        foreach (var kind in kinds)
            foreach (var (id, what, file) in kind ?? [])
                readings.TryAdd(Ids.Reading(id), (id, what, file));
        return readings;
    }

    /// <summary>The VMs, with where each was declared so later files can point back at it.</summary>
    private sealed record VmTable(string Path, ImmutableArray<Vm> Vms, int[] Lines, int IdColumn, Dictionary<string, int> Index);

    private static VmTable ReadVms(string path, ImmutableArray<Host> hosts, ImmutableArray<Image>? images, DatasetFolder? folder)
    {
        using var file = DatasetFile.Open(path, folder, "vm_id", "vcpus", "memory_mib", "current_host");
        int id = file.Column("vm_id"), vcpus = file.Column("vcpus"), memory = file.Column("memory_mib"),
            current = file.Column("current_host"), dirty = file.OptionalColumn(DirtyRateColumn),
            qos = file.OptionalColumn(QosClasses.Column),
            wss = file.OptionalColumn(WssColumn), hot = file.OptionalColumn(HotDirtyColumn), cold = file.OptionalColumn(ColdDirtyColumn),
            disk = file.OptionalColumn(DiskColumn), image = file.OptionalColumn(ImageColumn);
        var imageSizes = images?.ToDictionary(i => i.Id, i => i.SizeGib, StringComparer.Ordinal);
        var known = hosts.Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        var others = ReadingsOf(hosts.Select(h => (h.Id, "host", HostsFile)), images?.Select(i => (i.Id, "image", ImagesReader.File)));
        var vms = ImmutableArray.CreateBuilder<Vm>();
        var lines = new List<int>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        while (file.Read())
        {
            var vmId = file.Id(id, hostOrVm: true);
            if (!index.TryAdd(vmId, vms.Count))
                throw file.Error(id, $"duplicate vm_id (first on line {lines[index[vmId]]})", vmId);
            if (others.TryGetValue(Ids.Reading(vmId), out var other) && Ids.ReadsAs(vmId, "the VM", other.Id, other.What, other.File) is { } alike)
                throw file.Error(id, alike, vmId);
            var host = file.Text(current);
            if (host.Length > 0 && !known.Contains(host))
                throw file.Error(current, $"unknown host: current_host must be a host_id of {HostsFile} or empty{Ids.UnknownHint(host)}{Ids.CaseHint(host, known, HostsFile)}", host);
            var vm = new Vm(vmId, file.Whole(vcpus, file.AtLeast(vcpus, file.AtMost(vcpus, file.Number(vcpus, positive: true), PlacementProblem.MaxCores), MinVcpus,
                    "one millicore: the planner and the host-level allocation count CPU in millicores"), 3, Millicore),
                file.Whole(memory, file.AtMost(memory, file.Number(memory, positive: true), PlacementProblem.MaxMib), 0, "MiB"),
                host.Length > 0 ? host : null)
            {
                DirtyRateMibPerSecond = DirtyRate(file, dirty),
                Qos = Qos(file, qos),
                WssMib = file.OptionalNumber(wss, positive: true),
                HotDirtyMibPerSecond = DirtyRate(file, hot),
                ColdDirtyMibPerSecond = DirtyRate(file, cold),
                DiskGib = disk >= 0 && file.OptionalNumber(disk, positive: false) is { } g ? file.AtMost(disk, g, PlacementProblem.MaxMib / 1024) : null,
                ImageId = image >= 0 && file.Text(image).Length > 0 ? file.Text(image) : null,
            };
            if (vm.ImageId is { } imageId)
            {
                if (imageSizes is null)
                    throw file.Error(image, $"image_id needs the dataset's {ImagesReader.File}, which is missing", imageId);
                if (!imageSizes.TryGetValue(imageId, out var imageGib))
                    throw file.Error(image, $"unknown image: image_id must be an image_id of {ImagesReader.File} or empty", imageId);
                if (vm.DiskGib < imageGib)
                    throw file.Error(disk, $"disk_gib is the VM's whole disk, its image included: at least the image's size_gib ({DatasetWriter.Number(imageGib)})", file.Text(disk));
            }
            if (vm.WssMib > vm.MemoryMib)
                throw file.Error(wss, $"wss_mib must not exceed memory_mib ({file.Text(memory)})", file.Text(wss));
            if ((vm.HotDirtyMibPerSecond ?? 0) > 0 && vm.WssMib is null)
                throw file.Error(hot, "hot_dirty_mib_s needs wss_mib: the hot class rewrites the working set", file.Text(hot));
            if (vm.DirtyRateMibPerSecond is { } total && (vm.HotDirtyMibPerSecond is not null || vm.ColdDirtyMibPerSecond is not null)
                && Math.Abs((vm.HotDirtyMibPerSecond ?? 0) + (vm.ColdDirtyMibPerSecond ?? 0) - total) > 0.01 * Math.Max(1, total))
                throw file.Error(dirty, "dirty_rate_mib_s must equal hot_dirty_mib_s + cold_dirty_mib_s when all are given", file.Text(dirty));
            vms.Add(vm);
            lines.Add(file.Line);
        }
        if (vms.Count == 0)
            throw new InputException(path, file.HeaderLine + 1, null, 0, null, "no VMs: the file has a header but no rows");
        return new VmTable(path, vms.ToImmutable(), lines.ToArray(), id, index);
    }

    /// <summary>The largest idle_watts or max_watts: a megawatt, a thousand times a two-socket server's few hundred
    /// watts (<c>datasets/default</c>: 110-480 W), so a cluster written as one host still fits. It keeps the objective's
    /// 64-bit tenths of a Wh per day finite (1 MW x 24 h x 10 = 2.4e8 per host): max_watts 1e300 overflowed it to
    /// -9.2e17 Wh/day, printed "cp-sat optimal", and the energy line ran to 300 digits.</summary>
    public const double MaxWatts = 1e6;

    private static double Watts(DatasetFile file, int column) =>
        file.AtMost(column, file.Number(column, positive: false), MaxWatts,
            "a megawatt: the objective counts tenths of a Wh per day in 64 bits");

    /// <summary>The smallest vcpus: one millicore, the unit the planner and the CPU caps count in (a VM of less would
    /// be given a cap of 0 millicores, which no host can run).</summary>
    public const double MinVcpus = 0.001;

    /// <summary>The largest dirty rate, MiB/s: no guest dirties memory faster than its host can write it. DDR5-6400
    /// moves 51.2 GB/s per channel (JEDEC JESD79-5: 6400 MT/s x 8 bytes); a two-socket server of 2 x 12 channels
    /// writes at most about 1.2 TB/s = 1.17e6 MiB/s. The bound is ten times that and keeps the simulator's sums of
    /// rates, times and data finite (1e308 overflowed them to infinity, which no JSON can hold).</summary>
    public const double MaxDirtyMibPerSecond = 1e7;

    /// <summary>An optional dirty rate column (dirty_rate_mib_s, hot_dirty_mib_s, cold_dirty_mib_s).</summary>
    private static double? DirtyRate(DatasetFile file, int column) =>
        file.OptionalNumber(column, positive: false) is { } rate
            ? file.AtMost(column, rate, MaxDirtyMibPerSecond, "ten times the memory bandwidth of the largest servers")
            : null;

    /// <summary>The optional qos column: interactive, batch, or empty (the class then follows from the trace).</summary>
    private static QosClass? Qos(DatasetFile file, int column)
    {
        if (column < 0 || file.Text(column).Length == 0) return null;
        return QosClasses.TryParse(file.Text(column))
            ?? throw file.Error(column, "qos must be 'interactive', 'batch' or empty (then it follows from when the VM is busy)", file.Text(column));
    }

    private static ImmutableArray<VmSeries> ReadUsage(string path, VmTable vms, DatasetFolder folder)
    {
        var series = new SeriesBuilder[vms.Vms.Length];
        for (var i = 0; i < series.Length; i++) series[i] = new SeriesBuilder();
        var history = new HistoryDays();

        using (var file = DatasetFile.Open(path, folder, "timestamp", "vm_id", "cpu_cores", "memory_mib"))
        {
            int time = file.Column("timestamp"), id = file.Column("vm_id"), cpu = file.Column("cpu_cores"),
                memory = file.Column("memory_mib"), zero = file.OptionalColumn(ZeroFractionColumn),
                diskWrite = file.OptionalColumn(DiskWriteColumn);
            // Looked up by span so that millions of rows do not each allocate an id string.
            var lookup = vms.Index.GetAlternateLookup<ReadOnlySpan<char>>();
            // Room reserved ahead for series not yet read, never more than twice the rows read so far, so that a file
            // whose first VM has a million rows and every other VM one cannot reserve a million for each.
            var longest = 0;
            long rows = 0, reserved = 0;
            // Fields are split and parsed on several threads (the file's bytes are scanned in turn); the samples are
            // added here in file order. Two workers on an idle 2-core machine, and on a busy one a larger share of
            // the cores for the phase that can never be cut short.
            var parsed = file.ParallelRecords(f =>
            {
                var vmId = f.Chars(id);
                if (vmId.IsEmpty) throw f.Error(id, "empty vm_id", "");
                if (!lookup.TryGetValue(vmId, out var vm))
                    throw f.Error(id, $"unknown VM: vm_id must be a vm_id of {VmsFile}{Ids.UnknownHint(vmId.ToString())}{Ids.CaseHint(vmId.ToString(), vms.Index.Keys, VmsFile)}", vmId.ToString());
                var at = f.UnixSeconds(time);
                double c = f.Whole(cpu, f.Sample(cpu, PlacementProblem.MaxCores), 3, Millicore), m = f.Whole(memory, f.Sample(memory, PlacementProblem.MaxMib), 0, "MiB");
                var z = zero >= 0 ? f.OptionalNumber(zero, positive: false) : null;
                if (z > 1) throw f.Error(zero, "zero_fraction must be between 0 and 1", f.Text(zero));
                return new UsageRow(vm, at, c, m, z, diskWrite >= 0 ? f.OptionalNumber(diskWrite, positive: false) : null);
            }, ReadingThreads);
            foreach (var row in parsed)
            {
                var builder = series[row.Vm];
                if (builder.Count == 0 && reserved + longest <= 2 * rows)
                {
                    builder.Reserve(longest);
                    reserved += longest;
                }
                builder.Add(row.At, row.Cpu, row.Memory);
                history.Add(row.At);
                if (row.Zero is { } z) builder.NoteZeroFraction(row.At, z);
                if (row.DiskWrite is { } kib) builder.NoteDiskWrite(kib);
                longest = Math.Max(longest, builder.Count);
                rows++;
            }
            // Blamed on the first VM in vms.csv ("VM has no usage rows"), as though that VM alone lacked samples.
            if (rows == 0)
                throw new InputException(path, file.HeaderLine + 1, null, 0, null, "no samples: the file has a header but no rows");
        }
        if (history.AnyFar()) throw FarSample(path, history, folder);

        for (var i = 0; i < series.Length; i++)
        {
            if (series[i].Count > 0) continue;
            var vmId = vms.Vms[i].Id;
            throw new InputException(vms.Path, vms.Lines[i], "vm_id", vms.IdColumn + 1, vmId,
                $"VM has no usage rows in {UsageFile}");
        }
        // Let each builder go as soon as its series exists, so that peak memory holds one copy of the
        // samples plus one VM's worth, not two copies of everything.
        var result = new VmSeries[series.Length];
        for (var i = 0; i < series.Length; i++)
        {
            result[i] = series[i].ToSeries(out var conflict) ?? throw SameInstant(path, vms.Vms[i].Id, conflict!.Value, folder);
            series[i] = null!;
        }
        return [.. result];
    }

    /// <summary>Threads that split and parse usage.csv's fields: at least two, so that on a busy machine the phase that
    /// can never be cut short gets more than one thread's share.</summary>
    private static int ReadingThreads => Math.Max(2, Environment.ProcessorCount);

    /// <summary>One usage.csv row as parsed: the VM's index, the time, and the values.</summary>
    private readonly record struct UsageRow(int Vm, long At, double Cpu, double Memory, double? Zero, double? DiskWrite);

    /// <summary>The first row (in file order) dated far from the rest of the history, located by reading the file again
    /// (only on this error).</summary>
    private static InputException FarSample(string path, HistoryDays history, DatasetFolder folder)
    {
        using var file = DatasetFile.Open(path, folder, "timestamp");
        var time = file.Column("timestamp");
        while (file.Read())
        {
            var at = file.UnixSeconds(time);
            if (history.IsFar(at)) return file.Error(time, history.Problem(at), file.Text(time));
        }
        throw new InvalidOperationException($"{path} changed while it was read");
    }

    /// <summary>Two samples of one VM at one instant with different values, located by reading the file again
    /// (only on this error, so that a valid read keeps no line numbers). Repeats with the same values are
    /// dropped by <see cref="SeriesBuilder"/>.</summary>
    private static InputException SameInstant(string path, string vmId, (int First, int Second) samples, DatasetFolder folder)
    {
        using var file = DatasetFile.Open(path, folder, "timestamp", "vm_id");
        int time = file.Column("timestamp"), id = file.Column("vm_id");
        int k = -1, firstLine = 0;
        while (file.Read())
        {
            if (!file.Chars(id).SequenceEqual(vmId)) continue;
            k++;
            if (k == samples.First) firstLine = file.Line;
            if (k == samples.Second)
                return file.Error(time, $"a second sample of VM {Quoted.Value(vmId)} at this instant with other values than line {firstLine}: which one is right cannot be told (repeats with the same values are dropped)", file.Text(time));
        }
        throw new InvalidOperationException($"{path} changed while it was read");
    }
}
