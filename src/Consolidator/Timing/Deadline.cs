using System.Collections.Immutable;

namespace Consolidator.Timing;

/// <summary>The wall-clock end of a whole command (`--time-limit`), handed from the CLI through reading, profiles,
/// baselines, solver, staging, validation, replay and output: each phase asks what is left, and what it may leave
/// out, from the first instant. <see cref="None"/> is the deterministic mode's: no phase ever reads the wall clock,
/// so the load of the machine cannot change a result. The deadline also records how long each phase took (the
/// plan's time line) and how much slower than on an idle machine the phases that cannot be cut short ran
/// (<see cref="Pace"/>), which sizes the reserves for the phases still to come.</summary>
public sealed class Deadline
{
    private readonly double _start, _end;
    private readonly Timeline _line;
    private readonly Func<double>? _reserve, _cutShort;

    private Deadline(double start, double end, Timeline line, Func<double>? reserve = null, Func<double>? cutShort = null) =>
        (_start, _end, _line, _reserve, _cutShort) = (start, end, line, reserve, cutShort);

    /// <summary>No wall-clock end: the deterministic mode (counted work only) and library callers that set none.</summary>
    public static Deadline None => new(Clock.Wall.Now, double.PositiveInfinity, new Timeline(Clock.Wall, Clock.Wall.Now, double.NaN, (double.NaN, double.NaN), double.NaN));

    /// <summary>Ends <paramref name="seconds"/> after now, read on <paramref name="clock"/> (the wall clock by default).
    /// A start before this call (the process's own, for the CLI) is a <see cref="CommandStart"/>.</summary>
    public static Deadline After(double seconds, Clock? clock = null) => After(seconds, CommandStart.Now(clock ?? Clock.Wall));

