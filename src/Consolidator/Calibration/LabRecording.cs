using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Consolidator.Calibration;

/// <summary>One run of the lab's matrix (one CSV of datasets/calibration/): its rows and a short name, the file's
/// name without the "qemu-VERSION-" prefix ("tcg", "tcg-quiet"), which tells its points apart from the same
/// scenarios of other runs.</summary>
public sealed partial record LabRecording(string Name, ImmutableArray<LabMeasurement> Rows)
{
    /// <summary>The recordings the acceptance test judges, relative to the repository root: <see cref="ThreadsPath"/>, whose
    /// "fit" scenarios the lab's constants (<see cref="LabEnvironment.Fitted"/>) were fitted on, and
    /// <see cref="RerunPath"/>, used for no constant. A setting is judged by the median of its runs within one recording
    /// (one machine): the rerun's machine needed about half the CPU time per MiB for the same migration work, so runs of
    /// the two are not repeats of one setting, and the settings the first recording ran once were re-measured whole there.</summary>
    public static readonly ImmutableArray<string> DefaultPaths = [ThreadsPath, RerunPath];

    /// <summary>The settings the first recording ran once, re-measured whole (three runs each) on the machine of
    /// 2026-12-06, with the TCP retransmission counters, then three runs each of the idle and short-downtime settings
    /// the first recording had repeated (pre-idle-256, pre-idle-512, pre-r16-w64-d50, pre-r16-w64-d100) and of its
    /// concurrent ones (concurrent-2, concurrent-3, concurrent-3-no-idle-restart).</summary>
    public const string RerunPath = "datasets/calibration/qemu-7.2-tcg-rerun.csv";

    /// <summary>The first recording with the CPU time and run-queue wait of every QEMU thread on both ends, which the
    /// lab's constants were fitted on.</summary>
    public const string ThreadsPath = "datasets/calibration/qemu-7.2-tcg-threads.csv";

    /// <summary>The CI smoke's set (lab/qemu LabScenario.Smoke) run on 2026-12-07 with its concurrent pair
    /// (smoke-concurrent-2) repeated: the spread one smoke run is a draw of, printed beside the smoke's own rows by
    /// .ci/qemu-smoke. Not one of <see cref="DefaultPaths"/> (the matrix the README counts); the pair's medians are judged on
    /// their own (LabCalibrationTests).</summary>
    public const string SmokePath = "datasets/calibration/qemu-7.2-tcg-smoke.csv";

    /// <summary>The held-out check of 2026-12-07: three runs of four fit scenarios (which measure the machine), then three
    /// runs each of six settings neither the fit nor any held-out setting had used, each predicted before it ran (the
    /// predicted_* columns), and the congestion control of every run. Not one of <see cref="DefaultPaths"/>: its runs were
    /// made at loads of 24-36 (docs/simulator.md, Fresh held-out runs).</summary>
    public const string FreshPath = "datasets/calibration/qemu-7.2-tcg-fresh.csv";

    /// <summary>The same check rerun at the lowest load the shared machine gave (2026-12-07 15:34-16:19 UTC, load 3-23 at the
    /// runs' starts): three runs of the four fit scenarios, then three interleaved rounds of the six settings, each run
    /// predicted before it ran from this recording's earlier rows; with each round, the two concurrent settings under Reno
    /// (the -reno scenarios) and under Reno without TCP's restart after idle (-reno-no-idle-restart). Not one of
    /// <see cref="DefaultPaths"/> (docs/simulator.md, Fresh held-out runs: the second session).</summary>
    public const string Fresh2Path = "datasets/calibration/qemu-7.2-tcg-fresh2.csv";

    /// <summary>Every recording: the loaded run, the quiet rerun (QEMU under real-time priority), the busy run
    /// with the migration thread's CPU time and run-queue wait measured, the run with every thread's, and the rerun, on
    /// the machine of 2026-12-06, of the settings that one ran once.</summary>
    public static readonly ImmutableArray<string> AllPaths =
    [
        "datasets/calibration/qemu-7.2-tcg.csv", "datasets/calibration/qemu-7.2-tcg-quiet.csv", "datasets/calibration/qemu-7.2-tcg-busy.csv",
        ThreadsPath, RerunPath,
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
