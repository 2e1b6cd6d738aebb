using System.Text.Json;
using Consolidator.Tests.Support;
using Consolidator.Timing;

namespace Consolidator.Tests.Cli;

/// <summary><c>--fail-on time</c>: a limit the command could not keep was a warning on stderr and exit code 0 (the output
/// is whole and checked), so a script could not tell it from a kept one without reading stderr. Asked for, it is exit
/// code 5 with the outputs still written whole, for `plan`, `evaluate` and `sweep` (each keeps a wall-clock limit for
/// the whole command). On a clock the test holds still, the 8 s start-up alone spends a 6 s limit, and a start-up of 0
/// keeps it: nothing depends on the machine's speed.</summary>
public class FailOnTimeTests
{
    private static string Generate(TempDirectory tmp)
    {
        Assert.Equal(0, CliRunner.Run("generate", "--out", tmp.File("data"), "--seed", "3", "--vms", "16", "--days", "2").ExitCode);
        return tmp.File("data");
    }

    private static CommandStart StartedAgo(double seconds) => CommandStart.ProcessStartedAgo(new ManualClock(), seconds);

    [Fact]
    public void Plan_exits_5_when_the_limit_was_missed_and_still_writes_the_plan_whole()
    {
        using var tmp = new TempDirectory();
        var data = Generate(tmp);

        var missed = CliRunner.Run(StartedAgo(8), "plan", data, "--out", tmp.File("late"), "--time-limit", "6", "--fail-on", "time,slo");
        var kept = CliRunner.Run(StartedAgo(0), "plan", data, "--out", tmp.File("kept"), "--time-limit", "6", "--fail-on", "time");
        var ungated = CliRunner.Run(StartedAgo(8), "plan", data, "--out", tmp.File("ungated"), "--time-limit", "6");

        Assert.Equal(5, missed.ExitCode);
        var lines = missed.Err.TrimEnd().Split('\n');
        Assert.StartsWith("warning: the time limit was missed: 8.0 s of 6.0 s.", lines[0]);
        Assert.Equal("fail-on time: the command ended past its --time-limit (8.0 s of 6.0 s); the output is whole and checked", lines[^1]);
        using (var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(tmp.File("late"), "plan.json"))))
            Assert.Equal(16, plan.RootElement.GetProperty("placement").GetArrayLength());
        Assert.Equal(17, File.ReadAllLines(Path.Combine(tmp.File("late"), "plan.csv")).Length);
        Assert.True(File.Exists(Path.Combine(tmp.File("late"), "allocation.csv")));
        // The plan written past the limit passes the independent checks again, as export runs them.
        Assert.Equal(0, CliRunner.Run("export", Path.Combine(tmp.File("late"), "plan.json"), "--to", "libvirt", "--out", tmp.File("late.sh")).ExitCode);

        Assert.True(kept.ExitCode == 0, kept.Err);
        Assert.Equal("", kept.Err);
        Assert.Equal(0, ungated.ExitCode);
        Assert.StartsWith("warning: the time limit was missed: 8.0 s of 6.0 s.", ungated.Err);
        Assert.DoesNotContain("fail-on", ungated.Err);
    }

    [Fact]
    public void Plan_json_with_a_missed_limit_exits_5_and_prints_the_plan()
    {
        using var tmp = new TempDirectory();
        var result = CliRunner.Run(StartedAgo(8), "plan", Generate(tmp), "--out", tmp.File("out"), "--time-limit", "6", "--fail-on", "time", "--json");

        Assert.Equal(5, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.Equal(File.ReadAllText(Path.Combine(tmp.File("out"), "plan.json")).TrimEnd(), result.Out.TrimEnd());
        Assert.Contains("fail-on time: ", result.Err);
    }

    [Fact]
    public void Evaluate_says_a_missed_limit_and_exits_5_when_asked()
    {
        using var tmp = new TempDirectory();
        var data = Generate(tmp);
        string[] args = ["evaluate", data, "--train", "1", "--test", "2", "--lr-mmt", "false", "--reactive", "false", "--time-limit", "6"];

        var missed = CliRunner.Run(StartedAgo(8), [.. args, "--fail-on", "time", "--out", tmp.File("late")]);
        var ungated = CliRunner.Run(StartedAgo(8), args);
        var kept = CliRunner.Run(StartedAgo(0), [.. args, "--fail-on", "time"]);

        Assert.Equal(5, missed.ExitCode);
        Assert.StartsWith("warning: the time limit was missed: 8.0 s of 6.0 s.", missed.Err);
        Assert.EndsWith("fail-on time: the command ended past its --time-limit (8.0 s of 6.0 s); the output is whole and checked", missed.Err.TrimEnd());
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(tmp.File("late"), "evaluation.json"))))
            Assert.Equal(1, doc.RootElement.GetProperty("folds").GetArrayLength());
        Assert.Equal(0, ungated.ExitCode);
        Assert.StartsWith("warning: the time limit was missed: 8.0 s of 6.0 s.", ungated.Err);
        Assert.True(kept.ExitCode == 0, kept.Err);
        Assert.Equal("", kept.Err);
    }

    [Fact]
    public void Sweep_says_a_missed_limit_and_exits_5_when_asked()
    {
        using var tmp = new TempDirectory();
        var data = Generate(tmp);
        string[] args = ["sweep", data, "--percentile", "95", "--headroom", "0.1", "--migration-weight", "10", "--time-limit", "6"];

        var missed = CliRunner.Run(StartedAgo(8), [.. args, "--out", tmp.File("late"), "--fail-on", "time"]);
        var kept = CliRunner.Run(StartedAgo(0), [.. args, "--out", tmp.File("kept"), "--fail-on", "time"]);

        Assert.Equal(5, missed.ExitCode);
        Assert.Contains("1 not planned within --time-limit 6.0 s", missed.Out);
        Assert.StartsWith("warning: the time limit was missed: 8.0 s of 6.0 s.", missed.Err);
        Assert.EndsWith("fail-on time: the command ended past its --time-limit (8.0 s of 6.0 s); the output is whole and checked", missed.Err.TrimEnd());
        Assert.Equal(2, File.ReadAllLines(Path.Combine(tmp.File("late"), "sweep.csv")).Length);
        Assert.True(kept.ExitCode == 0, kept.Err);
        Assert.Equal("", kept.Err);
    }

    /// <summary>With `--deterministic` the limit is counted solver work, which no run misses: the gate would pass
    /// whatever the wall clock a script meant to bound. Refused before any work.</summary>
    [Theory]
    [InlineData("plan")]
    [InlineData("evaluate")]
    [InlineData("sweep")]
    public void Fail_on_time_with_the_deterministic_mode_is_bad_input_before_any_work(string command)
    {
        using var tmp = new TempDirectory();
        string[] periods = command == "evaluate" ? ["--train", "1", "--test", "2"] : [];
        var result = CliRunner.Run([command, Generate(tmp), .. periods, "--out", tmp.File("out"), "--deterministic", "--fail-on", "time"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--fail-on time: with --deterministic the time limit bounds counted solver work, not the wall clock: drop one of them", result.Err);
        Assert.False(Directory.Exists(tmp.File("out")));
    }
}
