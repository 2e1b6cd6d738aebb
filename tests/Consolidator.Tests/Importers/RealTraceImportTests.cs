using Consolidator.Datasets;
using Consolidator.Importers;
using Consolidator.Tests.Support;
using Xunit.Abstractions;

namespace Consolidator.Tests.Importers;

/// <summary>The importers on the published folders in ../shared/datasets, when this machine has them.</summary>
public class RealTraceImportTests(ITestOutputHelper output)
{
    /// <summary>The folder, or the test is reported skipped with the reason (not passed for nothing).</summary>
    private string Folder(params string[] parts)
    {
        var path = RepoPaths.Shared is { } shared ? Path.Combine([shared, "datasets", .. parts]) : null;
        var missing = path is not null && Directory.Exists(path) ? null : $"{Path.Combine(parts)} is not under ../shared/datasets on this machine";
        if (missing is not null) output.WriteLine($"skipped: {missing}");
        Skip.If(missing is not null, missing);
        return path!;
    }

    [SkippableFact]
    public void Bitbrains_rnd_july_first_48_hours()
    {
        var folder = Folder("bitbrains-rnd", "2013-7");
        using var dir = new TempDirectory();

        var report = BitbrainsImporter.Import([folder], dir.Path, new ImportOptions());
        var data = DatasetReader.Read(dir.Path);

        // PROVENANCE.md: 425 VMs, 244,327 rows, of which 12 VMs (38, 44-54) never provisioned; 33 VMs above
        // 100 % CPU; VMs 255, 305 and 410 above provisioned memory; scientific notation in 113 files.
        Assert.Equal(0, report.BadRowCount);
        Assert.Equal(413, data.Vms.Length);
        Assert.Contains(report.Notes, n => n == "12 VM(s) left out: zero cores and memory provisioned in every row (never running in the trace): 38, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54");
        Assert.Contains(report.Notes, n => n.StartsWith("8048 row(s) with zero cores or memory provisioned"));
        Assert.Equal(244_327 - 8_048, report.Rows);
        Assert.Contains(report.Notes, n => n.StartsWith("33 VM(s) report CPU usage above 100 %"));
        Assert.Contains(report.Notes, n => n.StartsWith("3 VM(s) report memory usage above provisioned"));
        Assert.Contains(report.Notes, n => n.Contains("missing sample(s) in all"));
        Assert.Contains(report.Notes, n => n.Contains("scientific notation"));
        Assert.All(data.Usage, s => Assert.True(s.UnixSeconds[0] >= 1372629804 && s.UnixSeconds[^1] < 1372802604));
        Assert.Equal(32, data.Vms.Max(v => v.Vcpus));
        Assert.All(data.Vms, v => Assert.NotNull(v.CurrentHost));
    }

    [SkippableFact]
    public void Bitbrains_rnd_whole_july_from_gzip()
    {
        var folder = Folder("bitbrains-rnd-month", "2013-7");
        using var dir = new TempDirectory();

        var report = BitbrainsImporter.Import([folder], dir.Path, new ImportOptions());
        var data = DatasetReader.Read(dir.Path);

        // PROVENANCE.md: 500 VMs, 2013-06-30 22:03 to 2013-07-30 21:57 UTC; repeated timestamps, CPU above 100 %,
        // VMs that do not cover the whole month. Repeated instants are notes, not bad rows.
        Assert.Equal(0, report.BadRowCount);
        Assert.Contains(report.Notes, n => n.Contains("repeating the previous row exactly"));
        Assert.Contains(report.Notes, n => n.Contains("VM(s) report CPU usage above 100 %"));
        Assert.All(data.Usage, s => Assert.True(s.UnixSeconds[0] >= 1372629804 && s.UnixSeconds[^1] < 1372629804 + 31 * 86400L));
        Assert.Contains(data.Usage, s => s.UnixSeconds[0] > 1372629804 + 86400);
        Assert.Contains(data.Usage, s => s.UnixSeconds[^1] - s.UnixSeconds[0] > 29 * 86400L);
    }

    [SkippableFact]
    public void PlanetLab_two_consecutive_days_match_778_vms_by_file_name()
    {
        string d1 = Folder("planetlab", "20110411"), d2 = Folder("planetlab", "20110412");
        using var dir = new TempDirectory();

        var report = PlanetLabImporter.Import([d1, d2], dir.Path, new ImportOptions());
        var data = DatasetReader.Read(dir.Path);

        Assert.Equal(0, report.BadRowCount);
        Assert.Equal(1233 + 1054 - 778, data.Vms.Length);
        Assert.Equal(778, data.Usage.Count(s => s.Count == 576));
        Assert.Equal((1233 + 1054) * 288, report.Rows);
        Assert.Contains(report.Notes, n => n.StartsWith("27 VM id(s) contain a space"));
        Assert.Contains(data.Vms, v => v.Id == "chimay_infonet_fundp_ac_be_ uofathens_zoi");
        Assert.Equal(800, data.Hosts.Length);
    }
}
