using System.Runtime.InteropServices;

namespace Consolidator.Output;

/// <summary>The file-system calls that make a write survive a crash and a swap atomic: fsync of files and
/// folders, and Linux's renameat2(RENAME_EXCHANGE), which swaps two folders in one step so that a path
/// never shows neither or half of them. Elsewhere the folder fsync is skipped and the swap is two renames.</summary>
internal static class Durable
{
    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;

    /// <summary>Flushes a file's data to the disk.</summary>
    public static void SyncFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Flushes a folder's entries (the names created or renamed in it) to the disk.</summary>
    public static void SyncFolder(string path)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = Open(path, 0);
        if (fd < 0) throw Failure("open", path);
        try
        {
            if (Fsync(fd) != 0) throw Failure("fsync", path);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Swaps two existing folders in one step; false where the system or file system cannot.</summary>
    public static bool TryExchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            if (RenameAt2(AtFdCwd, a, AtFdCwd, b, RenameExchange) == 0) return true;
        }
        catch (EntryPointNotFoundException)
        {
            return false; // a C library older than glibc 2.28
        }
        var errno = Marshal.GetLastPInvokeError();
        // EINVAL: the file system does not support the flag; ENOSYS: the kernel does not.
        if (errno is 22 or 38) return false;
        throw Failure("rename", a, errno);
    }

    private static IOException Failure(string call, string path, int? errno = null)
    {
        var code = errno ?? Marshal.GetLastPInvokeError();
        return new IOException($"{call} '{path}': {Marshal.GetPInvokeErrorMessage(code)}", code);
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "renameat2", SetLastError = true)]
    private static extern int RenameAt2(int oldDirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, int newDirFd,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath, uint flags);
}
