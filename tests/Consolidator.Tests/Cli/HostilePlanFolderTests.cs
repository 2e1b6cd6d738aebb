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
        HostileInputTests.AssertOneCleanLine(missing.Err);
        Assert.False(File.Exists(script));
        Assert.True(named.ExitCode == 0, named.Err);
        Assert.Contains("--timeout", named.Out);
    }
}
