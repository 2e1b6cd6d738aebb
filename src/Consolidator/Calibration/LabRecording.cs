using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Consolidator.Calibration;

/// <summary>One run of the lab's matrix (one CSV of datasets/calibration/): its rows and a short name, the file's
/// name without the "qemu-VERSION-" prefix ("tcg", "tcg-quiet"), which tells its points apart from the same
/// scenarios of other runs.</summary>
public sealed partial record LabRecording(string Name, ImmutableArray<LabMeasurement> Rows)
{
    /// <summary>The lab's recordings, relative to the repository root: a busy machine with the migration thread's
    /// CPU share measured (the fit points are there), and the two runs made before it was, on a loaded machine
    /// and on a quiet one.</summary>
    public static readonly ImmutableArray<string> DefaultPaths =
        ["datasets/calibration/qemu-7.2-tcg-busy.csv", "datasets/calibration/qemu-7.2-tcg.csv", "datasets/calibration/qemu-7.2-tcg-quiet.csv"];

    /// <exception cref="InputException">The file is missing or a row is malformed.</exception>
    public static LabRecording Read(string path) =>
        new(Prefix().Replace(Path.GetFileNameWithoutExtension(path), ""), LabCsv.Read(path));

    [GeneratedRegex(@"^qemu-(\d+(\.\d+)*-)?")]
    private static partial Regex Prefix();
}
