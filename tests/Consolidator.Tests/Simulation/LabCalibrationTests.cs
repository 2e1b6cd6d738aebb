using System.Collections.Immutable;
using Consolidator.Calibration;
using Consolidator.Tests.Support;
using Xunit.Abstractions;

namespace Consolidator.Tests.Simulation;

/// <summary>Issue 14's lab acceptance: the simulator, with the lab's fitted constants, against every real QEMU
/// migration in datasets/calibration/qemu-7.2-tcg-threads.csv (total time and bytes within 25 %, downtime within 50 % or
/// 50 ms). A row leaving its tolerance fails, unless it is one of the known misses below, each with the reason
/// the README's calibration status gives; a known miss that comes within tolerance fails too, so that the list
/// only shrinks.</summary>
public class LabCalibrationTests(ITestOutputHelper output)
{
    /// <summary>Lab rows the model does not reproduce yet, and why (README, Calibration, Status).</summary>
    private static readonly ImmutableDictionary<string, string> KnownMisses = new Dictionary<string, string>
    {
        ["pre-idle-1024"] = "the idle 1 GiB guest's stop, 76 ms, against 286 ms: QEMU's first check found only 3.4 MiB of its 18.7 MiB end-of-pass run unsent, where the model takes the check half a 50 ms iteration below the threshold (12.8 MiB); five probes of the setting (lab/qemu/stop-probe.py) stopped for 107-278 ms with 4.7-12.5 MiB unsent, their checks 0.5-7.2 MiB below the threshold (iterations of 53-145 ms on the shared machine)",
    }.ToImmutableDictionary();

    private static readonly Lazy<ImmutableArray<CalibrationRow>> Rows = new(() =>
        CalibrationCheck.Compare(LabPoints.From(
            [.. LabRecording.DefaultPaths.Select(f => LabRecording.Read(Path.Combine(RepoPaths.Root, f)))], LabEnvironment.Fitted)));

    public static TheoryData<string> LabRowIds => new(Rows.Value.Select(r => r.Id));

    [Theory]
    [MemberData(nameof(LabRowIds))]
    public void A_lab_migration_is_predicted_within_tolerance_or_is_a_known_miss(string id)
    {
        var r = Rows.Value.Single(x => x.Id == id);
        output.WriteLine($"{r.Id} ({r.Point.Role}): total x{r.TotalRatio:0.00}, downtime x{r.DowntimeRatio:0.00}, data x{r.DataRatio:0.00}");
        if (KnownMisses.TryGetValue(id, out var reason))
            Assert.False(r.Fits, $"{id} is within tolerance now: remove it from the known misses (was: {reason})");
        else
            Assert.True(r.Fits, $"{id} leaves its tolerance: total x{r.TotalRatio:0.00}, downtime x{r.DowntimeRatio:0.00}, data x{r.DataRatio:0.00}");
    }

    [Fact]
    public void The_lab_has_at_least_twenty_migrations_of_every_kind_and_few_known_misses()
    {
        var rows = Rows.Value;
        Assert.True(rows.Length >= 20, $"{rows.Length} lab migrations");
        Assert.All(KnownMisses.Keys, id => Assert.Contains(rows, r => r.Id == id));
        Assert.True(KnownMisses.Count * 4 <= rows.Length, $"{KnownMisses.Count} known misses of {rows.Length}");
        Assert.All(rows.Where(r => r.Point.Role == PointRole.Fit && !KnownMisses.ContainsKey(r.Id)),
            r => Assert.True(r.Fits, $"fit point {r.Id} leaves its tolerance"));
    }
}
