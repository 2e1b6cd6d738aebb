using System.Globalization;
using Consolidator.Inventory;
using CsvHelper;

namespace Consolidator.Datasets;

/// <summary>A dataset folder written all or nothing by a streaming producer (an importer): usage rows go to
/// a temporary file as they are read, so memory does not grow with the rows; <see cref="Complete"/> writes
/// the inventory and only then moves the three files into place. Disposed without completing, it leaves
/// the folder as it was.</summary>
public sealed class DatasetStream : IDisposable
{
    private readonly string _directory;
    private readonly List<(string Temp, string Final)> _files = [];
    private readonly StreamWriter _usageText;
    private readonly CsvWriter _usage;
    private readonly bool _createdDirectory;
    private bool _completed;

    internal DatasetStream(string directory, CsvWriterOptions options)
    {
        _directory = Path.GetFullPath(directory);
        _createdDirectory = !Directory.Exists(_directory);
        Directory.CreateDirectory(_directory);
        _usageText = NewFile(DatasetWriter.UsageFile);
        _usage = CsvWriter.Create(_usageText, options, leaveOpen: true);
        _usage.WriteRecord(DatasetWriter.UsageHeader);
    }

    /// <summary>Usage rows written so far.</summary>
    public long Rows { get; private set; }

    public void WriteUsage(long unixSeconds, string vmId, double cpuCores, double memoryMib)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _usage.WriteRecord(DatasetWriter.Timestamp(unixSeconds), vmId,
            DatasetWriter.Number((float)cpuCores), DatasetWriter.Number((float)memoryMib));
        Rows++;
    }

    /// <summary>Writes hosts.csv and vms.csv and moves all three files into the folder.</summary>
    public void Complete(IReadOnlyList<Host> hosts, IReadOnlyList<Vm> vms)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _usage.Dispose();
        Close(_usageText);
        using (var w = NewFile(DatasetWriter.HostsFile)) { DatasetWriter.WriteHosts(w, hosts); Close(w); }
        using (var w = NewFile(DatasetWriter.VmsFile)) { DatasetWriter.WriteVms(w, vms); Close(w); }
        foreach (var (temp, final) in _files) File.Move(temp, final, overwrite: true);
        _completed = true;
    }

    public void Dispose()
    {
        if (!_completed)
        {
            _usage.Dispose();
            _usageText.Dispose();
        }
        foreach (var (temp, _) in _files)
        {
            try { if (File.Exists(temp)) File.Delete(temp); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        // A failed import leaves no trace, not even the empty folder it made.
        if (!_completed && _createdDirectory)
        {
            try { if (!Directory.EnumerateFileSystemEntries(_directory).Any()) Directory.Delete(_directory); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        _completed = true;
    }

    private StreamWriter NewFile(string name)
    {
        var temp = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $".{name}.{Guid.NewGuid():N}.tmp"));
        _files.Add((temp, Path.Combine(_directory, name)));
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        return new StreamWriter(stream, AtomicFile.Utf8) { NewLine = "\n" };
    }

    // The files must be on disk before the renames that publish them, or a crash could leave empty files.
    private static void Close(StreamWriter w)
    {
        w.Flush();
        ((FileStream)w.BaseStream).Flush(flushToDisk: true);
        w.Dispose();
    }
}
