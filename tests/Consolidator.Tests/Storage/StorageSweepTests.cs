using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Storage;

/// <summary>Issue 15 point 5: the sweep shows storage (used and saved by images) and the block copies' data
/// (sent and spared by deduplication) per point when disks sit on local storage, and nothing otherwise.</summary>
public class StorageSweepTests
{
    private static string[][] Sweep(TempDirectory tmp, params string[] generate) => Sweep(tmp, out _, generate);

    private static string[][] Sweep(TempDirectory tmp, out string html, params string[] generate)
    {
        var data = Path.Combine(tmp.Path, "data");
        Assert.Equal(0, CliRunner.Run(["generate", "--out", data, "--seed", "5", "--vms", "24", "--days", "1", .. generate]).ExitCode);
        var outDir = Path.Combine(tmp.Path, "sweep");
        var r = CliRunner.Run("sweep", data, "--out", outDir, "--percentile", "95,100", "--headroom", "0", "--migration-weight", "10",
            "--time-limit", "0.5", "--deterministic", "--no-plots");
        Assert.Equal(0, r.ExitCode);
        html = File.ReadAllText(Path.Combine(outDir, "sweep.html"));
        var lines = File.ReadAllLines(Path.Combine(outDir, "sweep.csv"));
        var header = lines[0].Split(',');
        string[] columns = ["storage_used_gib", "storage_saved_gib", "disk_copied_gib", "disk_dedup_saved_gib"];
        return [.. lines[1..].Select(l => columns.Select(c => l.Split(',')[Array.IndexOf(header, c)]).ToArray())];
    }

    [Fact]
    public void A_fleet_with_local_disks_gets_its_storage_figures_per_point_and_one_without_gets_none()
    {
        using var disks = new TempDirectory();
        var rows = Sweep(disks, out var html, "--images", "3", "--local-disks");
        Assert.Equal(2, rows.Length);
        // sweep.html shows the same figures: each row's storage used and dedup saving, as the CSV has them to 0.1 GiB.
        Assert.Contains("<th>local storage (GiB)</th>", html);
        Assert.Contains("<th>disk not sent: dedup (GiB)</th>", html);
        foreach (var r in rows)
            Assert.Contains($"<td>{double.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}</td>", html);
        Assert.All(rows, r =>
        {
            Assert.True(double.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture) > 0, $"storage used {r[0]}");
            Assert.All(r[1..], x => Assert.True(double.Parse(x, System.Globalization.CultureInfo.InvariantCulture) >= 0, $"figure {x}"));
        });

        using var plain = new TempDirectory();
        Assert.All(Sweep(plain, out var plainHtml), r => Assert.All(r, x => Assert.Equal("", x)));
        Assert.DoesNotContain("local storage", plainHtml);
    }
}
