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
}
