using System.Globalization;
using System.Collections.Immutable;
using Consolidator.Allocation;
using Consolidator.Feasibility;
using Consolidator.Heuristics;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Simulation;
using Consolidator.Solving;
using Consolidator.Staging;
using Consolidator.Timing;
using Consolidator.Traces;
using Consolidator.Validation;

namespace Consolidator.Planning;

/// <summary>The whole path from profiles to a validated, staged plan. The steps stay apart (BtrPlace's
/// two phases): decide the placement, then schedule the moves; a move that cannot be scheduled safely
/// pins its VM and the placement is solved again.</summary>
public static class Planner
{
    /// <summary>Rounds of "pin the VMs whose moves could not be staged, solve again".</summary>
    public const int MaxRestagingRounds = 3;

    /// <param name="deadline">The command's wall-clock end: the solver gets what is left of it after a reserve for
    /// staging, validation, replay and output (<see cref="TimeBudget"/>). <see cref="Deadline.None"/> (the default):
    /// the solver's own limit, read as counted work in the deterministic mode.</param>
    /// <exception cref="InfeasiblePlacementException">No placement exists; the reasons say why.</exception>
    /// <exception cref="PlanValidationException">The validator rejected the plan (a bug).</exception>
    public static PlanOutcome Plan(Dataset dataset, ProfileSet profiles, PlanRequest request, IProgress<SolverProgress>? progress = null, Deadline? deadline = null)
    {
        deadline ??= Deadline.None;
        // What each step is, for a terminal's progress line (never the time line: Begin is not a mark).
        deadline.Begin("building the placement problem");
        var problem = PlacementProblem.From(dataset, profiles, request.Placement);
        deadline.Mark("problem");
        deadline.Begin("checking feasibility");
        var reasons = FeasibilityCheck.Explain(problem).AddRange(RuleConflicts.Precheck(problem));
        deadline.Mark("feasibility");
        deadline.Begin("baselines (first fit, best fit)");
        if (!reasons.IsEmpty) throw new InfeasiblePlacementException(reasons);

        var notes = ImmutableArray.CreateBuilder<string>();
        if (problem.WholeDiskReason is { } whole) notes.Add(whole);
        var stayPut = new HashSet<int>();
        var budget = new TimeBudget(problem, request, deadline, dataset.Usage.IsDefault ? 0 : dataset.Usage.Sum(series => (long)series.Count));
        // The heuristic baselines without pinned VMs serve twice: as warm starts and in the summary; those kept
        // only for comparison run while their share of the time lasts.
        var baselines = Baselines.Of(problem, budget.BaselineStop());
        deadline.Mark("baselines");
        deadline.Begin("warm start (heuristic placements, homecoming)");
        // Heuristic only: the warm starts a busy machine's fallback gets (their share spent at once, as it is when the
        // limit leaves no solve), counted rather than timed.
        var searches = request.Solver.Searches;
        var warm = WarmStart(problem, request.Solver.Phases, baselines.TemporalFfd, baselines.TemporalBfd, notes,
            stop: searches ? budget.WarmStartStop() : () => true);
        var budgeted = request.MaxMigrations is not null && problem.AllPlaced;
        SolveResult solve;
        if (!budgeted && warm is not null && (budget.LeavesNoSolve || !searches))
        {
            // Setting up the search costs seconds at this size; the limit has none left.
            solve = Fallback(problem, warm, notes);
            notes.Add(searches
                ? string.Format(CultureInfo.InvariantCulture,
                    "CP-SAT did not run: the time limit was spent before the solve ({0:0.0} s in); the plan is the heuristic warm start's placement", deadline.Elapsed)
                : "CP-SAT did not run (heuristic only); the plan is the heuristic fallback (the cheapest warm start, or today's placement repaired when cheaper)");
        }
        else
        {
            deadline.Begin(ActivitySolve);
            var first = budget.Solver(notes);
            // With a migration budget the free solve gets a share of the time; the pinned re-solves the rest.
            if (budgeted) first = first with { TimeLimitSeconds = first.TimeLimitSeconds * FreeSolveShare };
            solve = SolveOrExplain(problem, request with { Solver = first }, warm, progress);
        }
        notes.AddRange(solve.Notes);
        solve = CasCaveat(problem, solve, notes);
        if (budgeted)
        {
            deadline.Begin("solving again within the migration budget");
            (solve, stayPut) = WithinBudget(problem, request with { Solver = budget.Solver(notes) }, solve, notes, progress);
        }
        deadline.Mark("solve");
        deadline.Begin("staging the migrations");
        var migrations = MigrationPlanner.Plan(problem, solve.Placement, request.MaxMigrationsPerHostPerStage);
        deadline.Mark("staging", budget.StagingIdleSeconds);

        for (var round = 1; round <= MaxRestagingRounds && !migrations.ReachesTarget; round++)
        {
            if (!budget.AllowsAnotherSolve)
            {
                notes.Add($"{migrations.Blocked.Length} move(s) could not be staged safely and no time is left to solve again with their VMs kept in place; the plan lists them as blocked");
                break;
            }
            // A VM that runs nowhere yet cannot stay put; pinning the running ones frees its way.
            // Nor can one whose host a rule forbids it (a drained host, a ban): it has to move.
            var pinned = migrations.Blocked.Count(b => problem.CurrentHost(b.Vm) is var h && h >= 0
                && problem.Rules.Allows(b.Vm, h) && stayPut.Add(b.Vm));
            if (pinned == 0) break;
            notes.Add($"round {round}: {migrations.Blocked.Length} move(s) could not be staged safely; their VMs stay put and the placement is solved again");
            deadline.Begin($"solving again with the unstaged moves' VMs kept in place, round {round}");
            try
            {
                var again = CpSatPlacementSolver.Solve(problem, budget.Solver(notes), WarmStart(problem, request.Solver.Phases, stayPut), stayPut, progress);
                var staged = MigrationPlanner.Plan(problem, again.Placement, request.MaxMigrationsPerHostPerStage);
                deadline.Mark($"re-solve and staging, round {round}");
                notes.AddRange(again.Notes);
                again = CasCaveat(problem, again, notes);
                (solve, migrations) = (again, staged);
            }
            catch (InfeasiblePlacementException)
            {
                notes.Add("with those VMs kept in place no placement exists; the plan keeps the moves it cannot stage and lists them as blocked");
                break;
            }
        }

        deadline.Begin("validating the plan");
        // The host level: CPU caps per window on the hosts the VMs end up on (a blocked move leaves its VM home).
        var final = problem.CurrentPlacement().HostOf.ToArray();
        foreach (var stage in migrations.Stages)
            foreach (var m in stage.Migrations) final[m.Vm] = m.To;
        var landed = new Placement([.. final.Select((h, v) => h >= 0 ? h : solve.Placement[v])]);
        // The allocation and the checks of the placement and the stages are independent: run at once, so that on a
        // busy machine validation, which is never cut short, gets more than one thread's share.
        AllocationSchedule? allocation = null;
        IReadOnlyList<Violation> placed = [], stages = [];
        var target = solve.Placement;
        Parallel.Invoke(
            () => allocation = AllocationPlanner.Build(problem, landed, profiles),
            () => placed = PlanValidator.CheckPlacement(problem, target),
            () => stages = PlanValidator.CheckMigrationPlan(problem, target, migrations));
        var violations = placed.Concat(stages).Concat(PlanValidator.CheckAllocation(problem, landed, allocation!)).ToImmutableArray();
        if (!violations.IsEmpty) throw new PlanValidationException(violations);
        deadline.Mark("validation", budget.ValidationIdleSeconds);

        var simulate = request.Simulation is not null && budget.AllowsReplay;
        if (request.Simulation is not null && !simulate)
            notes.Add(budget.ReplayGivenUp
                ? string.Format(CultureInfo.InvariantCulture, "not replayed through the live-migration simulator: during the solve it no longer fitted what was left of the time limit for {0:0} s, and the solver took its reserve (run `simulate` on the plan, or raise --time-limit)", WorkClock.LatenessHoldSeconds)
                : "not replayed through the live-migration simulator: too little of the time limit was left (run `simulate` on the plan, or raise --time-limit)");
        if (simulate) deadline.Begin("replaying the migrations (simulator)");
        var replay = simulate ? Replay(problem, solve.Placement, migrations, dataset, request.Simulation!, budget.ReplaySeconds, deadline, notes) : null;
        deadline.Begin("summing up the plan");
        if (budget.OverrunNote() is { } overrun) notes.Add(overrun);
        var summary = Summaries.Of(problem, profiles, solve, migrations, baselines, notes.ToImmutable());
        if (replay is null) return new PlanOutcome(problem, profiles, solve, migrations, summary) { Allocation = allocation };
        return new PlanOutcome(problem, profiles, solve, migrations, summary with { Simulation = replay.Summary }) { Simulation = replay, Allocation = allocation };
    }

