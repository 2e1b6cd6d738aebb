using Consolidator.Generation;
using Consolidator.Simulation;
using Consolidator.Sweeps;
using Consolidator.Tests.Support;
using Consolidator.Timing;

namespace Consolidator.Tests.Sweeps;

/// <summary>A sweep keeps its wall-clock limit: a plan whose turn comes after the end is not started, and its
/// points say so. A manual clock stands in for the machine's, so nothing here depends on its speed.</summary>
public class SweepTimeLimitTests
{
    private static readonly SweepGrid Grid = new(["hourly"], [90, 100], [0, 0.2], [10], [MethodSelection.Auto]);

    [Fact]
    public void Plans_whose_turn_comes_after_the_end_are_rows_marked_out_of_time()
    {
        var data = DatasetGenerator.Generate(new GeneratorOptions(Seed: 5, Vms: 12, Days: 1, SampleMinutes: 60));
        var clock = new ManualClock();
        var deadline = Deadline.After(10, clock: clock);
        // Each report of a point done moves the clock past the end: only the first plan can start.
        var afterFirst = new Progress(() => clock.Advance(60));

        var results = Sweep.Run(data, Grid, new SweepOptions(TimeLimitSeconds: 10, Parallelism: 1, Deterministic: false), afterFirst, deadline);

        Assert.Equal(4, results.Length);
        Assert.Single(results, r => r.Figures is not null && !r.OutOfTime);
        Assert.All(results.Where(r => r.Figures is null), r =>
        {
            Assert.Null(r.Figures);
            Assert.True(r.OutOfTime);
            Assert.Equal(Sweep.OutOfTime, r.Failure);
            Assert.False(r.Pareto);
        });
        Assert.Equal(3, results.Count(r => r.OutOfTime));
    }

    [Fact]
    public void Without_a_wall_clock_end_every_plan_runs()
    {
        var data = DatasetGenerator.Generate(new GeneratorOptions(Seed: 5, Vms: 12, Days: 1, SampleMinutes: 60));

        var results = Sweep.Run(data, Grid, new SweepOptions(TimeLimitSeconds: 1, Parallelism: 1), deadline: Deadline.None);

        Assert.All(results, r => { Assert.NotNull(r.Figures); Assert.False(r.OutOfTime); });
    }

    private sealed class Progress(Action onReport) : IProgress<int>
    {
        public void Report(int value) => onReport();
    }
}
