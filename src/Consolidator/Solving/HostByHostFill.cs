using Consolidator.Inventory;
using Consolidator.Packing;
using Google.OrTools.Sat;

namespace Consolidator.Solving;

/// <summary>Minimum-bin-slack construction (Gupta and Ho 1999) with CP-SAT as the subset solver: hosts are
/// switched on cheapest capacity first, and each is filled with the set of remaining VMs that leaves the
/// least slack in its scarcest resource over all windows (a multi-dimensional knapsack). Unlike first-fit,
/// it looks for VMs whose peaks complement each other, which is what temporal packing is about.</summary>
internal static class HostByHostFill
{
    private const int MaxCandidates = 80, MaxExactCandidates = 400;
    private const int ExactFillAnchors = 4;
    private const double ExactFillSeconds = 0.2;

    /// <param name="secondsPerHost">Limit of each knapsack (deterministic with one worker).</param>
    /// <returns>A placement of every VM, or null when the inventory runs out first.</returns>
    public static Placement? Pack(PlacementProblem p, IReadOnlySet<int> stayPut, double secondsPerHost, int seed, int workers, out double spent)
    {
        spent = 0;
        var hostOf = Enumerable.Repeat(-1, p.VmCount).ToArray();
        var load = new long[p.HostCount, Resources.Count, p.WindowCount];
        foreach (var v in stayPut.Order()) Add(p, load, v, hostOf[v] = p.CurrentHost(v));

        var scarce = ScarceResource(p);
        var remaining = new SortedSet<int>(Enumerable.Range(0, p.VmCount).Where(v => hostOf[v] < 0));
        var hosts = Enumerable.Range(0, p.HostCount)
            .OrderByDescending(h => stayPut.Any(v => p.CurrentHost(v) == h))
            .ThenBy(h => p.Hosts[h].IdleWatts / Math.Max(1, p.Usable(h, Resource.Cpu)))
            .ThenByDescending(h => p.Usable(h, scarce))
            .ThenBy(h => h);

        foreach (var h in hosts)
        {
            if (remaining.Count == 0) break;
            var fitting = remaining.Where(v => Fits(p, load, v, h)).ToList();
            if (fitting.Count == 0) continue;
            var chosen = Knapsack(p, load, h, fitting, scarce, secondsPerHost, seed, workers, ref spent);
            foreach (var v in chosen) { Add(p, load, v, h); hostOf[v] = h; remaining.Remove(v); }
        }
        return remaining.Count == 0 ? new Placement([.. hostOf]) : null;
    }

