using System.Collections.Immutable;
using Consolidator.Calibration;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Lab;

/// <summary>The prediction made before a lab run (the held-out check of 2026-12-07) reads the recording's earlier rows for
/// what the run will measure as its inputs: the guest's zero pages, the CPU shares, the machine.</summary>
public class LabPredictionTests
{
    private static ImmutableArray<LabMeasurement> Rerun => LabCsv.Read(Path.Combine(RepoPaths.Root, LabRecording.RerunPath));

    private static PlannedRun Plan(string id, string method, double memory, double rate, double wss, int? switchSync = null) =>
        new(id, method, "none", [new PlannedGuest(memory, rate, wss)], 400, null, 300, null, switchSync);

    [Fact]
    public void An_idle_guest_of_a_size_never_run_gets_its_zero_pages_from_the_other_sizes()
    {
        // The rerun's 512 MiB idle guest left out: its zero pages estimated from the 256 and 1024 MiB idle guests and the
        // dirtying 512 MiB ones, against the 109,643-109,645 pages (428.3 MiB) QEMU counted in its three runs.
        var earlier = Rerun.Where(m => m.Scenario != "pre-idle-512").ToArray();

        var predicted = LabPrediction.Predict(Plan("x", "precopy", 512, 0, 4), earlier, LabEnvironment.Fitted)!.Value.Single();

        Assert.InRange(predicted.ZeroMib, 428.3 - 6, 428.3 + 6);
    }

    [Fact]
    public void The_prediction_is_what_the_replay_gives_a_run_that_measures_the_assumed_inputs()
    {
        var earlier = Rerun.Where(m => m.Scenario != "pre-r16-w64-d100").ToArray();
        var predicted = LabPrediction.Predict(Plan("pre-r16-w64-d100", "precopy", 512, 16, 64) with { DowntimeLimitMs = 100 }, earlier, LabEnvironment.Fitted)!.Value.Single();
        var measured = Rerun.First(m => m.Scenario == "pre-r16-w64-d100");
        // The same run, its inputs replaced by the ones the prediction assumed.
        var assumed = measured with
        {
            ZeroPages = (long)Math.Round(predicted.ZeroMib * 256), GuestDirtyMibPerSecond = 16, RamTotalMib = measured.RamTotalMib,
            MigrationCpuSeconds = predicted.CpuShare, MigrationWaitSeconds = 1 - predicted.CpuShare,
            DestinationOtherCpuSeconds = predicted.DestinationCpuShare, DestinationOtherWaitSeconds = 1 - predicted.DestinationCpuShare,
        };

        var replay = ReferenceReplay.Predict(LabPoints.From([assumed], LabEnvironment.Fitted, LabMachine.Measure(earlier, LabEnvironment.Fitted)).Single()).Single();

        Assert.Equal(replay.TotalSeconds * 1000, predicted.TotalMs, 6);
        Assert.Equal(replay.QemuDowntimeSeconds * 1000, predicted.DowntimeMs, 6);
        Assert.Equal(replay.WireMib, predicted.DataMib, 6);
    }

    [Fact]
    public void The_cpu_shares_come_from_earlier_runs_with_as_many_migrations_at_once()
    {
        var one = LabPrediction.Predict(Plan("x", "precopy", 512, 16, 64), Rerun, LabEnvironment.Fitted)!.Value.Single();
        var three = LabPrediction.Predict(new PlannedRun("y", "precopy", "none", [new(512, 4, 32), new(512, 16, 64), new(256, 0, 4)], 600, null, 300, null, null),
            Rerun, LabEnvironment.Fitted)!.Value;

        var single = Rerun.Where(m => m.Concurrent == 1 && m.MigrationCpuShare is not null).Select(m => m.MigrationCpuShare!.Value);
        var triple = Rerun.Where(m => m.Concurrent == 3 && m.MigrationCpuShare is not null).Select(m => m.MigrationCpuShare!.Value);
        Assert.Equal(RunSpread.Of(single).Median, one.CpuShare, 9);
        Assert.All(three, p => Assert.Equal(RunSpread.Of(triple).Median, p.CpuShare, 9));
    }