    /// <summary>Ends <paramref name="seconds"/> after <paramref name="start"/>, read on its clock.</summary>
    public static Deadline After(double seconds, CommandStart start)
    {
        if (!(seconds > 0) || double.IsInfinity(seconds)) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "--time-limit must be a positive number of seconds");
        return new Deadline(start.At, start.At + seconds,
            new Timeline(start.Clock, start.At, start.ProcessorSecondsAt, start.Clock.ThreadSeconds, start.Clock.ProcessorSeconds));
    }

    /// <summary>The clock this deadline reads.</summary>
    public Clock Clock => _line.Clock;

    /// <summary>True when a wall-clock end is set (false in the deterministic mode).</summary>
    public bool IsWallClock => !double.IsPositiveInfinity(_end);

    /// <summary>Seconds left before the end (negative once it has passed); infinity when none is set.</summary>
    public double Remaining => IsWallClock ? End - _line.Clock.Now : double.PositiveInfinity;

    /// <summary>The end, less the reserves of <see cref="EarlierBy(Func{double}, Func{double})"/> as they read now.</summary>
    private double End => _end - (_reserve is null ? 0 : Math.Max(0, _reserve())) - CutShortReserve;

    /// <summary>The part of the reserve behind this deadline that belongs to a phase cut short or left out at its turn
    /// when it no longer fits (the plots, after the planner), as it reads now; 0 when none was given or without a
    /// wall-clock end. The planner's solve counts its growth and fall as they read now, never held at a peak
    /// (TimeBudget.Solver).</summary>
    public double CutShortReserve => IsWallClock && _cutShort is not null ? Math.Max(0, _cutShort()) : 0;

    /// <summary>Seconds since the command started.</summary>
    public double Elapsed => _line.Clock.Now - _start;

    /// <summary>Seconds from the command's start to this deadline's end (infinity when none is set).</summary>
    public double Limit => _end - _start;

    /// <summary>True when at least <paramref name="seconds"/> are left (always, without a wall-clock end).</summary>
    public bool Allows(double seconds) => Remaining >= seconds;

    /// <summary>The same deadline <paramref name="seconds"/> sooner, for the phases before a reserved one (the
    /// planner's, before the CLI writes the output). It shares this deadline's clock, time line and pace.</summary>
    public Deadline EarlierBy(double seconds) =>
        IsWallClock ? new Deadline(_start, End - Math.Max(0, seconds), _line) : this;

    /// <summary>The same deadline sooner by a reserve read again at every question (a paced estimate of the phases
    /// behind, which grows when the machine slows down after the reserve was first set).</summary>
    public Deadline EarlierBy(Func<double> seconds) =>
        IsWallClock ? new Deadline(_start, End, _line, seconds) : this;

    /// <summary>The same deadline sooner by two reserves read again at every question: <paramref name="seconds"/> for
    /// phases behind it that always run whole (writing the plan's files), <paramref name="cutShort"/> for one that is
    /// asked again at its turn and cut short or left out when it no longer fits then (<see cref="CutShortReserve"/>).</summary>
    public Deadline EarlierBy(Func<double> seconds, Func<double> cutShort) =>
        IsWallClock ? new Deadline(_start, End, _line, seconds, cutShort) : this;

    /// <summary>Records that <paramref name="phase"/> ended now (it began at the previous mark).</summary>
    public void Mark(string phase) => _line.Mark(phase, 0, 0);

    /// <summary>Records that <paramref name="phase"/> ended now, and that on an idle reference machine it takes about
    /// <paramref name="idleSeconds"/>: its measured length updates <see cref="Pace"/>.</summary>
    public void Mark(string phase, double idleSeconds) => _line.Mark(phase, Math.Max(0, idleSeconds), 0);

    /// <summary>Records that <paramref name="phase"/>, a phase that runs on several threads, ended now, and that on an
    /// idle reference machine it takes about <paramref name="idleSeconds"/> of wall clock and
    /// <paramref name="idleProcessorSeconds"/> of the process's processor time (more than the wall clock where both
    /// cores work): the pace reads it as one thread's work. Its measured length is its wall clock, or the processor
    /// time it used when that is more, against the larger of the two idle figures: a phase on both cores, given one
    /// share of the processors by Linux's group scheduling however many threads it runs, slows twice as much as one
    /// thread under a neighbour in another session (docs/pace-probe.sh), and read against its wall clock alone it
    /// paced every phase after it at that slowdown. Traced (`OVERRUN_LIMIT=120 docs/overrun-load.sh fleet`, 30,000 VMs,
    /// six busy loops in their own sessions, load 17-28, 2026-12-07): profiles took 10.48 s against 1.11 s idle, 9.45
    /// times, where the phases after the solve met 3.8-4.6 times their idle estimates, and the reserves at 9.45 took
    /// the solve's whole share: CP-SAT never ran. A machine slower than the reference shows in the processor time too
    /// (more of it than idle), so it still reads slower.</summary>
    public void Mark(string phase, double idleSeconds, double idleProcessorSeconds) =>
        _line.Mark(phase, Math.Max(0, idleSeconds), Math.Max(0, idleProcessorSeconds));

    /// <summary>How many times longer than on the idle reference machine the phases marked with their idle length
    /// took so far (all of them together, or the latest of at least <see cref="LatestMinIdleSeconds"/> when that ran
    /// slower still; a phase on several threads read as one thread's work, <see cref="Mark(string, double, double)"/>), or wall-clock time over the processor time the process got in them when that is more (the
    /// machine's load read directly: a phase whose idle estimate is too short to tell the load from the runtime's
    /// start-up still shows the share of a core it was given; at least 1), or how long the command's thread, ready to
    /// run, waited for a processor as it reads now (<see cref="Clock.ThreadSeconds"/>: run plus wait over run, smoothed over
    /// <see cref="RunQueueSmoothingSeconds"/>, read as it is over spans in which that thread did most of the process's work,
    /// <see cref="RunQueueMinCommandShare"/>, and from every thread of the process over the others, <see cref="GroupPace"/>, or <see cref="SharesGroup"/> where the clock does not read the group;
    /// capped at <see cref="MaxRunQueuePace"/>) when that is more, and never less than a CPU quota allows one thread
    /// (<see cref="QuotaPace"/>):
    /// marks come only between phases, and a machine that got busy during the solve made the output that followed
    /// it take 4.7 s of a 1.2 s reserve paced at reading (planted-other flat-mem K = 20, seed 2, `--time-limit 30` with
    /// six busy loops started 4 s in: the command ended at 32.8 s).
    /// A busy or slower machine makes every phase still to come longer too, so reserves
    /// are the idle estimates times this, and a machine that became busier since reading (other jobs started) takes
    /// the cuttable phases' time away sooner. Always 1 without a wall-clock end, so that nothing in the deterministic
    /// mode depends on it.</summary>
    public double Pace => IsWallClock ? _line.Pace : 1;

    /// <summary>An idle machine's estimate of a phase, scaled by <see cref="Pace"/>.</summary>
    public double Paced(double idleSeconds) => idleSeconds * Pace;

    /// <summary>Each marked phase and its wall-clock seconds, in order.</summary>
    public ImmutableArray<(string Phase, double Seconds)> Phases => _line.Phases;

    /// <summary>Says what the command does from now on, for a terminal's progress line (<see cref="Doing"/>): not a
    /// mark, so neither the time line nor the pace changes. The phases between two marks (the warm start and the
    /// solve, the replay and the summary) are named on their own, and a phase left out is never shown.</summary>
    public void Begin(string activity) => _line.Begin(activity);

    /// <summary>What the command said last that it does (<see cref="Begin"/>; "" before it said anything), and how many
    /// times it has said so: a display shows it once the count passed what it was when the display last changed.</summary>
    public (int Count, string Activity) Doing => _line.Doing;

    /// <summary>Every activity begun so far, in order.</summary>
    public ImmutableArray<string> Activities => _line.Activities;

    /// <summary>The least processor time between two readings of the threads' wait that tells the load: less, and
    /// the process was mostly blocked (the wait of a few time slices says nothing).</summary>
    public const double RunQueueMinRunningSeconds = 0.01;

    /// <summary>Below this many idle seconds of marked phases the pace stays 1: short phases measure the runtime's
    /// start-up (JIT compilation) more than the machine's load.</summary>
    public const double PaceMinIdleSeconds = 1.0;

    /// <summary>A phase counts on its own in the pace (<see cref="Pace"/>) from this many idle seconds: shorter ones
    /// measure the compilation of their code more than the machine's load.</summary>
    public const double LatestMinIdleSeconds = 0.25;

    /// <summary>The phases' and the share's terms of the pace are never read as more than this (a phase stalled by
    /// something other than load, such as a cold disk, should not take every reserve); the run-queue term has its own
    /// cap, <see cref="MaxRunQueuePace"/>.</summary>
    public const double MaxPace = 20;

    /// <summary>The processor share counts in the pace once the marked phases took this many wall-clock seconds:
    /// shorter spans are a few of the scheduler's time slices (4 ms each at Linux's default CONFIG_HZ=250), too few to
    /// read a share from. A phase on several threads shows more processor time than wall-clock time, so its share
    /// can only understate the load, never overstate it.</summary>
    public const double ShareMinSeconds = 0.5;

    /// <summary>The least part of the process's processor time (<see cref="Clock.ProcessorSeconds"/>) the command's
    /// thread must have had between two readings for its wait to tell the load: in a span where the process's other
    /// threads did more of the work (reading and profiles on the thread pool, the solver's parallel searches, the
    /// runtime's compiler), the thread waited for its own siblings too, since Linux's group scheduling (autogroup)
    /// gives the whole process one share however many threads it runs, and the phases after the solve, on that thread
    /// alone, do not meet that wait. Traced (docs/overrun-load.sh month with six busy loops in their own sessions and
    /// with none, and k200; load 27-38, 2026-12-07; the command thread's and every thread's schedstat at each reading;
    /// docs/solver.md): the start-up span (reading and profiles, 9-13 s, the command thread a third to two fifths of
    /// the process's processor time) read 9.7-18.4 where the output and the tail then read 4.2-8.6, and that first
    /// reading left the solver nothing in one six-loop run of three (the command ended at 20.0 s of 30 with the warm
    /// start's plan); the parallel exact-fill search's spans of hourly-mem K = 200 read 11-20 where its output read
    /// 10.3. Spans on that thread alone read 3.6-7.8 at the solve's start and 5.0-11.1 at its end. Leaving spans out
    /// cannot read a load low where the competitors share the command's group (busy loops in its own session): a span on
    /// that thread alone reads their load as the phases after the solve meet it. Half: a span counts while the
    /// command's thread did at least as much as all the others together. A span where it did less is read from every
    /// thread of the process (<see cref="Clock.ProcessThreadSeconds"/>) once a span on that thread alone has told how
    /// the process shares the processors with its neighbours (<see cref="SharesGroup"/>): left out, a load that came
    /// during the solve, where the command thread sleeps while the solver's threads work, was not seen until the solve
    /// ended, past its end (flat-mem K = 20 at `--time-limit 30`, twelve loops in the command's session from 4 s on: the
    /// solve ended at 31.8 s, the command at 38.1 s).</summary>
    public const double RunQueueMinCommandShare = 0.5;

    /// <summary>The run-queue term is never read as more than this: a measured wait for a processor, not a stall, so its
    /// cap is far above <see cref="MaxPace"/>'s. Capped at <see cref="MaxPace"/> (20), it read 40 where the phases after
    /// the solve met 31 times their idle estimates (planted-other flat-mem K = 20 seed 2, `--time-limit 30`, twelve busy
    /// loops in the command's session from 4 s on, load 17-21, 2026-12-07 13:12 UTC): the command ended at 38.1 s.</summary>
    public const double MaxRunQueuePace = 100;

    /// <summary>Whether the command's process shares its scheduling group with its neighbours, read from spans side by
    /// side: <paramref name="command"/>, the command thread's run plus wait over run while it did most of the
    /// process's work (what one thread meets), against two readings of a span where the process's other threads did
    /// most of it: <paramref name="perProcess"/>, the span's wall clock over the process's processor time, and
    /// <paramref name="perThread"/>, each ready thread's run plus wait over run. Under Linux's group scheduling
    /// (autogroup, a group per session) a neighbour in another session leaves the process one share however many threads
    /// it runs, so one thread then meets the process's pace (the first); neighbours in its own group (busy loops started
    /// from the same shell, or no group scheduling) compete with each thread, so one thread meets each thread's (the
    /// second); the process's own threads make the second the first times their number. Measured (`bash docs/pace-probe.sh
    /// LOOPS 1 0.2`, its second table: a sleeping command thread beside two busy ones, then that thread busy alone;
    /// main 70a4b4e, 2026-12-07 14:07-14:09 UTC, load 23-34): six and twelve loops in their own sessions, one thread
    /// alone 4.5 and 8.0, per process 5.0 and 8.1, per thread 10.9 and 18.0; in the command's session, alone 10.3 and
    /// 18.0, per process 5.7 and 10.1, per thread 12.2 and 23.3; no loops 1.4-1.5, 1.4-1.6, 2.9-3.4. True
    /// (shared) when the command's reading is at least the two readings' geometric mean: a quiet machine reads as
    /// shared, where both readings are 1 or near it and the one per thread is the larger (the safe side, should
    /// neighbours in other sessions come later). Read only where the clock does not say what the group's other processes
    /// use (<see cref="Clock.GroupNeighbourSeconds"/>; <see cref="GroupPace"/> where it does).</summary>
    internal static bool SharesGroup(double command, double perProcess, double perThread) =>
        command * command >= perProcess * perThread;

    /// <summary>What one thread of the process meets, read in a span where its other threads did most of the work, when
    /// the clock knows how much processor time the other processes of its scheduling group used
    /// (<see cref="Clock.GroupNeighbourSeconds"/>): <paramref name="perProcess"/> (the span's wall clock over the
    /// process's processor time, or over its threads' summed run and wait where that is less, a process blocked part of
    /// the span) and <paramref name="perThread"/> (each ready thread's run plus wait over run) weighed 1 to
    /// <paramref name="neighbours"/>, the group's other processes' processor time over the process's own. Why: the group
    /// gets some share S of the processors, split evenly among its ready threads (CFS inside a group); with the process's
    /// k threads beside m always-ready threads of its neighbours, the process reads per process (k + m) / (k S) and per
    /// thread k times that, and the neighbours use m / k of the process's time, while one thread alone, the phases after
    /// the solve, gets S / (1 + m): (perProcess + x perThread) / (1 + x) with x = m / k, whatever k, S and m are. No
    /// neighbours in the group (x = 0, the load in other sessions): per process, as one thread meets it; loops in the
    /// group: toward per thread. Read directly, this needs no span on the command thread to tell the group's sharing,
    /// nor a rule for a load that changes since one (<see cref="StaleRatio"/>), which read a load arriving mid-solve
    /// in other sessions per thread, about twice what one thread met.</summary>
    internal static double GroupPace(double perProcess, double perThread, double neighbours) =>
        (perProcess + neighbours * perThread) / (1 + neighbours);

    /// <summary>The least pace a CFS bandwidth quota of <paramref name="cores"/> processors (<see cref="Clock.QuotaCores"/>)
    /// allows: under a quota below one processor a thread runs at most that share of each period and is throttled for
    /// the rest (Documentation/scheduler/sched-bwc.rst: "a group ... is limited to 'quota' microseconds of CPU time per
    /// 'period' microseconds"), so one thread's work, what the pace measures, takes at least 1 / cores times its idle
    /// length; 1 for a quota of a processor or more, or none (NaN). Read from the first instant: the phases' and the
    /// threads' readings see the quota too (a throttled thread's wait counts its throttled time: docs/pace-probe.sh's
    /// quota table), but only once they have spans to read. A burst allowance (cpu.cfs_burst_us) lets a thread run
    /// past the quota for a while, never on average.</summary>
    public static double QuotaPace(double cores) => cores is > 0 and < 1 ? 1 / cores : 1;

    /// <summary>Spans where the process's other threads did most of the work are read per process
    /// (<see cref="SharesGroup"/> false) only while the process's pace, averaged since the command thread's last
    /// reading, stays within this factor of that reading; beyond it, per thread (never low), until the command thread
    /// reads the load again. The process's pace alone cannot tell a load in its group from one outside: twelve loops
    /// started in the command's session during the solve, after spans read in other sessions' load, raised the process's
    /// pace from 2.1-2.9 to 10-12 where one thread then met 39 (flat-mem K = 20, 2026-12-07 13:31 UTC, load 19-25).
    /// 1.5: the process's pace varied by less over the spans of one steady load in that run (2.1-2.9, smoothed).</summary>
    public const double StaleRatio = 1.5;

    /// <summary>The command thread's run and wait are read at most this often.</summary>
    public const double RunQueueSampleSeconds = 0.1;

    /// <summary>Time constant of the moving average of run plus wait over run: a few of the scheduler's balancing
    /// periods, so that a burst of other work (a compiler starting) does not read as a lasting load.</summary>
    public const double RunQueueSmoothingSeconds = 2;

    private sealed class Timeline(Clock clock, double start, double processorStart, (double Running, double Waiting) threadsStart, double processorNow)
    {
        private readonly Lock _gate = new();
        private ImmutableArray<(string Phase, double Seconds)> _phases = [];
        private readonly List<string> _activities = [];
        private double _last = start, _measured, _idle, _idleWall, _latest = 1;
        private double _lastProcessor = processorStart, _sharedWall, _processor;
        private double _queue = 1, _queueWeight, _queueRead = start, _running = threadsStart.Running, _waiting = threadsStart.Waiting;
        private double _queueProcessor = processorNow;
        private (double Running, double Waiting) _all = clock.ProcessThreadSeconds;
        private double _command = 1, _commandWeight;
        private bool _calibrate;
        private bool? _sharedGroup;
        private double _calibratedAt, _process = 1, _processWeight;
        private double _neighbours = clock.GroupNeighbourSeconds, _neighbourRate, _ownRate, _rateWeight;

        public Clock Clock => clock;

        public ImmutableArray<(string Phase, double Seconds)> Phases
        {
            get { lock (_gate) return _phases; }
        }

        public void Begin(string activity)
        {
            lock (_gate) _activities.Add(activity);
        }

        public (int Count, string Activity) Doing
        {
            get { lock (_gate) return (_activities.Count, _activities.Count == 0 ? "" : _activities[^1]); }
        }

        public ImmutableArray<string> Activities
        {
            get { lock (_gate) return [.. _activities]; }
        }

        public double Pace
        {
            get
            {
                lock (_gate)
                {
                    var phases = _idleWall < PaceMinIdleSeconds ? 1 : Math.Max(_measured / _idle, _latest);
                    var share = _sharedWall >= ShareMinSeconds && _processor > 0 ? _sharedWall / _processor : 1;
                    return Math.Max(Math.Max(Math.Clamp(Math.Max(phases, share), 1, MaxPace), Math.Clamp(RunQueue(), 1, MaxRunQueuePace)), QuotaPace(clock.QuotaCores));
                }
            }
        }

        /// <summary>The moving average of run plus wait over run of the command's thread, read again when
        /// <see cref="RunQueueSampleSeconds"/> have passed (each reading weighs by the time since the one before), over
        /// the spans it tells the load in (<see cref="RunQueueMinRunningSeconds"/>, <see cref="RunQueueMinCommandShare"/>);
        /// 1 on a clock that does not know them, and until such a span. The average is of the spans read so far only
        /// (their weights summed in <c>_queueWeight</c>), not pulled toward 1 before it has seen enough of them: with the
        /// start-up span no longer read, an average that started at 1 climbed over the single-threaded warm start's
        /// readings to 2.0-4.1 at the solve's start where they read 3.6-8 (the traces above).</summary>
        private double RunQueue()
        {
            if (double.IsNaN(_running)) return 1;
            var now = clock.Now;
            if (now - _queueRead < RunQueueSampleSeconds) return _queue;
            var (running, waiting) = clock.ThreadSeconds;
            if (double.IsNaN(running)) return _queue;
            var (ran, processor) = (running - _running, clock.ProcessorSeconds);
            var others = double.IsNaN(processor) || double.IsNaN(_queueProcessor) ? 0 : processor - _queueProcessor - ran;
            var all = clock.ProcessThreadSeconds;
            var weight = 1 - Math.Exp(-(now - _queueRead) / RunQueueSmoothingSeconds);
            var reading = double.NaN;
            var neighbours = clock.GroupNeighbourSeconds;
            if (!double.IsNaN(neighbours) && !double.IsNaN(_neighbours) && !double.IsNaN(processor) && !double.IsNaN(_queueProcessor))
            {
                // The group's other processes' processor time against the process's own, both smoothed as the wait is.
                var span = now - _queueRead;
                _rateWeight += weight * (1 - _rateWeight);
                _neighbourRate += weight / _rateWeight * (Math.Max(0, neighbours - _neighbours) / span - _neighbourRate);
                _ownRate += weight / _rateWeight * (Math.Max(0, processor - _queueProcessor) / span - _ownRate);
            }
            if (ran >= RunQueueMinRunningSeconds && ran >= RunQueueMinCommandShare * (ran + Math.Max(0, others)))
            {
                reading = (ran + Math.Max(0, waiting - _waiting)) / ran;
                _commandWeight += weight * (1 - _commandWeight);
                _command += weight / _commandWeight * (reading - _command);
                _calibrate = true;
            }
            else if (!double.IsNaN(all.Running) && !double.IsNaN(_all.Running) && all.Running - _all.Running >= RunQueueMinRunningSeconds)
            {
                // The process's own threads did most of the work: each ready thread's run plus wait over run, and the
                // span's wall clock over the process's processor time, read as its group's neighbours share it or not.
                var processRan = all.Running - _all.Running;
                var perThread = (processRan + Math.Max(0, all.Waiting - _all.Waiting)) / processRan;
                var perProcess = (now - _queueRead) / processRan;
                if (_rateWeight > 0 && _ownRate > 0 && _commandWeight > 0)
                    reading = Math.Max(1, GroupPace(Math.Min(now - _queueRead, processRan + Math.Max(0, all.Waiting - _all.Waiting)) / processRan, perThread, _neighbourRate / _ownRate));
                else
                {
                if (_calibrate && _commandWeight > 0)
                    (_sharedGroup, _calibratedAt, _process, _processWeight, _calibrate) = (SharesGroup(_command, perProcess, perThread), _command, 1, 0, false);
                _processWeight += weight * (1 - _processWeight);
                _process += weight / _processWeight * (Math.Max(1, perProcess) - _process);
                // Read per process only while the process's pace stays near what the command thread read beside it: a
                // load that came since may share the group, which only a span on the command thread tells.
                var stale = _process > StaleRatio * _calibratedAt || _process * StaleRatio < _calibratedAt;
                if (_sharedGroup is { } shared) reading = Math.Max(1, shared || stale ? perThread : perProcess);
                }
            }
            if (!double.IsNaN(reading))
            {
                _queueWeight += weight * (1 - _queueWeight);
                _queue += weight / _queueWeight * (reading - _queue);
            }
            (_queueRead, _running, _waiting, _queueProcessor, _all) = (now, running, waiting, processor, all);
            if (!double.IsNaN(neighbours)) _neighbours = neighbours;
            return _queue;
        }

        public void Mark(string phase, double idleSeconds, double idleProcessorSeconds)
        {
            lock (_gate)
            {
                var now = clock.Now;
                _phases = _phases.Add((phase, now - _last));
                var processor = clock.ProcessorSeconds;
                // A phase on several threads is read as one thread's work: its processor time when that is more than its
                // wall clock, against the more of its idle figures (Mark's summary); its wall clock where either is unknown.
                var used = processor - _lastProcessor;
                var oneThread = idleProcessorSeconds > idleSeconds && double.IsFinite(used);
                var (took, idle) = oneThread ? (Math.Max(now - _last, used), idleProcessorSeconds) : (now - _last, idleSeconds);
                if (idleSeconds > 0) (_measured, _idle, _idleWall) = (_measured + took, _idle + idle, _idleWall + idleSeconds);
                if (idleSeconds >= LatestMinIdleSeconds) _latest = took / idle;
                if (idleSeconds > 0 && !double.IsNaN(processor) && !double.IsNaN(_lastProcessor))
                    (_sharedWall, _processor) = (_sharedWall + now - _last, _processor + processor - _lastProcessor);
                (_last, _lastProcessor) = (now, processor);
            }
        }
    }
}
