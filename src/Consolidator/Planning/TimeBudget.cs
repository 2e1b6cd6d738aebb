using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Packing;
using Consolidator.Solving;
using Consolidator.Timing;

namespace Consolidator.Planning;

/// <summary>How the planner shares a wall-clock deadline, from its first instant: the baselines kept only for
/// comparison run while their share lasts, the solver gets what is left after a reserve for the phases behind it
/// (staging, validation, summary; the replay when it fits), each estimated from the instance's size on an idle
/// machine and scaled by the pace the mandatory phases so far ran at (<see cref="Deadline.Pace"/>). Without a
/// wall-clock deadline (the deterministic mode) nothing is left out and the solver keeps its own limit, read as
/// counted work.</summary>
/// <param name="usageSamples">The usage samples the replay walks (every VM's series): its over-capacity measure sorts
/// each host's samples, before and after the plan.</param>
internal sealed class TimeBudget(PlacementProblem p, PlanRequest request, Deadline deadline, long usageSamples)
{
    /// <summary>Idle-machine seconds per VM of the mandatory tail (staging, the CPU allocation, validation and the
    /// summary's bounds), with a fixed part. Measured with `plan` on `generate --vms 30000` (30,000 VMs, 27,000
    /// migrations) on 2 idle cores (load 1.4 to 4.8): staging 0.2 to 0.5 s, allocation and validation 2.1 to 3.4 s,
    /// summary about 1 s. The pace scales them on a busy machine: at load 23 to 25 (pace 2.1 to 2.8) staging and
    /// validation took 5.2 to 5.4 s, about twice their idle time, as reading did.</summary>
    public const double TailSecondsPerVm = 1.2e-4;

    /// <summary>Idle-machine seconds of the tail's fixed part: work, scaled by the pace. Staging and validation of
    /// planted-other K = 20 (140 VMs) took 0.3 to 0.5 s at pace 10.7 to 14.7 (0.03 s an idle machine's time), of
    /// K = 200 (1,397 VMs) 1.5 to 2.0 s at pace 13.6 to 16.9 (0.11 s, the per-VM part's; docs/overrun-load.sh, six
    /// busy loops, load 11-18). It was 0.5 s, room more than work, and scaled by a pace of 17 it kept 8 s from the
    /// solver; the room is now <see cref="MarginSeconds"/>, which the pace does not scale.</summary>
    public const double TailFixedSeconds = 0.05;

    /// <summary>Idle-machine seconds of a replay through the simulator: a fixed part, per VM (its moves), and per usage
    /// sample and bit of the samples per host (<see cref="ReplaySortBits"/>): most of a replay with many samples is the
    /// over-capacity measure, before and after the plan, which sorts each host's sample steps, so a sample costs more on
    /// a host that holds more of them. It was per sample alone (4e-7 s, the Bitbrains month's, whose hosts hold the most
    /// samples each), which read the 100,000-VM fleet's replay as 33.1 s, 1.9 times the 17.6 s it took, and at that
    /// fleet's pace of 9.2 (load 28-32) its paced reserve, 304 s, no longer fitted the solver's half, so the replay was
    /// left out (plan on generate --vms 100000, --time-limit 900, main 92fff8e, 2026-12-07 10:29-10:43 UTC), where it took
    /// 78 s of wall clock at that load in a process of its own. Measured by docs/replay-cost.sh (the replay's first run
    /// in a process, main-thread processor seconds, as the replay runs on one thread; load 28-40, 2026-12-07 10:43-11:04
    /// UTC, main 92fff8e): the 100,000-VM fleet with its own plan (67.2 M samples, 25,000 hosts in use) 17.64 s, 20,000
    /// VMs of a week's 15-minute samples (13.4 M, 5,000 hosts) 3.19 s, 3,000 VMs of a week (2.0 M, 750) 0.69 s, 20,000
    /// VMs of a day's hourly samples (480,000) 0.88 s, the Bitbrains month (500 VMs, 3.66 M samples on 44 hosts) 1.19 s
    /// (1.57 s on 2026-12-06 at load 16-21). The over-capacity measure alone, both placements, timed apart (repeated
    /// runs, a harness outside the repository): 1.32-1.38e-8 s per sample and bit on the month, 3,000 and 20,000 VMs of
    /// a week, 1.2-1.5e-8 at 100,000 VMs. 2.2e-8 s with 5e-5 s per VM gives 1.62 s to the month (its slowest run 1.57 s)
    /// and 1.3 to 1.5 times the other runs (23.5 s at 100,000 VMs).</summary>
    public const double ReplayFixedSeconds = 0.2, ReplaySecondsPerVm = 5e-5, ReplaySecondsPerSampleBit = 2.2e-8;

