using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>A sweep grid larger than any sweep can plan is refused before any work: a 3,000 x 3,000 grid (x 2 migration weights) took 6.7 GB
/// before its first point and ran past a 10 s --time-limit until it was killed at 300 s.</summary>
public class HostileSweepTests
{
    [Fact]
    public void A_grid_of_millions_of_points_is_refused_at_once()
    {
        using var data = DatasetFixture.Create();
        var outDir = Path.Combine(data.Directory, "..", "out");
        var percentiles = string.Join(',', Enumerable.Range(0, 3000).Select(i => (50 + i * 0.001).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var headrooms = string.Join(',', Enumerable.Range(0, 3000).Select(i => (i * 0.0001).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var result = CliRunner.Run("sweep", data.Directory, "--out", outDir, "--time-limit", "10", "--no-plots",
            "--percentile", percentiles, "--headroom", headrooms);

        CliRunner.AssertLocatedInputError(result, "a sweep of 18,000,000 points, more than 10000", "--percentile", outDir);
    }
}
