namespace Consolidator.Output;

/// <summary>The lock file beside an output folder (<c>.NAME.lock</c> in its parent): a writer holds it
/// exclusively from the moment it starts a set until the set is in place, so that two runs into one folder
/// take turns; a reader holds it shared while it reads several files of one set. It is an flock, released by
/// the kernel when its process dies, so a killed run never leaves the folder locked. The file itself stays.</summary>
internal sealed class SetLock : IDisposable
{
    private readonly FileStream _stream;

    private SetLock(FileStream stream) => _stream = stream;

    public static SetLock Exclusive(string path, Action? onWait)
    {
        var delay = 10;
        var told = false;
        while (true)
        {
            try
            {
                return new SetLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
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

    /// <summary>A shared hold on an existing lock file; null when there is none (a folder written by hand or
    /// copied), since a reader must not create files.</summary>
    public static SetLock? Shared(string path)
    {
        var delay = 10;
        while (true)
        {
            try
            {
                return File.Exists(path) ? new SetLock(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read)) : null;
            }
            catch (IOException e) when (IsHeld(e))
            {
                Thread.Sleep(delay);
                delay = Math.Min(200, delay * 2);
            }
            catch (Exception e) when (e is FileNotFoundException or UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    public void Dispose() => _stream.Dispose();

    // EWOULDBLOCK from flock: 11 on Linux, 35 on macOS; a sharing violation on Windows.
    private static bool IsHeld(IOException e) =>
        e.GetType() == typeof(IOException) && e.HResult is 11 or 35 or unchecked((int)0x80070020);
}
