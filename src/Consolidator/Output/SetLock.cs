namespace Consolidator.Output;

/// <summary>The lock file beside an output folder (<c>.NAME.lock</c> in its parent): a writer holds it
/// exclusively from the moment it starts a set until the set is in place, so that two runs into one folder
/// take turns; a reader holds it shared while it reads several files of one set. It is an flock, released by
/// the kernel when its process dies, so a killed run never leaves the folder locked.
/// <para>The file is removed by the last holder, so that no run leaves it beside the folder (every run did: a
/// user listing the parent saw a '.NAME.lock' per output folder, and the system's temporary folder gathered
/// thousands). Removing a lock file is safe only with a check on the other side: a run that opened the file
/// just before it was removed would lock a file no later run can see. So whoever takes the lock then checks
/// that the file it locked is still the one at the path, and starts again if not; and only a holder of the
/// exclusive lock removes it (a reader, on leaving, takes it exclusively if no one else holds it). The check
/// reads the open file's name back from /proc (Linux): where it cannot be read, the file stays, as before.</para></summary>
internal sealed class SetLock : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _path;
    private readonly bool _exclusive;
    private readonly bool _checked;

    private SetLock(FileStream stream, string path, bool exclusive, bool @checked) =>
        (_stream, _path, _exclusive, _checked) = (stream, path, exclusive, @checked);

    public static SetLock Exclusive(string path, Action? onWait)
    {
        var delay = 10;
        var told = false;
        while (true)
        {
            try
            {
                if (Take(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None), path, exclusive: true) is { } held) return held;
                continue;
            }
            catch (IOException e) when (IsHeld(e))
            {
                if (!told) onWait?.Invoke();
                told = true;
                Thread.Sleep(delay);
                delay = Math.Min(200, delay * 2);
            }
        }
    }

    /// <summary>A shared hold on the lock file; null when there is none and <paramref name="create"/> is false (a
    /// folder written by hand or copied, not an output set), or when it cannot be created (a read-only place, where no
    /// run can put a set either).</summary>
    public static SetLock? Shared(string path, bool create)
    {
        var delay = 10;
        while (true)
        {
            try
            {
                if (!create && !File.Exists(path)) return null;
                var stream = new FileStream(path, create ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.Read, FileShare.Read);
                if (Take(stream, path, exclusive: false) is { } held) return held;
            }
            catch (IOException e) when (IsHeld(e))
            {
                Thread.Sleep(delay);
                delay = Math.Min(200, delay * 2);
            }
            catch (Exception e) when (e is UnauthorizedAccessException || (e is IOException io && !IsHeld(io)))
            {
                return null;
            }
        }
    }

    /// <summary>The lock just taken on <paramref name="stream"/>, or null (the stream closed) when the file it locked was
    /// removed from the path meanwhile by the previous holder: the caller opens the path again.</summary>
    internal static SetLock? Take(FileStream stream, string path, bool exclusive)
    {
        var linked = Linked(stream, path);
        if (linked == false)
        {
            stream.Dispose();
            return null;
        }
        return new SetLock(stream, path, exclusive, linked == true);
    }

    /// <summary>Whether the open file is still the one at <paramref name="path"/>: its name as the kernel gives it
    /// (Linux's /proc/self/fd; " (deleted)" is appended to a removed file's, NFS renames one still open to '.nfsXXXX').
    /// Null where that cannot be read.</summary>
    private static bool? Linked(FileStream stream, string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var target = new FileInfo($"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}").LinkTarget;
            return target is null ? null : Path.GetFileName(target) == Path.GetFileName(path);
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            return null;
        }
    }

    /// <summary>Releases the lock and removes the file when no one else holds it.</summary>
    public void Dispose()
    {
        if (!_checked)
        {
            _stream.Dispose();
            return;
        }
        if (_exclusive)
        {
            TryDelete(_path);
            _stream.Dispose();
            return;
        }
        _stream.Dispose();
        try
        {
            using var last = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.None);
            if (Linked(last, _path) == true) TryDelete(_path);
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            // Held by another (it removes the file when it leaves), already gone, or not ours to open: left as it is.
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (IoFailure.IsIo(e)) { }
    }

    // EWOULDBLOCK from flock: 11 on Linux, 35 on macOS; a sharing violation on Windows.
    private static bool IsHeld(IOException e) =>
        e.GetType() == typeof(IOException) && e.HResult is 11 or 35 or unchecked((int)0x80070020);
}
