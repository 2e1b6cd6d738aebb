using Consolidator.Datasets;
using Consolidator.Importers;
using Consolidator.Inventory;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Importers;

public class BitbrainsImporterTests
{
    /// <summary>The published header, verbatim, with its ";" + TAB separators.</summary>
    private const string Header =
        "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]";

    private const long T0 = 1372629804; // 2013-06-30T22:03:24Z, the trace's first timestamp (Unix seconds in a [ms] column)

    private static string Row(long t, double cores, double percent, string memProvisionedKb, double memUsedKb) =>
        string.Join(";\t", t, cores, cores * 2926, cores * 2926 * percent / 100, percent, memProvisionedKb, memUsedKb, 0.0, 1.5, 0.2, 0.1);

    private static string Folder(TempDirectory root, params (string Name, string[] Rows)[] files)
    {
        var folder = Path.Combine(root.Path, "2013-7");
        Directory.CreateDirectory(folder);
        foreach (var (name, rows) in files)
            File.WriteAllText(Path.Combine(folder, name), Header + "\n" + string.Concat(rows.Select(r => r + "\n")));
        return folder;
    }

    private static string[] Steady(int n, double cores = 2, double percent = 10, string memKb = "8388608", double usedKb = 1048576, long step = 300) =>
        [.. Enumerable.Range(0, n).Select(i => Row(T0 + i * step, cores, percent, memKb, usedKb))];

    [Fact]
    public void Survives_every_quirk_of_the_published_files()
    {
        using var root = new TempDirectory();
        string[] gap = [.. Steady(3).Take(2), .. Steady(6).Skip(4)];                  // two missing 5-minute samples
        string[] scientific = Steady(3, memKb: "1.6703488E7");                          // Java scientific notation
        string[] zero = Steady(4, cores: 0, percent: 0, memKb: "0.0", usedKb: 0);        // never provisioned
        string[] late = [.. Steady(2, cores: 0, percent: 0, memKb: "0.0", usedKb: 0), .. Steady(4, cores: 4).Skip(2)]; // starts later
        string[] over = [Row(T0, 2, 106.6, "8388608", 9000000), Row(T0 + 300, 4, 50, "8388608", 1024)];  // >100 % CPU, memory above provisioned, core change
        var folder = Folder(root, ("1.csv", gap), ("2.csv", scientific), ("10.csv", zero), ("3.csv", late), ("4.csv", over));

        var report = BitbrainsImporter.Import([folder], root.File("out"), new ImportOptions());
        var data = DatasetReader.Read(root.File("out"));

        Assert.Equal(0, report.BadRowCount);
        Assert.Equal(["1", "2", "3", "4"], data.Vms.Select(v => v.Id)); // numeric order; 10 (zero capacity) left out
        Assert.Contains(report.Notes, n => n.Contains("1 VM(s) left out: zero cores and memory provisioned in every row") && n.EndsWith(": 10"));
        // Seconds in the [ms] column stay seconds.
        Assert.Equal(T0, data.Usage[0].UnixSeconds[0]);
        Assert.Equal([T0, T0 + 300, T0 + 1200, T0 + 1500], data.Usage[0].UnixSeconds);
        Assert.Contains(report.Notes, n => n.StartsWith("2 missing sample(s) in all"));
        Assert.Equal(16703488 / 1024.0, data.Vms[1].MemoryMib, 6);
        Assert.Contains(report.Notes, n => n.StartsWith("3 value(s) in scientific notation"));
        Assert.Equal([T0 + 600, T0 + 900], data.Usage[2].UnixSeconds);
        Assert.Contains(report.Notes, n => n.StartsWith("6 row(s) with zero cores or memory provisioned"));
        // CPU cores used = % x cores; above 100 % is kept; vcpus = the most provisioned.
        Assert.Equal(1.066 * 2, data.Usage[3].CpuCores[0], 5);
        Assert.Equal(9000000 / 1024.0, data.Usage[3].MemoryMib[0], 1);
        Assert.Equal(4, data.Vms[3].Vcpus);
        Assert.Contains(report.Notes, n => n.StartsWith("1 VM(s) report CPU usage above 100 %"));
        Assert.Contains(report.Notes, n => n.StartsWith("1 VM(s) report memory usage above provisioned"));
        Assert.Contains(report.Notes, n => n.StartsWith("1 VM(s) change their core count"));
        Assert.Equal(0.1 * 2, data.Usage[0].CpuCores[0], 5);
        Assert.Equal(1024, data.Usage[0].MemoryMib[0]);
    }

