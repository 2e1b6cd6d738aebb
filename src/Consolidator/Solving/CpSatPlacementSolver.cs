using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Packing;
using Consolidator.Solving.FullHosts;
using Google.OrTools.Sat;

namespace Consolidator.Solving;

/// <summary>Solves a placement with Google OR-Tools CP-SAT. Small instances get the whole model first (for
/// a proven bound, and often the optimum); the rest of the time goes to large-neighbourhood search, whose
/// repair step is CP-SAT on a few hosts. Reads no files; reports incumbents through <see cref="IProgress{T}"/>.</summary>
public static class CpSatPlacementSolver
{
    /// <summary>Above this many x[v,h] Booleans the whole model is not built; LNS starts from the warm start.</summary>
    public const long FullModelMaxBooleans = 400_000;

    /// <summary>Above this many x[v,h] Booleans the whole model is not built even when the others above allow it. The
    /// ablation (bench --family ablation --deterministic, 2026-12-05) found it earned nothing on realistic data: on
    /// generate --vms 1000 (250,000 Booleans, 10 s) it took 1.25 GiB and two thirds of the limit, proved nothing, and
    /// left the neighbourhood search too little (44 hosts, energy 1.062 x its bound, against 42 and 1.038 without it);
    /// on Bitbrains (15,000) and planted K = 20 (8,500) it changed nothing. Small models keep it: it proves their
    /// optimum or bound, and the published vector packing instances of up to 200 items stay under this.</summary>
    public const long WholeModelMaxBooleans = 50_000;

    /// <summary>Share of the time limit the host-by-host fill may take, and its cap per host.</summary>
    public const double HostFillShare = 0.25, MaxSecondsPerHostFill = 0.5;

    /// <summary>Above this many VMs the host-by-host fill is not run: on generated fleets of 15,000 to 30,000 VMs
    /// it took its quarter of the limit and ended worse than the first-fit warm start (issue 17), and once out of
    /// time its fallback visits every remaining VM for every host. Below, it stops as soon as it cannot beat the warm
    /// start (<see cref="HostByHostFill.Pack"/>). Where it earns hosts: on datasets/default (120 VMs, 30 hosts of
    /// three models) at the sweep's 1.7 s of counted work per plan it finds 5 hosts where the warm starts have 6, which
    /// the whole model and the neighbourhood search only reach with 3 s (bench --family ablation; docs/solver.md, ablation).</summary>
    public const int HostFillMaxVms = 5_000;

    /// <summary>Most of the time limit the exact-fill search may take (it stops sooner when it stops finding). Where it
    /// finds sets it is what the plan rests on: planted K = 200 written with decimals took 21 s of counted work for its
    /// 200 sets, and on a busy machine the wall clock gives that work less than a third of the limit's seconds (31.7
    /// s for 2.2 s of work at load 19): at 0.6 it stopped after 25 of 200 sets and the plan had 240 hosts. What is
    /// left after it (a fifth) still packs the VMs outside the sets (the fill) and improves on them.</summary>
    public const double ExactFillShare = 0.8;

    /// <summary>Above this many VM x host Booleans (VMs x the incumbent's hosts) the bin-count descent is not run. Its
    /// model is built whole before CP-SAT sees a time limit: on planted K = 200 (1,385 VMs on 239 bins, 331,000
    /// Booleans) building it took 9.8 s and CP-SAT's load and presolve another 25.7 s for a limit of 0.7 s (load 19),
    /// which ran a 60 s plan to 99 s and 800 MiB; in the ablation it decided nothing there (bench --family ablation,
    /// K = 200 -exact-fill: two descents, 231 -> 231 hosts). It pays on the vector packing instances (up to 200 items).</summary>
    public const long BinCountMaxBooleans = 50_000;

    /// <summary>Share of the time limit the whole model gets before LNS takes over.</summary>
    public const double FullModelShare = 0.4;

    /// <summary>When the objective only counts identical hosts (<see cref="HostCounting"/>), the bin-count
    /// descent and large-neighbourhood search replace the whole model: a first descent gets this share of the
    /// time left after the fill, the search this share of what is then left, a second descent the rest.</summary>
    public const double FirstDescentShare = 0.25, PreDescentSearchShare = 0.45;

