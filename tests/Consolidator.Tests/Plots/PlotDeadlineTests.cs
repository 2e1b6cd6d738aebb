using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Plots;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Tests.Support;
using Consolidator.Timing;
using Consolidator.Traces;

namespace Consolidator.Tests.Plots;

/// <summary>Drawing the plots is the part of `plan`'s output that gives way to the time limit: it asks before each
/// figure, on a clock the test moves, so no assertion depends on the machine's speed.</summary>
public class PlotDeadlineTests
{
    /// <summary>Four hosts, six VMs, planned without a replay: four figures (utilisation before and after, power, a
    /// VM's profile).</summary>
    private static (PlanOutcome Plan, Dataset Data) Planned()
    {
        var data = TestInstances.Make(
            Enumerable.Range(0, 4).Select(i => TestInstances.Host($"h{i}", idle: 100 + i)),
            Enumerable.Range(0, 6).Select(i => new Vm($"vm{i}", 4, 8192, i < 4 ? "h0" : "h1")),
            (v, h) => (1 + (v + h) % 3, 4096));
        var plan = Planner.Plan(data, ProfileBuilder.Build(data, WindowScheme.Slices(4), 100),
            new PlanRequest(new PlacementOptions(0, 0), new SolverOptions(2, 1, 1, Deterministic: true)));
        return (plan, data);
    }

    [Fact]
    public void The_plots_stop_once_the_rest_of_the_output_would_not_fit_and_are_left_out_whole()
    {
        var (plan, data) = Planned();
        var clock = new ManualClock();
        var deadline = Deadline.After(10, clock: clock);
        var asked = 0;
        // The rest of the output needs 2 s; each figure takes 3 s on the test's clock: after three, 1 s is left.
        var figures = PlanPlots.All(plan, data, stop: () =>
        {
            asked++;
            var late = !deadline.Allows(2);
            clock.Advance(3);
            return late;
        });

        // Asked before the fourth figure with 1 s left, the plots stopped there, and left none behind for a report that
        // would read as complete.
        Assert.Equal(4, asked);
        Assert.Empty(figures);
    }

    [Fact]
    public void With_time_to_spare_every_figure_is_drawn()
    {
        var (plan, data) = Planned();
        var clock = new ManualClock();
        var deadline = Deadline.After(10, clock: clock);

        var figures = PlanPlots.All(plan, data, stop: () => !deadline.Allows(2));

        Assert.Equal(["utilisation-before", "utilisation-after", "power", "vm-profile"], figures.Select(f => f.Name));
    }
}