    [Fact]
    public void Milliseconds_are_converted_to_seconds()
    {
        using var root = new TempDirectory();
        var folder = Folder(root, ("1.csv", [Row(T0 * 1000, 2, 10, "8388608", 1024), Row((T0 + 300) * 1000, 2, 10, "8388608", 1024)]));
        var report = BitbrainsImporter.Import([folder], root.File("out"), new ImportOptions());
        Assert.Equal([T0, T0 + 300], DatasetReader.Read(root.File("out")).Usage[0].UnixSeconds);
        Assert.Contains(report.Notes, n => n.StartsWith("2 timestamp(s) in milliseconds"));
    }

    [Fact]
    public void Bad_rows_are_reported_with_file_line_and_column_and_skipped()
    {
        using var root = new TempDirectory();
        string[] rows = [.. Steady(8)];
        rows[1] = rows[1].Replace(";\t10;", ";\tten;");                   // CPU usage [%] not a number
        rows[2] = rows[2].Replace(";\t1048576;", ";\t-1;");                // negative memory usage
        rows[3] = string.Join(";\t", rows[3].Split(";\t").Take(4));        // fields missing
        rows[5] = rows[0];                                                 // out of order
        var folder = Folder(root, ("7.csv", rows));
        var file = Path.Combine(folder, "7.csv");

        var report = BitbrainsImporter.Import([folder], root.File("out"), new ImportOptions());

        Assert.Equal(4, report.BadRowCount);
        Assert.Equal([(file, 3), (file, 4), (file, 5), (file, 7)], report.BadRows.Select(b => (b.File, b.Line)));
        // Each listed as --strict fails on it: the column by its header name and number (the short row by the first it lacks).
        Assert.Equal([("CPU usage [%]", 5), ("Memory usage [KB]", 7), ("CPU usage [%]", 5), ("Timestamp [ms]", 1)],
            report.BadRows.Select(b => (b.Column!, b.ColumnNumber)));
        Assert.StartsWith($"{file}:3, column 5 'CPU usage [%]': not a number", report.BadRows[0].ToString());
        Assert.Contains("not a number", report.BadRows[0].Problem);
        Assert.Contains("'ten'", report.BadRows[0].Problem);
        Assert.Contains("must not be negative", report.BadRows[1].Problem);
        Assert.Contains("4 fields but the header has 11", report.BadRows[2].Problem);
        Assert.Contains("before the previous row's", report.BadRows[3].Problem);
        Assert.Equal(4, DatasetReader.Read(root.File("out")).Usage[0].Count);

        var e = Assert.Throws<InputException>(() => BitbrainsImporter.Import([folder], root.File("strict"), new ImportOptions(Strict: true)));
        Assert.Equal((file, 3, "CPU usage [%]", 5, "ten"), (e.File, e.Line, e.Column, e.ColumnNumber, e.Value));
        Assert.False(Directory.Exists(root.File("strict")));
    }

