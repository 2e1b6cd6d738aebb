using System.Text.Json;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

public class ImportEvaluateCommandTests
{
    private static string PlanetLabDay(string root, string day, int vms, Func<int, int, int> percent)
    {
        var dir = Path.Combine(root, "planetlab", day);
        Directory.CreateDirectory(dir);
        for (var v = 0; v < vms; v++)
            File.WriteAllLines(Path.Combine(dir, $"node{v}_slice"), Enumerable.Range(0, 288).Select(k => percent(v, k).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return dir;
    }

    [Fact]
    public void Import_then_evaluate_a_planetlab_style_pair_of_days()
    {
        using var tmp = new TempDirectory();
        // Half the VMs busy by day, half by night.
        Func<int, int, int> load = (v, k) => (v % 2 == 0) == (k is >= 96 and < 216) ? 60 : 5;
        var d1 = PlanetLabDay(tmp.Path, "20110411", 12, load);
        var d2 = PlanetLabDay(tmp.Path, "20110412", 12, load);
        var data = Path.Combine(tmp.Path, "data");

        var import = CliRunner.Run("import", "--format", "planetlab", d1, d2, "--out", data, "--host-count", "12");
        Assert.Equal(0, import.ExitCode);
        Assert.Contains("imported planetlab: 12 VMs (12 placed today) on 12 hosts, 6912 usage rows", import.Out);
        Assert.Contains("bad rows: 0", import.Out);
        Assert.Contains("assumed: timestamps", import.Out);

        var outDir = Path.Combine(tmp.Path, "eval");
        var eval = CliRunner.Run("evaluate", data, "--train", "2011-04-11..2011-04-11", "--test", "2011-04-12..2011-04-12",
            "--time-limit", "3", "--deterministic", "--out", outDir);
        Assert.Equal(0, eval.ExitCode);
        Assert.Equal("", eval.Err);
        foreach (var policy in new[] { "static plan", "current", "peak-sized FFD", "LR-MMT 1.2" }) Assert.Contains(policy, eval.Out);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "evaluation.json")));
        var fold = json.RootElement.GetProperty("folds")[0];
        Assert.Equal("consolidator.evaluation/2", json.RootElement.GetProperty("schema").GetString());
        Assert.Equal(12, fold.GetProperty("vms").GetInt32());
        var policies = fold.GetProperty("policies").EnumerateArray().ToDictionary(p => p.GetProperty("policy").GetString()!);
        Assert.True(policies["static plan"].GetProperty("energy_kwh_per_day").GetDouble() < policies["current"].GetProperty("energy_kwh_per_day").GetDouble());
    }

    [Fact]
    public void A_roll_with_daily_replanning_reports_every_policy_per_fold_and_overall_with_a_plot()
    {
        using var tmp = new TempDirectory();
        var data = Path.Combine(tmp.Path, "data");
        Assert.Equal(0, CliRunner.Run("generate", "--out", data, "--vms", "16", "--days", "4", "--sample-minutes", "60").ExitCode);
        var outDir = Path.Combine(tmp.Path, "eval");

        var eval = CliRunner.Run("evaluate", data, "--train", "1", "--test", "2", "--roll", "--replan", "daily", "--history", "3",
            "--max-migrations-per-round", "4", "--time-limit", "2", "--deterministic", "--out", outDir);

        Assert.Equal(0, eval.ExitCode);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "evaluation.json")));
        var folds = json.RootElement.GetProperty("folds").EnumerateArray().ToArray();
        Assert.Equal(3, folds.Length);
        string[] expected = ["static plan", "re-planned", "re-planned + local", "current", "peak-sized FFD", "LR-MMT 1.2", "two-level reactive", "two-level adaptive"];
        foreach (var fold in folds)
        {
            Assert.Equal(expected, fold.GetProperty("policies").EnumerateArray().Select(p => p.GetProperty("policy").GetString()));
            var round = Assert.Single(fold.GetProperty("rounds").EnumerateArray());
            Assert.True(round.GetProperty("migrations").GetInt32() <= 4, "the budget of each round holds");
            foreach (var p in fold.GetProperty("policies").EnumerateArray())
                foreach (var field in new[] { "energy_kwh_per_day", "slatah", "pdm", "slav", "throttled_interactive", "throttled_batch", "migrations", "downtime_s" })
                    Assert.True(p.TryGetProperty(field, out _), field);
            // The energy breakdown: what the powered hosts draw idle is part of the energy, and they have cores.
            foreach (var p in fold.GetProperty("policies").EnumerateArray())
            {
                var idle = p.GetProperty("idle_energy_kwh_per_day").GetDouble();
                Assert.InRange(idle, 1e-9, p.GetProperty("energy_kwh_per_day").GetDouble());
                Assert.True(p.GetProperty("powered_cores").GetDouble() >= p.GetProperty("active_hosts").GetDouble(), "every powered host has a core");
            }
        }
        Assert.Equal(expected, json.RootElement.GetProperty("overall").EnumerateArray().Select(p => p.GetProperty("policy").GetString()));
        var png = File.ReadAllBytes(Path.Combine(outDir, "evaluation.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Contains("all 3 folds", eval.Out);
        var verdict = json.RootElement.GetProperty("verdict");
        Assert.Equal("two-level adaptive", verdict.GetProperty("policy").GetString());
        Assert.Equal(["slatah_every_fold", "energy_overall", "energy_days", "migrations", "throttled_interactive"],
            verdict.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(verdict.GetProperty("checks").EnumerateArray().All(c => c.GetProperty("holds").GetBoolean()), verdict.GetProperty("holds").GetBoolean());
        Assert.Contains("verdict, two-level adaptive against LR-MMT 1.2: ", eval.Out);
    }

    [Theory]
    [InlineData("--replan", "hourly-ish")]
    [InlineData("--replan", "0h")]
    [InlineData("--windows", "fortnightly")]
    [InlineData("--history", "a week")]
    [InlineData("--max-migrations-per-round", "-1")]
    public void Bad_evaluation_options_exit_2_naming_the_option_and_write_nothing(string option, string value)
    {
        using var tmp = new TempDirectory();
        var data = Path.Combine(tmp.Path, "data");
        Assert.Equal(0, CliRunner.Run("generate", "--out", data, "--vms", "6", "--days", "2").ExitCode);
        var outDir = Path.Combine(tmp.Path, "eval");

        var result = CliRunner.Run("evaluate", data, "--train", "1", "--test", "2", option, value, "--out", outDir);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option, result.Err);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Strict_import_fails_with_exit_code_2_naming_file_and_line_and_writes_nothing()
    {
        using var tmp = new TempDirectory();
        var day = PlanetLabDay(tmp.Path, "20110411", 2, (_, k) => k == 10 ? -3 : 5);
        var data = Path.Combine(tmp.Path, "data");

        var result = CliRunner.Run("import", "--format", "planetlab", day, "--out", data, "--strict");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{Path.Combine(day, "node0_slice")}:11", result.Err);
        Assert.False(Directory.Exists(data));
        var lenient = CliRunner.Run("import", "--format", "planetlab", day, "--out", data);
        Assert.Equal(0, lenient.ExitCode);
        Assert.Contains("bad rows: 2", lenient.Out);
    }

    [Theory]
    [InlineData("--train", "1..2", "--test", "2", "must end before")]
    [InlineData("--train", "soon", "--test", "2", "is not a period")]
    // The option was not named: with both periods on the line, '2..1' or '0' did not say which was wrong.
    [InlineData("--train", "2..1", "--test", "3", "error: --train: '2..1': days are numbered from 1")]
    [InlineData("--train", "1", "--test", "0", "error: --test: '0': days are numbered from 1")]
    public void Evaluate_rejects_bad_periods_with_exit_code_2(string o1, string v1, string o2, string v2, string problem)
    {
        using var tmp = new TempDirectory();
        var data = Path.Combine(tmp.Path, "data");
        Assert.Equal(0, CliRunner.Run("generate", "--out", data, "--vms", "6", "--days", "2").ExitCode);
        var result = CliRunner.Run("evaluate", data, o1, v1, o2, v2);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(problem, result.Err);
    }
}
