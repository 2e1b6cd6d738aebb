using Consolidator.Tests.Support;
using Consolidator.Timing;

namespace Consolidator.Tests.Timing;

/// <summary>The deadline's arithmetic on a clock the test moves: no assertion depends on the machine's speed.</summary>
public class DeadlineTests
{
    [Fact]
    public void Counts_from_the_start_including_what_passed_before_it()
    {
        var clock = new ManualClock();
        var deadline = Deadline.After(60, CommandStart.ProcessStartedAgo(clock, 2));
        clock.Advance(10);

        Assert.Equal(12, deadline.Elapsed, 9);
        Assert.Equal(48, deadline.Remaining, 9);
        Assert.Equal(60, deadline.Limit, 9);
        Assert.True(deadline.Allows(48));
        Assert.False(deadline.Allows(48.001));

        var planner = deadline.EarlierBy(8);
        Assert.Equal(40, planner.Remaining, 9);
        clock.Advance(45);
        Assert.Equal(-5, planner.Remaining, 9);
        Assert.Equal(3, deadline.Remaining, 9);
    }

    /// <summary>Marks come only between phases: a machine that got busy during the solve was not seen until the
    /// output, whose reserve was still paced at reading (a 30 s plan ended at 32.8 s). Now the wait of the
    /// process's runnable threads for a processor paces it between marks too.</summary>
    [Fact]
    public void A_machine_that_gets_busier_between_marks_raises_the_pace_through_the_threads_wait()
    {
        var clock = new ManualClock { Threads = (0, 0) };
        var deadline = Deadline.After(60, clock: clock);
        var planner = deadline.EarlierBy(() => deadline.Paced(2));
        clock.Advance(4, running: 4, waiting: 0);
        deadline.Mark("reading", 4);
        Assert.Equal(1, deadline.Pace, 9);
        Assert.Equal(54, planner.Remaining, 9);

        // Ready to run for 2 s, on a processor for 0.5 s of them: four times slower. The average of the spans read so
        // far (the first, 4 s at full speed, read at the mark), each weighed by its length, not pulled toward 1 besides.
        clock.Advance(2, running: 0.5, waiting: 1.5);
        var (first, second) = (1 - Math.Exp(-4 / Deadline.RunQueueSmoothingSeconds), 1 - Math.Exp(-2 / Deadline.RunQueueSmoothingSeconds));
        var busier = ((1 - second) * first * 1 + second * 4) / ((1 - second) * first + second);
        Assert.Equal(busier, deadline.Pace, 9);
        Assert.Equal(54 - 2 * busier, planner.Remaining, 9);
        // Read again sooner than RunQueueSampleSeconds: the same average.
        clock.Advance(Deadline.RunQueueSampleSeconds / 2, running: 0.004, waiting: 0.4);
        Assert.Equal(busier, deadline.Pace, 9);
        // A process blocked (next to no processor time) tells nothing: the average stays.
        clock.Advance(1, running: 0.001, waiting: 0.1);
        Assert.Equal(busier, deadline.Pace, 9);
        // Never in the deterministic mode.
        Assert.Equal(1, Deadline.None.Pace);
    }

    /// <summary>The command thread's wait read the process's own threads as load: under Linux's group scheduling the
    /// process gets one share however many threads it runs, so while reading and profiles ran on the thread pool the
    /// command thread waited for its siblings too. Traced (Bitbrains month, six busy loops in their own sessions, load
    /// 27-38): that start-up span read 18 where the output, on the command thread alone, read 8, and the solver got
    /// nothing. A span in which the other threads did more than the command thread is not read; the spans on that
    /// thread alone are, as they are.</summary>
    [Fact]
    public void Spans_where_the_process_other_threads_did_most_of_the_work_do_not_pace_the_reserves()
    {
        var clock = new ManualClock { Threads = (0, 0), Processor = 0 };
        var deadline = Deadline.After(60, clock: clock);
        var planner = deadline.EarlierBy(() => deadline.Paced(1));
        // Reading on four threads: the command thread ran 0.6 s and waited 10.2 s of 12; the process ran 2.4 s.
        Busy(12, running: 0.6, waiting: 10.2, processor: 2.4);
        Assert.Equal(1, deadline.Pace, 9);
        Assert.Equal(47, planner.Remaining, 9);
        // The warm start, on the command thread alone, eight times slower: read at once, not climbing from 1.
        Busy(0.2, running: 0.025, waiting: 0.175, processor: 0.03);
        Assert.Equal(8, deadline.Pace, 9);
        // A span where the thread did exactly half of the process's work still counts; below half it does not.
        Busy(0.2, running: 0.05, waiting: 0.15, processor: 0.1);
        var half = deadline.Pace;
        Assert.True(half < 8 && half > 4, $"pace {half}");
        Busy(0.2, running: 0.02, waiting: 0.18, processor: 0.05);
        Assert.Equal(half, deadline.Pace, 9);
        // A clock that does not know the process's processor time reads every span, as before.
        var plain = new ManualClock { Threads = (0, 0) };
        var unknown = Deadline.After(60, clock: plain);
        plain.Advance(12, running: 0.6, waiting: 10.2);
        Assert.Equal(18, unknown.Pace, 9);

        void Busy(double seconds, double running, double waiting, double processor)
        {
            clock.Advance(seconds, running, waiting);
            clock.Processor += processor;
        }
    }

