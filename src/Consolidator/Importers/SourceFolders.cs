using Consolidator.Datasets;

namespace Consolidator.Importers;

/// <summary>Directory listings in an order that is the same on every machine: hidden entries left out,
/// names compared ordinally, except that all-digit names sort as numbers (Bitbrains' 1.csv, 2.csv, ..., 10.csv).</summary>
internal static class SourceFolders
{
    public static readonly IComparer<string> NameOrder = Comparer<string>.Create(Compare);

    public static void RequireFolder(string path)
    {
        if (!Directory.Exists(path))
            throw new InputException(path, 0, null, 0, null, File.Exists(path) ? "expected a folder, found a file" : "folder not found");
    }

    /// <summary>Refuses an output folder at or under a source folder, before anything is written: the next import
    /// of that source read the dataset as traces (Bitbrains took a months' parent's 'out' for a month and its hosts.csv for
    /// a VM's file: "bb/out/hosts.csv:1, column 'Timestamp [ms]': required column ... is missing"; PlanetLab refused the
    /// day folder for "a folder among the trace files"), so an import that worked once failed every time after.</summary>
    public static void RequireOutside(string outDir, IReadOnlyList<string> sources)
    {
        var output = Full(outDir);
        foreach (var source in sources)
        {
            var folder = Full(source);
            if (output == folder || output.StartsWith(folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new InputException(outDir, 0, null, 0, null,
                    $"the output folder is inside the source folder {Quoted.Path(source)}: the next import of it would read the dataset's files as traces; choose a folder outside it");
        }
    }

    private static string Full(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    /// <summary>The files of <paramref name="folder"/> that <paramref name="accept"/> takes (all, without it). A folder
    /// (or a link to one) that it would take is an error, not skipped: a folder named <c>4.csv</c> among Bitbrains' VM
    /// files, or a day folder unpacked into itself, left that VM or those VMs out of the import without a word.</summary>
    public static string[] Files(string folder, Func<string, bool>? accept = null)
    {
        var taken = (string path) => Visible(path) && (accept?.Invoke(path) ?? true);
        if (InputFiles.List(folder, Directory.EnumerateDirectories).Where(taken).Order(PathOrder).FirstOrDefault() is { } inner)
            throw new InputException(inner, 0, null, 0, null, accept is null
                ? "a folder among the trace files: each file here is one VM, and a folder's files would be left out; move it out"
                : "named like a trace file but a folder: its VM would be left out; move it out or rename it");
        return [.. InputFiles.List(folder, Directory.EnumerateFiles).Where(taken).Order(PathOrder)];
    }

    /// <summary>The first visible file of <paramref name="folder"/> in name order, or null.</summary>
    public static string? FirstFile(string folder) => InputFiles.List(folder, Directory.EnumerateFiles).Where(Visible).Order(PathOrder).FirstOrDefault();

    public static string[] Folders(string folder) =>
        [.. InputFiles.List(folder, Directory.EnumerateDirectories).Where(Visible).Order(PathOrder)];

    private static readonly IComparer<string> PathOrder = Comparer<string>.Create((a, b) => Compare(Path.GetFileName(a), Path.GetFileName(b)));

    private static bool Visible(string path) => !Path.GetFileName(path).StartsWith('.');

    private static int Compare(string? a, string? b)
    {
        if (a is null || b is null) return string.CompareOrdinal(a, b);
        var (na, nb) = (Numeric(a), Numeric(b));
        if (na.Length > 0 && nb.Length > 0)
        {
            // Same stem apart from the number: compare numbers by length first, then digits.
            var (sa, sb) = (a[na.Length..], b[nb.Length..]);
            var trimmedA = na.TrimStart('0');
            var trimmedB = nb.TrimStart('0');
            var byNumber = trimmedA.Length != trimmedB.Length
                ? trimmedA.Length.CompareTo(trimmedB.Length)
                : string.CompareOrdinal(trimmedA, trimmedB);
            if (byNumber != 0) return byNumber;
            var rest = string.CompareOrdinal(sa, sb);
            if (rest != 0) return rest;
        }
        return string.CompareOrdinal(a, b);
    }

    private static string Numeric(string name)
    {
        var n = 0;
        while (n < name.Length && char.IsAsciiDigit(name[n])) n++;
        return name[..n];
    }
}
