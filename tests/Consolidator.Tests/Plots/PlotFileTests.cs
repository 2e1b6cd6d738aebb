using System.Buffers.Binary;
using Consolidator.Plots;
using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Plots;

public class PlotFileTests
{
    private static readonly string[] PlanPlotNames = ["utilisation-before", "utilisation-after", "power", "gantt", "downtime", "vm-profile"];

    private static string Generated(TempDirectory tmp)
    {
        var data = Path.Combine(tmp.Path, "data");
        Assert.Equal(0, CliRunner.Run("generate", "--out", data, "--seed", "5", "--vms", "16", "--days", "1").ExitCode);
        return data;
    }

    /// <summary>Width and height from the PNG signature and IHDR chunk, and whether any pixel data follows.</summary>
    private static (int Width, int Height) PngSize(byte[] png)
    {
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.True(png.Length > 1000, $"a PNG of {png.Length} bytes is too small to hold a plot");
        Assert.Equal(signature, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Contains("IDAT", System.Text.Encoding.ASCII.GetString(png));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    [Fact]
    public void Plan_writes_every_plot_as_a_png_of_the_expected_size_and_an_svg()
    {
        using var tmp = new TempDirectory();
        var outDir = Path.Combine(tmp.Path, "plan");

        var result = CliRunner.Run("plan", Generated(tmp), "--out", outDir, "--deterministic", "--time-limit", "1");

        Assert.Equal(0, result.ExitCode);
        foreach (var name in PlanPlotNames)
        {
            Assert.Equal((Figure.Width, Figure.Height), PngSize(File.ReadAllBytes(Path.Combine(outDir, name + ".png"))));
            Assert.Contains($"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{Figure.Width}\" height=\"{Figure.Height}\">", File.ReadAllText(Path.Combine(outDir, name + ".svg")));
        }
        Assert.Equal(PlanPlotNames.Length, Directory.GetFiles(outDir, "*.png").Length);
    }

    [Fact]
    public void No_plots_writes_no_image()
    {
        using var tmp = new TempDirectory();
        var outDir = Path.Combine(tmp.Path, "plan");

        Assert.Equal(0, CliRunner.Run("plan", Generated(tmp), "--out", outDir, "--deterministic", "--time-limit", "1", "--no-plots").ExitCode);

        Assert.Empty(Directory.GetFiles(outDir, "*.png"));
        Assert.Empty(Directory.GetFiles(outDir, "*.svg"));
        Assert.True(File.Exists(Path.Combine(outDir, "plan.json")));
    }

    [Fact]
    public void Sweep_draws_its_pareto_front()
    {
        using var tmp = new TempDirectory();
        var outDir = Path.Combine(tmp.Path, "sweep");

        var result = CliRunner.Run("sweep", Generated(tmp), "--out", outDir, "--percentile", "90,100", "--headroom", "0.1",
            "--migration-weight", "0,10", "--time-limit", "0.5", "--deterministic");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal((Figure.Width, Figure.Height), PngSize(File.ReadAllBytes(Path.Combine(outDir, "pareto.png"))));
        Assert.True(File.Exists(Path.Combine(outDir, "pareto.svg")));
    }
}