    /// <summary>Bits of the sample steps a host in use now holds on average (log2 of twice the samples, a step where
    /// each starts and one where it ends, over the hosts running a VM now; over every host when none does), at least
    /// 1: what the over-capacity measure's sorts cost a sample (<see cref="ReplaySecondsPerSampleBit"/>). The plan's
    /// hosts hold more (at 100,000 VMs 4,191 hosts after 25,000 before, 2.6 bits more), which the constant's
    /// measurements include.</summary>
    public double ReplaySortBits { get; } = SortBits(p, usageSamples);

    private static double SortBits(PlacementProblem p, long samples)
    {
        if (samples <= 0) return 1;
        var inUse = new HashSet<int>();
        for (var v = 0; v < p.VmCount; v++)
            if (p.CurrentHost(v) >= 0) inUse.Add(p.CurrentHost(v));
        var hosts = inUse.Count > 0 ? inUse.Count : Math.Max(1, p.HostCount);
        return Math.Max(1, Math.Log2(2.0 * samples / hosts));
    }

    /// <summary>Idle-machine seconds of the replay (<see cref="ReplayFixedSeconds"/> and the parts per VM and per sample).</summary>
    public double ReplayIdleSeconds =>
        ReplayFixedSeconds + ReplaySecondsPerVm * p.VmCount + ReplaySecondsPerSampleBit * usageSamples * ReplaySortBits;

    /// <summary>Seconds kept for the estimates' error, not scaled by the pace: the reserves are paced estimates of work,
    /// and the pace already says how much longer the work takes. A margin that grew with the pace took the solver's
    /// time twice over on a busy machine: the reserves (then with 1 s of room in their fixed parts, this one's and the
    /// output's, both paced) were about three times what the phases after the solve took (hourly-mem K = 200 at
    /// 60 s, six busy loops: 21.8 s reserved at pace 16.9, 7.6 s taken, the command done at 42.3 s), and their growth
    /// with the pace during the solve was charged to it as lateness (<see cref="SolverOptions.WallLateness"/>). 1.5 s:
    /// with 1 s one planted K = 20 run ended at 29.7 s of 30 (the process's exit after the time line, 0.2 to 0.4 s, is
    /// in no reserve).</summary>
    public const double MarginSeconds = 1.5;

    /// <summary>Idle-machine seconds per VM of staging and of validation (the CPU allocation and the checks, run
    /// together), parts of <see cref="TailSecondsPerVm"/> (0.3 s and 2.1 s at 30,000 VMs, the measurements above):
    /// the planner marks both phases with them, so that a machine that became busier since reading raises the pace
    /// (<see cref="Deadline.Pace"/>) and the replay and the plots give up their time sooner.</summary>
    public const double StagingSecondsPerVm = 1e-5, ValidationSecondsPerVm = 7e-5;

    public double StagingIdleSeconds => StagingSecondsPerVm * p.VmCount;

    public double ValidationIdleSeconds => ValidationSecondsPerVm * p.VmCount;

    /// <summary>The solver's least share of what is left after the mandatory tail when the replay is to run too:
    /// when both do not fit, the replay is left out and the solver gets all of it.</summary>
    public const double SolverShareFirst = 0.5;

    /// <summary>The solver never gets less than this, even when the limit is already spent: its fallback is the
    /// heuristic warm start, which costs little more.</summary>
    public const double MinSolverSeconds = 0.2;

    /// <summary>Share of what the solver would get that the baselines kept for comparison (peak-sized first fit,
    /// best fit) may take before it; at 30,000 VMs they took 13 s of a 60 s limit at load 44 to 48.</summary>
    public const double BaselineShare = 0.25;

    /// <summary>Share of the solver's time the warm starts may take before it (keep-in-place starts, homecoming):
    /// at 30,000 VMs they took 37 s when the limit was already spent.</summary>
    public const double WarmStartShare = 0.25;

    /// <summary>Seconds the mandatory tail (staging, allocation, validation, summary) is expected to take from now:
    /// the idle estimate times the pace so far, and the command's margin (<see cref="MarginSeconds"/>, unpaced).</summary>
    public double Tail => deadline.Paced(TailFixedSeconds + TailSecondsPerVm * p.VmCount) + MarginSeconds;