    /// <summary>The whole model's share of the limit when the descent follows it: it still proves many
    /// optima quickly through its LP bound, where the descent's questions are slower.</summary>
    public const double CountingFullModelShare = 0.3;

    /// <summary>Bin completion's share of the time left, and its most seconds: on the one-dimensional planted K = 20
    /// (docs/planted-other.py --shape flat) it needs a few tens of thousands of nodes (a prototype's count).</summary>
    public const double BinCompletionShare = 0.2, BinCompletionMaxSeconds = 5;

    /// <summary>The full-host cover's share of the time left after the exact-fill search (the host-by-host fill does not
    /// run after it): where it finds no cover, the consistent search still brings the warm start down in what is left
    /// (flat-mem K = 20, 64 x 512 seed 1, 30 s: 22 -> 21 hosts in 2.1 s of wall clock at load 16 after a share of
    /// 0.85, as in 4.8 s at load 38 after the fill and 0.6). A cover found takes seconds or not at all within the
    /// limit (docs/solver.md), so the share buys runs for the seeds near the edge.</summary>
    public const double FullHostCoverShare = 0.85;

    /// <summary>When the objective counts identical hosts, consistent neighbourhood search gets this share of what
    /// the fill left, before any CP-SAT model; on fleets too large for the bin-count descent it gets the larger
    /// share, as it gains more there than CP-SAT's neighbourhoods do.</summary>
    public const double ConsistentSearchShare = 0.5, FleetConsistentSearchShare = 0.85;

    // The overload search (above the exact-fill search's VM limit) takes all the time left, and the large-
    // neighbourhood search does not run after it: planted K = 2,000 written with decimals, seed 1, --deterministic,
    // it ended at 2,310 hosts with 30 s of counted work against 2,313 for 25.5 s and the neighbourhood search's 4.5 s
    // (no improvement), 2,281 against 2,284 with 120 s; its de-planted twin (docs/deplanted-twin.py) with 60 s, 2,291
    // against 2,293; in the 300 s wall-clock ablation the neighbourhood search gained nothing in its 45 s
    // (docs/ablation-k2000.sh on main afe91dd; docs/solver.md, ablation).

    /// <summary>Share of the time limit kept for bringing VMs home once the packing is decided (<see cref="Homecoming"/>),
    /// when some VM runs somewhere today.</summary>
    public const double HomecomingShare = 0.05;

    private enum DescentPhase { First, Search, Last }

