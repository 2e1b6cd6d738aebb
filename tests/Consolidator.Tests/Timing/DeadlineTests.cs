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

    /// <summary>A phase on both cores, under a neighbour in another session, slows twice as much as one thread: its
    /// group gets one share however many threads it runs. Read against its wall clock, profiles on 30,000 VMs set the
    /// pace at 9.45 where the phases after the solve met 3.8-4.6, and CP-SAT never ran. Read as one thread's work (its
    /// processor time against its idle processor time), it paces what one thread meets; on an idle machine, and on a
    /// machine slower than the reference (more processor time than idle), it reads as before.</summary>
    [Fact]
    public void A_phase_on_several_threads_paces_the_reserves_as_one_thread_s_work()
    {
        // Profiles: 1.1 s idle on both cores, 2.2 s of processor time. Under six loops in other sessions: 10.45 s of
        // wall clock for 2.2 s of processor time (a fifth of a core): one thread would take 4.75 times its idle time.
        var clock = new ManualClock { Processor = 0 };
        var deadline = Deadline.After(120, clock: clock);
        clock.Advance(10.45);
        clock.Processor = 2.2;
        deadline.Mark("profiles", 1.1, 2.2);
        Assert.Equal(10.45 / 2.2, deadline.Pace, 9);
        // The same phase read against its wall clock (no processor figure given): 9.5.
        var wallOnly = new ManualClock { Processor = 0 };
        var old = Deadline.After(120, clock: wallOnly);
        wallOnly.Advance(10.45);
        wallOnly.Processor = 2.2;
        old.Mark("profiles", 1.1);
        Assert.Equal(9.5, old.Pace, 9);

        // Idle: 1.1 s of wall clock, 2.2 s of processor time on both cores: 1.
        var idle = new ManualClock { Processor = 0 };
        var quiet = Deadline.After(120, clock: idle);
        idle.Advance(1.1);
        idle.Processor = 2.2;
        quiet.Mark("profiles", 1.1, 2.2);
        Assert.Equal(1, quiet.Pace, 9);
        // Three times slower per core, idle: 3.3 s of wall clock, 6.6 s of processor time: 3.
        var slow = new ManualClock { Processor = 0 };
        var slower = Deadline.After(120, clock: slow);
        slow.Advance(3.3);
        slow.Processor = 6.6;
        slower.Mark("profiles", 1.1, 2.2);
        Assert.Equal(3, slower.Pace, 9);
        // A clock that does not know the processor time reads the wall clock against the idle wall clock, as before.
        var blind = new ManualClock();
        var unknown = Deadline.After(120, clock: blind);
        blind.Advance(10.45);
        unknown.Mark("profiles", 1.1, 2.2);
        Assert.Equal(9.5, unknown.Pace, 9);
    }

    /// <summary>A load that comes during the solve, where the command thread sleeps while the solver's threads work, was
    /// not seen until the solve ended (spans where the other threads did most of the work were not read): twelve loops
    /// in the command's session from 4 s on ran a 30 s plan to 38.1 s. Such spans are read from every thread of the
    /// process once a span on the command thread has told how the process shares the processors: per process where the
    /// neighbours are in other groups (the process's pace near the command thread's), per thread where they share its
    /// group or the load changed since.</summary>
    [Fact]
    public void A_load_that_comes_during_the_solve_raises_the_pace_through_every_thread_of_the_process()
    {
        var (_, deadline, run) = Solving();
        // The warm start on the command thread alone, four times slower (the neighbours in other sessions).
        run(1, 0.25, 0.75, 0.25, 0.25, 0.75);
        Assert.Equal(4, deadline.Pace, 9);
        // The solve: the command thread sleeps, two threads work. Per process 4 (one share for the process), per thread
        // 8: read per process, as one thread would meet it.
        for (var i = 0; i < 20; i++) run(0.5, 0.001, 0.004, 0.125, 0.125, 0.875);
        Assert.Equal(4, deadline.Pace, 1e-6);
        // Twelve loops come into the command's group: per process 12, per thread 40. Read per thread.
        for (var i = 0; i < 60; i++) run(0.5, 0.001, 0.004, 1.0 / 24, 1.0 / 24, 39.0 / 24);
        Assert.Equal(40, deadline.Pace, 1e-2);
        // A load above the old cap of 20 (Deadline.MaxPace) is read as it is.
        Assert.True(Deadline.MaxRunQueuePace >= 40);
    }

    [Fact]
    public void Spans_on_the_process_other_threads_are_read_per_thread_where_the_neighbours_share_its_group()
    {
        var (_, deadline, run) = Solving();
        // The warm start on the command thread alone, nineteen times slower: twelve loops in its own group.
        run(1, 1.0 / 19, 18.0 / 19, 1.0 / 19, 1.0 / 19, 18.0 / 19);
        // The solve: per process 10, per thread 23 (docs/pace-probe.sh, twelve loops in the command's session). Per thread.
        for (var i = 0; i < 20; i++) run(0.5, 0.001, 0.004, 0.05, 0.05, 22 * 0.05);
        Assert.True(deadline.Pace > 19, $"pace {deadline.Pace}");
        // Before any span on the command thread alone (reading and profiles on the pool), such spans are not read.
        var (_, startUp, read) = Solving();
        read(10, 0.5, 9.5, 2.5, 2.5, 20);
        Assert.Equal(1, startUp.Pace, 9);
    }

    [Fact]
    public void The_group_is_read_as_shared_when_the_command_thread_reads_at_least_the_geometric_mean()
    {
        // docs/pace-probe.sh's figures (Deadline.SharesGroup): loops in other sessions, then in the command's, then none.
        Assert.False(Deadline.SharesGroup(4.5, 5.0, 10.9));
        Assert.False(Deadline.SharesGroup(8.0, 8.1, 18.0));
        Assert.True(Deadline.SharesGroup(10.3, 5.7, 12.2));
        Assert.True(Deadline.SharesGroup(18.0, 10.1, 23.3));
        Assert.False(Deadline.SharesGroup(1.4, 1.6, 3.4));
        // A quiet machine: both readings near 1, the process on both cores; shared, per thread (the safe side).
        Assert.True(Deadline.SharesGroup(1, 0.5, 1));
    }

    /// <summary>A load that arrives mid-solve in other sessions, on a machine quiet at the start: the quiet spans told
    /// nothing of the group (read as shared, the safe side), and the load, with the process's pace moving, was read per
    /// thread, twice what one thread meets (flat-mem K = 20, twelve loops in their own sessions from 4 s on, ended at
    /// 20.9 s of 30 where the code before used 29.0). The clock now says how much processor time the group's other
    /// processes used (none here): the span reads per process, as one thread meets such a load.</summary>
    [Fact]
    public void A_load_arriving_mid_solve_in_other_sessions_reads_per_process_when_the_group_has_no_other_process()
    {
        var (clock, deadline, run) = Solving();
        clock.Neighbours = 0;
        // The warm start on the command thread alone, on a quiet machine.
        run(1, 1, 0, 1, 1, 0);
        // The solve, quiet: two threads on both cores (per process 0.5, per thread 1).
        for (var i = 0; i < 10; i++) run(0.5, 0.001, 0, 1, 1, 0);
        Assert.Equal(1, deadline.Pace, 9);
        // Twelve loops in their own sessions: the process gets one share of thirteen on two cores, 2/13 of a core,
        // split between its two threads: per process 6.5, per thread 13; one thread alone would meet 6.5.
        for (var i = 0; i < 60; i++) run(0.5, 0.001, 0.004, 0.5 / 6.5, 0.5 / 6.5, 12 * 0.5 / 6.5);
        Assert.Equal(6.5, deadline.Pace, 1e-2);
    }

    /// <summary>Loops that come into the command's own group mid-solve use processor time the clock counts as the
    /// group's: read toward per thread, as one thread then meets them (the run that once ended at 38.1 s of 30).</summary>
    [Fact]
    public void Loops_in_the_command_s_group_read_toward_per_thread_by_the_processor_time_they_take()
    {
        var (clock, deadline, run) = Solving();
        clock.Neighbours = 0;
        run(1, 1, 0, 1, 1, 0);
        for (var i = 0; i < 10; i++) run(0.5, 0.001, 0, 1, 1, 0);
        // Twelve loops in the group on two cores, beside the solver's two threads: each of the fourteen threads gets 1/7
        // of a core; per process 3.5, per thread 7, the loops use six times the process's processor time; one thread
        // alone beside them would get 2/13 of a core, 6.5.
        for (var i = 0; i < 60; i++)
        {
            clock.Neighbours += 12 * 0.5 / 7;
            run(0.5, 0.001, 0.004, 2 * 0.5 / 7, 2 * 0.5 / 7, 2 * 0.5 * 6 / 7);
        }
        Assert.Equal((3.5 + 6 * 7) / 7, deadline.Pace, 1e-2);
    }

    [Fact]
    public void The_group_s_pace_is_what_one_thread_meets_for_any_threads_share_and_neighbours()
    {
        // The group gets S of the processors, split evenly among the process's k threads and m neighbours' threads.
        foreach (var (k, s, m) in new[] { (2, 0.25, 0), (2, 0.25, 12), (8, 1.0, 3), (1, 2.0 / 7, 6), (4, 0.5, 1) })
        {
            var perProcess = (k + m) / (k * s);
            var alone = (1 + m) / s;
            Assert.Equal(alone, Deadline.GroupPace(perProcess, k * perProcess, (double)m / k), 9);
        }
    }

    /// <summary>In a cpu cgroup with a CFS bandwidth quota below one processor (`docker run --cpus=0.5`) one thread runs at
    /// most that share of each period, so the reserves are paced by it from the first instant, before any phase or
    /// span has been read; a reading above it still counts, and a quota of a processor or more sets no floor.</summary>
    [Fact]
    public void A_cpu_quota_below_one_processor_paces_the_reserves_from_the_start()
    {
        var clock = new ManualClock { Threads = (0, 0), Quota = 0.5 };
        var deadline = Deadline.After(60, clock: clock);
        var planner = deadline.EarlierBy(() => deadline.Paced(2));
        Assert.Equal(2, deadline.Pace, 9);
        Assert.Equal(56, planner.Remaining, 9);
        // A burst allowance let the thread run unthrottled for a span: the quota still bounds the average.
        clock.Advance(1, running: 1, waiting: 0);
        Assert.Equal(2, deadline.Pace, 9);
        // A machine busier than the quota: the reading, above the floor, counts.
        clock.Advance(20, running: 2, waiting: 18);
        Assert.True(deadline.Pace > 2);

        Assert.Equal(1, Deadline.After(60, clock: new ManualClock { Quota = 1.5 }).Pace, 9);
        Assert.Equal(1, Deadline.After(60, clock: new ManualClock()).Pace, 9);
        Assert.Equal(4, Deadline.QuotaPace(0.25), 9);
        Assert.Equal(1, Deadline.QuotaPace(double.NaN), 9);
    }

    /// <summary>A deadline on a clock whose spans the test gives: wall seconds, the command thread's run and wait, the
    /// process's processor seconds, and every thread's run and wait summed.</summary>
    private static (ManualClock, Deadline, Action<double, double, double, double, double, double>) Solving()
    {
        var clock = new ManualClock { Threads = (0, 0), Processor = 0, AllThreads = (0, 0) };
        var deadline = Deadline.After(600, clock: clock);
        return (clock, deadline, (seconds, running, waiting, processor, allRunning, allWaiting) =>
        {
            clock.Advance(seconds, running, waiting);
            clock.Processor += processor;
            clock.AllThreads = (clock.AllThreads.Running + allRunning, clock.AllThreads.Waiting + allWaiting);
            _ = deadline.Pace;
        });
    }
}