    /// <summary>Two rows joined where a line break was lost (a file appended to one that did not end in one): the first
    /// row's fields were read and the second row dropped without a word. Now a bad row naming the first filled field past
    /// the header; a trailing ';' (an empty field) is no loss and passes.</summary>
    [Fact]
    public void A_row_with_filled_fields_past_the_header_is_a_bad_row_an_empty_one_passes()
    {
        using var root = new TempDirectory();
        string[] rows = [.. Steady(4)];
        rows[1] = rows[1] + rows[2];          // rows 2 and 3 joined: "...;\t0.11372629804;\t2;..."
        rows[2] = rows[3] + ";";              // a trailing separator
        var folder = Folder(root, ("7.csv", rows[..3]));
        var file = Path.Combine(folder, "7.csv");

        var report = BitbrainsImporter.Import([folder], root.File("out"), new ImportOptions());

        var bad = Assert.Single(report.BadRows);
        Assert.Equal((file, 3, "past the header", 12), (bad.File, bad.Line, bad.Column, bad.ColumnNumber));
        Assert.Contains("the row has 21 fields but the header has 11", bad.Problem);
        Assert.Equal([T0, T0 + 900], DatasetReader.Read(root.File("out")).Usage[0].UnixSeconds);
    }

    /// <summary>The columns are found by name, so a file may hold them in any order. A value the dataset cannot hold (a
    /// memory usage beyond its 32-bit MiB) was named as "Memory usage [KB]" with no number, and a timestamp out of order
    /// as column 1 wherever the timestamp stood: both by the file's own header now.</summary>
    [Fact]
    public void A_bad_row_in_a_file_with_reordered_columns_is_named_by_that_files_column_numbers()
    {
        using var root = new TempDirectory();
        var folder = Path.Combine(root.Path, "2013-7");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "7.csv");
        // Memory usage first, timestamp last: the five columns the importer reads, by name.
        File.WriteAllText(file, string.Join("\n",
            "Memory usage [KB];\tCPU usage [%];\tCPU cores;\tMemory capacity provisioned [KB];\tTimestamp [ms]",
            $"1048576;\t10;\t2;\t8388608;\t{T0}",
            $"1e16;\t10;\t2;\t8388608;\t{T0 + 300}",
            $"1048576;\t10;\t2;\t8388608;\t{T0 - 300}",
            $"1048576;\t10;\t2;\t8388608;\t{T0 + 600}") + "\n");

        var report = BitbrainsImporter.Import([folder], root.File("out"), new ImportOptions());