    /// <param name="warmStart">A feasible placement to hint and to fall back on; may be null.</param>
    /// <param name="stayPut">VMs that must stay on their current host (a move that could not be staged).</param>
    /// <exception cref="InfeasiblePlacementException">CP-SAT proved that no placement exists, or found none.</exception>
    public static SolveResult Solve(
        PlacementProblem p, SolverOptions options, Placement? warmStart,
        IReadOnlySet<int>? stayPut = null, IProgress<SolverProgress>? progress = null)
    {
        options.Validate();
        stayPut ??= new HashSet<int>();
        var clock = WorkClock.For(options);
        options = clock.ForPhases(options);
        var total = options.TimeLimitSeconds;
        if (options.Runs(SolverPhases.Homecoming) && Enumerable.Range(0, p.VmCount).Any(v => p.CurrentHost(v) >= 0) && !p.Rules.Couples)
            options = options with { TimeLimitSeconds = total * (1 - HomecomingShare) };
        var notes = ImmutableArray.CreateBuilder<string>();
        var workers = options.EffectiveWorkers;
        // The volume bound is in real Wh; the model rounds each coefficient to a tenth of a Wh, so allow half a
        // unit per rounded coefficient (hosts and VMs) before comparing it with objectives in units.
        var bound = Math.Max(0, Math.Floor(LowerBounds.EnergyWhPerDay(p) * Objective.UnitsPerWh - 0.5 * (p.HostCount + p.VmCount)));
        var incumbent = warmStart;
        var fromSolver = false;

        if (p.VmCount == 0)
            return new SolveResult(new Placement([]), SolveStatus.Optimal, 0, 0, 0, notes.ToImmutable());

        var counting = HostCounting.Detect(p, stayPut);
        var hostBound = LowerBounds.Hosts(p);
        // Where the objective counts identical hosts no placement costs less than the volume bound's hosts, so a plan
        // that reaches them is optimal whichever phase found it (with the consistent search switched off, planted
        // K = 200 reached 200 hosts and was labelled feasible, the neighbourhood search running out the clock).
        if (counting is not null) bound = Math.Max(bound, counting.Units(hostBound));
        var exactSets = counting is null || !options.Runs(SolverPhases.ExactFill) ? [] : ExactSets(p, options, clock, notes);
        var zeroSlack = counting is not null && (incumbent is null || incumbent.ActiveHostCount > hostBound) && exactSets.Sum(s => s.Length) < p.VmCount
            && options.Runs(SolverPhases.FullHostCover) ? ZeroSlack.Of(p, hostBound) : null;
        if (zeroSlack is not null && FullCover(p, zeroSlack, incumbent, options, clock, notes) is { } cover)
            return Result(p, cover, SolveStatus.Optimal, bound, clock, notes, stayPut, total, options);
        var perHost = Math.Min(MaxSecondsPerHostFill, options.TimeLimitSeconds * HostFillShare / Math.Max(1, hostBound));
        double fillSpent = 0;
        // Where the full-host cover ran, the fill's time went to it: the consistent search brings the warm start down.
        var fills = p.VmCount <= HostFillMaxVms && options.Runs(SolverPhases.HostFill) && zeroSlack is null;
        var abandoned = false;
        // The fill's share, or what the phases before left of the limit when that is less.
        double FillBudget() => Math.Min(options.TimeLimitSeconds * HostFillShare, Math.Max(0, options.TimeLimitSeconds - clock.Spent));
        // Around exact sets the other VMs are placed greedily (the fill with no time: the largest VMs that fit, host by
        // host) and the consistent search gets the time the CP-SAT fill took. Where the search was cut short, the
        // consistent search packs the rest far better per second: planted K = 200 written with decimals, seed 1,
        // --deterministic --time-limit 6 (82 of 200 sets found, as with a yes per core under a 60 s wall clock): CP-SAT
        // fill 241 hosts and no time left, 241; greedy 241, then the consistent search 222. At --time-limit 9: 220 either
        // way; where the search finds every set nothing is left to place.
        var filled = exactSets.Count > 0
            ? HostByHostFill.Refill(p, AroundSets(p, exactSets, out var rest), rest, perHost, 0, options.Seed, workers, WorkClock.For(options), out _)
            : null;
        var aroundSets = filled is not null;
        if (filled is null && fills)
        {
            filled = HostByHostFill.Pack(p, stayPut, perHost, FillBudget(), options.Seed, workers, WorkClock.For(options),
                incumbent is null ? long.MaxValue : Objective.Units(p, incumbent), out fillSpent, out abandoned);
            clock.Charge(fillSpent);
        }
        if (filled is not null && (incumbent is null || Objective.Units(p, filled) < Objective.Units(p, incumbent)))
        {
            incumbent = filled;
            fromSolver = true;
            progress?.Report(new SolverProgress(clock.WallSeconds, Objective.Units(p, filled) / Objective.UnitsPerWh, bound / Objective.UnitsPerWh));
        }
        var used = filled is null ? "" : $"{filled.ActiveHostCount} hosts{(ReferenceEquals(incumbent, filled) ? ", used as the start" : ", worse than the warm start")}";
        notes.Add(aroundSets
            ? $"each exact set on a host of its own, the other VMs placed greedily around them (largest first, host by host): {used}"
            : string.Format(CultureInfo.InvariantCulture, "host-by-host CP-SAT fill: {0}",
                p.Rules.Couples ? "skipped (spread, gather, max-vms and failover rules couple hosts)" : !options.Runs(SolverPhases.HostFill) ? "switched off" : zeroSlack is not null ? "skipped (the full-host cover took its time)" : !fills ? $"skipped above {HostFillMaxVms} VMs" : abandoned ? "stopped once its hosts cost as much as the warm start" : filled is null ? "ran out of hosts" : used));

        // Above the exact-fill search's limit the overload search takes the consistent search's turn: planted K = 2,000
        // written with decimals (13,977 VMs), seed 1, 300 s: see docs/solver.md's planted section for both.
        var overloadSearch = p.VmCount > ExactFillSearch.MaxVms && options.Runs(SolverPhases.OverloadSearch);
        // Where the overload search runs (identical hosts counted) the large-neighbourhood search is not run after it:
        // it gained nothing there (see docs/solver.md's planted section).
        var overloadSearchTakesLnsTime = counting is not null && overloadSearch;
        if (counting is not null && incumbent is not null && (overloadSearch || options.Runs(SolverPhases.ConsistentSearch)))
        {
            var before = incumbent;
            var share = overloadSearch ? 1 : (long)p.VmCount * incumbent.ActiveHostCount <= BinCountMaxBooleans ? ConsistentSearchShare : FleetConsistentSearchShare;
            Action<Placement> report = better => progress?.Report(new SolverProgress(clock.WallSeconds, Objective.Units(p, better) / Objective.UnitsPerWh, bound / Objective.UnitsPerWh));
            var budget = (options.TimeLimitSeconds - clock.Spent) * share;
            incumbent = overloadSearch
                ? Overload(p, incumbent, hostBound, budget, options.Seed, clock, notes, report)
                : Consistent(p, incumbent, hostBound, budget, options.Seed, clock, notes, report);
            fromSolver |= incumbent.ActiveHostCount < before.ActiveHostCount;
        }
        // Identical hosts counted, and some row's total demand exactly the bound's hosts: every host of a placement on
        // that many is exactly full there, which bin completion searches for directly (one-dimensional exact sums are
        // too plentiful for the searches above, which take the first they find).
        if (counting is not null && incumbent is not null && incumbent.ActiveHostCount > hostBound
            && (long)p.VmCount * incumbent.ActiveHostCount <= BinCountMaxBooleans && options.Runs(SolverPhases.BinCountDescent))
        {
            var budget = Math.Min(BinCompletionMaxSeconds, (options.TimeLimitSeconds - clock.Spent) * BinCompletionShare);
            var hosts = incumbent.HostOf.Where(h => h >= 0).Distinct().Order().ToArray();
            var (completed, nodes) = BinCompletion.Find(p, hostBound, hosts, (long)(budget / BinCompletion.SecondsPerNode), clock.StopAfter(budget));
            clock.Charge(nodes * BinCompletion.SecondsPerNode);
            if (nodes > 0)
                notes.Add(string.Format(CultureInfo.InvariantCulture, "bin completion (a row's demand is exactly {0} hosts' capacity): {1} nodes, {2}",
                    hostBound, nodes, completed is null ? "none found" : $"{incumbent.ActiveHostCount} -> {hostBound} hosts"));
            if (completed is not null)
            {
                incumbent = completed;
                fromSolver = true;
            }
        }
        // The host count meets the volume bound, reached by the search above or, where it was switched off, by the
        // start: nothing is left to prove.
        if (counting is not null && incumbent is not null && incumbent.ActiveHostCount <= hostBound)
            return Result(p, incumbent, SolveStatus.Optimal, bound, clock, notes, stayPut, total, options);
        if (Booleans(p) <= WholeModelMaxBooleans && options.Runs(SolverPhases.WholeModel))
        {
            var model = new PlacementModel(p, [.. Enumerable.Range(0, p.VmCount)], [.. Enumerable.Range(0, p.HostCount)], stayPut);
            if (incumbent is not null) model.Hint(incumbent);
            var basis = incumbent ?? new Placement([.. Enumerable.Repeat(-1, p.VmCount)]);
            var wholeLimit = Math.Min(options.TimeLimitSeconds * (counting is null ? FullModelShare : CountingFullModelShare), Math.Max(0.01, options.TimeLimitSeconds - clock.Spent));
            // CP-SAT's own limit is fixed as it starts; the watchdog stops it sooner when the command's end comes closer.
            var aheadBefore = clock.Ahead;
            var outcome = SubSolve.Run(model, basis, wholeLimit, options.Seed, workers, clock.Counted,
                new ProgressCallback(progress, clock, bound / Objective.UnitsPerWh), clock.StopAfter(wholeLimit));
            clock.Charge(outcome.DeterministicSeconds);
            if (outcome.Status == CpSolverStatus.Infeasible)
                throw new InfeasiblePlacementException(
                    ["CP-SAT proved that no placement satisfies every capacity row, although each VM fits some host on its own and the total demand fits the inventory in every window: the VMs cannot be split across the hosts (a bin-packing conflict)"]);
            if (double.IsFinite(outcome.BoundUnits)) bound = Math.Max(bound, Math.Ceiling(outcome.BoundUnits - 1e-6));
            if (outcome.Placement is { } found)
            {
                fromSolver = true;
                if (incumbent is null || Objective.Units(p, found) <= Objective.Units(p, incumbent)) incumbent = found;
                if (outcome.Status == CpSolverStatus.Optimal)
                    return Result(p, incumbent, SolveStatus.Optimal, bound, clock, notes, stayPut, total, options);
            }
            notes.Add(string.Format(CultureInfo.InvariantCulture, "whole CP-SAT model for {0:0.#} s: {1}", clock.Spent, outcome.Status)
                + (outcome.Stopped && clock.Ahead - aheadBefore > SolveWatchdog.PollSeconds
                    ? string.Format(CultureInfo.InvariantCulture, ", stopped before its own limit: the command's end came {0:0.#} s sooner during it than the time that passed (the machine got busier)", clock.Ahead - aheadBefore)
                    : ""));
        }
        else if (options.Runs(SolverPhases.WholeModel))
        {
            notes.Add($"{Booleans(p)} placement Booleans are too many for one model (at most {WholeModelMaxBooleans})"
                + (overloadSearchTakesLnsTime ? "" : "; large-neighbourhood search from the warm start"));
        }

        if (counting is not null && incumbent is not null && (long)p.VmCount * incumbent.ActiveHostCount <= BinCountMaxBooleans
            && options.Runs(SolverPhases.BinCountDescent))
        {
            // The objective counts identical hosts: CP-SAT is asked for ever fewer hosts instead of minimising
            // energy. A first short descent settles the easy cases (often proving the count optimal); large-
            // neighbourhood search then brings the count down where one question is too hard; a second descent
            // takes the rest of the time.
            var report = (Placement better) => progress?.Report(new SolverProgress(clock.WallSeconds, Objective.Units(p, better) / Objective.UnitsPerWh, bound / Objective.UnitsPerWh));
            var search = new LargeNeighbourhoodSearch(p, options, stayPut);
            foreach (var phase in new[] { DescentPhase.First, DescentPhase.Search, DescentPhase.Last })
            {
                if (Objective.Units(p, incumbent) <= bound) break;
                var left = options.TimeLimitSeconds - clock.Spent;
                if (phase == DescentPhase.Search)
                {
                    if (!options.Runs(SolverPhases.NeighbourhoodSearch)) continue;
                    var before = incumbent.ActiveHostCount;
                    incumbent = search.Improve(incumbent, left * PreDescentSearchShare, (better, _) => report(better), (long)bound);
                    clock.Charge(search.Spent);
                    notes.Add($"{search.Summary}, {before} -> {incumbent.ActiveHostCount} hosts");
                    fromSolver |= search.Improvements > 0;
                    continue;
                }
                var descent = new BinCountDescent(p, workers, options).Run(incumbent, hostBound,
                    phase == DescentPhase.First ? left * FirstDescentShare : left, report);
                clock.Charge(descent.Spent);
                bound = Math.Max(bound, counting.Units(descent.HostBound));
                fromSolver |= descent.Best.ActiveHostCount < incumbent.ActiveHostCount;
                incumbent = descent.Best;
                notes.Add(descent.Note);
            }
            var counted = Objective.Units(p, incumbent) <= bound ? SolveStatus.Optimal : fromSolver ? SolveStatus.Feasible : SolveStatus.HeuristicFallback;
            return Result(p, incumbent, counted, bound, clock, notes, stayPut, total, options);
        }
        if (incumbent is null)
            throw new InfeasiblePlacementException(
                // The limit as given, printed as plan's time line prints it; "1E-07 s" read as a typo, and in the
                // deterministic mode the seconds are counted work.
                [string.Format(CultureInfo.InvariantCulture, "CP-SAT found no placement within {0:0.0} s{1} and the first-fit heuristic found none either; try a longer --time-limit",
                    total, options.Deterministic ? " of counted work" : "")]);

        var improved = incumbent;
        if (overloadSearchTakesLnsTime)
            notes.Add("large-neighbourhood search: not run after the overload search, which took its time");
        else if (options.Runs(SolverPhases.NeighbourhoodSearch))
        {
            var lns = new LargeNeighbourhoodSearch(p, options, stayPut);
            improved = lns.Improve(incumbent, options.TimeLimitSeconds - clock.Spent, (_, units) =>
                progress?.Report(new SolverProgress(clock.WallSeconds, units / Objective.UnitsPerWh, bound / Objective.UnitsPerWh)), (long)bound);
            clock.Charge(lns.Spent);
            notes.Add(lns.Summary);
            fromSolver |= lns.Improvements > 0;
        }

        var units = Objective.Units(p, improved);
        var status = units <= bound ? SolveStatus.Optimal : fromSolver ? SolveStatus.Feasible : SolveStatus.HeuristicFallback;
        if (status == SolveStatus.HeuristicFallback)
            notes.Add("CP-SAT found nothing better than the first-fit-decreasing warm start in the time limit; the plan is that heuristic's placement");
        return Result(p, improved, status, bound, clock, notes, stayPut, total, options);
    }

