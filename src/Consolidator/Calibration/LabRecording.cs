using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Consolidator.Calibration;

/// <summary>One run of the lab's matrix (one CSV of datasets/calibration/): its rows and a short name, the file's
/// name without the "qemu-VERSION-" prefix ("tcg", "tcg-quiet"), which tells its points apart from the same
/// scenarios of other runs.</summary>
public sealed partial record LabRecording(string Name, ImmutableArray<LabMeasurement> Rows)
{
    /// <summary>The recording the lab's constants (<see cref="LabEnvironment.Fitted"/>) were fitted on and the
    /// acceptance test judges, relative to the repository root: the first with the CPU time and run-queue wait of
    /// every QEMU thread on both ends.</summary>
    public static readonly ImmutableArray<string> DefaultPaths = ["datasets/calibration/qemu-7.2-tcg-threads.csv"];

    /// <summary>Every recording: the loaded run, the quiet rerun (QEMU under real-time priority), the busy run
    /// with the migration thread's CPU time and run-queue wait measured, and the run with every thread's.</summary>
    public static readonly ImmutableArray<string> AllPaths =
    [
        "datasets/calibration/qemu-7.2-tcg.csv", "datasets/calibration/qemu-7.2-tcg-quiet.csv", "datasets/calibration/qemu-7.2-tcg-busy.csv",
        "datasets/calibration/qemu-7.2-tcg-threads.csv",
    ];

    /// <exception cref="InputException">The file is missing or a row is malformed.</exception>
    public static LabRecording Read(string path) => new(NameOf(path), LabCsv.Read(path));

    private static string NameOf(string path) => Prefix().Replace(Path.GetFileNameWithoutExtension(path), "");

    /// <summary>Several recordings, each under its own name: a file given twice (or two files of one name) counted every
    /// point twice (calibrate --lab X --lab ./X: "118 of 126" for X's 59 of 63).</summary>
    /// <exception cref="InputException">A file is missing or malformed, or its name is a recording's already read.</exception>
    public static ImmutableArray<LabRecording> ReadAll(IReadOnlyList<string> paths)
    {
        var read = ImmutableArray.CreateBuilder<LabRecording>(paths.Count);
        var first = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var name = NameOf(path);
            if (!first.TryAdd(name, path))
                throw new InputException(path, 0, null, 0, null,
                    $"a second recording named '{Quoted.Value(name)}' (the first: {Quoted.Path(first[name])}); give each recording once, each file under its own name");
            read.Add(Read(path));
        }
        return read.MoveToImmutable();
    }

    [GeneratedRegex(@"^qemu-(\d+(\.\d+)*-)?")]
    private static partial Regex Prefix();
}
