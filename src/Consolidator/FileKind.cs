using System.Runtime.InteropServices;

namespace Consolidator;

/// <summary>What a path names once its links are followed, as the kernel tells it (statx(2)): .NET has no public
/// way to tell a regular file from a named pipe, a socket or a device (File.Exists is true for all of them), and
/// opening a named pipe to read waits, for ever, for a writer.</summary>
public enum FileKind
{
    /// <summary>Not known: the path does not exist, or the system has no statx (not Linux).</summary>
    Unknown,
    Regular,
    Folder,
    NamedPipe,
    Socket,
    CharacterDevice,
    BlockDevice,

    /// <summary>/dev/null (character device 1:3): reads as an empty file, and is treated as one.</summary>
    Null,
}

public static class FileKinds
{
    // struct statx is laid out the same on every Linux architecture (include/uapi/linux/stat.h): stx_mask at 0,
    // stx_mode (u16) at 28, stx_rdev_major and stx_rdev_minor (u32) at 128 and 132; 256 bytes in all.
    private const int StatxSize = 256;
    private const int ModeOffset = 28;
    private const int RdevMajorOffset = 128;
    private const int RdevMinorOffset = 132;
    private const uint StatxType = 0x1; // STATX_TYPE
    private const int AtFdCwd = -100; // AT_FDCWD: a relative path is relative to the working folder

    /// <summary>The kind of file <paramref name="path"/> names, following links; <see cref="FileKind.Unknown"/>
    /// when it cannot be told.</summary>
    public static FileKind Of(string path)
    {
        if (!OperatingSystem.IsLinux()) return FileKind.Unknown;
        var buffer = new byte[StatxSize];
        try
        {
            // flags 0 follows a symbolic link to what it names (AT_STATX_SYNC_AS_STAT, as stat(2)).
            if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0) return FileKind.Unknown;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return FileKind.Unknown; // a C library without statx (glibc before 2.28): the open itself decides
        }
        // The fields are in the machine's own byte order.
        if ((MemoryMarshal.Read<uint>(buffer) & StatxType) == 0) return FileKind.Unknown;
        var mode = MemoryMarshal.Read<ushort>(buffer.AsSpan(ModeOffset));
        // S_IFMT and its values, include/uapi/linux/stat.h.
        return (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Folder,
            0x1000 => FileKind.NamedPipe,
            0xC000 => FileKind.Socket,
            0x6000 => FileKind.BlockDevice,
            0x2000 => Device(buffer) == (1, 3) ? FileKind.Null : FileKind.CharacterDevice, // Documentation/admin-guide/devices.txt
            _ => FileKind.Unknown,
        };
    }

    /// <summary>Why <paramref name="path"/> is not a file a command may read whole or line by line, or null: a named
    /// pipe, a socket or a device would block or never end (/dev/null reads as an empty file and is allowed). A block
    /// device is a disk's contents, finite and seekable, allowed where <paramref name="blockDevice"/> says so (disk
    /// images).</summary>
    public static string? Problem(string path, bool blockDevice = false) => Of(path) switch
    {
        FileKind.NamedPipe => "a pipe (FIFO), not a regular file: reading it would wait for a writer; save what it carries to a file",
        FileKind.Socket or FileKind.CharacterDevice => $"{Name(Of(path))}, not a regular file",
        FileKind.BlockDevice when !blockDevice => $"{Name(FileKind.BlockDevice)}, not a regular file",
        _ => null,
    };

    /// <summary>What <see cref="IsBrokenLink"/> finds, in a message's words.</summary>
    public const string BrokenLinkWords = "a symbolic link that leads nowhere (a loop of links, or to a path that does not exist)";

    /// <summary>Whether <paramref name="path"/> is a symbolic link that cannot be followed to anything: a loop of links
    /// (following it fails with ELOOP) or a link to a path that does not exist. File.Exists is true for it, so messages
    /// called it "a file".</summary>
    public static bool IsBrokenLink(string path)
    {
        try
        {
            if (new FileInfo(path).LinkTarget is null) return false;
            var final = File.ResolveLinkTarget(path, returnFinalTarget: true);
            return final is null || !(File.Exists(final.FullName) || Directory.Exists(final.FullName));
        }
        catch (IOException) { return true; } // "Too many levels of symbolic links"
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>The kind in a message's words: "a pipe (FIFO)", "a socket", ...</summary>
    public static string Name(FileKind kind) => kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Folder => "a folder",
        FileKind.NamedPipe => "a pipe (FIFO)",
        FileKind.Socket => "a socket",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Null => "the null device",
        _ => "something of an unknown kind",
    };

    private static (uint Major, uint Minor) Device(byte[] buffer) =>
        (MemoryMarshal.Read<uint>(buffer.AsSpan(RdevMajorOffset)), MemoryMarshal.Read<uint>(buffer.AsSpan(RdevMinorOffset)));

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
