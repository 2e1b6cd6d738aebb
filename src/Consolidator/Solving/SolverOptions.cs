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

    public int EffectiveWorkers => Deterministic ? 1 : Workers > 0 ? Workers : Math.Max(1, Environment.ProcessorCount);

    public void Validate()
    {
        if (!(TimeLimitSeconds > 0) || double.IsInfinity(TimeLimitSeconds))
            throw new ArgumentOutOfRangeException(nameof(TimeLimitSeconds), TimeLimitSeconds, "--time-limit must be a positive number of seconds");
        if (Workers < 0)
            throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "--workers must be 0 (all cores) or more");
        // Several CP-SAT workers race each other, so which answer wins depends on the machine's load.
        if (Deterministic && Workers > 1)
            throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "--deterministic runs one CP-SAT worker; leave --workers out or set it to 1");
    }
}
