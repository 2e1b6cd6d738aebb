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
        var path = WriteLab(dir, "p,512,0,false,full,-32,0,64,64,ready,16000,512,true,1.5\n");

        var r = CliRunner.Run("calibrate", "--block-mirror", path);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.Contains("qemu-7.2-drive-mirror.csv", r.Err);
        Assert.Contains("-32", r.Err);
    }
    /// <summary>Rows each replayed and judged as read (hostile pass): another word for sync or a yes/no read as "full" or
    /// "no", sync top with the base absent replayed as a full copy, a base larger than its disk, a ready time of 0 (ratio
    /// "Infinity"), 1e300 MiB copied (a 301-digit number), a granularity QEMU refuses, one point twice.</summary>
    [Theory]
    [InlineData("p,512,0,false,magic,32,0,64,64,ready,16000,512,true,1.5", "column 5 'sync': must be full or top")]
    [InlineData("p,512,0,maybe,full,32,0,64,64,ready,16000,512,true,1.5", "column 4 'base_at_destination': must be true or false")]
    [InlineData("p,512,0,false,full,32,0,64,64,ready,16000,512,yes,1.5", "column 13 'target_identical': must be true or false")]
    [InlineData("p,512,128,false,top,32,0,64,64,ready,16000,384,true,1.5", "column 5 'sync': sync top is the copy of a disk whose base is already at the destination")]
    [InlineData("p,512,9999,false,full,32,0,64,64,ready,16000,512,true,1.5", "column 3 'base_mib': too large: at most 512 (a base image is part of the disk layered over it)")]
    [InlineData("p,512,0,false,full,32,0,64,64,ready,0,512,true,1.5", "column 11 'ready_ms': must be greater than zero")]
    [InlineData("p,512,0,false,full,32,0,64,64,ready,16000,1e300,true,1.5", "column 12 'copied_mib': too large")]
    [InlineData("p,512,0,false,full,32,0,64,3,ready,16000,512,true,1.5", "column 9 'granularity_kib': QEMU's mirror granularity is a power of two")]
    [InlineData("p,512,0,false,full,32,0,64,64,ready,16000,512,true,1.5\np,256,0,false,full,32,0,64,64,ready,8000,256,true,1.5", "3, column 1 'point': duplicate point (first on line 2)")]
    // A header alone printed the table's header, exit 0.
    [InlineData("", "qemu-7.2-drive-mirror.csv:2: no mirror jobs: the file has a header but no rows")]
    public void A_drive_mirror_row_the_replay_would_misread_is_located(string rows, string what)
    {
        using var dir = new TempDirectory();
        var path = WriteLab(dir, rows + "\n");

        var r = CliRunner.Run("calibrate", "--block-mirror", path);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.Contains(what, r.Err);
        HostileInputTests.AssertOneCleanLine(r.Err);
    }

    [Fact]
    public void A_job_that_never_got_ready_shows_no_ratio()
    {
        using var dir = new TempDirectory();
        var path = WriteLab(dir, "p,512,0,false,full,32,0,64,64,aborted,16000,,true,1.5\n");

        var r = CliRunner.Run("calibrate", "--block-mirror", path);

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("| aborted | 16.00 s / 512.0 MiB (0 MiB) | - | **no** |", r.Out);
        Assert.DoesNotContain("NaN", r.Out);
    }

    /// <summary>The lab table's options with --block-mirror were ignored without a word (`--block-mirror --fit` printed the
    /// block table and no fit, exit 0).</summary>
    [Theory]
    [InlineData("--fit")]
    [InlineData("--cpu-share")]
    [InlineData("--measured-send-cost")]
    [InlineData("--send-overlap")]
    [InlineData("--lab", "datasets/calibration/qemu-7.2-tcg-threads.csv")]
    public void An_option_of_the_lab_table_with_block_mirror_is_refused(params string[] option)
    {
        var r = CliRunner.Run(["calibrate", "--block-mirror", Path.Combine(RepoPaths.Root, BlockMirrorLab.DefaultPath), .. option]);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.StartsWith($"error: {option[0]} is an option of the lab table; --block-mirror prints the block-migration table instead", r.Err);
        HostileInputTests.AssertOneCleanLine(r.Err);
    }

    /// <summary>A drive-mirror lab file in <paramref name="dir"/>: the lab's header, then <paramref name="rows"/>.</summary>
    private static string WriteLab(TempDirectory dir, string rows)
    {
        var path = Path.Combine(dir.Path, "qemu-7.2-drive-mirror.csv");
        File.WriteAllText(path, "point,disk_mib,base_mib,base_at_destination,sync,speed_mib_s,write_kib_s,write_kib,granularity_kib,status,ready_ms,copied_mib,target_identical,host_load\n" + rows);
        return path;
    }
}
