using Consolidator.Datasets;
using Consolidator.Importers;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Importers;

public class PlanetLabImporterTests
{
    private static readonly long Apr11 = new DateTimeOffset(2011, 4, 11, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    /// <summary>A day folder with one file per VM; each file gets the given lines (a full day unless told).</summary>
    private static string Day(TempDirectory root, string day, params (string Vm, string[] Lines)[] files)
    {
        var folder = Path.Combine(root.Path, "src", day);
        Directory.CreateDirectory(folder);
        foreach (var (vm, lines) in files) File.WriteAllText(Path.Combine(folder, vm), string.Concat(lines.Select(l => l + "\n")));
        return folder;
    }

    private static string[] FullDay(int percent) => [.. Enumerable.Repeat(percent.ToString(System.Globalization.CultureInfo.InvariantCulture), 288)];

    [Fact]
    public void Imports_days_with_cloudsim_types_hosts_and_five_minute_timestamps()
    {
        using var root = new TempDirectory();
        var d1 = Day(root, "20110411", ("a_slice", FullDay(10)), ("b_ spaced slice", FullDay(20)), ("c", FullDay(30)), ("d", FullDay(40)), ("e", FullDay(50)));
        var d2 = Day(root, "20110412", ("b_ spaced slice", FullDay(60)), ("f", FullDay(70)));
        var outDir = root.File("out");

        var report = PlanetLabImporter.Import([d2, d1], outDir, new ImportOptions());
        var data = DatasetReader.Read(outDir);

        Assert.Equal(0, report.BadRowCount);
        Assert.Equal(["a_slice", "b_ spaced slice", "c", "d", "e", "f"], data.Vms.Select(v => v.Id));
        // Six VMs: blocks of ceil(6 / 4) = 2, so types 0, 0, 1, 1, 2, 2 (2500/870, 2000/1740, 1000/1740).
        Assert.Equal([2.5, 2.5, 2.0, 2.0, 1.0, 1.0], data.Vms.Select(v => v.Vcpus));
        Assert.Equal([870.0, 870, 1740, 1740, 1740, 1740], data.Vms.Select(v => v.MemoryMib));
        Assert.Equal(800, data.Hosts.Length);
        Assert.Equal(("ml110g4-000", 3.72, 86.0), (data.Hosts[0].Id, data.Hosts[0].CpuCores, data.Hosts[0].PowerTable!.IdleWatts));
        Assert.Equal(("ml110g5-001", 5.32, 135.0), (data.Hosts[1].Id, data.Hosts[1].CpuCores, data.Hosts[1].PowerTable!.MaxWatts));

        var spaced = data.Usage[1];
        Assert.Equal(2 * 288, spaced.Count);
        Assert.Equal(Apr11, spaced.UnixSeconds[0]);
        Assert.Equal(Apr11 + 300, spaced.UnixSeconds[1]);
        Assert.Equal(Apr11 + 86400, spaced.UnixSeconds[288]);
        Assert.Equal(0.2 * 2.5, spaced.CpuCores[0], 5);
        Assert.Equal(0.6 * 2.5, spaced.CpuCores[288], 5);
        Assert.All(spaced.MemoryMib, m => Assert.Equal(870, m));
        Assert.Contains(report.Notes, n => n.Contains("1 VM id(s) contain a space"));
    }

    [Theory]
    [InlineData("extra", "a folder among the trace files")]
    [InlineData("20110411", "holds VM files ('a') and also day folders ('20110411')")]    // a day unpacked into itself
    public void A_folder_inside_a_day_folder_is_an_error_not_its_vms_left_out(string inner, string expected)
    {
        using var root = new TempDirectory();
        var d = Day(root, "20110411", ("a", FullDay(10)));
        Directory.CreateDirectory(Path.Combine(d, inner));
        File.WriteAllText(Path.Combine(d, inner, "b"), string.Concat(FullDay(20).Select(l => l + "\n")));
        var e = Assert.Throws<InputException>(() => PlanetLabImporter.Import([d], root.File("out"), new ImportOptions()));
        Assert.Contains(expected, e.Message);
        Assert.False(Directory.Exists(root.File("out")));
    }

    [Fact]
    public void Current_placement_is_allocation_first_fit_on_the_hosts_in_order()
    {
        using var root = new TempDirectory();
        var d = Day(root, "20110411", [.. Enumerable.Range(0, 8).Select(i => ($"vm{i}", FullDay(5)))]);
        var data = Imported(root, [d], new ImportOptions());
        // Types 2500/870 x2, 2000/1740 x2, 1000/1740 x2, 500/613 x2 on G4 (3.72 cores), G5 (5.32), G4, ...;
        // the last VM fits ml110g4-002 with 3 MiB to spare.
        Assert.Equal(["ml110g4-000", "ml110g5-001", "ml110g5-001", "ml110g4-002", "ml110g4-000", "ml110g4-002", "ml110g5-001", "ml110g4-002"],
            data.Vms.Select(v => v.CurrentHost));

        var none = Imported(root, [d], new ImportOptions(Placement: CurrentPlacementRule.None, HostCount: 3));
        Assert.All(none.Vms, v => Assert.Null(v.CurrentHost));
        Assert.Equal(3, none.Hosts.Length);
    }

    [Fact]
    public void A_root_folder_of_day_folders_is_read_day_by_day_and_hidden_files_are_ignored()
    {
        using var root = new TempDirectory();
        Day(root, "20110412", ("x", FullDay(1)));
        Day(root, "20110411", ("x", FullDay(2)), (".DS_Store", ["junk"]));
        File.WriteAllText(Path.Combine(root.Path, "src", "PROVENANCE.md"), "# not a trace\n");
        var data = Imported(root, [Path.Combine(root.Path, "src")], new ImportOptions());
        Assert.Equal(["x"], data.Vms.Select(v => v.Id));
        Assert.Equal(576, data.Usage[0].Count);
        Assert.Equal(Apr11, data.Usage[0].UnixSeconds[0]);
    }

    [Fact]
    public void Bad_lines_are_reported_with_file_and_line_counted_and_skipped()
    {
        using var root = new TempDirectory();
        string[] lines = [.. FullDay(10)];
        lines[2] = "abc";
        lines[4] = "-5";
        lines[6] = "";
        lines[8] = "150";
        var d = Day(root, "20110411", ("vm", [.. lines, "7"]), ("short", ["1", "2"]));

        var report = PlanetLabImporter.Import([d], root.File("out"), new ImportOptions());
        var data = DatasetReader.Read(root.File("out"));

        var file = Path.Combine(d, "vm");
        Assert.Equal(4, report.BadRowCount);
        Assert.Equal([(file, 3), (file, 5), (file, 7), (file, 289)], report.BadRows.Select(b => (b.File, b.Line)));
        // A file of one value a line, no header: each bad line names that one column, as --strict would.
        Assert.All(report.BadRows, b => Assert.Equal((PlanetLabImporter.ValueColumn, 1), (b.Column, b.ColumnNumber)));
        Assert.StartsWith($"{file}:3, column 1 'CPU %': not a CPU utilisation", report.BadRows[0].ToString());
        Assert.Contains("not a CPU utilisation", report.BadRows[0].Problem);
        Assert.Contains("'abc'", report.BadRows[0].Problem);
        Assert.Contains("negative", report.BadRows[1].Problem);
        Assert.Contains("empty line", report.BadRows[2].Problem);
        Assert.Contains("next day", report.BadRows[3].Problem);
        Assert.Contains(report.Notes, n => n.StartsWith("1 sample(s) above 100 % CPU"));
        Assert.Contains(report.Notes, n => n.StartsWith("286 missing sample(s) at the end of short day files"));
        var vm = data.Usage[data.Vms.IndexOf(data.Vms.Single(v => v.Id == "vm"))];
        Assert.Equal(285, vm.Count);
        // A skipped line leaves its 5-minute step empty; the next line keeps its own time.
        Assert.Equal(Apr11 + 3 * 300, vm.UnixSeconds[2]);
        // "short" sorts first, so "vm" is the second of two VMs: type 1, 2000 MIPS; 150 % of it is kept.
        Assert.Equal(1.5 * 2.0, vm.CpuCores[5], 5);
    }

    [Fact]
    public void A_value_too_large_for_the_dataset_is_a_bad_line_never_written_as_infinity()
    {
        using var root = new TempDirectory();
        string[] lines = [.. FullDay(10)];
        lines[3] = "1e41";
        var d = Day(root, "20110411", ("vm", lines));

        var report = PlanetLabImporter.Import([d], root.File("out"), new ImportOptions());

        Assert.Equal([(Path.Combine(d, "vm"), 4)], report.BadRows.Select(b => (b.File, b.Line)));
        Assert.Contains("too large", report.BadRows[0].Problem);
        Assert.DoesNotContain("Infinity", File.ReadAllText(Path.Combine(root.File("out"), "usage.csv")));
        Assert.Equal(287, DatasetReader.Read(root.File("out")).Usage[0].Count);
    }

    [Fact]
    public void Strict_stops_at_the_first_bad_line_and_writes_nothing()
    {
        using var root = new TempDirectory();
        string[] lines = [.. FullDay(10)];
        lines[41] = "12.5.3";
        var d = Day(root, "20110411", ("vm", lines));
        var outDir = root.File("out");

        var e = Assert.Throws<InputException>(() => PlanetLabImporter.Import([d], outDir, new ImportOptions(Strict: true)));

        Assert.Equal(Path.Combine(d, "vm"), e.File);
        Assert.Equal(42, e.Line);
        Assert.Equal("12.5.3", e.Value);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void A_vm_with_no_usable_line_is_left_out_and_said_so()
    {
        using var root = new TempDirectory();
        var d = Day(root, "20110411", ("good", FullDay(1)), ("empty", []));
        var report = PlanetLabImporter.Import([d], root.File("out"), new ImportOptions());
        Assert.Equal(["good"], DatasetReader.Read(root.File("out")).Vms.Select(v => v.Id));
        Assert.Contains(report.Notes, n => n.Contains("'empty' left out"));
    }

    [Theory]
    [InlineData("april-11", "yyyyMMdd")]
    [InlineData("20111341", "yyyyMMdd")]
    public void A_day_folder_must_be_named_after_its_day(string name, string problem)
    {
        using var root = new TempDirectory();
        var d = Day(root, name, ("vm", FullDay(1)));
        var e = Assert.Throws<InputException>(() => PlanetLabImporter.Import([d], root.File("out"), new ImportOptions()));
        Assert.Equal(d, e.File);
        Assert.Contains(problem, e.Message);
    }

    /// <summary>A day folder dated before 1970 or after 2099: every line was a bad row ("a time outside ...", quoting the
    /// CPU value as the time) and the import wrote a dataset of no VM, exit 0. Now the folder is refused, nothing written.</summary>
    [Theory]
    [InlineData("19000101")]
    [InlineData("21000101")]
    public void A_day_folder_outside_the_sample_years_is_refused(string name)
    {
        using var root = new TempDirectory();
        var d = Day(root, name, ("vm", FullDay(1)));
        var e = Assert.Throws<InputException>(() => PlanetLabImporter.Import([d], root.File("out"), new ImportOptions()));
        Assert.Equal((d, name), (e.File, e.Value));
        Assert.Contains("the day folder's date is outside 1970-01-01T00:00:00Z to 2099-12-31T23:59:59Z", e.Message);
        Assert.False(Directory.Exists(root.File("out")));
    }

    /// <summary>Every line of every file bad: a dataset of no VM was written (exit 0) that every command refused ("no
    /// VMs: the file has a header but no rows"); Bitbrains said "no usable samples in any file" already.</summary>
    [Fact]
    public void No_usable_line_in_any_file_is_an_error_and_writes_nothing()
    {
        using var root = new TempDirectory();
        var d = Day(root, "20110411", ("a", ["abc", "-5"]), ("b", ["x"]));
        var e = Assert.Throws<InputException>(() => PlanetLabImporter.Import([d], root.File("out"), new ImportOptions()));
        Assert.Contains("no usable samples in any file (3 bad rows)", e.Message);
        Assert.False(Directory.Exists(root.File("out")));
    }

    private static void Gzip(string path, string text)
    {
        using var file = File.Create(path);
        using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Optimal);
        gzip.Write(System.Text.Encoding.UTF8.GetBytes(text));
    }

    /// <summary>A day file gzip-compressed as `vm.gz` (or gzip under its plain name) was read as text: 288 lines of
    /// compressed bytes, every one a bad row, and the VM "vm.gz" left out with exit code 0. Now decompressed, as Bitbrains'
    /// .csv.gz files are: the same samples as the plain file, the VM named without .gz.</summary>
    [Fact]
    public void A_gzip_day_file_is_read_as_its_text()
    {
        using var root = new TempDirectory();
        var d1 = Day(root, "20110411", ("plain", FullDay(10)));
        var d2 = Day(root, "20110412");
        var text = string.Concat(FullDay(30).Select(l => l + "\n"));
        Gzip(Path.Combine(d1, "zipped.gz"), text);
        Gzip(Path.Combine(d2, "plain.gz"), text);
        Gzip(Path.Combine(d2, "renamed"), text);
        var outDir = root.File("out");

        var report = PlanetLabImporter.Import([d1, d2], outDir, new ImportOptions());
        var data = DatasetReader.Read(outDir);

        Assert.Equal(0, report.BadRowCount);
        Assert.Equal(["plain", "renamed", "zipped"], data.Vms.Select(v => v.Id));
        Assert.Equal(2 * 288, data.Usage[0].Count);
        Assert.Equal(0.3 * 2.5, data.Usage[0].CpuCores[288], 5);
        Assert.All(data.Usage.Skip(1), u => Assert.Equal(288, u.Count));
    }

    /// <summary>A truncated gzip file, a small one that expands past a day file's size, and a VM's file beside its gzip
    /// copy in one day (its day read twice) are refused, naming the file, and nothing is written.</summary>
    [Theory]
    [InlineData("truncated", "not a whole gzip file")]
    [InlineData("bomb", "once decompressed")]
    [InlineData("both", "has two files in this day folder")]
    public void A_bad_gzip_day_file_is_refused(string how, string problem)
    {
        using var root = new TempDirectory();
        var d = Day(root, "20110411", ("other", FullDay(1)));
        var zipped = Path.Combine(d, "vm.gz");
        Gzip(zipped, how == "bomb" ? new string('1', 1 << 20) : string.Concat(FullDay(5).Select(l => l + "\n")));
        if (how == "truncated") File.WriteAllBytes(zipped, File.ReadAllBytes(zipped)[..^6]);
        if (how == "both") File.WriteAllText(Path.Combine(d, "vm"), "5\n");

        var e = Assert.Throws<InputException>(() => PlanetLabImporter.Import([d], root.File("out"), new ImportOptions()));

        Assert.Contains(problem, e.Message);
        Assert.Contains(Path.Combine(d, "vm"), e.Message);
        Assert.False(Directory.Exists(root.File("out")));
    }

    [Fact]
    public void The_same_day_twice_is_an_error()
    {
        using var root = new TempDirectory();
        var d = Day(root, "20110411", ("vm", FullDay(1)));
        var e = Assert.Throws<InputException>(() => PlanetLabImporter.Import([d, d], root.File("out"), new ImportOptions()));
        Assert.Contains("given twice", e.Message);
    }

    [Fact]
    public void The_same_input_gives_the_same_bytes()
    {
        using var root = new TempDirectory();
        var d = Day(root, "20110411", ("z", FullDay(3)), ("a", FullDay(4)), ("10_x", FullDay(5)), ("9_x", FullDay(6)));
        PlanetLabImporter.Import([d], root.File("one"), new ImportOptions());
        PlanetLabImporter.Import([d], root.File("two"), new ImportOptions());
        foreach (var f in new[] { "hosts.csv", "vms.csv", "usage.csv" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(root.File("one"), f)), File.ReadAllBytes(Path.Combine(root.File("two"), f)));
        // All-digit prefixes sort as numbers: 9_x before 10_x.
        Assert.Equal(["9_x", "10_x", "a", "z"], DatasetReader.Read(root.File("one")).Vms.Select(v => v.Id));
    }

    private static Traces.Dataset Imported(TempDirectory root, string[] sources, ImportOptions options)
    {
        var outDir = root.File("out-" + Guid.NewGuid().ToString("N"));
        PlanetLabImporter.Import(sources, outDir, options);
        return DatasetReader.Read(outDir);
    }
}