    /// <summary>The plan when the solver gets no time, bounded by the energy bound alone: the cheaper (energy plus
    /// migration cost) of the warm start and today's placement repaired (<see cref="Repair"/>), which moves only what
    /// no longer fits. Without it a drifted day's fallback re-packed every VM of each overloaded host: a
    /// judged month beside six busy loops re-packed 110-408 VMs in 12 rounds (docs/solver.md, 0bafb15).</summary>
    private static SolveResult Fallback(PlacementProblem p, Placement warm, ImmutableArray<string>.Builder notes)
    {
        if (p.Options.MigrationWeightWhPerGiB > 0 && Repair.Of(p) is { } repaired && Objective.Wh(p, repaired) < Objective.Wh(p, warm))
        {
            notes.Add(string.Format(CultureInfo.InvariantCulture, "fallback: today's placement repaired ({0} hosts, {1} moves, {2:0.0} kWh/day) is cheaper than the warm start ({3} hosts, {4} moves, {5:0.0} kWh/day)",
                repaired.ActiveHostCount, Energy.Migrations(p, repaired), Objective.Wh(p, repaired) / 1000, warm.ActiveHostCount, Energy.Migrations(p, warm), Objective.Wh(p, warm) / 1000));
            warm = repaired;
        }
        var objective = Objective.Wh(p, warm);
        return new SolveResult(warm, SolveStatus.HeuristicFallback, objective, Math.Min(objective, LowerBounds.EnergyWhPerDay(p)), 0, []);
    }

