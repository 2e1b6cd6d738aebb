using Consolidator.Calibration;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>`calibrate --block-mirror`: the block-migration table of docs/simulator.md is its output, and a bad recording is
/// one located error.</summary>
public class BlockMirrorCalibrateTests
{
    [Fact]
    public void The_block_migration_table_in_docs_simulator_is_the_output_of_calibrate_block_mirror()
    {
        var block = RepoPaths.DocumentBlock("docs/simulator.md", "<!-- block-mirror-table:begin (output of `consolidator calibrate --block-mirror`) -->", "<!-- block-mirror-table:end -->");

        var r = CliRunner.Run("calibrate", "--block-mirror", Path.Combine(RepoPaths.Root, BlockMirrorLab.DefaultPath));

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(r.Out.Replace("\r\n", "\n", StringComparison.Ordinal), block);
    }

    [Fact]
    public void A_malformed_drive_mirror_row_is_one_located_error_and_exit_2()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "qemu-7.2-drive-mirror.csv");
        File.WriteAllText(path, "point,disk_mib,base_mib,base_at_destination,sync,speed_mib_s,write_kib_s,write_kib,granularity_kib,status,ready_ms,copied_mib,target_identical,host_load\n" +
            "p,512,0,false,full,-32,0,64,64,ready,16000,512,true,1.5\n");

        var r = CliRunner.Run("calibrate", "--block-mirror", path);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.Contains("qemu-7.2-drive-mirror.csv", r.Err);
        Assert.Contains("-32", r.Err);
    }
    /// <summary>The lab table's options with --block-mirror were ignored without a word (`--block-mirror --fit` printed the
    /// block table and no fit, exit 0).</summary>
    [Theory]
    [InlineData("--fit")]
    [InlineData("--cpu-share")]
    [InlineData("--lab", "datasets/calibration/qemu-7.2-tcg-threads.csv")]
    public void An_option_of_the_lab_table_with_block_mirror_is_refused(params string[] option)
    {
        var r = CliRunner.Run(["calibrate", "--block-mirror", Path.Combine(RepoPaths.Root, BlockMirrorLab.DefaultPath), .. option]);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.StartsWith($"error: {option[0]} is an option of the lab table; --block-mirror prints the block-migration table instead", r.Err);
        HostileInputTests.AssertOneCleanLine(r.Err);
    }
}
