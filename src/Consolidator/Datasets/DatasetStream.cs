using Consolidator.Inventory;
using Consolidator.Output;
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
    private bool _completed;

    internal DatasetStream(OutputStaging set, CsvWriterOptions options)
    {
        _set = set;
        try
        {
            _usageText = OutputFile.NewWriter(set.Create(DatasetWriter.UsageFile));
            _usage = CsvWriter.Create(_usageText, options, leaveOpen: true);
            _usage.WriteRecord(DatasetWriter.UsageHeader);
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    /// <summary>Usage rows written so far.</summary>
    public long Rows { get; private set; }

    public void WriteUsage(long unixSeconds, string vmId, double cpuCores, double memoryMib)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        try
        {
            _usage.WriteRecord(DatasetWriter.Timestamp(unixSeconds), vmId,
                DatasetWriter.Number((float)cpuCores), DatasetWriter.Number((float)memoryMib));
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw UsageFailure(e);
        }
        Rows++;
    }

    /// <summary>Writes hosts.csv and vms.csv and puts all three files in the folder.</summary>
    public void Complete(IReadOnlyList<Host> hosts, IReadOnlyList<Vm> vms)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        try
        {
            _usage.Dispose();
            _usageText.Dispose();
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw UsageFailure(e);
        }
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
