using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>A file whose first line never ends (a disk image or a sparse file of zeros saved under a trace's name): every
/// reader grew its buffer to the whole line, 3.7 to 7.3 GB of memory for a 1.5 GB file, and a line of more than 2 GiB
/// was "unexpected OutOfMemoryException" (exit code 1, "a bug"). Lines are bounded now: one located error, exit code 2,
/// nothing written. The files here are sparse (no disk is used) and larger than every bound.</summary>
public sealed class HostileHugeLineTests
{
    private const long Huge = 64L << 20;

    private static void Sparse(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.SetLength(Huge);
    }

    [Fact]
    public void A_planetlab_day_file_of_one_endless_line_is_refused()
    {
        using var tmp = new TempDirectory();
        var day = tmp.File("20110411");
        Directory.CreateDirectory(day);
        File.WriteAllText(Path.Combine(day, "vm-a"), string.Concat(Enumerable.Repeat("10\n", 288)));
        Sparse(Path.Combine(day, "vm-b"));
        var outDir = tmp.File("out");

        var result = CliRunner.Run("import", "--format", "planetlab", day, "--out", outDir);

        CliRunner.AssertLocatedInputError(result, "vm-b", "more than 64 KiB: a PlanetLab VM-day file holds 288 lines of one CPU percentage each", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    [Fact]
    public void A_bitbrains_file_of_one_endless_line_is_refused()
    {
        using var tmp = new TempDirectory();
        var month = tmp.File("2013-7");
        Directory.CreateDirectory(month);
        Sparse(Path.Combine(month, "1.csv"));
        var outDir = tmp.File("out");

        var result = CliRunner.Run("import", "--format", "bitbrains", month, "--out", outDir);

        CliRunner.AssertLocatedInputError(result, "1.csv:1: ", "a line longer than 16 MiB, more than any row holds", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    [Fact]
    public void A_dataset_file_of_one_endless_line_is_refused()
    {
        using var data = DatasetFixture.Create();
        Sparse(data.PathOf("vms.csv"));
        var outDir = Path.Combine(data.Directory, "..", "out");

        var result = CliRunner.Run("plan", data.Directory, "--out", outDir, "--deterministic", "--time-limit", "2");

        CliRunner.AssertLocatedInputError(result, "vms.csv:1: ", "a line longer than 16 MiB, more than any row holds", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    /// <summary>An output folder whose manifest is one endless line (sparse): it was read whole into one string and the
    /// folder then called "not written by consolidator (it has no .consolidator-output)"; now bounded and named.</summary>
    [Fact]
    public void An_output_manifest_of_one_endless_line_is_refused()
    {
        using var data = DatasetFixture.Create();
        var outDir = Path.Combine(data.Directory, "..", "out");
        Directory.CreateDirectory(outDir);
        Sparse(Path.Combine(outDir, ".consolidator-output"));

        var result = CliRunner.Run("plan", data.Directory, "--out", outDir, "--deterministic", "--time-limit", "2", "--no-plots");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(".consolidator-output: more than 16 MiB", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.Equal([".consolidator-output"], Directory.EnumerateFileSystemEntries(outDir).Select(Path.GetFileName));
    }
}
