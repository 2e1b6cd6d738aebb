using Consolidator.Plots;

namespace Consolidator.Tests.Plots;

public class PlotLayoutTests
{
    [Theory]
    [InlineData(300, new[] { 10.0, 150, 299.9, 300, 300.4, 301, 900 }, new[] { false, false, false, false, false, true, true })]
    [InlineData(300, new[] { 280.0, 290, 295 }, new[] { false, false, false })]
    [InlineData(50, new[] { 4000.0, 49, 51 }, new[] { true, false, true })]
    public void The_downtime_histogram_has_the_slo_on_a_bin_edge_and_no_bar_straddles_it(double slo, double[] ms, bool[] violation)
    {
        var (width, within, over) = MigrationPlots.Bins(slo, [.. ms.Zip(violation)]);
        var below = (int)Math.Round(slo / width);

        Assert.Equal(slo, below * width, 9);
        Assert.Equal(violation.Count(v => !v), within.Sum());
        Assert.Equal(violation.Count(v => v), over.Sum());
        // Every migration the SLO check passes is drawn left of the line, every violation right of it, even one
        // just over the line within the check's tolerance (300.4 ms).
        Assert.All(within.Skip(below), n => Assert.Equal(0, n));
        Assert.All(over.Take(below), n => Assert.Equal(0, n));
        Assert.InRange(within.Length, below + 1, 60);
    }
}
