using System.Collections.Concurrent;
using System.Collections.Immutable;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Simulation;
using Consolidator.Solving;
using Consolidator.Timing;
using Consolidator.Traces;

namespace Consolidator.Sweeps;

/// <param name="TimeLimitSeconds">For the whole sweep. With <paramref name="Deterministic"/>, counted work shared
/// equally by the plans (never by the cores, which differ between machines); otherwise the command's wall-clock
/// deadline given to <see cref="Sweep.Run"/> is what counts.</param>
/// <param name="Parallelism">Points planned at once; each runs CP-SAT with one worker, so this is the cores used.</param>
/// <param name="Simulation">Replay options of every point; the point's method replaces their method.</param>
public sealed record SweepOptions(double TimeLimitSeconds = 2, int Seed = 1, int Parallelism = 1, int MaxMigrationsPerHostPerStage = 2, SimulationOptions? Simulation = null, bool Deterministic = true);

/// <summary>Plans and replays every point of a grid. A plan does not depend on the migration method, so
/// each placement is solved once and replayed with every method of the grid.</summary>
public static class Sweep
{
    /// <summary>The reason given for the points of a plan that the time limit left unstarted.</summary>
    public const string OutOfTime = "not planned: the time limit ran out before this plan could start";

    /// <param name="deadline">The command's wall-clock end: each plan, when it starts, gets an equal share of what is
    /// left for the plans not yet started (times the plans run at once), a fifth of it kept for its replays. A plan
    /// whose turn comes after the end is not started: its points are rows marked out of time, since every plan costs
    /// profiles, validation and replays that no solver limit cuts short (a 400-plan grid at `--time-limit 5` took
    /// 44 s at load 12 before this rule).</param>
    /// <summary>The most points planned at once. Each holds a whole plan (its problem, CP-SAT model and replay) in
    /// memory: `--parallel 100000` was taken and ran as many plans at once as the grid held (up to
    /// <see cref="SweepGrid.MaxPoints"/>), whatever the cores. A sanity bound: 256 is past any machine's cores here.</summary>
    public const int MaxParallelism = 256;

    public const string ParallelRange = "--parallel must be a whole number from 0 (one plan per core) to 256: each plan at once holds its model and replay in memory";

    public static ImmutableArray<SweepPointResult> Run(Dataset dataset, SweepGrid grid, SweepOptions options, IProgress<int>? pointsDone = null, Deadline? deadline = null)
    {
        deadline ??= Deadline.None;
        grid.Validate();
        if (options.Parallelism is < 1 or > MaxParallelism) throw new ArgumentOutOfRangeException(nameof(options), options.Parallelism, ParallelRange);
        // Checked here once: in each plan's staging it was an AggregateException of every plan (exit code 1).
        if (options.MaxMigrationsPerHostPerStage < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxMigrationsPerHostPerStage, "--max-migrations-per-host must be 0 (no cap) or more");
        var points = grid.Points();
        var plans = points.GroupBy(p => (p.Windows, p.Percentile, p.Headroom, p.MigrationWeight)).ToList();
        var profiles = new ConcurrentDictionary<(string, double), Lazy<ProfileSet>>();
        var results = new ConcurrentBag<SweepPointResult>();
        var (done, started) = (0, 0);
        Parallel.ForEach(plans, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism }, group =>
        {
            var outOfTime = deadline.Remaining <= 0;
            var (plan, failure) = outOfTime ? (null, OutOfTime) : PlanOne(dataset, group.Key, profiles, options, plans.Count, ref started, deadline);
            foreach (var point in group)
            {
                results.Add(plan is null ? new SweepPointResult(point, null, failure, OutOfTime: outOfTime) : Replay(dataset, plan, point, options));
                pointsDone?.Report(Interlocked.Increment(ref done));
            }
        });
        return [.. ParetoFront.MarkSweep([.. results.OrderBy(r => r.Point.Index)])];
    }

    /// <summary>The placement of one group of points (they differ only in the replay's method), or why there is none.</summary>
    private static (PlanOutcome? Plan, string? Failure) PlanOne(Dataset dataset, (string Windows, double Percentile, double Headroom, double MigrationWeight) key,
        ConcurrentDictionary<(string, double), Lazy<ProfileSet>> profiles, SweepOptions options, int planCount, ref int started, Deadline deadline)
    {
        var profileSet = profiles.GetOrAdd((key.Windows, key.Percentile),
            k => new Lazy<ProfileSet>(() => ProfileBuilder.Build(dataset, WindowScheme.Parse(k.Item1), k.Item2))).Value;
        var request = new PlanRequest(new PlacementOptions(key.Headroom, key.MigrationWeight),
            new SolverOptions(options.TimeLimitSeconds / planCount, options.Seed, Workers: 1, options.Deterministic), options.MaxMigrationsPerHostPerStage);
        var left = planCount - Interlocked.Increment(ref started) + 1;
        var share = deadline.Remaining * Math.Min(left, options.Parallelism) / left;
        try
        {
            return (Planner.Plan(dataset, profileSet, request, deadline: deadline.EarlierBy(deadline.Remaining - 0.8 * share)), null);
        }
        catch (InfeasiblePlacementException e)
        {
            // The first reason says why; the full list belongs to `plan`, a row of sweep.csv stays readable.
            return (null, "infeasible: " + e.Reasons.FirstOrDefault() + (e.Reasons.Length > 1 ? $" (and {e.Reasons.Length - 1} more reason(s))" : ""));
        }
    }

    private static SweepPointResult Replay(Dataset dataset, PlanOutcome plan, SweepPoint point, SweepOptions options)
    {
        var simulation = (options.Simulation ?? new SimulationOptions()) with { Method = point.Method };
        var replay = Simulator.Run(plan.Problem, plan.Target, plan.Migrations, dataset.Usage, simulation);
        var s = replay.Summary;
        var downtimes = replay.Migrations.Where(m => m.Started).Select(m => m.DowntimeSeconds * 1000).ToArray();
        return new SweepPointResult(point, new SweepFigures(
            plan.Summary.EnergyKWhPerDayAfter,
            plan.Summary.ActiveHostsAfter,
            plan.Summary.Migrations,
            s.DataMovedGiB,
            s.TotalSeconds,
            s.WorstDowntimeSeconds * 1000,
            downtimes.Length == 0 ? 0 : Percentile.Of(downtimes, 99),
            s.OverCapacity.HostHoursAfter,
            s.SloViolations,
            plan.Summary.Storage?.UsedGiBAfter,
            plan.Summary.Storage?.SavedGiB,
            plan.Summary.Storage is null ? null : s.Disks?.CopiedGiB ?? 0,
            plan.Summary.Storage is null ? null : s.Disks?.DedupSavedGiB ?? 0), null);
    }
}
