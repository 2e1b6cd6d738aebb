namespace Consolidator.Datasets;

/// <summary>Opening an input file, with every failure an <see cref="InputException"/> that names the file
/// and says what is wrong in the user's terms: missing, a folder, a symbolic link to nothing, unreadable.</summary>
public static class InputFiles
{
    /// <summary>The most a whole-file input (plan.json, simulation.json, a config file) may hold: a plan of 100,000
    /// VMs is tens of MiB. A device named by mistake (/dev/zero) was read until the process ran out
    /// of memory ("unexpected OutOfMemoryException", exit code 1) or for ever.</summary>
    public const int MaxWholeFileBytes = 256 << 20;

    public static byte[] ReadAllBytes(string path, int maxBytes = MaxWholeFileBytes)
    {
        Require(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var bytes = new MemoryStream();
            var buffer = new byte[1 << 16];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (bytes.Length + read > maxBytes)
                    throw new InputException(path, 0, null, 0, null,
                        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"more than {maxBytes >> 20} MiB: larger than any file this command reads"));
                bytes.Write(buffer, 0, read);
            }
            return bytes.ToArray();
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw Failure(path, e);
        }
    }

    public static FileStream OpenRead(string path, bool blockDevice = false) => OpenRead(path, 1 << 16, FileOptions.None, blockDevice);

    /// <summary>As <see cref="OpenRead(string, bool)"/>, buffered and opened as given (a CSV reader reads large blocks
    /// itself, sequentially).</summary>
    internal static FileStream OpenRead(string path, int bufferSize, FileOptions options, bool blockDevice = false)
    {
        Require(path, blockDevice);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, options);
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw Failure(path, e);
        }
    }

    /// <summary>Fails unless <paramref name="path"/> names an existing regular file (or a link to one), or /dev/null
    /// (an empty file). A named pipe, a socket or a device is refused before it is opened: opening a named pipe waits
    /// for a writer, for ever if there is none. A block device (a disk) passes where <paramref name="blockDevice"/>
    /// says so (disk images). No command reads a stream: where one is wanted, save it to a file first.</summary>
    public static void Require(string path, bool blockDevice = false)
    {
        if (Directory.Exists(path)) throw new InputException(path, 0, null, 0, null, "a folder, not a file");
        if (FileKinds.Problem(path, blockDevice) is { } problem) throw new InputException(path, 0, null, 0, null, problem);
        // File.Exists is true for a link whatever it points to: follow it.
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target)
        {
            FileSystemInfo? final;
            try
            {
                final = info.ResolveLinkTarget(returnFinalTarget: true);
            }
            catch (IOException e)
            {
                // A loop of links (ELOOP): an I/O failure (exit code 1) before, though it is the input that is wrong.
                throw new InputException(path, 0, null, 0, null, $"a symbolic link that cannot be followed to a file: {IoFailure.Reason(e)}");
            }
            if (final is not { Exists: true })
                throw new InputException(path, 0, null, 0, null, $"a symbolic link to {Quoted.Path(target)}, which does not exist");
        }
        if (!File.Exists(path)) throw new InputException(path, 0, null, 0, null, Unreachable(path) ?? "file not found");
    }

    /// <summary>Why a path File.Exists calls absent may be there after all: a folder on it that cannot be searched (no
    /// execute permission) hides what it holds, and was reported as "file not found", sending the user to look for a file
    /// that is there. stat(2) fails with EACCES there, ENOENT where nothing is.</summary>
    private static string? Unreachable(string path)
    {
        try
        {
            File.GetAttributes(path);
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return "cannot reach the file: permission denied (a folder on its path cannot be entered)";
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            return null;
        }
    }

    /// <summary>The entries <paramref name="list"/> finds in <paramref name="folder"/>, listed whole here, so that a folder
    /// that cannot be listed (no read permission; an I/O error) is an input error naming it. It was .NET's exception
    /// thrown mid-enumeration: "error: permission denied", exit code 1, naming nothing.</summary>
    public static List<string> List(string folder, Func<string, IEnumerable<string>> list)
    {
        try
        {
            return [.. list(folder)];
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw new InputException(folder, 0, null, 0, null, $"cannot list the folder: {IoFailure.Reason(e)}");
        }
    }

    /// <summary>An open or read that failed, as the input error it is.</summary>
    public static InputException Failure(string path, Exception e) =>
        new(path, 0, null, 0, null, $"cannot read the file: {IoFailure.Reason(e)}");
}