    [Fact]
    public void Pace_is_measured_time_over_idle_time_of_the_marked_phases_at_least_one()
    {
        var clock = new ManualClock();
        var deadline = Deadline.After(60, clock: clock);
        var planner = deadline.EarlierBy(10);

        clock.Advance(9);
        deadline.Mark("reading", 3);
        Assert.Equal(3, deadline.Pace, 9);
        clock.Advance(1);
        deadline.Mark("profiles", 1);
        Assert.Equal(2.5, deadline.Pace, 9);
        // An unpaced phase (its idle length unknown) does not change the pace; the planner's deadline shares it.
        clock.Advance(30);
        planner.Mark("solve");
        Assert.Equal(2.5, planner.Pace, 9);
        Assert.Equal(5, planner.Paced(2), 9);
        Assert.Equal(["reading", "profiles", "solve"], deadline.Phases.Select(p => p.Phase));
        Assert.Equal([9.0, 1.0, 30.0], deadline.Phases.Select(p => p.Seconds));
    }

    [Fact]
    public void A_machine_that_slows_down_after_reading_raises_the_pace_and_the_reserve_that_follows_it()
    {
        var clock = new ManualClock();
        var deadline = Deadline.After(60, clock: clock);
        var planner = deadline.EarlierBy(() => deadline.Paced(4));

        clock.Advance(10);
        deadline.Mark("reading", 5);
        Assert.Equal(2, deadline.Pace, 9);
        Assert.Equal(60 - 10 - 8, planner.Remaining, 9);
        // Staging, idle 0.5 s, took 3 s: the machine is six times slower than idle now, twice as slow as it was.
        clock.Advance(3);
        deadline.Mark("staging", 0.5);
        Assert.Equal(6, deadline.Pace, 9);
        Assert.Equal(60 - 13 - 24, planner.Remaining, 9);
        // The machine recovers: the pace does not drop below all the paced phases together (14 s for 6.5 idle).
        clock.Advance(1);
        deadline.Mark("validation", 1);
        Assert.Equal(14 / 6.5, deadline.Pace, 9);
        // A phase too short to tell load from compilation does not count on its own.
        clock.Advance(2);
        deadline.Mark("summary", Deadline.LatestMinIdleSeconds / 2);
        Assert.Equal(16 / (6.5 + Deadline.LatestMinIdleSeconds / 2), deadline.Pace, 9);
        // A fixed reserve set on the planner's deadline comes off the end as it reads at that moment.
        Assert.Equal(planner.Remaining - 1, planner.EarlierBy(1).Remaining, 9);
    }

    [Fact]
    public void Pace_stays_one_on_a_fast_machine_on_short_phases_and_without_a_wall_clock()
    {
        var clock = new ManualClock();
        var fast = Deadline.After(60, clock: clock);
        clock.Advance(1);
        fast.Mark("reading", 4);
        Assert.Equal(1, fast.Pace);

        var brief = Deadline.After(60, clock: clock);
        clock.Advance(0.9);
        brief.Mark("reading", Deadline.PaceMinIdleSeconds / 2);
        Assert.Equal(1, brief.Pace);

        var stalled = Deadline.After(600, clock: clock);
        clock.Advance(500);
        stalled.Mark("reading", 1);
        Assert.Equal(Deadline.MaxPace, stalled.Pace);

        var none = Deadline.None;
        none.Mark("reading", 1e-9);
        Assert.False(none.IsWallClock);
        Assert.Equal(1, none.Pace);
        Assert.Equal(double.PositiveInfinity, none.Remaining);
    }
    [Fact]
    public void A_reserve_grows_with_the_share_of_a_core_the_process_got_even_when_the_phases_are_short()
    {
        // Planted K = 200 under a yes per core (docs/solver.md, issue 17): reading and profiles are idle estimates of a
        // tenth of a second, too short for the phases' pace, but they ran at a fifth of a core: the output's reserve
        // must be five times its idle estimate, not the idle estimate.
        var clock = new ManualClock { Processor = 0.3 };
        var deadline = Deadline.After(60, CommandStart.ProcessStartedAgo(clock, 0.5));
        var planner = deadline.EarlierBy(() => deadline.Paced(0.66));
        clock.Advance(1.8);
        clock.Processor = 0.5;
        deadline.Mark("reading", 0.1);
        clock.Advance(0.4);
        clock.Processor = 0.6;
        deadline.Mark("profiles", 0.05);

        Assert.Equal(2.7 / 0.6, deadline.Pace, 9);
        Assert.Equal(60 - 2.7 - 0.66 * 2.7 / 0.6, planner.Remaining, 9);
        clock.Advance(1);
        clock.Processor = 0.7;
        deadline.Mark("baselines");
        Assert.Equal(2.7 / 0.6, deadline.Pace, 9);
    }

    [Fact]
    public void The_share_of_a_core_leaves_the_pace_at_one_on_a_quiet_machine_on_several_threads_and_on_brief_spans()
    {
        var clock = new ManualClock { Processor = 0 };
        var quiet = Deadline.After(60, clock: clock);
        clock.Advance(0.8);
        clock.Processor = 1.3;
        quiet.Mark("reading", 0.1);
        Assert.Equal(1, quiet.Pace);

        var brief = Deadline.After(60, clock: clock);
        clock.Advance(Deadline.ShareMinSeconds * 0.9);
        clock.Processor += 0.01;
        brief.Mark("reading", 0.1);
        Assert.Equal(1, brief.Pace);

        var unknown = new ManualClock();
        var blind = Deadline.After(60, clock: unknown);
        unknown.Advance(3);
        blind.Mark("reading", 0.1);
        Assert.Equal(1, blind.Pace);
    }
}
