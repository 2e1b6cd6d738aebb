using System.Text.Json;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

public class PlanCommandTests
{
    private static string Generate(string root, int vms = 30)
    {
        var dir = Path.Combine(root, "data");
        Assert.Equal(0, CliRunner.Run("generate", "--out", dir, "--seed", "3", "--vms", vms.ToString(), "--days", "2").ExitCode);
        return dir;
    }

    [Fact]
    public void Plan_writes_a_validated_plan_json_and_csv_and_prints_the_summary()
    {
        using var tmp = new TempDirectory();
        var data = Generate(tmp.Path);
        var outDir = Path.Combine(tmp.Path, "out");

        var result = CliRunner.Run("plan", data, "--out", outDir, "--workers", "1", "--time-limit", "3");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Err); // quiet when not on a terminal
        Assert.Matches(@"active hosts: \d+ -> \d+", result.Out);
        Assert.Contains("kWh/day", result.Out);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "plan.json")));
        var root = json.RootElement;
        Assert.Equal("consolidator.plan/1", root.GetProperty("schema").GetString());
        var summary = root.GetProperty("summary");
        Assert.True(summary.GetProperty("active_hosts_after").GetInt32() < summary.GetProperty("active_hosts_before").GetInt32());
        Assert.True(summary.GetProperty("energy_kwh_per_day_after").GetDouble() < summary.GetProperty("energy_kwh_per_day_before").GetDouble());
        Assert.Equal(30, root.GetProperty("placement").GetArrayLength());
        var moves = root.GetProperty("stages").EnumerateArray().SelectMany(s => s.GetProperty("migrations").EnumerateArray()).Count();
        Assert.Equal(summary.GetProperty("migrations").GetInt32() + summary.GetProperty("relay_migrations").GetInt32(), moves);
        var csv = File.ReadAllLines(Path.Combine(outDir, "plan.csv"));
        Assert.Equal("vm_id,current_host,planned_host,action,stage", csv[0]);
        Assert.Equal(31, csv.Length);
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp"));
    }

    [Fact]
    public void One_worker_gives_identical_plan_json_bytes_run_after_run()
    {
        using var tmp = new TempDirectory();
        var data = Generate(tmp.Path, vms: 24);
        byte[] Run(string name)
        {
            var outDir = Path.Combine(tmp.Path, name);
            Assert.Equal(0, CliRunner.Run("plan", data, "--out", outDir, "--workers", "1", "--seed", "5", "--time-limit", "2").ExitCode);
            return File.ReadAllBytes(Path.Combine(outDir, "plan.json"));
        }

        Assert.Equal(Run("a"), Run("b"));
    }
}