    /// <summary>Sets of VMs that fill a host exactly (identical hosts only), found within a share of the limit.</summary>
    private static List<int[]> ExactSets(PlacementProblem p, SolverOptions options, WorkClock clock, ImmutableArray<string>.Builder notes)
    {
        var started = clock.WallSeconds;
        var budget = options.TimeLimitSeconds * ExactFillShare;
        var (sets, search) = ExactFillSearch.Find(p, budget, options.Seed, clock.StopAfter(budget), options.Workers > 0 ? options.Workers : Environment.ProcessorCount, clock.Counted);
        if (search is null) return sets;
        clock.Charge(search.Charged);
        notes.Add(string.Format(CultureInfo.InvariantCulture,
            "exact-fill search: {0} set(s) of VMs that fill a host exactly ({1} VMs) in {2} trials, {3}",
            sets.Count, sets.Sum(s => s.Length), search.Trials, Took(clock, started, search.Charged)));
        return sets;
    }

    /// <summary>The full-host cover (<see cref="FullHostCover"/>) within a share of the time left: a placement on the
    /// bound's hosts, or null.</summary>
    private static Placement? FullCover(PlacementProblem p, ZeroSlack zeroSlack, Placement? incumbent, SolverOptions options, WorkClock clock, ImmutableArray<string>.Builder notes)
    {
        var started = clock.WallSeconds;
        var budget = Math.Max(0, options.TimeLimitSeconds - clock.Spent) * FullHostCoverShare;
        // The hosts are identical (host counting): the warm start's first, then the rest in order.
        var active = incumbent is null ? [] : incumbent.HostOf.Where(h => h >= 0).Distinct().Order().ToArray();
        var hosts = active.Concat(Enumerable.Range(0, p.HostCount).Except(active)).ToArray();
        var outcome = FullHostCover.Run(p, zeroSlack, hosts, budget, clock.StopAfter(budget), (ulong)options.Seed, options.EffectiveWorkers);
        clock.Charge(outcome.Charged);
        notes.Add(outcome.Note + ", " + Took(clock, started, outcome.Charged));
        return outcome.Cover;
    }

