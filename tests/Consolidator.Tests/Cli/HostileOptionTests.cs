using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>Options at the edge of what a double holds: each is one line naming the option (not a .NET parameter),
/// exit code 2, nothing written; never an unexpected exception (exit 1) after the work.</summary>
public class HostileOptionTests
{
    public static TheoryData<string[], string> PlanOptions => new()
    {
        // 1.7e308 made the objective infinite: plan.json could not be written, "unexpected ArgumentException", exit 1.
        { ["--disk-weight", "1.7e308"], "--disk-weight must be a number from 0 to 1e12" },
        { ["--migration-weight", "1.7e308"], "--migration-weight must be a number from 0 to 1e12" },
        // Named a .NET parameter: "maxMigrationsPerHostPerStage ('-1') must be a non-negative value."
        { ["--max-migrations-per-host", "-1"], "--max-migrations-per-host must be 0 (no cap) or more" },
        // Both at once: "the migration model did not finish; this is a bug" (exit 1).
        { ["--compression-ratio", "1e300"], "--compression-ratio must be a number from 1 (off) to 1000" },
        { ["--compression-mib-s", "1e-300", "--compression-ratio", "2"], "--compression-mib-s must be at least 1" },
    };

    [Theory]
    [MemberData(nameof(PlanOptions))]
    public void A_plan_option_out_of_range_names_the_option(string[] option, string what)
    {
        using var data = DatasetFixture.Create();
        var outDir = Path.Combine(data.Directory, "..", "out");

        var result = CliRunner.Run(["plan", data.Directory, "--out", outDir, "--deterministic", "--time-limit", "2", "--no-plots", .. option]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {what}\n", result.Err.Replace("\r\n", "\n"));
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void A_migration_too_long_to_be_real_is_one_short_line()
    {
        using var data = DatasetFixture.Create(vms: "vm_id,vcpus,memory_mib,current_host\nvm1,2,4096,h2\nvm2,4,8192,h2\nvm3,8,16384,h2\n");
        var outDir = Path.Combine(data.Directory, "..", "out");

        // On NICs of 1e-300 Gbit/s the migration would take ~1e290 years, once printed with its 290 digits.
        var result = CliRunner.Run("plan", data.Directory, "--out", outDir, "--deterministic", "--time-limit", "2", "--no-plots",
            "--nic-gbps", "1e-300");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("years at", result.Err);
        Assert.True(result.Err.Length < 400, result.Err);
        Assert.False(Directory.Exists(outDir));
    }
}