        Assert.Equal([(3, "Memory usage [KB]", 1), (4, "Timestamp [ms]", 5)], report.BadRows.Select(b => (b.Line, b.Column!, b.ColumnNumber)));
        Assert.Contains("too large", report.BadRows[0].Problem);
    }

    /// <summary>Seconds are below 1e11 (year 5138) and milliseconds from 1e12 (2001-09-09) on; a value between them is
    /// neither a time a VM trace holds in seconds nor one in milliseconds. 253402300799 (9999-12-31T23:59:59 in seconds)
    /// was read as milliseconds, 1978-01-12, and written as the VM's first sample with no bad row.</summary>
    [Theory]
    [InlineData(253402300799L)]
    [InlineData(100_000_000_000L)]
    [InlineData(999_999_999_999L)]
    public void A_timestamp_neither_seconds_nor_milliseconds_is_a_bad_row(long timestamp)
    {
        using var root = new TempDirectory();
        string[] rows = [Row(timestamp, 2, 10, "8388608", 1048576), .. Steady(3)];
        var folder = Folder(root, ("7.csv", rows));
        var file = Path.Combine(folder, "7.csv");

        var report = BitbrainsImporter.Import([folder], root.File("out"), new ImportOptions());

        Assert.Equal(1, report.BadRowCount);
        Assert.Equal((file, 2), (report.BadRows[0].File, report.BadRows[0].Line));
        Assert.Contains($"'{timestamp}'", report.BadRows[0].Problem);
        Assert.Equal([T0, T0 + 300, T0 + 600], DatasetReader.Read(root.File("out")).Usage[0].UnixSeconds);
        var e = Assert.Throws<InputException>(() => BitbrainsImporter.Import([folder], root.File("strict"), new ImportOptions(Strict: true)));
        Assert.Equal((file, 2, "Timestamp [ms]", 1, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)), (e.File, e.Line, e.Column, e.ColumnNumber, e.Value));
        Assert.False(Directory.Exists(root.File("strict")));
    }

    [Fact]
    public void A_repeated_timestamp_keeps_the_first_row_of_that_instant_and_is_counted_not_bad()
    {
        using var root = new TempDirectory();
        string[] rows = [.. Steady(4)];
        rows = [rows[0], rows[1], rows[1], rows[1].Replace(";\t10;", ";\t90;"), rows[2], rows[3]];
        var folder = Folder(root, ("7.csv", rows));

        var report = BitbrainsImporter.Import([folder], root.File("out"), new ImportOptions());

        Assert.Equal(0, report.BadRowCount);
        Assert.Contains(report.Notes, n => n.StartsWith("1 row(s) repeating the previous row exactly"));
        Assert.Contains(report.Notes, n => n.StartsWith("1 row(s) with the previous row's timestamp but other values"));
        var usage = DatasetReader.Read(root.File("out")).Usage[0];
        Assert.Equal([T0, T0 + 300, T0 + 600, T0 + 900], usage.UnixSeconds);
        Assert.All(usage.CpuCores, c => Assert.Equal(0.2f, c, 5));
    }

    /// <summary>The same folder given twice (or reached twice, as a month and inside its parent), or a VM's file beside its
    /// gzip copy, read every row of the VM twice: the second copy was hundreds of out-of-order bad rows per VM and exit 0,
    /// where PlanetLab refuses a day given twice. Refused, naming both.</summary>
    [Theory]
    [InlineData("folder-twice")]
    [InlineData("folder-and-parent")]
    [InlineData("csv-and-gz")]
    public void A_vm_read_twice_is_refused_naming_both(string how)
    {
        using var root = new TempDirectory();
        var folder = Folder(root, ("1.csv", Steady(3)), ("2.csv", Steady(3)));
        string[] sources = how switch
        {
            "folder-twice" => [folder, folder + Path.DirectorySeparatorChar],
            "folder-and-parent" => [folder, root.Path],
            _ => [folder],
        };
        if (how == "csv-and-gz")
        {
            using var output = File.Create(Path.Combine(folder, "2.csv.gz"));
            using var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal);
            gzip.Write(File.ReadAllBytes(Path.Combine(folder, "2.csv")));
        }

        var e = Assert.Throws<InputException>(() => BitbrainsImporter.Import(sources, root.File("out"), new ImportOptions()));

        Assert.Contains(how == "csv-and-gz" ? "2.csv" : "2013-7", e.Message);
        Assert.Contains(how == "csv-and-gz" ? "VM '2' has two files" : "given twice", e.Message);
        Assert.False(Directory.Exists(root.File("out")));
    }

    /// <summary>Month folders of one VM in the wrong order: the row before a month's first was the last of another file,
    /// and the bad row said "(... on line 577)", a line of the file it names, not of the other one.</summary>
    [Fact]
    public void An_out_of_order_row_names_the_file_of_the_row_before_it()
    {
        using var root = new TempDirectory();
        var june = Path.Combine(root.Path, "2013-6");
        var july = Folder(root, ("1.csv", Steady(3)));
        Directory.CreateDirectory(june);
        File.WriteAllText(Path.Combine(june, "1.csv"), Header + "\n" + Row(T0 + 3000, 2, 10, "8388608", 1048576) + "\n");

        var report = BitbrainsImporter.Import([june, july], root.File("out"), new ImportOptions());

        Assert.Equal(3, report.BadRowCount);
        Assert.Contains($"on line 2 of {Path.Combine(june, "1.csv")}", report.BadRows[0].Problem);
    }

    [Fact]
    public void Gzip_files_import_as_their_plain_content_does_without_unpacking()
    {
        using var root = new TempDirectory();
        var plain = Folder(root, ("1.csv", Steady(5)), ("2.csv", Steady(3, cores: 4)));
        var packed = Path.Combine(root.Path, "packed");
        Directory.CreateDirectory(packed);
        foreach (var file in Directory.GetFiles(plain))
        {
            using var output = File.Create(Path.Combine(packed, Path.GetFileName(file) + ".gz"));
            using var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal);
            gzip.Write(File.ReadAllBytes(file));
        }

        BitbrainsImporter.Import([plain], root.File("a"), new ImportOptions());
        BitbrainsImporter.Import([packed], root.File("b"), new ImportOptions());

        foreach (var name in new[] { "hosts.csv", "vms.csv", "usage.csv" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(root.File("a"), name)), File.ReadAllBytes(Path.Combine(root.File("b"), name)));
        Assert.Equal(["packed"], Directory.GetDirectories(root.Path).Select(Path.GetFileName).Where(n => n == "packed"));
        Assert.Equal(2, Directory.GetFiles(packed).Length);
    }

    /// <summary>A typo in a timestamp that is still a time (2049 in a 2013 trace) was imported, and every command then
    /// refused the dataset at a line of its usage.csv: the import now refuses it at the source's file and line.</summary>
    [Fact]
    public void A_sample_dated_far_from_the_others_is_refused_at_its_source_line_and_nothing_is_written()
    {
        using var root = new TempDirectory();
        const long Typo = 2_500_000_000; // 2049-03-22
        var folder = Folder(root, ("7.csv", [.. Steady(300), Row(Typo, 2, 10, "8388608", 1048576)]), ("8.csv", Steady(300)));

        var e = Assert.Throws<InputException>(() => BitbrainsImporter.Import([folder], root.File("out"), new ImportOptions()));

        Assert.Equal((Path.Combine(folder, "7.csv"), 302, "Timestamp [ms]", 1), (e.File, e.Line, e.Column, e.ColumnNumber));
        Assert.Contains("the sample of VM '7' at 2049-03-22T04:26:40Z lies 13,048 days (35.7 years) after the rest of the history (600 of 601 rows lie from 2013-06-30 to 2013-07-01)", e.Message);
        Assert.False(Directory.Exists(root.File("out")));
    }

    [Fact]
    public void A_corrupt_gzip_file_is_an_error_naming_it_and_nothing_is_written()
    {
        using var root = new TempDirectory();
        var folder = Path.Combine(root.Path, "2013-7");
        Directory.CreateDirectory(folder);
        var bad = Path.Combine(folder, "1.csv.gz");
        using (var output = new MemoryStream())
        {
            using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
                gzip.Write(System.Text.Encoding.UTF8.GetBytes(Header + "\n" + string.Concat(Steady(500).Select(r => r + "\n"))));
            // Cut off the last quarter, trailer included: .NET's own GZipStream would read the rest without a word.
            File.WriteAllBytes(bad, output.ToArray()[..(int)(output.Length * 3 / 4)]);
        }

        var e = Assert.Throws<InputException>(() => BitbrainsImporter.Import([folder], root.File("out"), new ImportOptions()));

        Assert.Equal(bad, e.File);
        Assert.Contains("not a whole gzip file", e.Message);
        Assert.False(Directory.Exists(root.File("out")));
    }

    [Fact]
    public void A_folder_named_like_a_vm_file_is_an_error_not_a_vm_left_out()
    {
        using var root = new TempDirectory();
        var folder = Folder(root, ("1.csv", Steady(3)), ("2.csv", Steady(3)));
        Directory.CreateDirectory(Path.Combine(folder, "4.csv"));
        var e = Assert.Throws<InputException>(() => BitbrainsImporter.Import([folder], root.File("out"), new ImportOptions()));
        Assert.Equal(Path.Combine(folder, "4.csv"), e.File);
        Assert.Contains("named like a trace file but a folder", e.Message);
        Assert.False(Directory.Exists(root.File("out")));
    }

    [Fact]
    public void Vm_files_beside_folders_of_vm_files_are_refused_not_the_folders_skipped()
    {
        using var root = new TempDirectory();
        Folder(root, ("1.csv", Steady(3)), ("2.csv", Steady(3)));                 // root/2013-7/1.csv, 2.csv
        File.WriteAllText(root.File("9.csv"), Header + "\n" + string.Concat(Steady(3).Select(r => r + "\n")));
        var e = Assert.Throws<InputException>(() => BitbrainsImporter.Import([root.Path], root.File("out"), new ImportOptions()));
        Assert.Equal(root.Path, e.File);
        Assert.Contains("holds VM files and also folders of VM files ('2013-7')", e.Message);
        Assert.False(Directory.Exists(root.File("out")));
    }

    /// <summary>The VM's size is the most provisioned in any row: one row of 1e30 KB made a vms.csv of 9.8E+26 MiB, exit 0,
    /// which every command then refused. Now that row is a bad row in its own column and the rest is imported.</summary>
    [Fact]
    public void A_provisioned_size_no_dataset_holds_is_a_bad_row_in_its_column()
    {
        using var root = new TempDirectory();
        var folder = Folder(root, ("1.csv", [.. Steady(2), Row(T0 + 600, 2, 10, "1e30", 1024), Row(T0 + 900, 1e12, 10, "8388608", 1024)]));
        var report = BitbrainsImporter.Import([folder], root.File("out"), new ImportOptions());
        Assert.Equal(2, report.BadRowCount);
        var data = DatasetReader.Read(root.File("out"));
        Assert.Equal((2.0, 8192.0), (data.Vms[0].Vcpus, data.Vms[0].MemoryMib));
        Assert.Equal(2, data.Usage[0].Count);
    }

    [Fact]
    public void A_missing_column_names_the_file_and_the_column()
    {
        using var root = new TempDirectory();
        var folder = Path.Combine(root.Path, "x");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "1.csv"), "Timestamp [ms],CPU cores,CPU usage [%]\n1,2,3\n");
        var e = Assert.Throws<InputException>(() => BitbrainsImporter.Import([folder], root.File("out"), new ImportOptions()));
        Assert.Equal((Path.Combine(folder, "1.csv"), 1, "Timestamp [ms]"), (e.File, e.Line, e.Column));
        Assert.Contains("separated by ';'", e.Message);
        Assert.Contains(":1, column 'Timestamp [ms]': required column", e.Message);   // named, not "column 0"
    }

    [Fact]
    public void Hosts_are_as_many_r820s_as_the_current_placement_needs_unless_given()
    {
        using var root = new TempDirectory();
        // Three VMs of 16 cores: two per 32-core R820.
        var folder = Folder(root, [.. Enumerable.Range(1, 3).Select(i => ($"{i}.csv", Steady(2, cores: 16)))]);
        var data = Imported(root, folder, new ImportOptions());
        Assert.Equal(2, data.Hosts.Length);
        Assert.Equal(["r820-000", "r820-000", "r820-001"], data.Vms.Select(v => v.CurrentHost));
        Assert.Equal(446, data.Hosts[0].PowerTable!.MaxWatts);

        var own = Imported(root, folder, new ImportOptions(Hosts: [new Host("big", 64, 1 << 20, 100, 300)]));
        Assert.Equal(["big", "big", "big"], own.Vms.Select(v => v.CurrentHost));
    }

    private static Traces.Dataset Imported(TempDirectory root, string folder, ImportOptions options)
    {
        var outDir = root.File("out-" + Guid.NewGuid().ToString("N"));
        BitbrainsImporter.Import([folder], outDir, options);
        return DatasetReader.Read(outDir);
    }
}