    /// <summary>"1.2 s of counted work", plus the wall-clock seconds outside the deterministic mode (where they
    /// would make the plan's notes differ from run to run).</summary>
    private static string Took(WorkClock clock, double startedWall, double charged) => clock.Counted
        ? string.Format(CultureInfo.InvariantCulture, "{0:0.0} s of counted work", charged)
        : string.Format(CultureInfo.InvariantCulture, "{0:0.0} s ({1:0.0} s of counted work)", clock.WallSeconds - startedWall, charged);

    /// <summary>Each exact set on a host of its own (the first hosts: all are identical here) and every other VM
    /// unplaced, for <see cref="HostByHostFill.Refill"/> to fill onto the rest of the hosts.</summary>
    private static Placement AroundSets(PlacementProblem p, List<int[]> sets, out HashSet<int> rest)
    {
        var hostOf = Enumerable.Repeat(-1, p.VmCount).ToArray();
        for (var s = 0; s < sets.Count; s++)
            foreach (var v in sets[s]) hostOf[v] = s;
        rest = [.. Enumerable.Range(sets.Count, Math.Max(0, p.HostCount - sets.Count))];
        return new Placement([.. hostOf]);
    }

    private static Placement Consistent(PlacementProblem p, Placement incumbent, int hostBound, double budget, int seed,
        WorkClock clock, ImmutableArray<string>.Builder notes, Action<Placement> report)
    {
        var started = clock.WallSeconds;
        var before = incumbent.ActiveHostCount;
        var search = new ConsistentNeighbourhoodSearch(p, incumbent, seed);
        var best = search.Run(incumbent, hostBound, budget, clock.StopAfter(budget), report);
        clock.Charge(search.Charged);
        notes.Add(string.Format(CultureInfo.InvariantCulture, "consistent neighbourhood search: {0} tabu moves and {1} restarts in {2}, {3} -> {4} hosts",
            search.TabuMoves, search.Restarts, Took(clock, started, search.Charged), before, best.ActiveHostCount));
        return best;
    }

