using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>A plan folder missing one of the files its run wrote.</summary>
public class HostilePlanFolderTests
{
    /// <summary>simulation.json deleted (or left behind when the folder was copied): export read "no simulation" and wrote
    /// every migration pre-copy with no downtime target and no timeout, exit 0, where the replay had set both (and chosen
    /// post-copy for a migration that would not converge). The plan's summary records that it was replayed, so the
    /// missing file is refused at that field, nothing written; --simulation names where it is now.</summary>
    [Fact]
    public void Export_refuses_a_replayed_plan_whose_simulation_json_is_missing()
    {
        using var data = DatasetFixture.Create();
        var planDir = Path.Combine(data.Directory, "..", "plan");
        var plan = CliRunner.Run("plan", data.Directory, "--out", planDir, "--deterministic", "--time-limit", "2", "--no-plots");
        Assert.True(plan.ExitCode == 0, plan.Err);
        var planJson = Path.Combine(planDir, "plan.json");
        var kept = Path.Combine(data.Directory, "..", "kept-simulation.json");
        File.Move(Path.Combine(planDir, "simulation.json"), kept);
        var script = Path.Combine(data.Directory, "..", "migrate.sh");

        var missing = CliRunner.Run("export", planJson, "--to", "libvirt", "--out", script);
        var named = CliRunner.Run("export", planJson, "--to", "libvirt", "--simulation", kept);

        CliRunner.AssertLocatedInputError(missing, "plan.json:", "'simulation': the plan was replayed, but its simulation.json is not at", script);
        Assert.Contains("run `simulate` on this plan", missing.Err);
        // Named beside the plan as the plan was named (here through 'tiny/..'), not as a full path the user never wrote.
        Assert.Contains($"not at {Path.Combine(planDir, "simulation.json")}: ", missing.Err);
        HostileInputTests.AssertOneCleanLine(missing.Err);
        Assert.False(File.Exists(script));
        Assert.True(named.ExitCode == 0, named.Err);
        Assert.Contains("--timeout", named.Out);
    }

    /// <summary>plan.json's dataset.path edited to a folder that exists but holds no dataset ("/etc", "" for the plan's own
    /// folder): it was read as the dataset, and the error ("/etc/hosts.csv: file not found") named neither plan.json nor
    /// its field. Refused at dataset.path, as a folder that is gone is.</summary>
    [Theory]
    [InlineData("..")]
    [InlineData("")]
    public void Export_refuses_a_recorded_dataset_path_that_holds_no_dataset(string path)
    {
        using var data = DatasetFixture.Create();
        var planDir = Path.Combine(data.Directory, "..", "plan");
        Assert.Equal(0, CliRunner.Run("plan", data.Directory, "--out", planDir, "--deterministic", "--time-limit", "2", "--no-plots", "--no-simulate").ExitCode);
        var planJson = Path.Combine(planDir, "plan.json");
        var text = File.ReadAllText(planJson);
        Assert.Contains("\"path\": \"../tiny\"", text);
        File.WriteAllText(planJson, text.Replace("\"path\": \"../tiny\"", $"\"path\": \"{path}\""));
        var script = Path.Combine(data.Directory, "..", "migrate.sh");

        var result = CliRunner.Run("export", planJson, "--to", "libvirt", "--out", script);

        CliRunner.AssertLocatedInputError(result, "plan.json:4, column 13 'path'", "the dataset the plan was made from is not at", script);
        Assert.Contains("(no hosts.csv there): give --dataset DATASET_DIR where it is now", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(File.Exists(script));
    }
}
