using Consolidator.Randomness;
using Consolidator.Inventory;
using Consolidator.Packing;
using Google.OrTools.Sat;

namespace Consolidator.Solving;

/// <summary>Large-neighbourhood search with CP-SAT as the repair operator: free the VMs of a few hosts, let
/// CP-SAT re-place them on those hosts (plus, at times, one powered-off host) with everything else fixed,
/// keep the result when it costs no more. Among equal-energy answers the sub-model gathers load on the
/// fuller hosts, so emptier hosts drain step by step until a later neighbourhood switches one off.</summary>
internal sealed class LargeNeighbourhoodSearch(PlacementProblem p, SolverOptions options, IReadOnlySet<int> stayPut)
{
    private const int MinHosts = 2, MaxHosts = 12, MaxVms = 120;
    private const double SubLimitSeconds = 0.5, RefillSecondsPerHost = 0.2, RefillBudget = 5, MinChargeSeconds = 0.05;
    private const int RefillMaxVms = 250;

    /// <summary>Swap descent is charged by its row operations, at a nanosecond each (about what one costs here),
    /// so that with one worker its share of the budget is deterministic too.</summary>
    private const double SwapBurstSeconds = 0.5, SecondsPerRowOperation = 1e-9;

    public int Neighbourhoods { get; private set; }
    public int Improvements { get; private set; }
    public int SwapBursts { get; private set; }
    public int SwapRounds { get; private set; }

    /// <summary>What the search did, for the plan's notes.</summary>
    public string Summary =>
        $"large-neighbourhood search: {Neighbourhoods} neighbourhoods re-solved by CP-SAT, {SwapBursts} bursts of swap descent ({SwapRounds} rounds), {Improvements} improvements";

    /// <summary>Counted work the last <see cref="Improve"/> charged, in seconds.</summary>
    public double Spent { get; private set; }

    /// <param name="budget">Seconds left: counted work in the deterministic mode, wall-clock otherwise.</param>
    /// <param name="onImprove">Called with each better placement and its objective in units.</param>
    /// <param name="stopAtUnits">A proven lower bound on the objective: reaching it ends the search.</param>
    public Placement Improve(Placement start, double budget, Action<Placement, long>? onImprove = null, long stopAtUnits = long.MinValue)
    {
        var rng = SplitMix64.FromSeed(options.Seed);
        var best = start;
        var bestUnits = Objective.Units(p, best);
        var size = Math.Min(4, p.HostCount);
        var clock = WorkClock.For(options);
        var workers = options.EffectiveWorkers;

        // Counted, the budget is CP-SAT's deterministic time, which does not see the time spent building each
        // neighbourhood: every round is charged at least MinChargeSeconds so that large fleets stay near the
        // limit too.
        for (var round = 0; clock.Spent < budget && bestUnits > stopAtUnits && p.HostCount >= MinHosts; round++)
        {
            Spent = clock.Charged;
            // Half the rounds are a burst of swap descent: cheap rounds that empty the least-filled hosts.
            if (!p.Rules.Couples && round % 4 >= 2)
            {
                var descent = new SwapDescent(p, best, stayPut, (int)(rng.NextULong() & 0x7fffffff));
                var burst = Math.Min(SwapBurstSeconds, budget - clock.Spent);
                var stop = clock.StopAfter(burst);
                while (descent.Work * SecondsPerRowOperation < burst && !stop())
                {
                    descent.Round();
                    SwapRounds++;
                }
                SwapBursts++;
                clock.Charge(Math.Max(descent.Work * SecondsPerRowOperation, MinChargeSeconds));
                if (descent.Units < bestUnits)
                {
                    Improvements++;
                    (best, bestUnits) = (descent.Current, descent.Units);
                    onImprove?.Invoke(best, bestUnits);
                }
                continue;
            }
            // A quarter empty the least-filled hosts and fill them again host by host: VMs left over from
            // broken complementary sets gather there, and the exact fill finds the sets again.
            if (!p.Rules.Couples && round % 4 == 1)
            {
                var pool = LeastFilled(best, rng);
                var refill = HostByHostFill.Refill(p, best, pool, RefillSecondsPerHost, Math.Min(RefillBudget, budget - clock.Spent),
                    (int)(rng.NextULong() & 0x7fffffff), workers, WorkClock.For(options), out var used);
                Neighbourhoods++;
                clock.Charge(Math.Max(used, MinChargeSeconds));
                if (refill is not null)
                {
                    var refilled = Objective.Units(p, refill);
                    if (refilled <= bestUnits)
                    {
                        if (refilled < bestUnits) { Improvements++; onImprove?.Invoke(refill, refilled); }
                        (best, bestUnits) = (refill, refilled);
                    }
                }
                continue;
            }
            var hosts = Choose(best, size, rng);
            var vms = Enumerable.Range(0, p.VmCount).Where(v => Array.IndexOf(hosts, best[v]) >= 0).ToArray();
            if (vms.Length == 0) { clock.Charge(0.001); continue; }
            var model = new PlacementModel(p, vms, hosts, stayPut, Ranks(best, hosts), basis: best);
            model.Hint(best);
            var limit = Math.Min(SubLimitSeconds, budget - clock.Spent);
            // Under the watchdog: CP-SAT's own limit is fixed at its start, and the command's end may come closer during it.
            var outcome = SubSolve.Run(model, best, limit, (int)(rng.NextULong() & 0x7fffffff), workers, options.Deterministic, stop: clock.StopAfter(limit));
            Neighbourhoods++;
            clock.Charge(Math.Max(outcome.DeterministicSeconds, MinChargeSeconds));

            if (outcome.Placement is { } candidate)
            {
                var units = Objective.Units(p, candidate);
                if (units <= bestUnits)
                {
                    if (units < bestUnits) { Improvements++; onImprove?.Invoke(candidate, units); }
                    (best, bestUnits) = (candidate, units);
                }
            }
            // Grow the neighbourhood while CP-SAT settles it quickly; shrink it when it runs out of time.
            size = outcome.Status == CpSolverStatus.Optimal ? Math.Min(size + 1, MaxHosts) : Math.Max(MinHosts, size - 1);
        }
        Spent = clock.Charged;
        return best;
    }

