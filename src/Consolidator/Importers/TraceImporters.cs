using System.Globalization;
using Consolidator.Datasets;
using Consolidator.Traces;

namespace Consolidator.Importers;

/// <summary>The PlanetLab and Bitbrains importers as <see cref="IDatasetImporter"/>s, for tools that take
/// whatever folders they find (the bench's shared-datasets family): each imports into a scratch folder with
/// the default assumptions, reads the native result back, and removes the scratch folder.</summary>
public abstract class TraceImporter : IDatasetImporter
{
    public abstract string Format { get; }

    public abstract bool Recognises(string folder);

    public Dataset Read(string folder)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"consolidator-{Format}-" + Guid.NewGuid().ToString("N"));
        try
        {
            Import([folder], scratch, new ImportOptions());
            var dataset = DatasetReader.Read(scratch);
            return dataset with { Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))) };
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    protected abstract void Import(IReadOnlyList<string> sources, string outDir, ImportOptions options);
}

/// <summary>A PlanetLab day folder (named yyyyMMdd, one extension-less file per VM), or a folder of them.</summary>
public sealed class PlanetLabTraceImporter : TraceImporter
{
    public override string Format => "planetlab";

    public override bool Recognises(string folder) =>
        IsDay(folder) || DatasetFolders.Under(folder).Any(IsDay);

    private static bool IsDay(string folder) =>
        DateTime.TryParseExact(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
        && InputFiles.List(folder, Directory.EnumerateFiles).Any(f => Path.GetExtension(f).Length == 0);

    protected override void Import(IReadOnlyList<string> sources, string outDir, ImportOptions options) =>
        PlanetLabImporter.Import(sources, outDir, options);
}

/// <summary>A Bitbrains folder of numbered <c>&lt;id&gt;.csv</c> (or <c>.csv.gz</c>) files whose header starts with "Timestamp [ms]", or a folder of them.</summary>
public sealed class BitbrainsTraceImporter : TraceImporter
{
    public override string Format => "bitbrains";

    public override bool Recognises(string folder) => IsMonth(folder) || DatasetFolders.Under(folder).Any(IsMonth);

    private static bool IsMonth(string folder)
    {
        var first = InputFiles.List(folder, Directory.EnumerateFiles).FirstOrDefault(f => BitbrainsImporter.IsVmFile(f) && int.TryParse(BitbrainsImporter.VmId(f), out _));
        if (first is null) return false;
        try
        {
            using var file = InputFiles.OpenRead(first);
            using var reader = new StreamReader(first.EndsWith(BitbrainsImporter.GzipExtension, StringComparison.OrdinalIgnoreCase)
                ? new ICSharpCode.SharpZipLib.GZip.GZipInputStream(file) : file);
            // The start of the first line only: ReadLine read a line that never ends whole (OutOfMemoryException).
            var head = new char[32];
            return new string(head, 0, reader.ReadBlock(head, 0, head.Length)).StartsWith("Timestamp [ms]", StringComparison.Ordinal);
        }
        catch (Exception e) when (IoFailure.IsIo(e) || e is ICSharpCode.SharpZipLib.SharpZipBaseException or InputException)
        {
            return false; // unreadable (a dangling link or a named pipe, say): not recognised; importing it names the file
        }
    }

    protected override void Import(IReadOnlyList<string> sources, string outDir, ImportOptions options) =>
        BitbrainsImporter.Import(sources, outDir, options);
}