    private static Placement Overload(PlacementProblem p, Placement incumbent, int hostBound, double budget, int seed,
        WorkClock clock, ImmutableArray<string>.Builder notes, Action<Placement> report)
    {
        var started = clock.WallSeconds;
        var before = incumbent.ActiveHostCount;
        var search = new OverloadSearch(p, incumbent, seed);
        var best = search.Run(incumbent, hostBound, budget, clock.StopAfter(budget), report);
        clock.Charge(search.Charged);
        notes.Add(string.Format(CultureInfo.InvariantCulture, "overload search: {0} moves and {1} weight raises in {2}, {3} -> {4} hosts",
            search.Moves, search.WeightRaises, Took(clock, started, search.Charged), before, best.ActiveHostCount));
        return best;
    }

    /// <param name="total">The whole time limit: what the phases before left of it goes to <see cref="Homecoming"/>.</param>
    private static SolveResult Result(PlacementProblem p, Placement placement, SolveStatus status, double boundUnits,
        WorkClock clock, ImmutableArray<string>.Builder notes, IReadOnlySet<int> stayPut, double total, SolverOptions options)
    {
        // Loads go to the identical hosts that run most of their VMs today, and VMs trade places to come home:
        // the objective never rises, moves fall.
        var before = Energy.Migrations(p, placement);
        var budget = Math.Max(0, total - clock.Spent);
        Homecoming? home = null;
        if (options.Runs(SolverPhases.Homecoming))
            placement = Homecoming.Apply(p, placement, stayPut, options.Seed, (long)(budget / Homecoming.SecondsPerRowOperation), clock.StopAfter(budget), out home);
        if (home is not null)
        {
            clock.Charge(home.Work * Homecoming.SecondsPerRowOperation);
            notes.Add(string.Format(CultureInfo.InvariantCulture,
                "homecoming: {0} load(s) given the identical host that runs most of their VMs today, {1} VM(s) traded back to their host; {2} -> {3} moves",
                home.LoadsReassigned, home.VmsBroughtHome, before, Energy.Migrations(p, placement)));
        }
        var units = Objective.Units(p, placement);
        return new SolveResult(placement, status, units / Objective.UnitsPerWh,
            Math.Min(boundUnits, units) / Objective.UnitsPerWh, clock.WallSeconds, notes.ToImmutable()) { CountedSeconds = clock.Charged };
    }

    private static long Booleans(PlacementProblem p) => (long)p.VmCount * p.HostCount;

    internal static string Parameters(SolverOptions o) => SubSolve.Parameters(o.TimeLimitSeconds, o.Seed, o.EffectiveWorkers, o.Deterministic);

    /// <summary>Reports each incumbent with the better of the model's bound and the volume bound known before.</summary>
    private sealed class ProgressCallback(IProgress<SolverProgress>? progress, WorkClock clock, double knownBoundWh) : CpSolverSolutionCallback
    {
        public override void OnSolutionCallback() =>
            progress?.Report(new SolverProgress(clock.WallSeconds,
                ObjectiveValue() / Objective.UnitsPerWh, Math.Max(knownBoundWh, BestObjectiveBound() / Objective.UnitsPerWh)));
    }
}