    /// <summary>The replay's paced estimate; 0 once it has given its room to the solver (<see cref="ReplayGivenUp"/>).</summary>
    private double Replay => request.Simulation is null || ReplayGivenUp ? 0 : deadline.Paced(ReplayIdleSeconds);

    private volatile bool _replayGivenUp;

    /// <summary>True once a solve, whose reserves held the replay's at its start, has read the replay out of its part
    /// for <see cref="WorkClock.LatenessHoldSeconds"/> at every reading and handed its room to the solver
    /// (<see cref="Solver"/>): from then on the replay is out of the command, never asked again.</summary>
    public bool ReplayGivenUp => _replayGivenUp;

    /// <summary>True once the comparison baselines have had <see cref="BaselineShare"/> of what the solver would get
    /// when they start (at once when the mandatory tail alone no longer fits); never without a wall-clock deadline.</summary>
    public Func<bool> BaselineStop() => StopAfterShareOfSolver(BaselineShare);

    /// <summary>True once the warm starts have had <see cref="WarmStartShare"/> of what the solver would get now;
    /// never without a wall-clock deadline.</summary>
    public Func<bool> WarmStartStop() => StopAfterShareOfSolver(WarmStartShare);

    private Func<bool> StopAfterShareOfSolver(double share)
    {
        if (!deadline.IsWallClock) return () => false;
        var end = deadline.Elapsed + share * Math.Max(0, SolverSeconds);
        return () => deadline.Elapsed >= end;
    }

    /// <summary>Wall-clock seconds left for the solver after the reserves for the phases behind it.</summary>
    private double SolverSeconds => SolverSecondsWith(ReplayFits);

    /// <summary>The replay keeps its reserve while the solver still gets <see cref="SolverShareFirst"/> of what is
    /// left after the mandatory tail.</summary>
    private bool ReplayFits => deadline.Remaining - Tail - Replay >= SolverShareFirst * (deadline.Remaining - Tail);

    private double SolverSecondsWith(bool replay) => deadline.Remaining - Tail - (replay ? Replay : 0);

