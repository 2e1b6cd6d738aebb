using System.Text.Json;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>What a pipeline needs: <c>--json</c> prints one JSON document on stdout, the same as the file
/// written; <c>--fail-on</c> turns findings into exit code 5 while still writing the outputs.</summary>
public class ScriptingTests
{
    private static string Generated(TempDirectory tmp)
    {
        Assert.Equal(0, CliRunner.Run("generate", "--out", tmp.File("data"), "--vms", "12", "--days", "1", "--seed", "5").ExitCode);
        return tmp.File("data");
    }

    [Fact]
    public void Plan_json_is_one_document_on_stdout_the_same_as_plan_json()
    {
        using var tmp = new TempDirectory();
        var result = CliRunner.Run("plan", Generated(tmp), "--out", tmp.File("out"), "--deterministic", "--time-limit", "1", "--json");

        Assert.True(result.ExitCode == 0, result.Err);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.Equal("consolidator.plan/1", doc.RootElement.GetProperty("schema").GetString());
        Assert.Equal(JsonValueKind.Object, doc.RootElement.GetProperty("summary").GetProperty("simulation").ValueKind);
        Assert.Equal(File.ReadAllText(Path.Combine(tmp.File("out"), "plan.json")).TrimEnd(), result.Out.TrimEnd());
    }

    [Fact]
    public void Fail_on_slo_exits_5_on_a_downtime_violation_and_still_writes_the_plan()
    {
        using var tmp = new TempDirectory();
        var data = Generated(tmp);
        string[] slow = ["--deterministic", "--time-limit", "1", "--method", "precopy", "--nic-gbps", "1", "--max-downtime", "100"];

        var gated = CliRunner.Run(["plan", data, "--out", tmp.File("a"), "--fail-on", "slo", "--json", .. slow]);
        var ungated = CliRunner.Run(["plan", data, "--out", tmp.File("b"), .. slow]);

        Assert.Equal(5, gated.ExitCode);
        var violations = JsonDocument.Parse(gated.Out).RootElement.GetProperty("summary").GetProperty("simulation").GetProperty("slo_violations").GetInt32();
        Assert.True(violations > 0);
        Assert.Contains($"fail-on slo: {violations} migration(s) stop their VM longer than the downtime SLO", gated.Err);
        Assert.True(File.Exists(Path.Combine(tmp.File("a"), "plan.json")));
        Assert.Equal(0, ungated.ExitCode);
        Assert.Contains("SLO VIOLATION", ungated.Out);
    }

    [Fact]
    public void Fail_on_passes_when_nothing_is_found()
    {
        using var tmp = new TempDirectory();
        var result = CliRunner.Run("plan", Generated(tmp), "--out", tmp.File("out"), "--deterministic", "--time-limit", "1", "--fail-on", "slo,overload,blocked");

        Assert.True(result.ExitCode == 0, result.Err);
        Assert.DoesNotContain("fail-on", result.Err);
    }

    [Theory]
    [InlineData("--fail-on slo,bogus", "--fail-on: 'bogus' is not a finding; use slo, overload, blocked")]
    [InlineData("--fail-on slo --no-simulate", "--fail-on slo and overload are findings of the replay: drop --no-simulate")]
    public void A_fail_on_that_cannot_be_checked_is_bad_input_before_any_work(string options, string message)
    {
        using var tmp = new TempDirectory();
        var result = CliRunner.Run(["plan", Generated(tmp), "--out", tmp.File("out"), .. options.Split(' ')]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Err);
        Assert.False(Directory.Exists(tmp.File("out")));
    }

    [Fact]
    public void Simulate_json_is_simulation_json()
    {
        using var tmp = new TempDirectory();
        var data = Generated(tmp);
        Assert.Equal(0, CliRunner.Run("plan", data, "--out", tmp.File("plan"), "--deterministic", "--time-limit", "1", "--no-simulate").ExitCode);

        var result = CliRunner.Run("simulate", data, Path.Combine(tmp.File("plan"), "plan.json"), "--out", tmp.File("sim"), "--json");

        Assert.True(result.ExitCode == 0, result.Err);
        Assert.Equal("consolidator.simulation/1", JsonDocument.Parse(result.Out).RootElement.GetProperty("schema").GetString());
        Assert.Equal(File.ReadAllText(Path.Combine(tmp.File("sim"), "simulation.json")).TrimEnd(), result.Out.TrimEnd());
    }

    [Fact]
    public void Evaluate_json_is_evaluation_json()
    {
        using var tmp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("generate", "--out", tmp.File("data"), "--vms", "12", "--days", "2", "--seed", "5").ExitCode);

        var result = CliRunner.Run("evaluate", tmp.File("data"), "--train", "1", "--test", "2", "--out", tmp.File("eval"),
            "--deterministic", "--time-limit", "2", "--lr-mmt", "false", "--json");

        Assert.True(result.ExitCode == 0, result.Err);
        Assert.StartsWith("consolidator.evaluation/", JsonDocument.Parse(result.Out).RootElement.GetProperty("schema").GetString());
        Assert.Equal(File.ReadAllText(Path.Combine(tmp.File("eval"), "evaluation.json")).TrimEnd(), result.Out.TrimEnd());
    }

    [Fact]
    public void Bench_json_is_bench_json()
    {
        using var tmp = new TempDirectory();

        var result = CliRunner.Run("bench", "--family", "planted", "--planted-hosts", "3", "--time-limit", "1", "--deterministic", "--out", tmp.File("bench"), "--json");

        Assert.True(result.ExitCode == 0, result.Err);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.Equal(File.ReadAllText(Path.Combine(tmp.File("bench"), "bench.json")).TrimEnd(), result.Out.TrimEnd());
    }
}
