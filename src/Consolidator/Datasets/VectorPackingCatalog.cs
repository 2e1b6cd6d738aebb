using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Consolidator.Datasets;

/// <summary>One published vector packing instance: its benchmark (the folder, e.g. Panigrahy), its class,
/// the number of items and dimensions and the index its file name gives, and the published figures.</summary>
public sealed record VectorPackingEntry(string Benchmark, string Class, string Name, int Items, int Dimensions, int Index, string Path, PublishedResult? Published)
{
    /// <summary>Benchmark and class, the unit the published tables summarise.</summary>
    public string Group => $"{Benchmark}/{Class}";
}

/// <summary>The instances of a Vectorpack-style folder (<c>&lt;Benchmark&gt;_instances_multidim/**/*.vbp</c>
/// beside <c>results/&lt;Benchmark&gt;_summary_known.csv</c>), in a fixed order: benchmark, class, items,
/// index. Files are found by listing; they are read only when an instance is solved.</summary>
public sealed partial record VectorPackingCatalog(ImmutableArray<VectorPackingEntry> Entries, ImmutableArray<string> Notes)
{
    public const string ResultsFolder = "results";

    /// <summary>The catalog of <paramref name="folder"/>, or null when the folder does not exist.</summary>
    /// <exception cref="InputException">A results table is malformed.</exception>
    public static VectorPackingCatalog? TryLoad(string folder)
    {
        if (!Directory.Exists(folder)) return null;
        var entries = new List<VectorPackingEntry>();
        var notes = ImmutableArray.CreateBuilder<string>();
        var benchmarks = Directory.EnumerateDirectories(folder)
            .Where(d => Path.GetFileName(d) != ResultsFolder)
            .Order(StringComparer.Ordinal);
        foreach (var dir in benchmarks)
        {
            var folderName = Path.GetFileName(dir);
            var cut = folderName.IndexOf("_instances", StringComparison.Ordinal);
            var benchmark = cut > 0 ? folderName[..cut] : folderName;
            var table = Path.Combine(folder, ResultsFolder, $"{benchmark}_summary_known.csv");
            var published = File.Exists(table) ? PublishedResults.Read(table) : null;
            if (published is null) notes.Add($"{benchmark}: no results table {table}; optima unknown");
            foreach (var file in Directory.EnumerateFiles(dir, "*.vbp", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                var parts = FileName().Match(name);
                if (!parts.Success)
                {
                    notes.Add($"{file}: name is not class_items_dimensions_index; skipped");
                    continue;
                }
                entries.Add(new VectorPackingEntry(benchmark, parts.Groups["class"].Value, name,
                    Whole(parts, "n"), Whole(parts, "d"), Whole(parts, "i"), file, published?.GetValueOrDefault(name)));
            }
        }
        var ordered = entries
            .OrderBy(e => e.Benchmark, StringComparer.Ordinal).ThenBy(e => e.Class, StringComparer.Ordinal)
            .ThenBy(e => e.Items).ThenBy(e => e.Dimensions).ThenBy(e => e.Index).ThenBy(e => e.Path, StringComparer.Ordinal);
        return new VectorPackingCatalog([.. ordered], notes.ToImmutable());
    }

    private static int Whole(Match m, string group) => int.Parse(m.Groups[group].Value, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<class>.+)_(?<n>\d{1,6})_(?<d>\d{1,3})_(?<i>\d{1,6})$")]
    private static partial Regex FileName();
}
