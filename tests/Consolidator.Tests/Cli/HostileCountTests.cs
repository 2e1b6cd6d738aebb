using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>Counts with no upper bound that made a run hold as much as it was told: `sweep --parallel 100000` ran as many
/// whole plans at once as the grid held, whatever the cores; `bench --lab-repeat 2000000000` built two billion lab
/// cases per scenario before the first run. Refused before any work, one line naming the option, nothing written.</summary>
public class HostileCountTests
{
    [Fact]
    public void Sweep_parallel_past_any_machines_cores_is_refused()
    {
        using var data = DatasetFixture.Create();
        var outDir = Path.Combine(data.Directory, "..", "sweep-out");

        var result = CliRunner.Run("sweep", data.Directory, "--out", outDir, "--parallel", "100000", "--deterministic", "--time-limit", "1", "--no-plots");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --parallel must be a whole number from 0 (one plan per core) to 256: each plan at once holds its model and replay in memory\n", result.Err.Replace("\r\n", "\n"));
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Lab_repeat_of_billions_is_refused_before_the_lab()
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");

        var result = CliRunner.Run("bench", "--family", "qemu", "--lab-set", "smoke", "--lab-guest", tmp.File("no-guest"), "--lab-repeat", "2000000000", "--out", outDir);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --lab-repeat must be a whole number from 0 to 100 (each repeat runs every scenario of the set once more on real QEMU)\n", result.Err.Replace("\r\n", "\n"));
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>A replay slowed past a year by --max-bandwidth (with --precopy-timeout a year, so pre-copy never gives up)
    /// was blamed on the NICs: "would take 1 years at 554 MiB/s of its NICs; a NIC rate this low is an input error
    /// (check nic_gbps and --nic-gbps)". It names the cap that slows it.</summary>
    [Fact]
    public void A_replay_slowed_past_a_year_by_the_bandwidth_cap_names_the_cap()
    {
        using var tmp = new TempDirectory();
        var data = tmp.File("data");
        Assert.Equal(0, CliRunner.Run("generate", "--out", data, "--vms", "8", "--days", "1", "--seed", "3").ExitCode);
        var plan = CliRunner.Run("plan", data, "--out", tmp.File("plan"), "--deterministic", "--time-limit", "2", "--no-plots", "--no-simulate");
        Assert.True(plan.ExitCode == 0, plan.Err);

        var result = CliRunner.Run("simulate", data, tmp.File("plan/plan.json"), "--out", tmp.File("sim"),
            "--max-bandwidth", "1", "--method", "precopy", "--precopy-timeout", "31536000");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("would take more than a year with its live phase capped at 1 MiB/s by --max-bandwidth (its NICs give", result.Err);
        Assert.EndsWith("raise --max-bandwidth or shorten --precopy-timeout\n", result.Err.Replace("\r\n", "\n"));
        Assert.DoesNotContain("NIC rate this low", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(Directory.Exists(tmp.File("sim")));
    }
}
