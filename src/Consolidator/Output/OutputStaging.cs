namespace Consolidator.Output;

/// <summary>An output set being written: its files go into a fresh sibling of the target folder, and
/// <see cref="Commit"/> swaps that sibling in whole. Until then the target is untouched; disposed without a
/// commit, nothing is left behind (not even the parent folders it had to create). The commit holds the
/// set's lock, so runs into one folder put their sets in place one at a time.</summary>
public sealed class OutputStaging : IDisposable
{
    private readonly SetFolder _set;
    private readonly string _kind;
    private readonly string _temp;
    private readonly List<string> _created;
    private readonly List<string> _names = [];
    private readonly List<Stream> _open = [];
    private bool _done;

    private readonly Action? _onWait;

    internal OutputStaging(SetFolder set, string kind, Action? onWait)
    {
        _set = set;
        _kind = kind;
        _onWait = onWait;
        _created = CreateFolders(set.Parent);
        try
        {
            CheckTarget();
            _temp = set.NewTemp();
            Directory.CreateDirectory(_temp);
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            RemoveCreated();
            throw new OutputException(set.Full, $"cannot prepare the output folder: {IoFailure.Reason(e)}", isUsage: false, e);
        }
        catch
        {
            RemoveCreated();
            throw;
        }
    }

    /// <summary>The folder the set will appear as.</summary>
    public string Folder => _set.Full;

    /// <summary>A new file of the set, open for writing; the set flushes it to disk and closes it at the commit.</summary>
    public Stream Create(string name)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        SetFolder.CheckName(name);
        if (_names.Contains(name)) throw new ArgumentException($"the set already has a file named {name}", nameof(name));
        _names.Add(name);
        try
        {
            var stream = new FileStream(System.IO.Path.Combine(_temp, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            _open.Add(stream);
            return stream;
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw WriteFailure(name, e);
        }
    }

    /// <summary>Writes one whole file of the set.</summary>
    public void Add(OutputFile file)
    {
        var stream = Create(file.Name);
        try
        {
            file.Write(stream);
            stream.Flush();
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw WriteFailure(file.Name, e);
        }
    }

    /// <summary>Writes whole files of the set, each on a thread of its own (a plan's allocation.csv, plan.json and
    /// report are rendered at once: on a busy machine the output, which is never cut short, gets more than one
    /// thread's share). The files' names are taken in order first; the first failure in that order is the one
    /// reported.</summary>
    public void AddAll(IReadOnlyList<OutputFile> files)
    {
        var streams = files.Select(f => Create(f.Name)).ToArray();
        var failures = new Exception?[files.Count];
        Parallel.For(0, files.Count, i =>
        {
            try
            {
                files[i].Write(streams[i]);
                streams[i].Flush();
            }
            catch (Exception e)
            {
                failures[i] = e;
            }
        });
        for (var i = 0; i < files.Count; i++)
        {
            if (failures[i] is not { } e) continue;
            if (IoFailure.IsIo(e)) throw WriteFailure(files[i].Name, e);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
        }
    }

    /// <summary>Flushes every file and the folder to disk, then puts the set in place of the target folder in
    /// one step (Linux renameat2 RENAME_EXCHANGE; elsewhere two renames, recovered by the next run if a
    /// crash falls between them) and deletes the old set.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        var name = "";
        try
        {
            foreach (var (stream, n) in _open.Zip(_names))
            {
                name = n;
                stream.Flush();
                ((FileStream)stream).Flush(flushToDisk: true);
                stream.Dispose();
            }
            name = SetFolder.Manifest;
            var manifest = System.IO.Path.Combine(_temp, SetFolder.Manifest);
            File.WriteAllText(manifest, SetFolder.ManifestText(_kind, _names), OutputFile.Utf8);
            Durable.SyncFile(manifest);
            Durable.SyncFolder(_temp);
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw WriteFailure(name, e);
        }
        SetLock? held = null;
        try
        {
            held = SetLock.Exclusive(_set.LockPath, _onWait);
            Recover();
            CheckTarget();
            string? old = null;
            if (Directory.Exists(_set.Full))
            {
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_temp, File.GetUnixFileMode(_set.Full));
                if (Durable.TryExchange(_temp, _set.Full)) old = _temp;
                else
                {
                    old = _set.Aside();
                    Directory.Move(_set.Full, old);
                    Directory.Move(_temp, _set.Full);
                }
            }
            else Directory.Move(_temp, _set.Full);
            Durable.SyncFolder(_set.Parent);
            _done = true;
            if (old is not null) TryDelete(old);
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw new OutputException(_set.Full, $"cannot put the output folder in place: {IoFailure.Reason(e)}", isUsage: false, e);
        }
        finally
        {
            held?.Dispose();
        }
    }

    public void Dispose()
    {
        if (_done) return;
        _done = true;
        foreach (var stream in _open)
        {
            // Closing flushes what is buffered, which fails again on a full disk: the set is abandoned anyway.
            try { stream.Dispose(); }
            catch (Exception) { }
        }
        TryDelete(_temp);
        RemoveCreated();
    }

    /// <summary>Undoes what killed runs left: a set moved aside but never replaced is moved back; old sets
    /// not yet deleted and folders of runs whose process is gone are removed. Runs under the lock.</summary>
    private void Recover()
    {
        var leftovers = _set.Leftovers().Where(d => d != _temp).ToList();
        if (!Directory.Exists(_set.Full) && !File.Exists(_set.Full))
        {
            var aside = leftovers.FirstOrDefault(d => System.IO.Path.GetFileName(d).StartsWith($".{_set.Name}.old-", StringComparison.Ordinal));
            if (aside is not null)
            {
                Directory.Move(aside, _set.Full);
                leftovers.Remove(aside);
            }
        }
        foreach (var d in leftovers) Directory.Delete(d, recursive: true);
    }

    private void CheckTarget()
    {
        if (File.Exists(_set.Full)) throw new OutputException(_set.Full, "a file is in the way: the output must be a folder", isUsage: true);
        if (Directory.Exists(_set.Full) && _set.Refusal(_kind) is { } why) throw new OutputException(_set.Full, why, isUsage: true);
    }

    private OutputException WriteFailure(string name, Exception e) =>
        new(System.IO.Path.Combine(_set.Full, name), $"cannot write: {IoFailure.Reason(e)}", isUsage: false, e);

    /// <summary>Creates <paramref name="folder"/> and its missing parents; returns those it created, deepest first.</summary>
    internal static List<string> CreateFolders(string folder)
    {
        var missing = new List<string>();
        for (var d = folder; d is not null && !Directory.Exists(d); d = System.IO.Path.GetDirectoryName(d)) missing.Add(d);
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw new OutputException(folder, $"cannot create the folder: {IoFailure.Reason(e)}", isUsage: true, e);
        }
        return missing;
    }

    /// <summary>Removes the parent folders this run created when nothing else arrived there meanwhile: a run
    /// that writes nothing leaves no trace.</summary>
    private void RemoveCreated() => RemoveCreated(_created);

    /// <summary>Removes the folders of <paramref name="created"/> (deepest first, as <see cref="CreateFolders"/> gives
    /// them) that are still empty.</summary>
    internal static void RemoveCreated(List<string> created)
    {
        foreach (var d in created)
        {
            try
            {
                if (Directory.Exists(d) && !Directory.EnumerateFileSystemEntries(d).Any()) Directory.Delete(d);
            }
            catch (Exception e) when (IoFailure.IsIo(e)) { }
        }
    }

    // Failing to clean up must not hide what made us clean up; the next run removes what is left.
    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (IoFailure.IsIo(e)) { }
    }
}
