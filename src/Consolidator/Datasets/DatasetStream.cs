using Consolidator.Inventory;
using Consolidator.Output;
using Consolidator.Packing;
using CsvHelper;

namespace Consolidator.Datasets;

/// <summary>A dataset folder written all or nothing by a streaming producer (an importer): usage rows go to
/// the output set as they are read, so memory does not grow with the rows; <see cref="Complete"/> writes the
/// inventory and only then puts the three files in place together. Disposed without completing, it leaves
/// the folder as it was.</summary>
public sealed class DatasetStream : IDisposable
{
    private readonly OutputStaging _set;
    private readonly StreamWriter _usageText;
    private readonly CsvWriter _usage;
    private readonly bool _diskWrites;
    private bool _completed;

    /// <summary>The rows' days, and the first row of each day with where it came from, so that <see cref="Complete"/> can
    /// refuse a sample dated far from the others (the reader would refuse the dataset) and name it in the source.</summary>
    private readonly HistoryDays _history = new();
    private readonly List<(string Vm, long At, SampleSource? Source)> _firstOfDay = [];

    internal DatasetStream(OutputStaging set, CsvWriterOptions options, bool diskWrites = false)
    {
        _set = set;
        _diskWrites = diskWrites;
        try
        {
            _usageText = OutputFile.NewWriter(set.Create(DatasetWriter.UsageFile));
            _usage = CsvWriter.Create(_usageText, options, leaveOpen: true);
            _usage.WriteRecord(diskWrites ? [.. DatasetWriter.UsageHeader, DatasetReader.DiskWriteColumn] : DatasetWriter.UsageHeader);
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    /// <summary>Usage rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Why a sample cannot be written, or null: what the dataset reader would refuse once the value
    /// is written as a float (a source value of 1e41 would come out as "Infinity"; one past the planner's
    /// 32-bit units as "too large"), and a time it refuses (<see cref="SampleTime"/>). An importer asks
    /// before <see cref="WriteUsage"/> and reports the row with its file and line.</summary>
    /// <returns>The native column at fault (timestamp, cpu_cores or memory_mib) and the problem.</returns>
    public static (string Column, string Problem)? SampleProblem(long unixSeconds, double cpuCores, double memoryMib)
    {
        if (!SampleTime.Holds(unixSeconds))
            return ("timestamp", $"a time outside {SampleTime.Range}, which the dataset reader refuses");
        if (ValueProblem(cpuCores, PlacementProblem.MaxCores) is { } cpu) return ("cpu_cores", cpu);
        if (ValueProblem(memoryMib, PlacementProblem.MaxMib) is { } memory) return ("memory_mib", memory);
        return null;
    }

    /// <summary>Why a VM of <paramref name="vcpus"/> and <paramref name="memoryMib"/> cannot be written, or null: a size
    /// the dataset reader refuses in vms.csv (vcpus from a millicore to <see cref="PlacementProblem.MaxCores"/>, memory
    /// above zero to <see cref="PlacementProblem.MaxMib"/>). An importer asks before it keeps a size from its source: a
    /// vCPU gauge of 1e12 or a provisioned memory of 1e30 KB was written, exit 0, and every command then refused the
    /// dataset at vms.csv, a file the user never wrote.</summary>
    /// <returns>The native column at fault (vcpus or memory_mib) and the problem.</returns>
    public static (string Column, string Problem)? SizeProblem(double vcpus, double memoryMib)
    {
        if (!(vcpus >= DatasetReader.MinVcpus) || !(vcpus <= PlacementProblem.MaxCores))
            return ("vcpus", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"a VM's vcpus must be from {DatasetReader.MinVcpus} to {PlacementProblem.MaxCores} (the planner counts millicores in 32 bits)"));
        if (!(memoryMib > 0) || !(memoryMib <= PlacementProblem.MaxMib))
            return ("memory_mib", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"a VM's memory must be above 0 and at most {PlacementProblem.MaxMib} MiB (the planner counts MiB in 32 bits)"));
        return null;
    }