    [Fact]
    public void A_later_switch_to_post_copy_sends_more_before_it()
    {
        var second = LabPrediction.Predict(Plan("h", "hybrid", 512, 32, 96, switchSync: 2), Rerun, LabEnvironment.Fitted)!.Value.Single();
        var third = LabPrediction.Predict(Plan("h", "hybrid", 512, 32, 96, switchSync: 3), Rerun, LabEnvironment.Fitted)!.Value.Single();

        Assert.True(third.DataMib > second.DataMib + 10, $"switch at sync 3: {third.DataMib:0.0} MiB, at 2: {second.DataMib:0.0} MiB");
    }

    [Fact]
    public void Without_an_earlier_pre_copy_row_there_is_no_prediction()
    {
        Assert.Null(LabPrediction.Predict(Plan("x", "precopy", 512, 0, 4), [], LabEnvironment.Fitted));
        Assert.Null(LabPrediction.Predict(Plan("x", "precopy", 512, 0, 4), [.. Rerun.Where(m => m.Method != "precopy")], LabEnvironment.Fitted));
    }

    [Theory]
    [InlineData("precopy", "3", "is a hybrid migration's switch point")]
    [InlineData("hybrid", "1", "must be at least 2")]
    public void A_switch_point_the_replay_cannot_give_is_refused_at_its_column(string method, string sync, string message)
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "lab.csv");
        var row = new LabMeasurement("s", 1, 1, method, "none", 512, 512.5, 400, null, 300, null, 16, 64, 16, null, "completed",
            8000, 40, 500, null, 210.5, 53000, 95000, 7, 0, null, true, "7.2.22", "m", "2026-12-07T05:00:00Z");
        using (var w = new StreamWriter(path)) LabCsv.Write([row], w);
        var lines = File.ReadAllLines(path);
        var column = Array.IndexOf(LabCsv.Header, "switch_sync");
        var fields = lines[1].Split(',');
        fields[column] = sync;
        File.WriteAllLines(path, [lines[0], string.Join(',', fields)]);

        var e = Assert.Throws<InputException>(() => LabCsv.Read(path));

        Assert.Contains(message, e.Message);
        Assert.Contains("lab.csv:2, column", e.Message);
    }
}

/// <summary>calibrate --stops: what each recorded pre-copy stop sent against what the model leaves at its stop.</summary>
public class StopDataTests
{
    [Fact]
    public void Every_single_pre_copy_stop_with_the_figure_is_compared_and_an_idle_stop_holds_at_most_the_end_of_pass_run()
    {
        var rerun = LabRecording.Read(Path.Combine(RepoPaths.Root, LabRecording.RerunPath));

        var rows = StopData.Of([rerun], LabEnvironment.Fitted);

        var expected = rerun.Rows.Count(m => m.Method == "precopy" && m.Concurrent == 1 && m.Capability == "none" && m.Status == "completed"
            && m.SuspendAfterSeconds is null && m.DowntimeMib is not null);
        Assert.Equal(expected, rows.Length);
        Assert.True(expected >= 40, $"{expected} rows");
        // An idle guest stops in its end-of-pass run of data (struct pages and the kernel's other top-down allocations): the
        // model leaves no more than that run, plus the device state it never counts as pending.
        foreach (var idle in rows.Where(r => r.Measured.RequestedDirtyMibPerSecond == 0))
        {
            var run = idle.Measured.MemoryMib * LabEnvironment.StructPagesMibPerGib / 1024 + LabEnvironment.MeasuredEndOfPassDataMib;
            Assert.InRange(idle.ModelPendingMib, 0.1, run);
        }
        Assert.Contains(StopData.Lines(rows), l => l.StartsWith("pre-idle-256 [tcg-rerun]: 3, 120 (117-122) ms, 5.69 (5.44-6.32) MiB", StringComparison.Ordinal));
    }
}
