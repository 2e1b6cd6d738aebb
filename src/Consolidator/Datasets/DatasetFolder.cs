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
    /// reader, whose error names it without reading anything.</summary>
    public string Inside(string path)
    {
        if (_real is null || RealPath(path) is not { } real) return path;
        var root = _real.EndsWith('/') ? _real : _real + "/";
        if (real.StartsWith(root, StringComparison.Ordinal)) return path;
        throw new InputException(path, 0, null, 0, null,
            $"leads through a symbolic link to {Quoted.Path(real)}, outside the dataset folder: a dataset is read only from its own folder, so that one from elsewhere cannot make this tool read (and quote) other files; copy the file in, or hard-link it");
    }

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
