using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Sweeps;

public class SweepCommandTests
{
    [Fact]
    public void Sweep_writes_one_row_per_point_in_point_order_and_marks_a_pareto_front()
    {
        using var tmp = new TempDirectory();
        var data = Path.Combine(tmp.Path, "data");
        Assert.Equal(0, CliRunner.Run("generate", "--out", data, "--seed", "5", "--vms", "16", "--days", "1").ExitCode);
        var outDir = Path.Combine(tmp.Path, "sweep");

        var result = CliRunner.Run("sweep", data, "--out", outDir, "--percentile", "90,100", "--headroom", "0,0.2",
            "--migration-weight", "10", "--method", "auto,precopy", "--time-limit", "0.5", "--deterministic", "--parallel", "2", "--no-plots");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Err);
        Assert.Matches(@"points: 8 \(8 feasible, \d+ Pareto-optimal", result.Out);
        var lines = File.ReadAllLines(Path.Combine(outDir, "sweep.csv"));
        Assert.StartsWith("point,windows,percentile,headroom,migration_weight,method,status,energy_kwh_per_day", lines[0]);
        Assert.Equal(9, lines.Length);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => i.ToString()), lines[1..].Select(l => l.Split(',')[0]));
        Assert.Contains(lines[1..], l => l.Split(',')[16] == "true");
        // auto and precopy share a placement: same energy and hosts, replayed differently.
        Assert.Equal(lines[1].Split(',')[7..10], lines[2].Split(',')[7..10]);
    }

    [Fact]
    public void An_infeasible_point_is_a_row_with_its_reason_and_the_sweep_goes_on()
    {
        using var tmp = new TempDirectory();
        var data = Path.Combine(tmp.Path, "data");
        Assert.Equal(0, CliRunner.Run("generate", "--out", data, "--seed", "5", "--vms", "16", "--days", "1").ExitCode);
        var outDir = Path.Combine(tmp.Path, "sweep");

        var result = CliRunner.Run("sweep", data, "--out", outDir, "--headroom", "0.1,0.95", "--percentile", "95",
            "--migration-weight", "10", "--time-limit", "0.5", "--deterministic", "--no-plots");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("points: 2 (1 feasible, 1 Pareto-optimal: 1)", result.Out);
        var infeasible = File.ReadAllLines(Path.Combine(outDir, "sweep.csv"))[2];
        Assert.StartsWith("2,hourly,95,0.95,10,auto,infeasible,,,,,,,,,,false,", infeasible);
        Assert.StartsWith("infeasible: VM ", infeasible.Split(",", 18)[17].TrimStart('"'));
        Assert.Contains("more reason(s))", infeasible);
    }

    [Fact]
    public void A_sweep_with_no_feasible_point_says_so_without_an_empty_list()
    {
        using var tmp = new TempDirectory();
        var data = Path.Combine(tmp.Path, "data");
        Assert.Equal(0, CliRunner.Run("generate", "--out", data, "--seed", "5", "--vms", "16", "--days", "1").ExitCode);
        var outDir = Path.Combine(tmp.Path, "sweep");

        var result = CliRunner.Run("sweep", data, "--out", outDir, "--headroom", "0.95", "--percentile", "95",
            "--migration-weight", "10", "--time-limit", "0.5", "--deterministic", "--no-plots");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("points: 1 (0 feasible, 0 Pareto-optimal)", result.Out.Split('\n')[0].TrimEnd('\r'));
    }

    [Theory]
    [InlineData("--percentile", "90,abc", "--percentile must be a comma list of numbers")]
    [InlineData("--headroom", "0.2,0.1,0.10", "--headroom: items 2 and 3 are the same value (0.1)")]
    [InlineData("--percentile", "95,100,100.0", "--percentile: items 2 and 3 are the same value (100)")]
    [InlineData("--method", "auto,fast", "--method must be")]
    [InlineData("--windows", "hourly,7", "")]
    public void A_bad_grid_is_bad_input_and_writes_nothing(string option, string value, string message)
    {
        using var tmp = new TempDirectory();
        var data = Path.Combine(tmp.Path, "data");
        Assert.Equal(0, CliRunner.Run("generate", "--out", data, "--seed", "5", "--vms", "8", "--days", "1").ExitCode);
        var outDir = Path.Combine(tmp.Path, "sweep");

        var result = CliRunner.Run("sweep", data, "--out", outDir, option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Err);
        Assert.False(Directory.Exists(outDir));
    }
}
