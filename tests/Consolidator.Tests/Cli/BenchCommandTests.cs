using System.Text.Json;
using Consolidator.Benchmarks;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

public sealed class BenchCommandTests
{
    [Fact]
    public void Bench_runs_each_case_in_a_child_process_prints_the_table_and_writes_csv_and_json()
    {
        using var dir = new TempDirectory();
        var result = CliRunner.Run("bench", "--family", "planted", "--planted-hosts", "3,4", "--time-limit", "2", "--deterministic", "--out", dir.Path);

        Assert.True(result.ExitCode == 0, result.Err);
        // Redirected, as here, bench shows no progress: stderr holds findings only.
        Assert.Equal("", result.Err);
        Assert.Contains(result.Out.Split('\n'), l => l.StartsWith("planted") && l.Contains("K=3"));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir.Path, "bench.csv")).Length);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "bench.json")));
        var rows = json.RootElement.GetProperty("rows");
        Assert.Equal(2, rows.GetArrayLength());
        // Only a child process measures its own peak memory; an in-process run would leave it null.
        Assert.All(rows.EnumerateArray(), r => Assert.True(r.GetProperty("peak_memory_mib").GetDouble() > 0));
        Assert.True(json.RootElement.GetProperty("machine").GetProperty("cores").GetInt32() > 0);
    }

    [Fact]
    public void Bench_one_prints_one_row_as_a_json_line()
    {
        var result = CliRunner.Run("bench-one", "--case", "planted/K=3", "--planted-hosts", "3", "--time-limit", "1", "--deterministic");

        Assert.True(result.ExitCode == 0, result.Err);
        var row = BenchJson.RowFromLine(result.Out.Trim());
        Assert.Equal(("planted", "K=3", 3), (row.Family, row.Instance, row.Optimum));
        Assert.True(row.PeakMemoryMib > 0);
    }

    [Fact]
    public void An_instance_that_cannot_be_planned_is_an_error_row_and_exit_code_1_with_the_table_still_written()
    {
        using var shared = new TempDirectory();
        using var dir = new TempDirectory();
        // vm3 needs 40 cores in the last sample; the largest host has 32.
        using var bad = DatasetFixture.Create(usage: DatasetFixture.Usage.Replace("vm3,6,12000", "vm3,40,12000"), name: "too-big");
        var target = Path.Combine(shared.Path, "datasets", "too-big");
        Directory.CreateDirectory(target);
        foreach (var f in Directory.GetFiles(bad.Directory)) File.Copy(f, Path.Combine(target, Path.GetFileName(f)));

        var result = CliRunner.Run("bench", "--family", "shared", "--shared", shared.Path, "--time-limit", "1", "--deterministic", "--out", dir.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.Out.Split('\n'), l => l.StartsWith("shared") && l.Contains("error: infeasible: ") && l.Contains("vm3"));
        Assert.Contains("infeasible", File.ReadAllText(Path.Combine(dir.Path, "bench.csv")));
    }

    /// <summary>--lab-csv inside --out: the lab wrote it into the bench's output set as it went, and the bench's own
    /// output, written whole at the end, replaced the set without it (the measurements of every scenario, or the runs
    /// --lab-repeat appends, lost). Refused before any scenario runs, nothing written.</summary>
    [Theory]
    [InlineData("qemu-lab.csv")]
    [InlineData("sub/lab.csv")]
    public void A_lab_csv_inside_the_bench_output_is_refused_before_the_lab_runs(string inside)
    {
        using var dir = new TempDirectory();
        var outDir = Path.Combine(dir.Path, "out");
        var result = CliRunner.Run("bench", "--family", "qemu", "--lab-csv", Path.Combine(outDir, inside), "--out", outDir);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: --lab-csv '{Path.Combine(outDir, inside)}' is inside --out '{outDir}', which the bench replaces whole", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>An existing --lab-csv the lab cannot read (another CSV, one cut short) failed every scenario in turn, each a
    /// row of the table, and the bench wrote its table, exit 1: now one located line before anything runs, nothing
    /// written, the file as it was.</summary>
    [Theory]
    [InlineData("garbage,header\n1,2\n", "lab.csv:1, column 'scenario': required column 'scenario' is missing")]
    [InlineData("", "lab.csv:1: the file is empty")]
    public void An_existing_lab_csv_the_lab_cannot_read_is_refused_before_the_lab_runs(string text, string what)
    {
        using var dir = new TempDirectory();
        var outDir = Path.Combine(dir.Path, "out");
        var lab = Path.Combine(dir.Path, "lab.csv");
        File.WriteAllText(lab, text);

        var result = CliRunner.Run("bench", "--family", "qemu", "--lab-csv", lab, "--out", outDir);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(what, result.Err);
        Assert.Equal("", result.Out);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(Directory.Exists(outDir));
        Assert.Equal(text, File.ReadAllText(lab));
    }

    [Theory]
    [InlineData("--family", "planted,nope", "--family must name some of")]
    [InlineData("--planted-hosts", "20,x", "--planted-hosts takes comma-separated whole numbers, not 'x'")]
    [InlineData("--planted-hosts", "0", "--planted-hosts must list whole numbers of at least 1")]
    [InlineData("--planted-hosts", "20,99999999", "--planted-hosts must list whole numbers of at most 125,000")]
    [InlineData("--generated-vms", "2000000000", "--generated-vms must list whole numbers of at most 1,000,000")]
    [InlineData("--vbp-max-items", "0", "--vbp-max-items must be at least 1")]
    [InlineData("--time-limit", "-1", "--time-limit must be a positive number of seconds")]
    public void Bad_options_exit_2_and_write_nothing(string option, string value, string message)
    {
        using var dir = new TempDirectory();
        var outDir = Path.Combine(dir.Path, "out");
        var result = CliRunner.Run("bench", option, value, "--out", outDir);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Err);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void A_file_named_as_the_shared_folder_is_refused_where_a_missing_folder_is_skipped()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "passwd");
        File.WriteAllText(file, "root:x:0:0\n");
        var outDir = Path.Combine(dir.Path, "out");

        var result = CliRunner.Run("bench", "--family", "shared", "--shared", file, "--out", outDir);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: --shared: '", result.Err);
        Assert.Contains("is a file; name the shared data folder", result.Err);
        Assert.False(Directory.Exists(outDir));
        // A folder that is not there is still skipped with a message: a fresh checkout has no ../shared.
        var missing = CliRunner.Run("bench", "--family", "shared", "--shared", Path.Combine(dir.Path, "none"), "--time-limit", "1", "--deterministic", "--out", outDir);
        Assert.True(missing.ExitCode == 0, missing.Err);
        Assert.Contains("not found or empty", missing.Out + missing.Err);
    }

    [Fact]
    public void Bench_one_refuses_a_case_the_settings_do_not_list()
    {
        var result = CliRunner.Run("bench-one", "--case", "planted/K=7", "--planted-hosts", "3");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--case 'planted/K=7' is not a case", result.Err);
    }
}
