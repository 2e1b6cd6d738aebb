namespace Consolidator.Solving;

/// <param name="TimeLimitSeconds">Wall-clock limit; with one worker, CP-SAT's deterministic time limit.</param>
/// <param name="Seed">CP-SAT's random seed.</param>
/// <param name="Workers">CP-SAT search workers; 0 = one per core. One worker makes runs repeat exactly.</param>
public sealed record SolverOptions(double TimeLimitSeconds = 30, int Seed = 1, int Workers = 0)
{
    public int EffectiveWorkers => Workers > 0 ? Workers : Math.Max(1, Environment.ProcessorCount);

    public void Validate()
    {
        if (!(TimeLimitSeconds > 0) || double.IsInfinity(TimeLimitSeconds))
            throw new ArgumentOutOfRangeException(nameof(TimeLimitSeconds), TimeLimitSeconds, "--time-limit must be a positive number of seconds");
        if (Workers < 0)
            throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "--workers must be 0 (all cores) or more");
    }
}
