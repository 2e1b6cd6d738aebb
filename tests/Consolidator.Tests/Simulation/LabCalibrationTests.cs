using System.Collections.Immutable;
using Consolidator.Calibration;
using Consolidator.Tests.Support;
using Xunit.Abstractions;

namespace Consolidator.Tests.Simulation;

/// <summary>Issue 14's lab acceptance: the simulator, with the lab's fitted constants, against every real QEMU
/// migration in datasets/calibration/qemu-7.2-tcg.csv (total time and bytes within 25 %, downtime within 50 % or
/// 50 ms). A row leaving its tolerance fails, unless it is one of the known misses below, each with the reason
/// the README's calibration status gives; a known miss that comes within tolerance fails too, so that the list
/// only shrinks.</summary>
public class LabCalibrationTests(ITestOutputHelper output)
{
    /// <summary>Lab rows the model does not reproduce yet, and why (README, Calibration, Status).</summary>
    private static readonly ImmutableDictionary<string, string> KnownMisses = new Dictionary<string, string>
    {
        ["pre-r4-w32"] = "setup took 2.1 s where the other 512 MiB guests took 0.3-1.1 s at the same settings: the machine's load",
        ["pre-r32-w64"] = "the model's stop check does not converge where QEMU synced 13 times",
        ["pre-r16-w64-d100"] = "QEMU reported 5 ms: the last pages fitted in the socket buffer, which the model leaves full at the stop",
        ["post-idle-1024"] = "the source scanned the idle guest's zero pages twice as fast in post-copy as in pre-copy",
        ["concurrent-2 #2"] = "downtime 305 ms against 190 ms measured",
        ["concurrent-3 #3"] = "six QEMUs shared 2 cores; the model gives each migration thread its own zero-page scan rate",
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
        Assert.All(rows.Where(r => r.Point.Role == PointRole.Fit), r => Assert.True(r.Fits, $"fit point {r.Id} leaves its tolerance"));
    }
}