    /// <summary>The solver's options for a solve starting now: its share of the time as the reserves read now, and
    /// how much sooner they say it must end as the solve goes on (<see cref="SolverOptions.WallLateness"/>): the
    /// reserves are paced, and a machine that gets busier during the solve makes the phases after it longer
    /// (<see cref="Deadline.Pace"/>). Whether the replay keeps its reserve is asked again as the solve goes on: decided
    /// once at its start, a pace read high there (5.5 at the Bitbrains month's solve, 2.3 at its end, load 18) left the
    /// replay out, the solver ran on into its room, and at its turn the replay no longer fitted (its estimate 3.9 s, 5.3 s
    /// left with the margin); the command ended at 24.2 s of 30 without it.
    /// The lateness is negative when the reserves shrank (the pace fell during the solve): that time is handed back to
    /// the solver. Floored at 0, it never was, and the Bitbrains month ended 4 to 11 s early of its 30 s (25.65, 21.97,
    /// 25.64 s; a quiet run at load 6-8 left the solver 9.0 s of reserves, a pace of about 2.9 at its start, 1.9 at
    /// its end, and ended 5.3 s early; docs/overrun-load.sh month, docs/solver.md). The rule, safe by construction: the solver's end is the
    /// deadline less the reserves as they read now (the tail's, the output's and, while it keeps it, the replay's, each
    /// paced, and the unpaced <see cref="MarginSeconds"/>), so what is handed back is only the fall of the paced
    /// estimates; the pace never reads below 1 (<see cref="Deadline.Pace"/>), so the reserves never fall below an idle
    /// machine's estimates of the phases after the solve plus the margin. Two guards: the time handed back never
    /// includes the replay's reserve when the replay had it at the solve's start (that term reads the reserves with the
    /// replay decided as then), so a replay left out mid-solve for a burst does not give its room to the solver, until it
    /// has read out at every reading for the whole <see cref="WorkClock.LatenessHoldSeconds"/> (the span after which a
    /// burst that ended no longer shows in the pace, so the load that keeps it out lasts): then its room is handed back
    /// whole and for good (<see cref="ReplayGivenUp"/>). The rule for that hand-back: the solve then ends where it would
    /// had the replay been left out at its start, the deadline less the tail's, the output's and the margin's reserves,
    /// which is how every run whose replay never fitted has kept its limit, so the limit holds; and the replay is out of
    /// the command from then on (its estimate reads 0 in every reserve, and it is not asked again at its turn), so a pace
    /// that falls afterwards can neither let it back into the solve's reserves, moving the solve's end back after the
    /// solver has used the room, nor start it late in a room the solver has used. Kept, the room went unused: six busy
    /// loops started 4 s into the Bitbrains month on a quiet machine ended it at 17.33, 24.45 and 26.26 s of 30; and the
    /// solver's clock holds the highest lateness of the last <see cref="WorkClock.LatenessHoldSeconds"/> of the phases
    /// that are never cut short (the tail's and the output's reserves, <see cref="SolverOptions.WallLateness"/>), so a
    /// fall of the pace counts for them only once it has lasted that long. The replay's part
    /// (<see cref="SolverOptions.CutShortLateness"/>) is read as it is now, never held: the replay is asked again at its
    /// turn whether it fits and stopped at <see cref="ReplaySeconds"/>, so a pace that rises again after the solve
    /// shortens or leaves out the replay, never the limit. Held with the rest, the replay's reserve taken back when the
    /// falling pace let it fit again was held for 10 s at its size then, while it shrank with the pace: the Bitbrains
    /// month at load 13-18 (traced, not kept) read pace 5.7 at the solve's start (the replay left out), 4.5 a second
    /// later (the replay back in: 6.6 s), 2.3 five seconds after (its reserve 3.9 s), and the solve ended as if at 6.6 s;
    /// the command ended at 21.1 s of 30. The plots' part of the output's reserve (the deadline's
    /// <see cref="Deadline.CutShortReserve"/>) counts with the replay's, as it reads now: each figure is drawn only while
    /// it and the rest of the output still fit as the pace reads at its turn, and the figures are left out whole
    /// otherwise, so a pace that rises again after the solve costs plots, never the limit. Held with the essential
    /// output, the plots' reserve (0.4 s of an idle machine's time, 8 s at pace 20) was kept at its peak for 10 s
    /// while the falling pace shrank it.</summary>
    public SolverOptions Solver(ImmutableArray<string>.Builder notes)
    {
        if (!deadline.IsWallClock) return request.Solver;
        var replay = ReplayFits;
        var replayReserve = replay ? Replay : 0;
        // What the solver and the replay share, as read now: the replay keeps its reserve while its paced estimate is
        // at most its part of this, asked again as the solve goes on (the pace read at the solve's start may be a
        // burst's, or the start-up's).
        var shared = deadline.Remaining - Tail;
        var left = shared - replayReserve;
        if (left < MinSolverSeconds)
            notes.Add(string.Format(CultureInfo.InvariantCulture,
                "the time limit was nearly spent before the solve ({0:0.0} s in); the solver got {1:0.0} s", deadline.Elapsed, MinSolverSeconds));
        var end = deadline.Elapsed + left;
        // The replay's part: its reserve as it reads now, while it keeps one, against the reserve it had at the start;
        // never less than as the replay was decided then while that is below it (its room is not handed back), until
        // the replay has been out for the whole hold: then all of its room, for good.
        double ReplayLate(bool keeps) => (keeps ? Replay : 0) - replayReserve;
        var outSince = double.NaN;
        var gate = new Lock();
        bool Keeps()
        {
            var keeps = Replay <= (1 - SolverShareFirst) * shared;
            if (!replay || ReplayGivenUp) return keeps;
            lock (gate)
            {
                if (keeps) outSince = double.NaN;
                else if (double.IsNaN(outSince)) outSince = deadline.Elapsed;
                else if (deadline.Elapsed - outSince >= WorkClock.LatenessHoldSeconds) _replayGivenUp = true;
            }
            return keeps;
        }
        double ReplayPart()
        {
            var keeps = Keeps();
            return ReplayGivenUp && replay ? -replayReserve : Math.Max(ReplayLate(keeps), Math.Min(0, ReplayLate(replay)));
        }
        // The plots' part of the output's reserve (the caller's cut-short reserve): its growth or fall since the start.
        var plots = deadline.CutShortReserve;
        double PlotsLate() => deadline.CutShortReserve - plots;
        return request.Solver with
        {
            TimeLimitSeconds = Math.Max(MinSolverSeconds, left),
            // The tail's and the essential output's part: how much their paced reserves grew (or, negative, shrank)
            // since the start (the deadline's remaining time is less every reserve behind the planner, the plots' too).
            WallLateness = () => end - deadline.Elapsed - (deadline.Remaining - Tail) + replayReserve - PlotsLate(),
            CutShortLateness = () => ReplayPart() + PlotsLate(),
            WallClock = deadline.Clock,
        };
    }

