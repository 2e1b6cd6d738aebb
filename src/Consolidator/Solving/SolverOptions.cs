using Consolidator.Timing;

namespace Consolidator.Solving;

/// <param name="TimeLimitSeconds">In the default mode, wall-clock seconds from the start of the solve. In the
/// deterministic mode, seconds of counted work: CP-SAT's deterministic time plus the work the solver's own
/// searches count, so that the same input gives the same placement on any machine under any load.</param>
/// <param name="Seed">CP-SAT's random seed.</param>
/// <param name="Workers">CP-SAT search workers; 0 = one per core. The deterministic mode uses one.</param>
/// <param name="Deterministic">Bound every search by counted work and never read the wall clock.</param>
public sealed record SolverOptions(double TimeLimitSeconds = 30, int Seed = 1, int Workers = 0, bool Deterministic = false)
{
    /// <summary>The phases that may run (all, unless an ablation switches one off).</summary>
    public SolverPhases Phases { get; init; } = SolverPhases.All;

    public bool Runs(SolverPhases phase) => (Phases & phase) == phase;

    /// <summary>The phases a plan keeps when CP-SAT gets no time: the heuristic warm starts alone
    /// (<c>evaluate --heuristic-only</c>), so that what a plan on a busy machine falls back to is counted, not timed.</summary>
    public const SolverPhases HeuristicOnly = SolverPhases.KeepInPlaceStarts | SolverPhases.Homecoming;

    /// <summary>True when some search phase may run; false with <see cref="HeuristicOnly"/>: the plan is the fallback.</summary>
    public bool Searches => (Phases & ~HeuristicOnly) != 0;

    /// <summary>Seconds by which the caller's wall-clock end for this solve has come closer since the solve began,
    /// beyond the time that passed (the machine got busier, so the phases after the solve need longer): the solver
    /// counts them as spent, so that its phases end sooner. Negative when the end moved away (the phases after the
    /// solve need less, the machine got quieter): the solver's phases then run on by as much. Null: the limit alone.
    /// Never read in the deterministic mode.</summary>
    public Func<double>? WallLateness { get; init; }

    /// <summary>The part of the lateness that belongs to phases after the solve that are cut short or left out at their
    /// turn when they no longer fit (the replay): counted as it reads now, never held at a peak as
    /// <see cref="WallLateness"/> is (WorkClock.LatenessHoldSeconds). Null: none. Never read in the deterministic
    /// mode.</summary>
    public Func<double>? CutShortLateness { get; init; }

    /// <summary>The caller's clock (the command deadline's): where it ran ahead of the solver's own stopwatch (a
    /// test's clock moved by hand) the solver counts its time, so that a running solve stops at the command's end as
    /// that clock sees it. Null: the stopwatch alone. Never read in the deterministic mode.</summary>
    public Clock? WallClock { get; init; }

    public int EffectiveWorkers => Deterministic ? 1 : Workers > 0 ? Workers : Math.Max(1, Environment.ProcessorCount);

    /// <summary>The longest time limit, in seconds (11.6 days): a wall-clock limit becomes a .NET timer, which holds
    /// at most 2^32 - 2 ms (49.7 days); `--time-limit 1e15` was an unexpected OverflowException after the solve
    /// (exit code 1, "a bug") and 1e7 a bare "Specified argument was out of the range of valid values".</summary>
    public const double MaxTimeLimitSeconds = 1e6;

    /// <summary>The most CP-SAT workers: CP-SAT refuses more (ortools/sat/parameters_validation.cc, kMaxReasonableParallelism
    /// = 10,000). `--workers 100000` reached the solver, whose whole model came back ModelInvalid and the plan was the
    /// heuristic's, with exit code 0.</summary>
    public const int MaxWorkers = 10_000;

    public const string WorkersRange = "--workers must be from 0 (all cores) to 10000 (CP-SAT takes no more)";

    public const string TimeLimitRange = "--time-limit must be a positive number of seconds, at most 1000000 (11.6 days)";

    public static bool InRange(double timeLimitSeconds) => timeLimitSeconds is > 0 and <= MaxTimeLimitSeconds;

    /// <summary>The shortest wall-clock limit a command takes: the process's start, reading the smallest dataset and
    /// writing its output take about a second (`plan --no-plots` on 2 VMs: 1.0 to 1.2 s at load 17 on 2 cores), so a
    /// shorter limit can never be kept; `plan --time-limit 1e-7` wrote a plan with exit code 0 and "time: 1.2 s of
    /// 0.0 s". Not in the deterministic mode, whose limit is counted solver work and kept at any size.</summary>
    public const double MinWallClockSeconds = 1;

    public const string WallClockTooShort = "--time-limit must be at least 1 s: the process's start, reading and writing take about that (with --deterministic it is counted solver work, and any positive number is kept)";

    /// <summary>A command's --time-limit as given, beyond <see cref="Validate"/> (which refuses what is not positive):
    /// never a wall clock it cannot keep.</summary>
    public static void ValidateCommandLimit(double timeLimitSeconds, bool deterministic)
    {
        if (!deterministic && timeLimitSeconds is > 0 and < MinWallClockSeconds)
            throw new ArgumentOutOfRangeException(nameof(TimeLimitSeconds), timeLimitSeconds, WallClockTooShort);
    }

    public void Validate()
    {
        if (!InRange(TimeLimitSeconds))
            throw new ArgumentOutOfRangeException(nameof(TimeLimitSeconds), TimeLimitSeconds, TimeLimitRange);
        if (Workers is < 0 or > MaxWorkers)
            throw new ArgumentOutOfRangeException(nameof(Workers), Workers, WorkersRange);
        // Several CP-SAT workers race each other, so which answer wins depends on the machine's load.
        if (Deterministic && Workers > 1)
            throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "--deterministic runs one CP-SAT worker; leave --workers out or set it to 1");
    }
}
