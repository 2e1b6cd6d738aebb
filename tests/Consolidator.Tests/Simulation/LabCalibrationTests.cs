using System.Collections.Immutable;
using Consolidator.Calibration;
using Consolidator.Tests.Support;
using Xunit.Abstractions;

namespace Consolidator.Tests.Simulation;

/// <summary>Issue 14's lab acceptance: the simulator, with the lab's fitted constants, against the real QEMU migrations
/// of the judged recordings (LabRecording.DefaultPaths: total time and bytes within 25 %, downtime within 50 % or 50 ms).
/// Repeated runs of one setting on this shared 2-core machine differ by more than the tolerance, so a setting is judged
/// by the median of its runs (at least three, in one recording) against the median of their predictions, and a setting
/// whose median leaves its tolerance fails. Every run is still shown with its own ratio (calibrate's tables).</summary>
public class LabCalibrationTests(ITestOutputHelper output)
{
    /// <summary>Judged settings whose median the model does not reproduce yet, and why (docs/simulator.md, Calibration, Status). A
    /// known miss that comes within tolerance fails too, so that the list only shrinks; any other setting whose median
    /// leaves its tolerance fails.</summary>
    private static readonly ImmutableDictionary<string, string> KnownMisses = ImmutableDictionary<string, string>.Empty;
    // The last four (pre-r4-w32, pre-r32-w64, pre-r16-w64-l800 and pre-idle-1024 of tcg-rerun, 28-48 % long) came within
    // tolerance once each recording was replayed with its own machine's CPU costs, measured on its fit rows (LabMachine).

    private static readonly Lazy<ImmutableArray<LabRecording>> Recordings = new(() =>
        [.. LabRecording.DefaultPaths.Select(f => LabRecording.Read(Path.Combine(RepoPaths.Root, f)))]);

    private static readonly Lazy<ImmutableArray<CalibrationRow>> Rows = new(() =>
        CalibrationCheck.Compare(LabPoints.From(Recordings.Value, LabEnvironment.Fitted)));

    private static readonly Lazy<ImmutableArray<CalibrationSetting>> Settings = new(() => CalibrationSettings.Of(Rows.Value));

    public static TheoryData<string> JudgedSettingIds => new(Settings.Value.Where(s => s.Judged).Select(s => s.Id));

    [Theory]
    [MemberData(nameof(JudgedSettingIds))]
    public void A_lab_setting_is_predicted_within_tolerance_by_the_median_of_its_runs(string id)
    {
        var s = Settings.Value.Single(x => x.Id == id);
        foreach (var r in s.Runs)
            output.WriteLine($"{r.Id}: total x{r.TotalRatio:0.00}, downtime x{r.DowntimeRatio:0.00}, data x{r.DataRatio:0.00}{(r.Fits ? "" : " (outside, against its own figures)")}");
        if (KnownMisses.TryGetValue(id, out var reason))
        {
            Assert.False(s.Fits, $"{id} is within tolerance now: remove it from the known misses (was: {reason})");
            return;
        }
        Assert.True(s.Fits, $"{id} ({s.Runs.Length} runs): median total x{s.TotalRatio:0.00}, downtime x{s.DowntimeRatio:0.00}, data x{s.DataRatio:0.00}" +
            $" (measured median {s.MeasuredTotal.Median:0.##} s / {s.MeasuredDowntime?.Median * 1000:0} ms / {s.MeasuredData.Median:0} MiB)");
    }

    /// <summary>Every scenario the judged recordings hold was run at least three times on one machine, so that it is
    /// judged by a median somewhere: a setting the first recording ran once was re-measured whole in the rerun.</summary>
    [Fact]
    public void Every_lab_setting_is_judged_on_at_least_three_runs_of_one_recording()
    {
        var scenarios = Recordings.Value.SelectMany(r => r.Rows).Select(m => m.Scenario).ToHashSet();
        var judged = Recordings.Value.SelectMany(r => r.Rows.GroupBy(m => m.Scenario)
            .Where(g => g.Select(m => m.Run).Distinct().Count() >= CalibrationSetting.MinimumRuns).Select(g => g.Key)).ToHashSet();
        Assert.Empty(scenarios.Except(judged).Order());
        Assert.All(Settings.Value.Where(s => s.Judged), s => Assert.True(s.Runs.Length >= CalibrationSetting.MinimumRuns));
    }

    /// <summary>The CI smoke's concurrent pair (smoke-concurrent-2: a 256 MiB guest dirtying 4 MiB/s over 32 MiB and an idle
    /// 256 MiB guest, migrated together over 400 Mbit/s), run repeatedly on 2026-12-07 (LabRecording.SmokePath): single
    /// runs of the idle guest stopped for 102-310 ms against the model's 203, so a smoke run may fall outside the
    /// tolerance on its own (94 ms in CI); the pair is judged here as the matrix is, by the median of its runs.</summary>
    [Fact]
    public void The_smoke_pair_is_predicted_within_tolerance_by_the_median_of_its_recorded_runs()
    {
        var recording = LabRecording.Read(Path.Combine(RepoPaths.Root, LabRecording.SmokePath));
        var settings = CalibrationSettings.Of(CalibrationCheck.Compare(LabPoints.From(recording, LabEnvironment.Fitted)));
        var pair = settings.Where(s => s.Id.StartsWith("smoke-concurrent-2 #", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, pair.Length);
        foreach (var s in pair)
        {
            foreach (var r in s.Runs)
                output.WriteLine($"{r.Id}: total x{r.TotalRatio:0.00}, downtime x{r.DowntimeRatio:0.00}, data x{r.DataRatio:0.00}");
            Assert.True(s.Judged, $"{s.Id}: {s.Runs.Length} runs");
            Assert.True(s.Fits, $"{s.Id} ({s.Runs.Length} runs): median total x{s.TotalRatio:0.00}, downtime x{s.DowntimeRatio:0.00}, data x{s.DataRatio:0.00}");
        }
    }

    [Fact]
    public void Known_misses_are_judged_settings_and_few()
    {
        var judged = Settings.Value.Where(s => s.Judged).ToArray();
        Assert.All(KnownMisses.Keys, id => Assert.Contains(judged, s => s.Id == id));
        Assert.True(KnownMisses.Count * 4 <= judged.Length, $"{KnownMisses.Count} known misses of {judged.Length} judged settings");
        Assert.All(judged.Where(s => s.Role == PointRole.Fit && !KnownMisses.ContainsKey(s.Id)), s => Assert.True(s.Fits, $"fit setting {s.Id} leaves its tolerance"));
    }

    [Fact]
    public void The_lab_has_at_least_twenty_migrations_of_every_kind()
    {
        var rows = Rows.Value;
        Assert.True(rows.Length >= 20, $"{rows.Length} lab migrations");
        foreach (var kind in new[] { "precopy", "postcopy", "hybrid" })
            Assert.Contains(rows, r => r.Point.Setting.StartsWith(kind, StringComparison.Ordinal));
        Assert.Contains(Settings.Value, s => s.Judged && s.Id.Contains('#', StringComparison.Ordinal));
        Assert.All(rows, r => Assert.NotNull(r.Predicted));
    }
}
