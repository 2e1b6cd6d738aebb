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
        ["pre-r16-w64-d100"] = "downtime 48 ms against 123 ms predicted: the last pages fitted in the socket buffer, which the model leaves full at the stop",
        ["pre-r24-w192-m1024"] = "the model's stop check does not converge (suspended after 150 s) where QEMU synced 12 times and stopped after 24.7 s",
        ["concurrent-2 #1"] = "downtime 100 ms against 310 ms: where in its last iteration QEMU's check fell; the same scenario measured 274 and 246 ms in other runs",
        ["concurrent-3 #3"] = "the idle guest stopped for 367 ms, over its 300 ms limit, and finished in 3.35 s against 4.69 s predicted; other runs: 4.64 s / 96 ms, 6.79 s / 160 ms",
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