    /// <summary>With every disk counted whole on local storage (--whole-disks, or above the size image-aware counting
    /// allows) the solver keeps a bound from above on what a store that keeps shared image blocks once holds: its
    /// optimum is proven for that bound, not for the input as written, where sharing could leave room for a placement
    /// the bound forbids. Such a proof is reported as feasible.</summary>
    private static Solving.SolveResult CasCaveat(PlacementProblem problem, Solving.SolveResult solve, ImmutableArray<string>.Builder notes)
    {
        if (solve.Status != Solving.SolveStatus.Optimal || !problem.Disks.Counts || !problem.Disks.Shares || problem.CountsImagesOnce) return solve;
        notes.Add("optimal for the solver's storage bound (each disk counted whole on local storage), not proven for the store that keeps shared image blocks once: reported as feasible");
        return solve with { Status = Solving.SolveStatus.Feasible };
    }

    /// <summary>The replay through the live-migration simulator, stopped after <paramref name="seconds"/> on a
    /// wall clock (the deadline less the margin, TimeBudget.ReplaySeconds; never in the deterministic mode), null then, with a note:
    /// its reserve is estimated from the instance's size, and a replay that overran it made the command miss its
    /// time limit (85.9 s for 30 s reserved at 30,000 VMs).</summary>
    private static SimulationResult? Replay(PlacementProblem problem, Placement placement, MigrationPlan migrations, Dataset dataset,
        SimulationOptions options, double seconds, Deadline deadline, ImmutableArray<string>.Builder notes)
    {
        using var stop = deadline.IsWallClock ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds)) : new CancellationTokenSource();
        try
        {
            return Simulator.Run(problem, placement, migrations, dataset.Usage, options, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            notes.Add("not replayed through the live-migration simulator: the replay was stopped at the time limit (run `simulate` on the plan, or raise --time-limit)");
            return null;
        }
        finally
        {
            deadline.Mark("replay");
        }
    }

    /// <summary>What the planner says it does during the solve (<see cref="Deadline.Begin"/>): the solver's best plan so
    /// far is shown beside it.</summary>
    public const string ActivitySolve = "solving placement with CP-SAT";

    /// <summary>With a migration budget, the free solve gets this share of the time limit and each of at most
    /// <see cref="BudgetRounds"/> pinned re-solves an equal part of the rest.</summary>
    public const double FreeSolveShare = 0.5;

    public const int BudgetRounds = 3;

    /// <summary>Brings a free plan within the migration budget: the VMs that must move and those on the hosts
    /// the free plan empties (whole hosts, fewest VMs first, while the budget lasts) are free; every other VM
    /// stays put; solved again, with half as many hosts to empty each time the budget is still exceeded.</summary>
    private static (SolveResult, HashSet<int>) WithinBudget(PlacementProblem problem, PlanRequest request, SolveResult free,
        ImmutableArray<string>.Builder notes, IProgress<SolverProgress>? progress)
    {
        var budget = request.MaxMigrations!.Value;
        var moves = MigrationBudget.Moves(problem, free.Placement);
        if (moves <= budget) return (free, []);
        var must = MigrationBudget.MustMove(problem);
        var drain = MigrationBudget.Drained(problem, free.Placement).ToList();
        var options = request.Solver with { TimeLimitSeconds = request.Solver.TimeLimitSeconds * (1 - FreeSolveShare) / BudgetRounds };
        for (var round = 1; round <= BudgetRounds; round++)
        {
            var stay = MigrationBudget.StayPut(problem, must, drain, budget);
            SolveResult pinned;
            try
            {
                pinned = CpSatPlacementSolver.Solve(problem, options, WarmStart(problem, request.Solver.Phases, stay), stay, progress);
            }
            catch (InfeasiblePlacementException)
            {
                if (drain.Count == 0) break;
                drain = drain.Take(drain.Count / 2).ToList();
                continue;
            }
            var kept = MigrationBudget.Moves(problem, pinned.Placement);
            if (kept <= budget || drain.Count == 0)
            {
                notes.Add(kept <= budget
                    ? $"migration budget {budget}: the free plan moved {moves} VM(s); pinning every VM except the {must.Count} that must leave hosts the new profiles overload and those of the hosts worth emptying within the budget, {kept} move(s)"
                    : $"migration budget {budget} exceeded: {kept} move(s), as {must.Count} VM(s) sit on hosts the new profiles overload (or a rule forbids)");
                return (pinned, stay);
            }
            drain = drain.Take(drain.Count / 2).ToList();
        }
        notes.Add($"migration budget {budget}: no plan within it was found with the VMs pinned; the free plan ({moves} moves) stands");
        return (free, []);
    }

    /// <summary>When CP-SAT proves there is no placement and rules exist, names the rules in conflict.</summary>
    private static SolveResult SolveOrExplain(PlacementProblem problem, PlanRequest request, Placement? warm, IProgress<SolverProgress>? progress)
    {
        try
        {
            return CpSatPlacementSolver.Solve(problem, request.Solver, warm, new HashSet<int>(), progress);
        }
        catch (InfeasiblePlacementException) when (!problem.Rules.IsEmpty)
        {
            var core = RuleConflicts.Core(problem, request.Solver.Seed);
            if (core is not { IsEmpty: false } rules) throw;
            // The solver's own reason is not repeated: it blamed the capacity rows ("a bin-packing conflict") of a model
            // that held the rules too, where the core shows the placement feasible without any one of them.
            throw new InfeasiblePlacementException(
                [$"these rules cannot all hold together: {string.Join(", ", rules.Select(RuleConflicts.Name))} (CP-SAT proves the placement infeasible with all of them and feasible without any one of them)"]);
        }
    }

    /// <summary>True when every host's disks, each counted whole, fit its local storage: the bound the solver keeps
    /// (<see cref="Inventory.Resource.Disk"/>). Today's placement may fit only thanks to shared image blocks, which the
    /// validator accepts but the solver's rows do not; it is then no warm start.</summary>
    private static bool WithinDiskBound(PlacementProblem p, Placement placement)
    {
        // Counted image by image, the validator's storage rule is the solver's own.
        if (!p.Disks.Counts || p.CountsImagesOnce) return true;
        var load = new long[p.HostCount];
        for (var v = 0; v < p.VmCount; v++) load[placement[v]] += p.Demand(v, Inventory.Resource.Disk, 0);
        return Enumerable.Range(0, p.HostCount).All(h => load[h] <= p.Usable(h, Inventory.Resource.Disk));
    }

    /// <summary>Row operations each warm start may spend coming home (about a tenth of a second here).</summary>
    private const long WarmStartHomecomingWork = 100_000_000;

    /// <summary>The cheapest of the feasible heuristic placements (keeping today's, first fit, best fit, and first
    /// fit around the fullest current hosts kept whole), by energy plus migration cost.</summary>
    /// <param name="phases">The solver's phases that may run: keep-in-place starts and homecoming are two of them.</param>
    internal static Placement? WarmStart(PlacementProblem p, SolverPhases phases, IReadOnlySet<int> stayPut) =>
        WarmStart(p, phases, FirstFit.Pack(p, Sizing.Temporal, Fit.First, stayPut), FirstFit.Pack(p, Sizing.Temporal, Fit.Best, stayPut), null, stayPut);

    /// <param name="notes">Receives one line that compares the candidates, when given.</param>
    /// <param name="stop">True once the warm starts have had their share of a wall-clock limit: the candidates not yet
    /// built are left out and the rest do not come home (none of this is cut short in the deterministic mode).</param>
    private static Placement? WarmStart(PlacementProblem p, SolverPhases phases, Placement? firstFit, Placement? bestFit,
        ImmutableArray<string>.Builder? notes, IReadOnlySet<int>? stayPut = null, Func<bool>? stop = null)
    {
        stop ??= () => false;
        var candidates = new List<Placement?> { firstFit, bestFit };
        // Keeping VMs in place only pays when moves cost something.
        var keep = (phases & SolverPhases.KeepInPlaceStarts) != 0;
        if (keep && p.Options.MigrationWeightWhPerGiB > 0 && firstFit is not null)
        {
            // Each candidate is a first fit of the whole fleet: asked for one at a time while the share lasts. One is
            // built even when the share is spent before the first (it costs what the first fit did), the one that
            // keeps the most hosts whole: a plan given no time for the solver is this warm start, and without it a
            // re-plan fell back to a first fit that ignores where the VMs run (a judged month's last round, reached
            // with the limit spent, moved 493 VMs where its other rounds moved 3-49: docs/two-level.md).
            using var more = KeepInPlace.Candidates(p, firstFit.ActiveHostCount, stayPut, stop() ? KeepInPlace.KeptShares[^1..] : null).GetEnumerator();
            for (var built = 0; (built == 0 || !stop()) && more.MoveNext(); built++) candidates.Add(more.Current);
        }
        if (keep && p.AllPlaced && PlanValidator.CheckPlacement(p, p.CurrentPlacement()).Count == 0 && WithinDiskBound(p, p.CurrentPlacement()))
            candidates.Add(p.CurrentPlacement());
        // Each with its VMs brought home first (a bounded share of work): the same energy with more VMs where they run.
        var feasible = candidates.OfType<Placement>()
            .Select(c => (phases & SolverPhases.Homecoming) == 0 || stop() ? c
                : Homecoming.Apply(p, c, stayPut ?? new HashSet<int>(), 1, WarmStartHomecomingWork, stop, out _)).ToList();
        notes?.Add("warm starts (hosts, moves, energy plus migration cost): " + string.Join("; ", feasible.Select(c => string.Format(
            CultureInfo.InvariantCulture, "{0}, {1}, {2:0.0} kWh/day", c.ActiveHostCount, Energy.Migrations(p, c), Objective.Wh(p, c) / 1000))));
        return feasible.MinBy(c => Objective.Wh(p, c));
    }
}
