using System.Runtime.InteropServices;

namespace Consolidator.Datasets;

/// <summary>The rule for what a dataset folder may hand its readers: a file whose real path (every link followed, those
/// on the folders of its path too) lies inside the folder's own real path. A link that leaves the folder is refused
/// before anything reads it, whatever it leads to.
/// Why: a dataset is one folder, fingerprinted, moved and shared as one (a tarball, a git clone, a colleague's share),
/// and a reader's error quotes the start of a file it cannot parse, so a link `hosts.csv -> /etc/shadow` (or a linked
/// subfolder holding a manifest) printed up to 80 characters of the first line of any file its user can read (root's
/// password hash, a key's first line) into a terminal or a CI log; a link to a file that parses puts another's data in
/// the plan unseen. Refusing links to non-regular files alone would not do: /etc/shadow is a regular file. Links inside
/// the folder are the operator's own and are followed; the folder itself may be reached through a link. Precedents:
/// Jekyll's safe mode (GitHub Pages) does not follow links; Docker's build context never reaches outside itself.
/// A user who meant to share one large file between datasets hard-links it (same file system) or copies it.</summary>
internal sealed class DatasetFolder
{
    private readonly string? _real;

    /// <param name="directory">The folder; empty is the working folder (Path.GetDirectoryName of a bare file name).</param>
    public DatasetFolder(string directory) => _real = RealPath(directory.Length == 0 ? "." : directory);

    /// <summary>Gives <paramref name="path"/> back, or throws the <see cref="InputException"/> (naming the path, line 0)
    /// that says it leads outside the folder. A path that cannot be resolved (missing, a loop of links) is left to the
    /// reader, whose error names it without reading anything. A check of the path only: what is read must be opened with
    /// <see cref="Open"/>, which checks the file opened.</summary>
    public string Inside(string path)
    {
        if (_real is null || RealPath(path) is not { } real || IsInside(real)) return path;
        throw Outside(path, real);
    }

    /// <summary>Opens <paramref name="path"/> to read, as <see cref="InputFiles.OpenRead(string, bool)"/> does, and gives
    /// the stream only if the file opened lies inside the folder, as the kernel names it (/proc/self/fd/N) and is a
    /// regular file (or /dev/null). Why after the open: the path is checked first (<see cref="Inside"/>, for its
    /// messages, before anything is opened), but a link swapped between that check and the open (`ln -sfn` in a shared
    /// or synced folder while the dataset is read) made the reader open, parse and quote the file it then named; what the
    /// descriptor names cannot change. Every reader of a dataset's files reads through this stream, not the path again.</summary>
    public FileStream Open(string path, int bufferSize = 1 << 16, FileOptions options = FileOptions.None)
    {
        Inside(path);
        var stream = InputFiles.OpenRead(path, bufferSize, options);
        try
        {
            Check(path, stream);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="path"/> in <paramref name="folder"/> (<see cref="Open"/>), or anywhere when there
    /// is no folder (a hosts.csv given on its own, e.g. an importer's inventory).</summary>
    public static FileStream Open(DatasetFolder? folder, string path, int bufferSize = 1 << 16, FileOptions options = FileOptions.None) =>
        folder?.Open(path, bufferSize, options) ?? InputFiles.OpenRead(path, bufferSize, options);

    private void Check(string path, FileStream stream)
    {
        if (_real is null || !OperatingSystem.IsLinux()) return;
        var descriptor = $"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}";
        // The kind of what was opened: a device swapped in after InputFiles' check of the path reads for ever.
        if (FileKinds.Problem(descriptor) is { } problem) throw new InputException(path, 0, null, 0, null, problem);
        string? opened;
        try
        {
            opened = new FileInfo(descriptor).LinkTarget;
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            opened = null;
        }
        // No /proc (a container without it): the path's check alone, as before.
        if (opened is null || !opened.StartsWith('/')) return;
        // proc(5): a file removed since it was opened reads "PATH (deleted)".
        const string Deleted = " (deleted)";
        if (opened.EndsWith(Deleted, StringComparison.Ordinal) && !File.Exists(opened)) opened = opened[..^Deleted.Length];
        if (!IsInside(opened)) throw Outside(path, opened);
    }

    private bool IsInside(string real) => real.StartsWith(_real!.EndsWith('/') ? _real : _real + "/", StringComparison.Ordinal);

    private static InputException Outside(string path, string real) => new(path, 0, null, 0, null,
        $"leads through a symbolic link to {Quoted.Path(real)}, outside the dataset folder: a dataset is read only from its own folder, so that one from elsewhere cannot make this tool read (and quote) other files; copy the file in, or hard-link it");

    /// <summary>realpath(3): the absolute path with every link, '.' and '..' resolved, or null where it fails (the path
    /// or a link's target does not exist, a loop of links) or is not there to call (not Linux or macOS: no check).
    /// .NET resolves only the last link of a path (File.ResolveLinkTarget), not a linked folder on the way.</summary>
    private static string? RealPath(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return null;
        var resolved = Resolve(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero) return null;
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
    private static extern IntPtr Resolve([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(IntPtr pointer);
}