    private static List<int> Knapsack(PlacementProblem p, long[,,] load, int h, List<int> fitting, Resource scarce,
        double seconds, int seed, int workers, ref double spent)
    {
        var other = scarce == Resource.Cpu ? Resource.Memory : Resource.Cpu;
        var value = fitting.ToDictionary(v => v, v => Value(p, v, h, scarce, other));
        // The largest VM goes in first (as in first-fit-decreasing); the knapsack finds its complements.
        // A VM whose complements went to earlier hosts cannot fill this one exactly; try a few anchors.
        foreach (var a in fitting.OrderByDescending(v => value[v]).ThenBy(v => v).Take(ExactFillAnchors))
            if (ExactFill(p, load, h, a, fitting, scarce, Math.Min(seconds, ExactFillSeconds), seed, workers, ref spent) is { } exact)
                return exact;
        var anchor = fitting.MaxBy(v => value[v]);
        var fit = Complementarity(p, load, h, anchor);
        var candidates = fitting.OrderByDescending(v => v == anchor).ThenByDescending(fit).ThenBy(v => v).Take(MaxCandidates).ToList();

        var model = new CpModel();
        var x = candidates.Select(v => model.NewBoolVar($"x{v}")).ToArray();
        model.Add(x[0] == 1);
        foreach (var r in Resources.All)
            for (var w = 0; w < p.WindowCount; w++)
            {
                var free = p.Usable(h, r) - load[h, (int)r, w];
                var coefs = candidates.Select(v => (long)p.Demand(v, r, w)).ToArray();
                if (coefs.Sum() > free) model.Add(LinearExpr.WeightedSum(x, coefs) <= free);
            }
        model.Maximize(LinearExpr.WeightedSum(x, candidates.Select(v => value[v])));
        HintGreedy(p, load, h, candidates, model, x);

        var solver = new CpSolver { StringParameters = SubSolve.Parameters(seconds, seed, workers) };
        var status = solver.Solve(model);
        spent += workers == 1 ? solver.Response?.DeterministicTime ?? seconds : solver.WallTime();
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible)) return [anchor];
        return candidates.Where((_, i) => solver.BooleanValue(x[i])).ToList();
    }

    /// <summary>Minimum bin slack stops early at zero slack: first ask CP-SAT for a set that fills the scarce
    /// resource to the brim in every window. The equalities propagate so strongly that CP-SAT settles this in
    /// hundredths of a second either way; when no such set exists, the knapsack maximises the fill.</summary>
    private static List<int>? ExactFill(PlacementProblem p, long[,,] load, int h, int anchor, List<int> fitting, Resource scarce,
        double seconds, int seed, int workers, ref double spent)
    {
        var candidates = fitting.Where(v => v != anchor).Take(MaxExactCandidates).Prepend(anchor).ToList();
        var model = new CpModel();
        var x = candidates.Select(v => model.NewBoolVar($"x{v}")).ToArray();
        model.Add(x[0] == 1);
        foreach (var r in Resources.All)
            for (var w = 0; w < p.WindowCount; w++)
            {
                var free = p.Usable(h, r) - load[h, (int)r, w];
                var sum = LinearExpr.WeightedSum(x, candidates.Select(v => (long)p.Demand(v, r, w)));
                model.Add(sum <= free);
                if (r == scarce) model.Add(sum >= free);
            }
        var solver = new CpSolver { StringParameters = SubSolve.Parameters(seconds, seed, workers) };
        var status = solver.Solve(model);
        spent += workers == 1 ? solver.Response?.DeterministicTime ?? seconds : solver.WallTime();
        return status is CpSolverStatus.Optimal or CpSolverStatus.Feasible
            ? candidates.Where((_, i) => solver.BooleanValue(x[i])).ToList()
            : null;
    }

    /// <summary>Cosine between a VM's demand over all windows and resources and the room the anchor leaves on
    /// the host: VMs busy exactly where the host is still free score highest.</summary>
    private static Func<int, double> Complementarity(PlacementProblem p, long[,,] load, int h, int anchor)
    {
        var room = new double[Resources.Count * p.WindowCount];
        foreach (var r in Resources.All)
            for (var w = 0; w < p.WindowCount; w++)
                room[(int)r * p.WindowCount + w] = (double)(p.Usable(h, r) - load[h, (int)r, w] - p.Demand(anchor, r, w)) / Math.Max(1, p.Usable(h, r));
        return v =>
        {
            double dot = 0, norm = 0;
            foreach (var r in Resources.All)
                for (var w = 0; w < p.WindowCount; w++)
                {
                    var d = (double)p.Demand(v, r, w) / Math.Max(1, p.Usable(h, r));
                    dot += d * room[(int)r * p.WindowCount + w];
                    norm += d * d;
                }
            return norm > 0 ? dot / Math.Sqrt(norm) : 0;
        };
    }

    /// <summary>Volume in the scarce resource dominates; the other resource only breaks ties.</summary>
    private static long Value(PlacementProblem p, int v, int h, Resource scarce, Resource other)
    {
        long s = 0, o = 0;
        for (var w = 0; w < p.WindowCount; w++) { s += p.Demand(v, scarce, w); o += p.Demand(v, other, w); }
        var otherScaled = (long)Math.Round(o * (double)p.Usable(h, scarce) / Math.Max(1, p.Usable(h, other)) / 1000);
        return s + otherScaled;
    }

    private static void HintGreedy(PlacementProblem p, long[,,] load, int h, List<int> candidates, CpModel model, BoolVar[] x)
    {
        var free = new long[Resources.Count, p.WindowCount];
        foreach (var r in Resources.All)
            for (var w = 0; w < p.WindowCount; w++) free[(int)r, w] = p.Usable(h, r) - load[h, (int)r, w];
        for (var i = 0; i < candidates.Count; i++)
        {
            var v = candidates[i];
            var fits = Resources.All.All(r => Enumerable.Range(0, p.WindowCount).All(w => p.Demand(v, r, w) <= free[(int)r, w]));
            if (fits)
                foreach (var r in Resources.All)
                    for (var w = 0; w < p.WindowCount; w++) free[(int)r, w] -= p.Demand(v, r, w);
            model.AddHint(x[i], fits);
        }
    }

    /// <summary>The resource whose busiest window asks the largest share of the inventory's capacity.</summary>
    private static Resource ScarceResource(PlacementProblem p) => Resources.All.MaxBy(r =>
    {
        double capacity = Enumerable.Range(0, p.HostCount).Sum(h => (double)p.Usable(h, r));
        double peak = Enumerable.Range(0, p.WindowCount).Max(w => Enumerable.Range(0, p.VmCount).Sum(v => (double)p.Demand(v, r, w)));
        return peak / Math.Max(1, capacity);
    });

    private static bool Fits(PlacementProblem p, long[,,] load, int v, int h)
    {
        foreach (var r in Resources.All)
            for (var w = 0; w < p.WindowCount; w++)
                if (load[h, (int)r, w] + p.Demand(v, r, w) > p.Usable(h, r)) return false;
        return true;
    }

    private static void Add(PlacementProblem p, long[,,] load, int v, int h)
    {
        foreach (var r in Resources.All)
            for (var w = 0; w < p.WindowCount; w++)
                load[h, (int)r, w] += p.Demand(v, r, w);
    }
}
