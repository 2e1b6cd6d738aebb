using Consolidator.Calibration;

namespace Consolidator.Tests.Lab;

/// <summary>Issue 14 (a): a lab scenario run more than once is shown run by run, and each run's downtime is
/// judged against the spread of the recorded runs, widened by the tolerance at each end and no more.</summary>
public class LabRunsTests
{
    private static LabMeasurement Row(int run, double downtimeMs) => new("d100", 1, 1, "precopy", "none", 512, 512.5, 400, null, 100, null,
        16, 64, 16, null, "completed", 8000, downtimeMs, 500, null, 230, 56000, 95000, 7, 0, null, true, "7.2.22", "m",
        "2026-12-05T05:00:00Z", 10, 1, 3, Run: run);

    [Fact]
    public void Each_run_is_a_point_of_its_own_carrying_the_spread_of_the_runs()
    {
        var points = LabPoints.From([Row(1, 48), Row(2, 8), Row(3, 78)], LabEnvironment.Fitted);

        Assert.Equal(["d100 run 1", "d100 run 2", "d100 run 3"], points.Select(p => p.Id));
        Assert.All(points, p => Assert.Equal(new RunSpread(3, 0.008, 0.078), p.Measured.Single().DowntimeRuns));
        Assert.Equal("d100", LabPoints.From([Row(1, 48)], LabEnvironment.Fitted).Single().Id);
        Assert.Null(LabPoints.From([Row(1, 48)], LabEnvironment.Fitted).Single().Measured.Single().DowntimeRuns);
    }

    [Fact]
    public void A_downtime_fits_the_spread_within_the_tolerance_of_its_ends_and_not_beyond()
    {
        var t = Tolerance.Lab;
        var runs = new RunSpread(4, 0.008, 0.078);

        Assert.True(t.DowntimeFits(0.040, runs));
        Assert.True(t.DowntimeFits(0.128, runs), "78 ms + the 50 ms floor");
        Assert.False(t.DowntimeFits(0.129, runs));
        Assert.True(t.DowntimeFits(0.6, new RunSpread(2, 0.1, 0.4)), "400 ms + 50 %");
        Assert.False(t.DowntimeFits(0.61, new RunSpread(2, 0.1, 0.4)));
        Assert.False(t.DowntimeFits(0.128, 0.048), "one run alone: 48 ms + 50 ms");
    }
}
