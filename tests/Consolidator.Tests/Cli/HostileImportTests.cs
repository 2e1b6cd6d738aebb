using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>Importers never write an id their own reader refuses: a VM file name with control or invisible characters
/// is one located line naming the file and exit 2, nothing written.</summary>
public class HostileImportTests
{
    private const string BitbrainsHeader =
        "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]";

    /// <summary>An empty VM file was "required column 'Timestamp [ms]' is missing; the header has:  (fields must be
    /// separated by ';')": a separator problem the file does not have. Named as empty, exit 2, nothing written.</summary>
    [Fact]
    public void An_empty_bitbrains_file_is_named_as_empty()
    {
        using var tmp = new TempDirectory();
        var folder = tmp.File("2013-7");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "1.csv"), BitbrainsHeader + "\n1372629804;\t2;\t5851.9989;\t87.78;\t1.5;\t8218624.0;\t1034592.8;\t0;\t21.7;\t0.2;\t1.4\n");
        File.WriteAllText(Path.Combine(folder, "2.csv"), "");
        var outDir = tmp.File("out");

        var result = CliRunner.Run("import", "--format", "bitbrains", folder, "--out", outDir);

        CliRunner.AssertLocatedInputError(result, "2.csv:1", "the file is empty; expected a header line with the columns Timestamp [ms]; CPU cores;", outDir);
        Assert.DoesNotContain("is missing", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    /// <summary>A header naming a column twice (the disk-read column renamed 'CPU usage [%]' by hand, or a column
    /// pasted twice): the importer read the first and said nothing, exit 0, where the native reader refuses it. Which
    /// of the two holds the values cannot be told: exit 2 at the second, nothing written.</summary>
    [Theory]
    [InlineData("CPU usage [%]", "Disk read throughput [KB/s]", "column 8 'CPU usage [%]': column 'CPU usage [%]' appears twice in the header (columns 5 and 8)")]
    [InlineData("disk write throughput [KB/s]", "Network received throughput [KB/s]", "column 10 'Disk write throughput [KB/s]': column 'Disk write throughput [KB/s]' appears twice in the header (columns 9 and 10)")]
    public void A_bitbrains_header_naming_a_column_twice_is_refused(string twice, string replaced, string what)
    {
        using var tmp = new TempDirectory();
        var folder = tmp.File("2013-7");
        Directory.CreateDirectory(folder);
        var rows = string.Concat(Enumerable.Range(0, 4).Select(i => $"{1372629804 + i * 300};\t2;\t5851.9989;\t87.78;\t1.5;\t8218624.0;\t1034592.8;\t0;\t21.7;\t0.2;\t1.4\n"));
        File.WriteAllText(Path.Combine(folder, "1.csv"), BitbrainsHeader.Replace(replaced, twice, StringComparison.Ordinal) + "\n" + rows);
        var outDir = tmp.File("out");

        var result = CliRunner.Run("import", "--format", "bitbrains", folder, "--out", outDir);

        CliRunner.AssertLocatedInputError(result, "1.csv:1, " + what, $"(value '{twice}')", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    [Fact]
    public void A_bitbrains_file_whose_name_would_be_an_id_with_an_escape_sequence_is_refused()
    {
        using var tmp = new TempDirectory();
        var folder = tmp.File("2013-7");
        Directory.CreateDirectory(folder);
        var rows = string.Concat(Enumerable.Range(0, 4).Select(i => $"{1372629804 + i * 300};\t2;\t5851.9989;\t87.78;\t1.5;\t8218624.0;\t1034592.8;\t0;\t21.7;\t0.2;\t1.4\n"));
        File.WriteAllText(Path.Combine(folder, "1.csv"), BitbrainsHeader + "\n" + rows);
        var hostile = Path.Combine(folder, "vm\u001b]0;pwned\u0007.csv");
        File.WriteAllText(hostile, BitbrainsHeader + "\n" + rows);
        var outDir = tmp.File("out");

        var result = CliRunner.Run("import", "--format", "bitbrains", folder, "--out", outDir);

        CliRunner.AssertLocatedInputError(result, "vm\\u001b]0;pwned\\u0007.csv", "the file name is the VM's id: an id must not hold control", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    /// <summary>A file name is the VM's id: "web;1.csv" was imported as VM "web;1", which the dataset reader now refuses
    /// (constraints.csv could never name it), so the import refuses it at the file rather than write a dataset nothing reads.</summary>
    [Fact]
    public void A_bitbrains_file_whose_name_holds_the_rules_list_separator_is_refused()
    {
        using var tmp = new TempDirectory();
        var folder = tmp.File("2013-7");
        Directory.CreateDirectory(folder);
        var rows = string.Concat(Enumerable.Range(0, 4).Select(i => $"{1372629804 + i * 300};\t2;\t5851.9989;\t87.78;\t1.5;\t8218624.0;\t1034592.8;\t0;\t21.7;\t0.2;\t1.4\n"));
        File.WriteAllText(Path.Combine(folder, "1.csv"), BitbrainsHeader + "\n" + rows);
        File.WriteAllText(Path.Combine(folder, "web;1.csv"), BitbrainsHeader + "\n" + rows);
        var outDir = tmp.File("out");

        var result = CliRunner.Run("import", "--format", "bitbrains", folder, "--out", outDir);

        CliRunner.AssertLocatedInputError(result, "web;1.csv", "the file name is the VM's id: an id of a host or VM must not hold ';' (at character 4)", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    /// <summary>An output folder inside a source: Bitbrains' months' parent took the written 'out' for a month on the next
    /// import and its hosts.csv for a VM's file ("required column 'Timestamp [ms]' is missing"), PlanetLab's day folder
    /// refused it as "a folder among the trace files"; each import worked once and failed every time after. Refused up
    /// front, nothing written (the source itself as the output is refused before, as a folder in the way).</summary>
    [Theory]
    [InlineData("bitbrains", "out")]
    [InlineData("bitbrains", "2013-7/out/")]
    [InlineData("planetlab", "20110411/dataset")]
    public void An_output_folder_inside_a_source_folder_is_refused(string format, string inside)
    {
        using var tmp = new TempDirectory();
        var source = tmp.File("traces");
        string folder;
        if (format == "bitbrains")
        {
            folder = Path.Combine(source, "2013-7");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "1.csv"), BitbrainsHeader + "\n" + string.Concat(Enumerable.Range(0, 4).Select(i => $"{1372629804 + i * 300};\t2;\t5851.9989;\t87.78;\t1.5;\t8218624.0;\t1034592.8;\t0;\t21.7;\t0.2;\t1.4\n")));
        }
        else
        {
            folder = Path.Combine(source, "20110411");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "a"), string.Concat(Enumerable.Repeat("10\n", 288)));
        }
        var outDir = Path.Combine(source, inside);
        var before = Directory.EnumerateFileSystemEntries(source, "*", SearchOption.AllDirectories).Order().ToArray();

        var result = CliRunner.Run("import", "--format", format, source, "--out", outDir);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("the output folder is inside the source folder", result.Err);
        Assert.Equal("", result.Out);
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(source, "*", SearchOption.AllDirectories).Order());
        HostileInputTests.AssertOneCleanLine(result.Err);
        // Beside the source, the same import is written.
        Assert.Equal(0, CliRunner.Run("import", "--format", format, source, "--out", tmp.File("dataset")).ExitCode);
    }

    [Fact]
    public void A_planetlab_file_whose_name_holds_a_bidirectional_override_is_refused()
    {
        using var tmp = new TempDirectory();
        var day = tmp.File("20110411");
        Directory.CreateDirectory(day);
        var lines = string.Concat(Enumerable.Repeat("10\n", 288));
        File.WriteAllText(Path.Combine(day, "a"), lines);
        File.WriteAllText(Path.Combine(day, "b\u202eexe.sh"), lines);
        var outDir = tmp.File("out");

        var result = CliRunner.Run("import", "--format", "planetlab", day, "--out", outDir);

        CliRunner.AssertLocatedInputError(result, "b\\u202eexe.sh", "(U+202E at character 2)", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    /// <summary>`--host-count 2000000000` built two billion host records before any file was read: no answer in 60 s,
    /// memory exhausted. Refused by name, exit 2, nothing written.</summary>
    [Fact]
    public void A_host_count_beyond_any_dataset_is_refused_before_any_work()
    {
        using var tmp = new TempDirectory();
        var day = tmp.File("20110411");
        Directory.CreateDirectory(day);
        File.WriteAllText(Path.Combine(day, "a"), string.Concat(Enumerable.Repeat("10\n", 288)));
        var outDir = tmp.File("out");

        var result = CliRunner.Run("import", "--format", "planetlab", day, "--host-count", "2000000000", "--out", outDir);

        CliRunner.AssertLocatedInputError(result, "--host-count", "--host-count must be at most 1,000,000", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    /// <summary>An option of one import format given with another was ignored without a word: --vms, --url or --timeout
    /// with planetlab, --strict or --host-count with prometheus. Refused by name, exit 2, nothing written.</summary>
    [Theory]
    [InlineData("planetlab", "--vms", "vms.csv", "--vms is an option of --format prometheus, not of --format planetlab")]
    [InlineData("planetlab", "--timeout", "5", "--timeout is an option of --format prometheus, not of --format planetlab")]
    [InlineData("bitbrains", "--url", "http://127.0.0.1:9", "--url is an option of --format prometheus, not of --format bitbrains")]
    [InlineData("prometheus", "--strict", "true", "--strict is an option of --format planetlab and bitbrains")]
    [InlineData("prometheus", "--host-count", "3", "--host-count is an option of --format planetlab and bitbrains")]
    public void An_option_of_another_format_is_refused(string format, string option, string value, string what)
    {
        using var tmp = new TempDirectory();
        var day = tmp.File("20110411");
        Directory.CreateDirectory(day);
        File.WriteAllText(Path.Combine(day, "a"), string.Concat(Enumerable.Repeat("10\n", 288)));
        File.WriteAllText(tmp.File("hosts.csv"), DatasetFixture.Hosts);
        File.WriteAllText(tmp.File("vms.csv"), DatasetFixture.Vms);
        var outDir = tmp.File("out");
        string[] source = format == "prometheus"
            ? ["--url", "http://127.0.0.1:9", "--start", "2026-01-05", "--end", "2026-01-06", "--hosts", tmp.File("hosts.csv"), "--vms", tmp.File("vms.csv")]
            : [day];

        var result = CliRunner.Run(["import", "--format", format, .. source, option, value.Replace("vms.csv", tmp.File("vms.csv")), "--out", outDir]);

        CliRunner.AssertLocatedInputError(result, option, what, outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }
    /// <summary>--start and --end went through .NET's own date parser, which also took "12:00" (noon of the day the
    /// command runs: the same command read other samples tomorrow), "1/5/2026" (January 5 or May 1?), "Jan 5 2026" and
    /// an RFC 1123 date; the README promises ISO-8601. Refused by name before any query, exit 2, nothing written.</summary>
    [Theory]
    [InlineData("--start", "12:00")]
    [InlineData("--start", "1/5/2026")]
    [InlineData("--end", "Jan 6 2026")]
    [InlineData("--end", "Tue, 06 Jan 2026 00:00:00 GMT")]
    [InlineData("--start", "2026-01-05 00:00")]
    [InlineData("--start", "2026-02-30")]
    public void A_prometheus_time_that_is_not_iso_8601_is_refused(string option, string value)
    {
        using var tmp = new TempDirectory();
        File.WriteAllText(tmp.File("hosts.csv"), DatasetFixture.Hosts);
        File.WriteAllText(tmp.File("vms.csv"), DatasetFixture.Vms);
        var outDir = tmp.File("out");
        var start = option == "--start" ? value : "2026-01-04";
        var end = option == "--end" ? value : "2026-01-07";

        var result = CliRunner.Run("import", "--format", "prometheus", "--url", "http://127.0.0.1:9", "--start", start, "--end", end,
            "--hosts", tmp.File("hosts.csv"), "--vms", tmp.File("vms.csv"), "--out", outDir);

        CliRunner.AssertLocatedInputError(result, $"{option}: '{value}'", "is not an ISO-8601 time such as 2026-01-05T00:00:00Z", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }
    /// <summary>Nine thousand years at a one-second step (about 3e11 samples per VM, 3e8 pairs of range queries) was
    /// accepted and ran until --timeout; now refused before any query, the options and the count named.</summary>
    [Fact]
    public void A_prometheus_period_of_more_samples_than_an_import_reads_is_refused_before_any_query()
    {
        using var tmp = new TempDirectory();
        File.WriteAllText(tmp.File("hosts.csv"), DatasetFixture.Hosts);
        File.WriteAllText(tmp.File("vms.csv"), DatasetFixture.Vms);
        var outDir = tmp.File("out");

        var result = CliRunner.Run("import", "--format", "prometheus", "--url", "http://127.0.0.1:9", "--start", "0002-01-01", "--end", "9999-12-31",
            "--step", "1s", "--hosts", tmp.File("hosts.csv"), "--vms", tmp.File("vms.csv"), "--out", outDir);

        CliRunner.AssertLocatedInputError(result, "--start 0002-01-01T00:00:00Z, --end 9999-12-31T00:00:00Z and --step 1s make 315,506,275,201 samples per VM",
            "an import reads at most 10,000,000", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }
    /// <summary>A query or fragment in --url was dropped without a word (the API paths replace it): a proxy's token in
    /// '?token=...' was never sent. Refused by name before any request.</summary>
    [Theory]
    [InlineData("http://127.0.0.1:9/prom?token=abc")]
    [InlineData("http://127.0.0.1:9/#graph")]
    public void A_prometheus_url_with_a_query_or_fragment_is_refused(string url)
    {
        using var tmp = new TempDirectory();
        File.WriteAllText(tmp.File("hosts.csv"), DatasetFixture.Hosts);
        File.WriteAllText(tmp.File("vms.csv"), DatasetFixture.Vms);
        var outDir = tmp.File("out");

        var result = CliRunner.Run("import", "--format", "prometheus", "--url", url, "--start", "2026-01-05", "--end", "2026-01-06",
            "--hosts", tmp.File("hosts.csv"), "--vms", tmp.File("vms.csv"), "--out", outDir);

        CliRunner.AssertLocatedInputError(result, "http://127.0.0.1:9/", "--url must not hold a query ('?...') or a fragment ('#...')", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    /// <summary>A --format or --placement nothing takes was System.CommandLine's "Argument 'x' not recognized. Must be one
    /// of:" and a line per value (four lines, the value's newline printed raw); now one line in the other options' words.</summary>
    [Theory]
    [InlineData("--format", "nosuch", "error: --format must be 'planetlab', 'bitbrains' or 'prometheus', not 'nosuch'")]
    [InlineData("--placement", "x\ny", "error: --placement must be 'first-fit' or 'none', not 'x\\u000ay'")]
    public void A_value_no_choice_matches_is_one_line(string option, string value, string what)
    {
        using var tmp = new TempDirectory();
        var day = tmp.File("20110411");
        Directory.CreateDirectory(day);
        File.WriteAllText(Path.Combine(day, "a"), string.Concat(Enumerable.Repeat("10\n", 288)));
        var outDir = tmp.File("out");
        var options = new Dictionary<string, string> { ["--format"] = "planetlab", ["--placement"] = "first-fit" };
        options[option] = value;

        var result = CliRunner.Run(["import", day, "--out", outDir, .. options.SelectMany(o => new[] { o.Key, o.Value })]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(what, result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(Directory.Exists(outDir));
    }
}
