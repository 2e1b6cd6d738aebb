using System.Text;

namespace Consolidator.Datasets;

/// <summary>Writes a file so that readers see either the old content or the complete new content, never a
/// half-written file: the text goes to a temporary file in the same directory (same volume, so the final
/// move is a rename) and replaces the target only once it is complete and flushed.</summary>
public static class AtomicFile
{
    /// <summary>UTF-8 without a byte order mark: the formats are plain ASCII contracts and a BOM would be
    /// read as part of the first header name by some tools.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Creates the directory if missing. The writer's <see cref="TextWriter.NewLine"/> is "\n" so
    /// output bytes do not depend on the platform.</summary>
    public static void Write(string path, Action<TextWriter> write)
    {
        var target = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' is not a file path", nameof(path));
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var writer = new StreamWriter(stream, Utf8) { NewLine = "\n" })
            {
                write(writer);
                writer.Flush();
                // Without this the rename can reach the disk before the data, leaving an empty file after a crash.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    // Failing to clean up must not hide the error that made us clean up.
    private static void TryDelete(string temp)
    {
        try { File.Delete(temp); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
