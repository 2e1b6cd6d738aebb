using System.Globalization;

namespace Consolidator.Datasets;

/// <summary>The distinct blocks of one disk image, as SHA-256 hashes of fixed-size blocks: what a
/// content-addressed store keeps of it. The file form (written by the operator's own tooling; <c>images scan</c> measures shares
/// without writing manifests) is a line
/// <c>block_kib N</c> and then one hexadecimal hash per block in disk order.</summary>
public sealed class BlockManifest
{
    public BlockManifest(int blockKib, IEnumerable<string> hashes)
    {
        BlockKib = blockKib;
        Hashes = hashes.ToHashSet(StringComparer.Ordinal);
    }

    public int BlockKib { get; }

    /// <summary>The content the manifest lists, in GiB: its distinct blocks.</summary>
    public double Gib => Hashes.Count * (double)BlockKib / (1024 * 1024);

    /// <summary>The distinct block hashes (lower-case hexadecimal).</summary>
    public IReadOnlySet<string> Hashes { get; }

    /// <summary>Distinct blocks of this image that the other image holds too.</summary>
    public long SharedWith(BlockManifest other) => Hashes.Count(other.Hashes.Contains);

    public const string Header = "block_kib";

    /// <summary>The longest line a manifest holds (a hash and some spaces); /dev/zero named as a manifest was one line
    /// read until it passed 2 GB (".NET's minimumLength ('-2147483648') must be a non-negative value", no file named).</summary>
    private const int MaxLineChars = 256;

    /// <summary>The next line, at most <see cref="MaxLineChars"/> characters, or null at the end.</summary>
    private static string? Line(StreamReader reader, string path, int number)
    {
        var line = new System.Text.StringBuilder();
        for (var c = reader.Read(); c >= 0; c = reader.Read())
        {
            if (c == '\n') return line.ToString().TrimEnd('\r');
            if (line.Length == MaxLineChars)
                throw new InputException(path, number, null, 0, line.ToString(), $"a line of more than {MaxLineChars} characters: not a block manifest");
            line.Append((char)c);
        }
        return line.Length > 0 ? line.ToString() : null;
    }

    public static BlockManifest Read(string path) => Read(path, null);

    /// <summary>As <see cref="Read(string)"/>, opened through a dataset's <paramref name="folder"/>
    /// (<see cref="DatasetFolder.Open(string, int, FileOptions)"/>).</summary>
    internal static BlockManifest Read(string path, DatasetFolder? folder)
    {
        using var reader = new StreamReader(DatasetFolder.Open(folder, path));
        var lineNumber = 1;
        try
        {
            var first = Line(reader, path, lineNumber) ?? "";
            var parts = first.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || parts[0] != Header || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) || kib < 1)
                throw new InputException(path, 1, null, 0, first, $"a block manifest starts with '{Header} N' (N KiB per block, N >= 1)");
            var hashes = new List<string>();
            for (var line = Line(reader, path, lineNumber + 1); line is not null; line = Line(reader, path, lineNumber + 1))
            {
                lineNumber++;
                var hash = line.Trim();
                if (hash.Length == 0) continue;
                if (hash.Length != 64 || !hash.All(Uri.IsHexDigit))
                    throw new InputException(path, lineNumber, null, 0, hash, "not a SHA-256 block hash (64 hexadecimal digits)");
                hashes.Add(hash.ToLowerInvariant());
            }
            return new BlockManifest(kib, hashes);
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw InputFiles.Failure(path, e);
        }
    }
}
