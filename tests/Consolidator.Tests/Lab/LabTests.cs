using Consolidator.Calibration;
using Consolidator.Lab;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Lab;

public class LabTests
{
    [Fact]
    public void The_standard_matrix_covers_what_the_calibration_needs()
    {
        var migrations = LabScenario.Standard.SelectMany(s => s.Guests.Select(_ => s)).ToArray();

        Assert.True(migrations.Length >= 20, $"{migrations.Length} migrations");
        Assert.Contains(migrations, s => s.Method == "postcopy");
        Assert.Contains(migrations, s => s.Method == "hybrid");
        Assert.Contains(LabScenario.Standard, s => s.Guests.Length >= 2);
        Assert.True(LabScenario.Standard.Where(s => s.Method == "precopy").Select(s => s.Guests[0].DirtyMibPerSecond).Distinct().Count() >= 3);
        Assert.True(LabScenario.Standard.Select(s => (s.LinkMbit, s.MaxBandwidthMibPerSecond)).Distinct().Count() >= 3);
        Assert.Equal(LabScenario.Full.Length, LabScenario.Full.Select(s => s.Id).Distinct().Count());
        Assert.Equal(["precopy", "postcopy"], LabScenario.Smoke.Take(2).Select(s => s.Method));
        Assert.Contains(LabScenario.Smoke, s => s.Guests.Length >= 2);
        Assert.Contains(LabScenario.Smoke, s => s.SuspendAfterSeconds is not null);
        // The smoke measures its own machine: enough fit pre-copy rows, of mixes of zero and data pages far enough apart
        // for the destination's two costs (a large idle guest is mostly zero pages; a dirtying one has data to load).
        var fit = LabScenario.Smoke.Where(s => LabPoints.FitScenarios.Contains(s.Id) && s.Method == "precopy" && s.Capability == "none").ToArray();
        Assert.True(fit.Length >= LabMachine.MinimumRows, $"{fit.Length} fit scenarios in the smoke");
        Assert.Contains(fit, s => s.Guests[0].DirtyMibPerSecond == 0 && s.Guests[0].MemoryMib >= 1024);
        Assert.Contains(fit, s => s.Guests[0].DirtyMibPerSecond > 0);
    }

    [Fact]
    public void Guest_memory_is_8_KiB_short_of_a_whole_number_of_64_pages()
    {
        // QEMU 7.2's word-aligned dirty-bitmap sync skips TCG's TLB reset; a block of another size does not.
        var kib = long.Parse(QemuVm.GuestMemoryArgument(256).TrimEnd('K'));
        Assert.Equal(256 * 1024 - 8, kib);
        Assert.NotEqual(0, kib % 256);
    }

    [Fact]
    public void Lab_measurements_survive_a_round_trip_through_their_csv()
    {
        using var dir = new TempDirectory();
        var row = new LabMeasurement("s", 1, 2, "hybrid", "none", 512, 512.5, 400, null, 300, 12, 16, 64, 15.9, 3.8, "completed",
            8123, 42, 500, 3000, 210.5, 53000, 95000, 3, 12, 1500, true, "7.2.22", "AMD EPYC, 2 cores, TCG", "2026-12-05T05:00:00Z", 3.5, 0.75, 2.25,
            1.5, 0.5, 0.25, 0.125, 0.062, 0.031, 1.25, 0.75, 1, 120.5, 40.2, 60.1, 3.5, 9.25, 1.5, 7.75) with
            { DowntimeMib = 6.902, TcpTimeouts = 2, TcpRetransmits = 11, TcpCongestionControl = "bbr", SwitchSync = 3, PredictedTotalMs = 7900.5,
              PredictedDowntimeMs = 51.2, PredictedMib = 199.125 };
        var path = Path.Combine(dir.Path, "lab.csv");

        QemuFamily.Record(path, "s", [row]);
        QemuFamily.Record(path, "other", [row with { Scenario = "other" }]);
        QemuFamily.Record(path, "s", [row with { TotalMs = 9000 }]);
        var read = LabCsv.Read(path);

        Assert.Equal(2, read.Length);
        Assert.Equal(row with { TotalMs = 9000 }, read.Single(r => r.Scenario == "s"));
        Assert.Equal(95000 * 4096.0 / (512.5 * 1048576), read[0].ZeroFraction, 9);
        Assert.Equal(0.25, read[0].MigrationCpuShare!.Value, 12);
    }

