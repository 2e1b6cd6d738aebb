using System.Globalization;

namespace Consolidator.Datasets;

/// <summary>The distinct blocks of one disk image, as SHA-256 hashes of fixed-size blocks: what a
/// content-addressed store keeps of it. The file form (written by <c>images scan --manifests</c>) is a line
/// <c>block_kib N</c> and then one hexadecimal hash per block in disk order.</summary>
public sealed class BlockManifest
{
    public BlockManifest(int blockKib, IEnumerable<string> hashes)
    {
        BlockKib = blockKib;
        Hashes = hashes.ToHashSet(StringComparer.Ordinal);
    }

    public int BlockKib { get; }

    /// <summary>The distinct block hashes (lower-case hexadecimal).</summary>
    public IReadOnlySet<string> Hashes { get; }

    /// <summary>Distinct blocks of this image that the other image holds too.</summary>
    public long SharedWith(BlockManifest other) => Hashes.Count(other.Hashes.Contains);

    public const string Header = "block_kib";

    public static BlockManifest Read(string path)
    {
        using var reader = new StreamReader(InputFiles.OpenRead(path));
        var lineNumber = 1;
        try
        {
            var first = reader.ReadLine() ?? "";
            var parts = first.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || parts[0] != Header || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) || kib < 1)
                throw new InputException(path, 1, null, 0, first, $"a block manifest starts with '{Header} N' (N KiB per block, N >= 1)");
            var hashes = new List<string>();
            for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
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
