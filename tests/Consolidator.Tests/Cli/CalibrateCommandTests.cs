using Consolidator.Calibration;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

public class CalibrateCommandTests
{
    private static string[] AllRecordings => [.. LabRecording.AllPaths.SelectMany(p => new[] { "--lab", Path.Combine(RepoPaths.Root, p) })];

    [Fact]
    public void The_cpu_share_model_replays_every_recording_and_names_each_point_s_recording()
    {
        var r = CliRunner.Run(["calibrate", "--cpu-share", .. AllRecordings]);

        Assert.Equal(0, r.ExitCode);
        foreach (var name in new[] { "tcg", "tcg-quiet", "tcg-busy" })
            Assert.Contains($"| pre-idle-256 [{name}] | lab, fit |", r.Out);
        // Repeated in tcg-threads, so each of its runs is named.
        Assert.Contains("| pre-idle-256 run 2 [tcg-threads] | lab, fit |", r.Out);
        Assert.Contains("| concurrent-3 [tcg-busy] #3 |", r.Out);
        Assert.Matches(@"lab, held out runs, each against its own figures: \d+ of \d+ within tolerance", r.Out);
        // Each recording's settings are judged by their own runs' median, named with the recording.
        Assert.Contains("| concurrent-3 [tcg-threads] #3 | lab, held out | 7 |", r.Out);
        Assert.Matches(@"lab, held out settings, each by the median of its \d+-\d+ runs: \d+ of \d+ within tolerance", r.Out);
    }

    /// <summary>The ablation of docs/simulator.md ("A data page's send cost"): with each machine's data-page send cost
    /// measured apart on its fit rows, the starved recording's machine sends a data page at 1.58x the reference's cost
    /// instead of 0.40x, and three of the runs QEMU did not finish in 200 s replay as not converging (converging before).</summary>
    [Fact]
    public void The_measured_send_cost_ablation_replays_the_starved_runs_slower_and_leaves_the_default_alone()
    {
        var starved = Path.Combine(RepoPaths.Root, "datasets/calibration/qemu-7.2-tcg-starved.csv");
        const string row = "| starved-r24-w64-l300-d500-hog15 | lab, held out | - / - / -, does not converge | ";

        var plain = CliRunner.Run("calibrate", "--lab", starved);
        var measured = CliRunner.Run("calibrate", "--lab", starved, "--measured-send-cost");

        Assert.Equal((0, 0), (plain.ExitCode, measured.ExitCode));
        Assert.Contains("machine of tcg-starved: source CPU x0.40 the reference's, destination", plain.Out);
        Assert.Contains("machine of tcg-starved: source CPU x0.40 the reference's (a data page's send x1.58), destination", measured.Out);
        Assert.Matches(System.Text.RegularExpressions.Regex.Escape(row) + @"[0-9.]+ s / [0-9]+ ms / [0-9]+ MiB, converges \|", plain.Out);
        Assert.Matches(System.Text.RegularExpressions.Regex.Escape(row) + @"[0-9.]+ s / [0-9]+ ms / [0-9]+ MiB, does not converge \|", measured.Out);
    }

    /// <summary>The ablation of docs/simulator.md ("The send's overlap with the wire"): the send at each machine's whole
    /// measured cost, overlapping the wire as the socket's queue allows, replays the starved runs QEMU did not finish at
    /// nice 15 and 19 and at quota 0.015 as not converging, and the starved data guest of the send-cost recording closer
    /// (x0.62 by default).</summary>
    [Fact]
    public void The_send_overlap_ablation_replays_the_starved_runs_as_stuck_and_leaves_the_default_alone()
    {
        var starved = Path.Combine(RepoPaths.Root, "datasets/calibration/qemu-7.2-tcg-starved.csv");
        var sendCost = Path.Combine(RepoPaths.Root, "datasets/calibration/qemu-7.2-tcg-sendcost.csv");

        var plain = CliRunner.Run("calibrate", "--lab", starved, "--lab", sendCost);
        var overlap = CliRunner.Run("calibrate", "--lab", starved, "--lab", sendCost, "--send-overlap");

        Assert.Equal((0, 0), (plain.ExitCode, overlap.ExitCode));
        Assert.Contains("machine of tcg-starved: source CPU x0.40 the reference's (a data page's send x1.58, the rest x0.26 the model's), destination", overlap.Out);
        foreach (var run in new[] { "hog15", "hog19", "quota015" })
        {
            var row = System.Text.RegularExpressions.Regex.Escape($"| starved-r24-w64-l300-d500-{run} [tcg-starved] | lab, held out | - / - / -, does not converge | ");
            Assert.Matches(row + @"[0-9.]+ s / [0-9]+ ms / [0-9]+ MiB, converges \|", plain.Out);
            Assert.Matches(row + @"[0-9.]+ s / [0-9]+ ms / [0-9]+ MiB, does not converge \|", overlap.Out);
        }
        // The starved data guest (quota 0.03) comes closer: its median total x0.62 by default.
        Assert.InRange(TotalRatio(overlap.Out, "sendcost-w320-q03 [tcg-sendcost]"), TotalRatio(plain.Out, "sendcost-w320-q03 [tcg-sendcost]") + 0.05, 1.25);
    }