    [Fact]
    public void A_repeated_run_is_appended_as_the_scenarios_next_run()
    {
        using var dir = new TempDirectory();
        var row = new LabMeasurement("s", 1, 1, "precopy", "none", 512, 512.5, 400, null, 100, null, 16, 64, 16, null, "completed",
            8000, 40, 500, null, 210.5, 53000, 95000, 7, 0, null, true, "7.2.22", "m", "2026-12-05T05:00:00Z");
        var path = Path.Combine(dir.Path, "lab.csv");

        QemuFamily.Record(path, "s", [row]);
        QemuFamily.Record(path, "other", [row with { Scenario = "other" }]);
        QemuFamily.Record(path, "s", [row with { DowntimeMs = 8 }], append: true);
        QemuFamily.Record(path, "s", [row with { DowntimeMs = 78 }], append: true);
        var read = LabCsv.Read(path);

        Assert.Equal([1, 2, 3], read.Where(r => r.Scenario == "s").Select(r => r.Run));
        Assert.Equal([40.0, 8, 78], read.Where(r => r.Scenario == "s").Select(r => r.DowntimeMs));
        Assert.Equal(1, read.Single(r => r.Scenario == "other").Run);
        QemuFamily.Record(path, "s", [row with { DowntimeMs = 50 }]);
        Assert.Equal(50, LabCsv.Read(path).Single(r => r.Scenario == "s").DowntimeMs);
    }

    [Fact]
    public void A_recording_made_before_the_cpu_columns_reads_with_no_cpu_share()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "qemu-7.2-old.csv");
        var header = string.Join(',', LabCsv.Header[..31]);
        File.WriteAllText(path, header + "\n" +
            "s,1,1,precopy,none,256,256.5,400,,300,,0,4,0,0,completed,2424,60,194,,80.655,20508,45266,3,0,,true,7.2.22,m,2026-12-05T06:03:34Z,11.5\n");

        var recording = LabRecording.Read(path);

        Assert.Equal("old", recording.Name);
        Assert.Null(recording.Rows.Single().MigrationCpuShare);
        Assert.Equal(11.5, recording.Rows.Single().HostLoad);
    }

    [Fact]
    public void The_thread_clock_counts_a_thread_started_after_it_and_leaves_out_what_ran_before()
    {
        if (!OperatingSystem.IsLinux()) return;
        var clock = new ThreadClock(Environment.ProcessId);
        clock.Start();
        clock.Sample(0);
        using var worked = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var worker = new Thread(() =>
        {
            double x = 0;
            for (var k = 0; k < 50_000_000; k++) x += Math.Sqrt(k);
            GC.KeepAlive(x);
            worked.Set();
            release.Wait();
        }) { Name = "clock-worker" };
        worker.Start();
        worked.Wait();
        clock.Sample(100);
        release.Set();
        worker.Join();

        var (run, wait) = clock.Of(c => c == "clock-worker");
        Assert.True(run > 0, "the worker computed before the sample");
        Assert.True(wait >= 0);
        Assert.Equal((0.0, 0.0), clock.Of(c => c == "no-such-thread"));
        var (mainRun, _) = clock.Of(c => c != "clock-worker");
        Assert.True(mainRun >= 0, "threads that ran before Start count from Start only");
        var since = clock.Since(50, c => c == "clock-worker");
        Assert.Equal(100, since!.Value.WindowMs);
        Assert.Equal(run, since.Value.RunSeconds, 9);
        Assert.Null(clock.Since(-1, c => c == "clock-worker"));
    }
}