    /// <summary>A seed host (often the emptiest of three drawn), more active hosts at random, and sometimes
    /// the most efficient powered-off host so that load can move to a better power model.</summary>
    private int[] Choose(Placement current, int size, SplitMix64 rng)
    {
        var active = current.HostOf.Where(h => h >= 0).Distinct().Order().ToArray();
        var fill = Fill(current);
        var chosen = new List<int>();
        if (active.Length > 0)
        {
            var seed = active[rng.Next(0, active.Length)];
            if (rng.NextDouble() < 0.6)
                for (var t = 0; t < 2; t++)
                {
                    var other = active[rng.Next(0, active.Length)];
                    if (fill[other] < fill[seed]) seed = other;
                }
            chosen.Add(seed);
        }
        var pool = active.Where(h => !chosen.Contains(h)).ToList();
        var vmCount = VmCount(current, chosen);
        while (chosen.Count < size && pool.Count > 0)
        {
            var pick = pool[rng.Next(0, pool.Count)];
            pool.Remove(pick);
            var extra = VmCount(current, [pick]);
            if (vmCount + extra > MaxVms) continue;
            chosen.Add(pick);
            vmCount += extra;
        }
        if (rng.NextDouble() < 0.3 || chosen.Count < MinHosts)
        {
            var off = Enumerable.Range(0, p.HostCount).Where(h => Array.IndexOf(active, h) < 0)
                .OrderBy(h => p.Hosts[h].IdleWatts / Math.Max(1, p.Usable(h, Resource.Cpu))).ThenBy(h => h).FirstOrDefault(-1);
            if (off >= 0) chosen.Add(off);
        }
        return [.. chosen.Order()];
    }

    /// <summary>Active hosts from the least filled up, each taken with probability 0.7 so that successive pools
    /// differ, until the pool holds about <see cref="RefillMaxVms"/> VMs.</summary>
    private HashSet<int> LeastFilled(Placement current, SplitMix64 rng)
    {
        var fill = Fill(current);
        var counts = new int[p.HostCount];
        foreach (var h in current.HostOf) if (h >= 0) counts[h]++;
        var pool = new HashSet<int>();
        var vms = 0;
        foreach (var h in Enumerable.Range(0, p.HostCount).Where(h => counts[h] > 0).OrderBy(h => fill[h]).ThenBy(h => h))
        {
            if (rng.NextDouble() > 0.7) continue;
            if (vms + counts[h] > RefillMaxVms) break;
            pool.Add(h);
            vms += counts[h];
        }
        return pool;
    }

    /// <summary>Rank 0 for the fullest host of the neighbourhood: the tie-break pulls load towards it.</summary>
    private int[] Ranks(Placement current, int[] hosts)
    {
        var fill = Fill(current);
        var order = hosts.Select((h, j) => (h, j)).OrderByDescending(t => fill[t.h]).ThenBy(t => t.h).ToArray();
        var ranks = new int[hosts.Length];
        for (var k = 0; k < order.Length; k++) ranks[order[k].j] = k;
        return ranks;
    }

    /// <summary>Mean CPU fill of each host over the windows, as a fraction of usable capacity.</summary>
    private double[] Fill(Placement current)
    {
        var fill = new double[p.HostCount];
        for (var v = 0; v < p.VmCount; v++)
        {
            var h = current[v];
            if (h < 0) continue;
            for (var w = 0; w < p.WindowCount; w++) fill[h] += p.Demand(v, Resource.Cpu, w);
        }
        for (var h = 0; h < p.HostCount; h++) fill[h] /= Math.Max(1.0, (double)p.Usable(h, Resource.Cpu) * p.WindowCount);
        return fill;
    }

    private static int VmCount(Placement current, IEnumerable<int> hosts)
    {
        var set = hosts.ToHashSet();
        return current.HostOf.Count(set.Contains);
    }
}
