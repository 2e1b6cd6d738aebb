using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Datasets;
using CsvHelper;

namespace Consolidator.Images;

/// <summary>The images.csv that <c>images scan</c> writes: per image its stored size (distinct non-zero blocks),
/// its parent and the content it shares with it when one is named, and the blocks it shares with every other
/// image scanned. The dataset reader takes the first four columns and ignores the rest.</summary>
public static class ImageCatalog
{
    public static readonly string[] Header =
    [
        ImagesReader.IdColumn, ImagesReader.SizeColumn, ImagesReader.ParentColumn, ImagesReader.SharedColumn,
        "virtual_gib", "block_kib", "blocks", "distinct_blocks", "zero_blocks", "unique_blocks", "shared_blocks",
    ];

    /// <summary>The header line as written: a file at --out that does not hold it is not replaced by a scan.</summary>
    public static string HeaderLine => string.Join(',', Header);

    /// <param name="parents">Child image id -> parent image id, both among <paramref name="images"/>.</param>
    public static void Write(TextWriter writer, IReadOnlyList<ImageBlocks> images, IReadOnlyDictionary<string, string> parents)
    {
        using var csv = CsvWriter.Create(writer, CsvWriterOptions.Default with { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true);
        csv.WriteRecord(Header);
        var byId = images.ToDictionary(i => i.Id, StringComparer.Ordinal);
        foreach (var image in images)
        {
            var shares = images.Where(o => o != image).Select(o => (o.Id, Count: image.SharedWith(o))).ToList();
            var inOthers = image.Distinct.Count(b => images.Any(o => o != image && o.Distinct.Contains(b)));
            var parent = parents.GetValueOrDefault(image.Id);
            csv.WriteRecord(
                image.Id, Gib(image.Distinct.Count, image), parent ?? "",
                parent is null ? "" : Gib(image.SharedWith(byId[parent]), image),
                DatasetWriter.Number(image.VirtualBytes / (double)(1L << 30)), Whole(image.BlockKib), Whole(image.Blocks.Count),
                Whole(image.Distinct.Count), Whole(image.ZeroBlocks), Whole(image.Distinct.Count - inOthers),
                string.Join(";", shares.Select(s => $"{s.Id}:{Whole(s.Count)}")));
        }
    }

    private static string Gib(long blocks, ImageBlocks image) => DatasetWriter.Number(blocks * (double)image.BlockBytes / (1L << 30));

    private static string Whole(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The id of an image file: its name without the usual disk-image extension.</summary>
    public static string IdOf(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        foreach (var ext in (ImmutableArray<string>)[".qcow2", ".raw", ".img", ".vmdk", ".vdi", ".vhdx"])
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) return name[..^ext.Length];
        return name;
    }
}
