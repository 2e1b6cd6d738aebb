using Consolidator.Datasets;
using Consolidator.Importers;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Importers;

/// <summary>Issue 15: the Bitbrains importer carries the trace's disk write throughput to usage.csv's
/// disk_write_kib_s, which the simulator's block migration reads.</summary>
public class BitbrainsDiskWriteTests
{
    private const string Header =
        "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]";

    private const long T0 = 1372629804;

    private static string Row(int i, string write) => string.Join(";\t", T0 + 300 * i, 2, 5852, 585.2, 10, 8388608, 1048576, 0.0, write, 0.2, 0.1);

    [Fact]
    public void Disk_writes_reach_usage_and_the_vm_s_mean_write_rate()
    {
        using var root = new TempDirectory();
        var folder = Path.Combine(root.Path, "2013-7");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "1.csv"), Header + "\n" + Row(0, "10.5") + "\n" + Row(1, "21.5") + "\n" + Row(2, "ten") + "\n");

        var report = BitbrainsImporter.Import([folder], root.File("out"), new ImportOptions());
        var data = DatasetReader.Read(root.File("out"));

        Assert.Contains(DatasetReader.DiskWriteColumn, File.ReadLines(Path.Combine(root.File("out"), DatasetWriter.UsageFile)).First());
        Assert.Equal(16, data.Usage[0].MeanDiskWriteKibPerSecond!.Value, 6);
        var bad = Assert.Single(report.BadRows);
        Assert.Equal(4, bad.Line);
        Assert.Contains("'ten'", bad.Problem);
    }

    [Fact]
    public void A_file_without_the_column_imports_with_no_write_rate()
    {
        using var root = new TempDirectory();
        var folder = Path.Combine(root.Path, "2013-7");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "1.csv"),
            "Timestamp [ms];\tCPU cores;\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB]\n" +
            string.Join(";\t", T0, 2, 10, 8388608, 1048576) + "\n");

        BitbrainsImporter.Import([folder], root.File("out"), new ImportOptions());

        Assert.Null(DatasetReader.Read(root.File("out")).Usage[0].MeanDiskWriteKibPerSecond);
    }
}
