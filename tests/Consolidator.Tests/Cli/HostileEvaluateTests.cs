using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>`evaluate --train/--test` at the edges of what a period can be: one line naming the period, exit code 2
/// (a day number past int overflowed: "unexpected OverflowException", exit code 1; a period ending after 9999-12-31
/// gave .NET's "Valid values are between ..." without naming the option).</summary>
public class HostileEvaluateTests
{
    [Theory]
    [InlineData("99999999999", "day numbers go from 1 to 99999")]
    [InlineData("1..99999999999999999999", "day numbers go from 1 to 99999")]
    [InlineData("9999-12-30..9999-12-31", "the period must lie between 0001-01-01 and 9999-12-31")]
    [InlineData("\u0664", "is not a period")]
    // .NET's own date parser took these: "12:00" as noon of the day the command runs (the same command judged another
    // period tomorrow), "1/2/2011" as January 2 (or May 1?), "Jan 2 2011" and an RFC 1123 date.
    [InlineData("2011-01-01T12:00Z..12:00", "'12:00' in '2011-01-01T12:00Z..12:00' is neither a date")]
    [InlineData("1/2/2011..2011-01-03", "'1/2/2011' in")]
    [InlineData("Jan 2 2011..2011-01-03", "'Jan 2 2011' in")]
    [InlineData("2011-01-02..Mon, 03 Jan 2011 00:00:00 GMT", "'Mon, 03 Jan 2011 00:00:00 GMT' in")]
    public void A_test_period_beyond_any_calendar_is_one_line_and_exit_2(string period, string what)
    {
        using var data = DatasetFixture.Create();

        var result = CliRunner.Run("evaluate", data.Directory, "--train", "1", "--test", period, "--deterministic", "--time-limit", "2");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(what, result.Err);
        Assert.Equal("", result.Out);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    /// <summary>--history and --max-migrations-per-round shape the re-planned policy only: without --replan they were
    /// ignored without a word (exit 0), the report read as if the budget had held.</summary>
    [Theory]
    [InlineData("--history", "3")]
    [InlineData("--max-migrations-per-round", "5")]
    public void An_option_of_the_replanned_policy_without_replan_is_refused(string option, string value)
    {
        using var data = DatasetFixture.Create();
        var outDir = Path.Combine(data.Directory, "..", "out");

        var result = CliRunner.Run("evaluate", data.Directory, "--train", "1", "--test", "2", option, value, "--deterministic", "--time-limit", "2", "--out", outDir);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{option} applies to the re-planned policy: give --replan (daily, weekly or Nh) with it", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>A two-day test with daily re-planning leaves the adaptive policy out (a round falls inside the test);
    /// the note told the user to "use --replan daily or longer", which they had.</summary>
    [Fact]
    public void The_adaptive_policy_left_out_of_a_long_test_says_what_to_change()
    {
        using var tmp = new TempDirectory();
        var data = tmp.File("data");
        Assert.Equal(0, CliRunner.Run("generate", "--out", data, "--seed", "5", "--vms", "16", "--days", "3").ExitCode);

        var result = CliRunner.Run("evaluate", data, "--train", "1", "--test", "2..3", "--replan", "daily", "--deterministic", "--time-limit", "2", "--out", tmp.File("out"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("a re-plan interval no shorter than the test period", result.Out);
        Assert.DoesNotContain("use --replan daily or longer", result.Out);
    }

    /// <summary>A bandwidth of 1e-300 Mbit/s reached the simulator, whose error named the wrong options ("check nic_gbps
    /// and --nic-gbps").</summary>
    [Fact]
    public void A_bandwidth_below_a_megabit_names_the_option()
    {
        using var data = DatasetFixture.Create();
        var outDir = Path.Combine(data.Directory, "..", "out");

        var result = CliRunner.Run("evaluate", data.Directory, "--train", "1", "--test", "2", "--bandwidth", "1e-300", "--deterministic", "--time-limit", "2", "--out", outDir);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --bandwidth must be at least 1 Mbit/s\n", result.Err.Replace("\r\n", "\n"));
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>1e300 Mbit/s ran with exit code 0: every migration took no time and the report read as measured.</summary>
    [Theory]
    [InlineData("1e300")]
    [InlineData("1000001")]
    public void A_bandwidth_beyond_any_nic_names_the_option(string mbps)
    {
        using var tmp = new TempDirectory();
        var data = tmp.File("data");
        var outDir = tmp.File("out");
        Assert.Equal(0, CliRunner.Run("generate", "--out", data, "--seed", "5", "--vms", "16", "--days", "2").ExitCode);

        var result = CliRunner.Run("evaluate", data, "--train", "1", "--test", "2", "--bandwidth", mbps, "--deterministic", "--time-limit", "2", "--out", outDir);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: --bandwidth must be at most 1000000 Mbit/s", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.Equal("", result.Out);
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>A re-plan point with no VM sampled in the history before it makes no round: --replan 1h --history 0.01 on
    /// hourly samples made none at all, and the "re-planned" rows were today's placement without a word (no round, no
    /// note). Each fold now says how many points made no round and why.</summary>
    [Fact]
    public void Replan_points_with_an_empty_history_are_said_not_skipped_silently()
    {
        using var tmp = new TempDirectory();
        var data = tmp.File("data");
        var outDir = tmp.File("out");
        Assert.Equal(0, CliRunner.Run("generate", "--out", data, "--seed", "5", "--vms", "8", "--days", "2", "--sample-minutes", "60").ExitCode);

        var result = CliRunner.Run("evaluate", data, "--train", "1", "--test", "2", "--replan", "1h", "--history", "0.01",
            "--deterministic", "--time-limit", "2", "--out", outDir);

        Assert.Equal(0, result.ExitCode);
        const string note = "re-planned: 24 of 24 re-plan point(s) made no round, the placement in force stayed: 24 as no VM has a sample in the 0.24 h of history before it (--history shorter than the sampling interval?)";
        Assert.Contains($"note: {note}", result.Out);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "evaluation.json")));
        var fold = json.RootElement.GetProperty("folds")[0];
        Assert.Empty(fold.GetProperty("rounds").EnumerateArray());
        Assert.Contains(note, fold.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));
    }
}