    private static string? ValueProblem(double value, double max)
    {
        var written = (double)(float)value;
        if (double.IsNaN(value) || value < 0) return "not a non-negative number";
        return double.IsFinite(written) && written <= max
            ? null
            : $"too large for the dataset format: at most {max.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} (the planner counts millicores and MiB in 32 bits)";
    }

    /// <param name="diskWriteKibPerSecond">The disk write throughput, written when the stream has the column (an
    /// empty field when unknown or not a non-negative finite number).</param>
    /// <param name="source">Where the sample was read (file, line, column), named if it is dated far from the others.</param>
    public void WriteUsage(long unixSeconds, string vmId, double cpuCores, double memoryMib, double? diskWriteKibPerSecond = null, SampleSource? source = null)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        // Importers check first; writing a value the reader refuses would be a bug, never a file.
        if (SampleProblem(unixSeconds, cpuCores, memoryMib) is { } problem)
            throw new ArgumentOutOfRangeException(problem.Column, $"{vmId}: {problem.Problem}");
        try
        {
            if (_diskWrites)
                _usage.WriteRecord(DatasetWriter.Timestamp(unixSeconds), vmId, DatasetWriter.Number((float)cpuCores), DatasetWriter.Number((float)memoryMib),
                    diskWriteKibPerSecond is { } w && w >= 0 && float.IsFinite((float)w) ? DatasetWriter.Number((float)w) : "");
            else
                _usage.WriteRecord(DatasetWriter.Timestamp(unixSeconds), vmId,
                    DatasetWriter.Number((float)cpuCores), DatasetWriter.Number((float)memoryMib));
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw UsageFailure(e);
        }
        Rows++;
        if (_history.Add(unixSeconds)) _firstOfDay.Add((vmId, unixSeconds, source));
    }

    /// <summary>Writes hosts.csv and vms.csv and puts all three files in the folder.</summary>
    public void Complete(IReadOnlyList<Host> hosts, IReadOnlyList<Vm> vms)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_history.AnyFar())
        {
            // The first such row written: the reader would refuse the dataset at it (a typo in a source's timestamp).
            var (vm, at, source) = _firstOfDay.First(r => _history.IsFar(r.At));
            var problem = $"the sample of VM '{Quoted.Value(vm)}' at {DatasetWriter.Timestamp(at)} lies {_history.Problem(at)}; nothing written";
            throw source is { } s ? new InputException(s.Path, s.Line, s.Column, s.ColumnNumber, s.Value, problem)
                : new InputException(_set.Folder, 0, null, 0, null, problem);
        }
        try
        {
            _usage.Dispose();
            _usageText.Dispose();
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw UsageFailure(e);
        }
        // Importers check first (SizeProblem); a VM the reader refuses would be a bug, never a file.
        foreach (var vm in vms)
            if (SizeProblem(vm.Vcpus, vm.MemoryMib) is { } size)
                throw new ArgumentOutOfRangeException(size.Column, $"{vm.Id}: {size.Problem}");
        _set.Add(OutputFile.Text(DatasetWriter.HostsFile, w => DatasetWriter.WriteHosts(w, hosts)));
        _set.Add(OutputFile.Text(DatasetWriter.VmsFile, w => DatasetWriter.WriteVms(w, vms)));
        _set.Commit();
        _completed = true;
    }

    private OutputException UsageFailure(Exception e) =>
        new(Path.Combine(_set.Folder, DatasetWriter.UsageFile), $"cannot write: {IoFailure.Reason(e)}", isUsage: false, e);

    public void Dispose()
    {
        if (!_completed)
        {
            try
            {
                _usage.Dispose();
                _usageText.Dispose();
            }
            catch (Exception) { } // a full disk fails again on close; the set is abandoned anyway
        }
        _set.Dispose();
        _completed = true;
    }
}

/// <summary>Where an imported sample was read: the source file, the line, and the field its time came from.</summary>
public readonly record struct SampleSource(string Path, int Line, string? Column, int ColumnNumber, string? Value);
