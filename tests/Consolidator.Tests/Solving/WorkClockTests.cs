using Consolidator.Solving;

namespace Consolidator.Tests.Solving;

/// <summary>How a wall-clock solve counts the caller's lateness (<see cref="SolverOptions.WallLateness"/>). The
/// caller's lateness is moved by hand; the clock asks it again only once 20 ms have passed on its stopwatch, which a
/// sleep guarantees whatever the machine's speed. The budget used runs ahead of the stopwatch by the lateness less
/// the time between the clock's two readings of its stopwatch (never more), hence the ranges.</summary>
public class WorkClockTests
{
    /// <summary>Read as it is now, the lateness let the solve run on when the pace fell late in it, and the output
    /// that followed met the pace rising again (hourly-mem K = 200 at 60 s, six busy loops: 59.5 s).</summary>
    [Fact]
    public void The_lateness_holds_at_its_highest()
    {
        var late = 0.0;
        var clock = new WorkClock(counted: false, lateness: () => late);
        Assert.InRange(clock.Ahead, -1, 1e-9);

        late = 8;
        Thread.Sleep(30);
        Assert.InRange(clock.Ahead, 7, 8 + 1e-9);

        late = 3;
        Thread.Sleep(30);
        Assert.InRange(clock.Ahead, 7, 8 + 1e-9);
    }

    [Fact]
    public void A_phase_clock_counts_only_the_lateness_after_its_start_and_the_counted_mode_none()
    {
        var late = 4.0;
        var clock = new WorkClock(counted: false, lateness: () => late);
        Assert.InRange(clock.Ahead, -1, 1e-9);
        late = 6;
        Thread.Sleep(30);
        Assert.InRange(clock.Ahead, 1, 2 + 1e-9);
        Assert.Equal(0, new WorkClock(counted: true, lateness: () => late).Ahead);
    }
}
