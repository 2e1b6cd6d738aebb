using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Consolidator.Images;

/// <summary>Where a file holds data and where holes (lseek's SEEK_DATA and SEEK_HOLE, Linux 3.1 on; ext4, xfs, btrfs,
/// tmpfs and overlayfs answer by their extents, other file systems and block devices as one run of data to the end).
/// A sparse raw image of 1 TiB with 1 GiB written was read whole, every zero byte of the holes, to learn they are
/// zeros: a hole reads as zeros by definition, so it is counted without reading it.</summary>
internal static class Extents
{
    // linux/fs.h (include/uapi/linux/fs.h): SEEK_END 2, SEEK_DATA 3, SEEK_HOLE 4; other kernels number them otherwise.
    private const int SeekEnd = 2, SeekData = 3, SeekHole = 4;

    // errno-base.h: ENXIO (no data at or after the offset), EINVAL (a file system without the two).
    private const int Enxio = 6;

    /// <summary>The first offset at or after <paramref name="from"/> that holds data; -1 when none does (the rest of the
    /// file is a hole); null when the file system cannot tell (then read it all).</summary>
    public static long? NextData(SafeFileHandle file, long from)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var at = Seek(file, from, SeekData);
        if (at >= 0) return at;
        return Marshal.GetLastPInvokeError() == Enxio ? -1 : null;
    }

    /// <summary>The first hole at or after <paramref name="from"/> (the end of the file counts as one), which lies in data;
    /// null when the file system cannot tell.</summary>
    public static long? NextHole(SafeFileHandle file, long from)
    {
        var at = Seek(file, from, SeekHole);
        return at >= 0 ? at : null;
    }

    /// <summary>The file's length as lseek finds its end: a block device's size too, which fstat gives as 0.</summary>
    public static long? End(SafeFileHandle file)
    {
        var at = Seek(file, 0, SeekEnd);
        return at >= 0 ? at : null;
    }

    private static long Seek(SafeFileHandle file, long offset, int whence)
    {
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            return LSeek((int)file.DangerousGetHandle(), offset, whence);
        }
        finally
        {
            if (added) file.DangerousRelease();
        }
    }

    [DllImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static extern long LSeek(int fd, long offset, int whence);
}
