using Consolidator.Solving;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Solving;

/// <summary>How a wall-clock solve counts the caller's lateness (<see cref="SolverOptions.WallLateness"/>). The
/// caller's clock and lateness are moved by hand: the clock's time is the caller's wherever it ran ahead of its own
/// stopwatch, and the test moves it by 1,000 s first, which the stopwatch could reach only if the test stalled that
/// long; the lateness is asked again once 20 ms of that time have passed.</summary>
public class WorkClockTests
{
    /// <summary>Read as it is now, the lateness let the solve run on when the pace fell late in it, and the output
    /// that followed met the pace rising again (hourly-mem K = 200 at 60 s, six busy loops: 59.5 s). Held at its peak
    /// for the rest of the solve, a burst early in a run cost all of it: now the peak is held for a window.</summary>
    [Fact]
    public void The_lateness_holds_its_highest_for_a_window_then_lets_go()
    {
        var late = 0.0;
        var caller = new ManualClock();
        var clock = new WorkClock(counted: false, lateness: () => late, caller: caller);
        caller.Advance(1000);
        Assert.Equal(1000, clock.Spent, 9);

        late = 8;
        caller.Advance(1);
        Assert.Equal(1001 + 8, clock.Spent, 9);

        // The burst is over: the peak is held while the window lasts.
        late = 3;
        caller.Advance(1);
        Assert.Equal(1002 + 8, clock.Spent, 9);
        caller.Advance(WorkClock.LatenessHoldSeconds - 2);
        Assert.Equal(1000 + WorkClock.LatenessHoldSeconds + 8, clock.Spent, 9);

        // Past the window the lateness is what it reads now, never less.
        caller.Advance(1.5);
        Assert.Equal(1001.5 + WorkClock.LatenessHoldSeconds + 3, clock.Spent, 9);
        late = 5;
        caller.Advance(1);
        Assert.Equal(1002.5 + WorkClock.LatenessHoldSeconds + 5, clock.Spent, 9);
        // A new peak is held for its own window.
        late = 1;
        caller.Advance(WorkClock.LatenessHoldSeconds - 1);
        Assert.Equal(1001.5 + 2 * WorkClock.LatenessHoldSeconds + 5, clock.Spent, 9);
        caller.Advance(2);
        Assert.Equal(1003.5 + 2 * WorkClock.LatenessHoldSeconds + 1, clock.Spent, 9);
    }

    /// <summary>Floored at 0, the lateness never gave back what the caller's reserves shrank by when the pace fell:
    /// runs ended 4 to 11 s early of 30. Now a negative lateness is the solve's, once the window holding the peak has
    /// passed; a phase's own clock started at it does not count it twice.</summary>
    [Fact]
    public void A_negative_lateness_lengthens_the_solve_once_the_window_has_passed()
    {
        var late = 0.0;
        var caller = new ManualClock();
        var clock = new WorkClock(counted: false, lateness: () => late, caller: caller);
        caller.Advance(1000);
        Assert.Equal(1000, clock.Spent, 9);

        late = -3;
        caller.Advance(1);
        // The peak (0) is held for the window.
        Assert.Equal(1001, clock.Spent, 9);
        caller.Advance(WorkClock.LatenessHoldSeconds);
        Assert.Equal(1001 + WorkClock.LatenessHoldSeconds - 3, clock.Spent, 9);

        // A phase's clock started now: its budget was already lengthened by the 3 s.
        var phase = new WorkClock(counted: false, lateness: () => late, caller: caller);
        caller.Advance(1);
        Assert.Equal(1, phase.Spent, 9);
        late = -4;
        caller.Advance(WorkClock.LatenessHoldSeconds + 1);
        Assert.Equal(WorkClock.LatenessHoldSeconds + 2 - 1, phase.Spent, 9);
    }

    [Fact]
    public void A_phase_clock_counts_only_the_lateness_after_its_start_and_the_counted_mode_none()
    {
        var late = 4.0;
        var caller = new ManualClock();
        var clock = new WorkClock(counted: false, lateness: () => late, caller: caller);
        caller.Advance(1000);
        Assert.Equal(1000, clock.Spent, 9);
        late = 6;
        caller.Advance(1);
        Assert.Equal(1001 + 2, clock.Spent, 9);
        Assert.Equal(0, new WorkClock(counted: true, lateness: () => late, caller: caller).Ahead);
    }

    /// <summary>A phase inside the solve (the neighbourhood search, the bin-count descent, the fill) gets what the
    /// solve's clock has left, cut by the lateness that clock holds; with the caller's lateness its own clock held the
    /// peak again from its own start, so a peak the solve's clock had let go still cut the phase: on the Bitbrains month
    /// (traced, load 20-26) the neighbourhood search ended 1 to 1.5 s before the solve's share, unused. Here a 5 s burst
    /// ends before the phase starts: once the solve's window has passed, the phase's clock gives back the 5 s, as the
    /// solve's does; a clock made as the phases made theirs before gives back nothing.</summary>
    [Fact]
    public void A_phase_given_the_solves_budget_ends_when_the_solves_clock_says_it_is_spent()
    {
        var late = 0.0;
        var caller = new ManualClock();
        var options = new SolverOptions(60, 1, 1) { WallLateness = () => late, WallClock = caller };
        var solve = WorkClock.For(options);
        caller.Advance(1000);
        late = 5;
        caller.Advance(1);
        Assert.Equal(5, solve.Lateness, 9);
        late = 0;
        caller.Advance(1);
        Assert.Equal(5, solve.Lateness, 9); // held for the window

        var phase = WorkClock.For(solve.ForPhases(options));
        var before = WorkClock.For(options);
        caller.Advance(WorkClock.LatenessHoldSeconds);

        Assert.Equal(0, solve.Lateness, 9);
        Assert.Equal(-5, phase.Lateness, 9);
        Assert.Equal(0, before.Lateness, 9);
        // Counted, the options are the solve's own.
        var counted = new SolverOptions(60, 1, 1, Deterministic: true);
        Assert.Same(counted, WorkClock.For(counted).ForPhases(counted));
    }
}