    /// <summary>A setting's median total ratio in calibrate's settings table.</summary>
    private static double TotalRatio(string output, string setting) => double.Parse(System.Text.RegularExpressions.Regex.Match(output,
        System.Text.RegularExpressions.Regex.Escape($"| {setting} | lab, held out | ") + @"\d+ \| [^|]+\| [^|]+\| ([0-9.]+) / ").Groups[1].Value,
        System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("--cpu-share", "--send-overlap", "error: --send-overlap needs the reference's measured send cost")]
    [InlineData("--measured-send-cost", "--send-overlap", "error: --send-overlap and --measured-send-cost are two ablations of the send cost; give one")]
    [InlineData("--send-overlap", "x$(y)", "error: --send-overlap must be 'socket-buffer', 'adds' or 'overlaps', not 'x$(y)'")]
    public void The_send_overlap_ablation_refuses_what_it_cannot_replay(string first, string second, string error)
    {
        var r = CliRunner.Run("calibrate", first, second, "--lab", Path.Combine(RepoPaths.Root, LabRecording.ThreadsPath));

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.StartsWith(error, r.Err);
        HostileInputTests.AssertOneCleanLine(r.Err);
    }

    [Fact]
    public void The_measured_send_cost_needs_the_reference_s_send_cost()
    {
        var r = CliRunner.Run("calibrate", "--cpu-share", "--measured-send-cost", "--lab", Path.Combine(RepoPaths.Root, LabRecording.ThreadsPath));

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.StartsWith("error: --measured-send-cost needs the reference's measured send cost", r.Err);
    }

    [Fact]
    public void A_malformed_lab_row_is_one_located_error_and_exit_2()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "qemu-7.2-bad.csv");
        File.WriteAllText(path, string.Join(',', LabCsv.Header[..41]) + "\n" +
            "s,1,1,precopy,none,256,256.5,400,,300,,0,4,0,0,completed,lots,60,194,,80.655,20508,45266,3,0,,true,7.2.22,m,2026-12-05T06:03:34Z,11.5,0.2,0.6,,,,,,,,\n");

        var r = CliRunner.Run("calibrate", "--lab", path);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.Contains("qemu-7.2-bad.csv", r.Err);
        Assert.Contains("lots", r.Err);
    }

    /// <summary>A lab file with its header and no rows exited 0 with the published points only, as if the lab had been
    /// judged (found by the acceptance pass); now one located line, exit 2.</summary>
    [Fact]
    public void A_lab_file_with_no_rows_is_refused()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "qemu-7.2-empty.csv");
        File.WriteAllText(path, string.Join(',', LabCsv.Header[..41]) + "\n");

        var r = CliRunner.Run("calibrate", "--lab", path);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.Contains("qemu-7.2-empty.csv:2", r.Err);
        Assert.Contains("no migrations", r.Err);
    }

    [Fact]
    public void The_calibration_table_in_docs_simulator_is_the_output_of_calibrate()
    {
        var block = RepoPaths.DocumentBlock("docs/simulator.md", "<!-- calibration-table:begin (output of `consolidator calibrate`) -->", "<!-- calibration-table:end -->");

        var r = CliRunner.Run(["calibrate", .. LabRecording.DefaultPaths.SelectMany(p => new[] { "--lab", Path.Combine(RepoPaths.Root, p) })]);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(r.Out.Replace("\r\n", "\n", StringComparison.Ordinal), block);
    }

    /// <summary>A recording given twice (here once through ./) counted each of its points twice ("118 of 126" for the
    /// default recording's 59 of 63), as two files of one name would; refused, naming the second path, exit 2.</summary>
    [Fact]
    public void A_recording_given_twice_is_refused()
    {
        var path = Path.Combine(RepoPaths.Root, LabRecording.RerunPath);
        var again = Path.Combine(Path.GetDirectoryName(path)!, ".", Path.GetFileName(path));

        var r = CliRunner.Run("calibrate", "--lab", path, "--lab", again);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.Contains($"{again}: a second recording named 'tcg-rerun'", r.Err);
    }
}
