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
        ["pre-idle-1024 run 2"] = "QEMU reported a 2337 ms stop for an idle 1 GiB guest that sent 6.9 MiB while stopped (about 150 ms at the link's rate; its other runs: 76 and 205 ms, the model 286 ms), and the migration took 7.16 s against 9.8 s predicted at its migration thread's measured CPU share (0.37, load 19); what held the stop is not known (the source's threads sampled over it ran under 15 ms)",
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
