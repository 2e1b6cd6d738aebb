using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>`generate` sizes beyond any dataset the planner reads are refused at once, naming the option (--vms
/// 2,000,000,000 or --days 100,000 ran for minutes towards memory or a disk they could not have; --planted-hosts
/// 99,999,999 ran as long with nothing on the screen, and --planted-hosts -5 wrote the realistic data centre instead).</summary>
public class HostileGenerateTests
{
    [Theory]
    [InlineData("--vms", "2000000000", "--vms must be at most 1,000,000")]
    [InlineData("--days", "100000", "makes 1,152,000,000 usage rows, more than 1,000,000,000")]
    [InlineData("--planted-hosts", "99999999", "--planted-hosts must be at most 125,000")]
    [InlineData("--planted-hosts", "-5", "--planted-hosts must be at least 1")]
    // Given as 0, the realistic data centre of 120 VMs was written, exit 0.
    [InlineData("--planted-hosts", "0", "--planted-hosts must be at least 1")]
    // 345 million rows, within the bound, but dated up to 2108: a usage.csv the reader refuses (samples after 2099).
    [InlineData("--days", "30000", "--days must be at most 27,024: the samples start on 2026-01-05 and a usage.csv holds none after 2099")]
    public void An_enormous_dataset_is_refused_before_any_work(string option, string value, string what)
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");

        var result = CliRunner.Run("generate", "--out", outDir, option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Err);
        Assert.Contains(what, result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>The options of the mode not chosen were ignored without a word: `--decimals` alone wrote eighths of a core,
    /// `--planted-hosts 2 --images 3` no images, both with exit code 0.</summary>
    [Theory]
    [InlineData(new[] { "--decimals", "--days", "1" }, "--decimals applies to a planted instance: give --planted-hosts with it")]
    [InlineData(new[] { "--planted-hosts", "2", "--images", "3" }, "--images is an option of the realistic data centre; a planted instance (--planted-hosts) has its own")]
    [InlineData(new[] { "--planted-hosts", "2", "--vms", "50" }, "--vms is an option of the realistic data centre")]
    [InlineData(new[] { "--planted-hosts", "2", "--local-disks" }, "--local-disks is an option of the realistic data centre")]
    public void An_option_of_the_other_mode_is_refused(string[] options, string what)
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");

        var result = CliRunner.Run(["generate", "--out", outDir, .. options]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {what}", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(Directory.Exists(outDir));
    }
}
