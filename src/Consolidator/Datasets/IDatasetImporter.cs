using System.Collections.Immutable;
using Consolidator.Traces;

namespace Consolidator.Datasets;

/// <summary>Reads one dataset format from a folder into a <see cref="Dataset"/>. Tools that take whatever
/// folders they find (the <c>bench</c> command's shared-datasets family) ask each importer in turn.</summary>
public interface IDatasetImporter
{
    /// <summary>The format's name in messages, e.g. "native".</summary>
    string Format { get; }

    /// <summary>True when the folder looks like this format (cheap: names of files, not their content).</summary>
    bool Recognises(string folder);

    /// <exception cref="InputException">The folder is in this format but a file is malformed.</exception>
    Dataset Read(string folder);
}

/// <summary>The native format: hosts.csv, vms.csv and usage.csv (see <see cref="DatasetReader"/>).</summary>
public sealed class NativeDatasetImporter : IDatasetImporter
{
    public string Format => "native";

    public bool Recognises(string folder) =>
        File.Exists(Path.Combine(folder, DatasetReader.HostsFile)) &&
        File.Exists(Path.Combine(folder, DatasetReader.VmsFile)) &&
        File.Exists(Path.Combine(folder, DatasetReader.UsageFile));

    public Dataset Read(string folder) => DatasetReader.Read(folder);
}

public static class DatasetFolders
{
    /// <summary>The sub-folders of <paramref name="root"/> in ordinal order (listings come in no fixed order),
    /// or none when it does not exist.</summary>
    public static IReadOnlyList<string> Under(string root) =>
        Directory.Exists(root) ? [.. InputFiles.List(root, Directory.EnumerateDirectories).Order(StringComparer.Ordinal)] : [];
}