    /// <summary>True when the solver would get less than <see cref="MinSolverSeconds"/>: the planner then keeps the
    /// warm start instead of setting up a search (3.5 s of a 0.2 s solve at 30,000 VMs on a busy machine). Never
    /// without a wall-clock deadline.</summary>
    public bool LeavesNoSolve => deadline.IsWallClock && SolverSeconds < MinSolverSeconds;

    /// <summary>Another solve (with more VMs kept in place) fits: the tail and the replay, and twice the tail for
    /// the solve, at least a second.</summary>
    public bool AllowsAnotherSolve => deadline.Allows(Tail + Replay + Math.Max(1, 2 * Tail));

    /// <summary>The replay starts at its turn when what is left holds <see cref="ReplayStartShare"/> of its paced
    /// estimate and the margin: it is stopped at <see cref="ReplaySeconds"/> whatever happens, so a replay that meets more
    /// than that share costs only room that would otherwise go unused, never the limit.</summary>
    public bool AllowsReplay => !ReplayGivenUp && deadline.Allows(ReplayStartShare * Replay + MarginSeconds);

    /// <summary>The part of its paced estimate a replay must find left at its turn (<see cref="AllowsReplay"/>). It was
    /// the whole estimate, the reserve the solve had left it: by construction no room to spare, so a pace that rose by a
    /// few per cent between the solve's end and the replay's turn (staging and validation read it again) left the
    /// replay out, and with it its whole reserve unused (the Bitbrains month under six busy loops, 16:14 UTC: 10.45 s
    /// paced, 11.51 s left, 11.95 needed; the command ended at 33.6 s of 45; three of three such runs at 30 s ended at
    /// 16.8-21.3 s). 0.9: what replays met at their turn against their paced estimate (wall clock over the idle estimate
    /// times the pace read at the turn; `bash docs/overrun-load.sh ROW 1 LOOPS 4` with docs/pace-trace.patch,
    /// 2026-12-07 16:14-16:43 UTC, load 5-16): the month 0.62 (no loops, pace 2.8), 0.69, 0.71, 0.72, 0.77 (six loops,
    /// pace 5.5-5.9), 3,000 generated VMs 0.88 (no loops, pace 2.4); the largest, so a replay that starts has met its
    /// estimate in every run measured. The solve's reserve for it stays the whole paced estimate, which leaves the
    /// slack (a tenth of it) to a pace that rises after the solve.</summary>
    public const double ReplayStartShare = 0.9;

    /// <summary>Seconds the replay may run from now: up to the planner's deadline less <see cref="MarginSeconds"/>.
    /// Stopped at the deadline itself, a replay that overran its estimate took the margin kept for the output's error
    /// and the process's exit: a Bitbrains month at 30 s under six busy loops replayed for 9.4 s against about 2.7 s
    /// reserved and the command ended at 30.05 s (docs/overrun-load.sh month, 2026-12-06).</summary>
    public double ReplaySeconds => Math.Max(0, deadline.Remaining - MarginSeconds);

    /// <summary>A note when the phases that are never cut short (reading, profiles, the fallback placement, staging,
    /// validation) ran past the planner's deadline, which is the limit less a paced reserve for writing the output:
    /// the command may then end late, by up to about the overrun (less when the output takes less than its reserve;
    /// the time line at the end of `plan` tells), and says so; null when on time or without a wall-clock deadline.</summary>
    public string? OverrunNote()
    {
        if (!deadline.IsWallClock || deadline.Remaining >= 0) return null;
        return string.Format(CultureInfo.InvariantCulture,
            "the time limit may be missed: the phases that are never cut short (reading, profiles, the fallback placement, staging, validation, output) ran {0:0.0} s past the planner's share of it (the limit less the reserve for writing the output), on a machine {1:0.0} times slower than idle ({2})",
            -deadline.Remaining, deadline.Pace,
            string.Join(", ", deadline.Phases.Select(ph => string.Format(CultureInfo.InvariantCulture, "{0} {1:0.0} s", ph.Phase, ph.Seconds))));
    }
}
