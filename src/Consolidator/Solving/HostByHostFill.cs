using Consolidator.Heuristics;
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
    private const int MaxCandidates = 80, MaxExactCandidates = 300, ExactFillAnchors = 4;
    private const double ExactFillSeconds = 0.2;

    /// <param name="secondsPerHost">Limit of each knapsack (counted work when <paramref name="clock"/> counts, else
    /// wall-clock).</param>
    /// <param name="clock">The fill's own clock (<see cref="WorkClock.For"/>): counted, or the wall clock with the caller's
    /// lateness, which also stops a knapsack already running (<see cref="SolveWatchdog"/>).</param>
    /// <param name="spent">Counted work done (CP-SAT's deterministic time), in seconds.</param>
    /// <returns>A placement of every VM, or null when the inventory runs out first.</returns>
    /// <param name="budget">Total solver time; when it is spent, the remaining VMs go first-fit onto the hosts left.</param>
    /// <param name="toBeat">The objective (units) of the start the fill competes with: once the hosts it has switched on
    /// and the VMs it has placed cost at least this much, its placement cannot win and it stops (<paramref name="abandoned"/>).</param>
    public static Placement? Pack(PlacementProblem p, IReadOnlySet<int> stayPut, double secondsPerHost, double budget, int seed, int workers, WorkClock clock,
        long toBeat, out double spent, out bool abandoned)
    {
        spent = 0;
        abandoned = false;
        // Spread, gather, caps and failover couple VMs across hosts; the knapsacks do not model them.
        if (p.Rules.Couples) return null;
        var hostOf = Enumerable.Repeat(-1, p.VmCount).ToArray();
        foreach (var v in stayPut) hostOf[v] = p.CurrentHost(v);
        // Hosts that keep VMs are on anyway: fill them first.
        var withStayers = hostOf.Where(h => h >= 0).ToHashSet();
        var hosts = ByCost(p, Enumerable.Range(0, p.HostCount)).OrderByDescending(withStayers.Contains);
        return Fill(p, hostOf, hosts, secondsPerHost, budget, seed, workers, clock, toBeat, out spent, out abandoned);
    }

    /// <summary>LNS repair: empties <paramref name="hosts"/> and fills them again, one by one, with the VMs
    /// they held; everything else stays as in <paramref name="basis"/>. Null when the VMs do not all fit.</summary>
    public static Placement? Refill(PlacementProblem p, Placement basis, IReadOnlyCollection<int> hosts, double secondsPerHost, double budget, int seed, int workers, WorkClock clock, out double spent)
    {
        spent = 0;
        if (p.Rules.Couples) return null;
        var hostOf = basis.HostOf.Select(h => hosts.Contains(h) ? -1 : h).ToArray();
        return Fill(p, hostOf, ByCost(p, hosts), secondsPerHost, budget, seed, workers, clock, long.MaxValue, out spent, out _);
    }

    /// <summary>Cheapest capacity first (idle watts per usable core), larger hosts first among equals.</summary>
    private static IEnumerable<int> ByCost(PlacementProblem p, IEnumerable<int> hosts) => hosts
        .OrderBy(h => p.Hosts[h].IdleWatts / Math.Max(1, p.Usable(h, Resource.Cpu)))
        .ThenByDescending(h => p.Usable(h, Resource.Cpu) + p.Usable(h, Resource.Memory) / 1024)
        .ThenBy(h => h);

    /// <summary>Places every VM whose entry in <paramref name="hostOf"/> is -1 on the hosts, in their order. Stops
    /// (null, <paramref name="abandoned"/>) once what is placed costs at least <paramref name="toBeat"/>: each host
    /// switched on, each VM's dynamic energy and each move is a term of the final objective that later hosts only add
    /// to, so the placement could not beat the start it is compared with. On Bitbrains (413 VMs, 37 hosts, 10 s) the
    /// fill ended at 21 hosts where the warm start had 13.</summary>
    private static Placement? Fill(PlacementProblem p, int[] hostOf, IEnumerable<int> hosts, double secondsPerHost, double budget, int seed, int workers, WorkClock clock,
        long toBeat, out double spent, out bool abandoned)
    {
        var run = new Run(p, new HostLoads(p, Sizing.Temporal), ScarceResource(p), secondsPerHost, seed, workers, clock);
        abandoned = false;
        long cost = 0;
        var on = new HashSet<int>();
        void Place(int v, int h)
        {
            if (on.Add(h)) cost += Objective.IdleUnits(p, h);
            cost += Objective.DynamicUnits(p, v, h);
            if (p.CurrentHost(v) >= 0 && p.CurrentHost(v) != h) cost += Objective.MigrationUnits(p, v) + Objective.DiskUnits(p, v, h);
        }
        for (var v = 0; v < p.VmCount; v++)
            if (hostOf[v] >= 0) { run.Loads.Add(v, hostOf[v]); Place(v, hostOf[v]); }
        var remaining = new SortedSet<int>(Enumerable.Range(0, p.VmCount).Where(v => hostOf[v] < 0));
        foreach (var h in hosts)
        {
            if (remaining.Count == 0) break;
            if (cost >= toBeat) { abandoned = true; break; }
            var fitting = remaining.Where(v => p.Rules.Allows(v, h) && run.Loads.Fits(v, h)).ToList();
            if (fitting.Count == 0) continue;
            var chosen = run.Spent < budget ? run.Fill(h, fitting, budget - run.Spent) : FirstFitOnto(run.Loads, h, fitting);
            foreach (var v in chosen) { run.Loads.Add(v, h); hostOf[v] = h; remaining.Remove(v); Place(v, h); }
        }
        spent = run.Charged;
        return remaining.Count == 0 && !abandoned ? new Placement([.. hostOf]) : null;
    }

    /// <summary>Out of time: the largest VMs that still fit, one after another.</summary>
    private static List<int> FirstFitOnto(HostLoads loads, int h, List<int> fitting)
    {
        var chosen = new List<int>();
        foreach (var v in fitting.OrderByDescending(loads.Size).ThenBy(v => v))
            if (loads.Fits(v, h)) { loads.Add(v, h); chosen.Add(v); }
        foreach (var v in chosen) loads.Remove(v, h);
        return chosen;
    }

    /// <summary>The resource whose busiest window asks the largest share of the inventory's capacity.</summary>
    private static Resource ScarceResource(PlacementProblem p) => Resources.All.Where(p.Additive).MaxBy(r =>
    {
        double capacity = Enumerable.Range(0, p.HostCount).Sum(h => (double)p.Usable(h, r));
        double peak = Enumerable.Range(0, p.WindowCount).Max(w => Enumerable.Range(0, p.VmCount).Sum(v => (double)p.Demand(v, r, w)));
        return peak / Math.Max(1, capacity);
    });

    private sealed class Run(PlacementProblem p, HostLoads loads, Resource scarce, double seconds, int seed, int workers, WorkClock clock)
    {
        public HostLoads Loads { get; } = loads;
        public Resource Scarce { get; } = scarce;
        public double Spent => clock.Spent;
        public double Charged => clock.Charged;

        /// <summary>The VMs to put on host h: the largest VM and its complements.</summary>
        public List<int> Fill(int h, List<int> fitting, double left)
        {
            var limit = Math.Min(seconds, left);
            var value = fitting.ToDictionary(v => v, v => Value(v, h));
            var bySize = fitting.OrderByDescending(v => value[v]).ThenBy(v => v).ToList();
            // Minimum bin slack stops early at zero slack: first ask for a set that fills the scarce resource to
            // the brim in every window. These equalities propagate so strongly that CP-SAT settles them in
            // hundredths of a second either way, as long as the pool is a few hundred VMs (on larger pools it
            // runs out of time, measured, so it is not tried). An anchor whose complements went to earlier
            // hosts cannot fill this one exactly, so a few anchors are tried.
            foreach (var anchor in bySize.Take(fitting.Count <= MaxExactCandidates ? ExactFillAnchors : 0))
            {
                var candidates = fitting.Where(v => v != anchor).Prepend(anchor).ToList();
                if (Solve(h, candidates, exact: true, null, Math.Min(limit, ExactFillSeconds)) is { } brim) return brim;
            }
            // Otherwise maximise the fill among the largest VMs. A knapsack that found nothing in its time (a
            // short limit on a busy machine) leaves the host to first fit, not to its largest VM alone: under load
            // 19 the latter put 1,385 planted VMs on 391 hosts where first fit needs 270.
            var chosen = bySize.Take(MaxCandidates).ToList();
            return Solve(h, chosen, exact: false, value, limit) ?? FirstFitOnto(Loads, h, fitting);
        }

        /// <summary>A subset of <paramref name="candidates"/> that contains the first and fits host h; with
        /// <paramref name="exact"/> it must fill the scarce resource, else it maximises <paramref name="value"/>.</summary>
        private List<int>? Solve(int h, List<int> candidates, bool exact, Dictionary<int, long>? value, double limit)
        {
            var model = new CpModel();
            var x = candidates.Select(v => model.NewBoolVar($"x{v}")).ToArray();
            model.Add(x[0] == 1);
            if (Loads.Stores is { } stores) AddStoreRow(model, h, candidates, x, stores);
            foreach (var r in Resources.All.Where(p.Additive))
                for (var w = 0; w < p.WindowCount; w++)
                {
                    var free = Loads.Free(h, r, w);
                    var coefs = candidates.Select(v => (long)p.Demand(v, r, w)).ToArray();
                    if (coefs.Sum() > free) model.Add(LinearExpr.WeightedSum(x, coefs) <= free);
                    if (exact && r == Scarce) model.Add(LinearExpr.WeightedSum(x, coefs) >= free);
                }
            if (value is not null)
            {
                model.Maximize(LinearExpr.WeightedSum(x, candidates.Select(v => value[v])));
                HintGreedy(h, candidates, model, x);
            }
            var solver = new CpSolver { StringParameters = SubSolve.Parameters(limit, seed, workers, clock.Counted) };
            // Under the watchdog: CP-SAT's own limit is fixed at its start, and the command's end may come closer during it.
            var status = SolveWatchdog.Solve(solver, model, null, clock.Counted ? null : clock.StopAfter(limit), out _);
            // Charged at least a hundredth of a second, for the model building deterministic time does not see.
            clock.Charge(Math.Max(solver.Response?.DeterministicTime ?? limit, 0.01));
            return status is CpSolverStatus.Optimal or CpSolverStatus.Feasible
                ? candidates.Where((_, i) => solver.BooleanValue(x[i])).ToList()
                : null;
        }

        /// <summary>Host h's store after the chosen VMs arrive: their private blocks plus each image of theirs that it
        /// lacks now, once (a Boolean per such image, implied by every candidate that needs it), within what is free.</summary>
        private void AddStoreRow(CpModel model, int h, List<int> candidates, BoolVar[] x, Storage.StoreTally stores)
        {
            var d = p.Disks;
            if (!d.IsLocal(h)) return;
            var vars = new List<BoolVar>();
            var coefs = new List<long>();
            var lacking = new Dictionary<int, BoolVar>();
            for (var k = 0; k < candidates.Count; k++)
            {
                var v = candidates[k];
                if (d.PrivateMib(v) > 0) { vars.Add(x[k]); coefs.Add(d.PrivateMib(v)); }
                if (d.ImageOf(v) < 0) continue;
                foreach (var i in d.Chain(d.ImageOf(v)).TakeWhile(i => !stores.Holds(h, i)))
                {
                    if (!lacking.TryGetValue(i, out var z))
                    {
                        lacking[i] = z = model.NewBoolVar($"z{i}");
                        vars.Add(z);
                        coefs.Add(d.ImageMib(i));
                    }
                    model.AddImplication(x[k], z);
                }
            }
            model.Add(LinearExpr.WeightedSum(vars, coefs) <= d.CapacityMib(h) - stores.Held(h));
        }

        /// <summary>Volume in the scarce resource dominates; the other resource only breaks ties.</summary>
        private long Value(int v, int h)
        {
            var other = Scarce == Resource.Memory ? Resource.Cpu : Resource.Memory;
            long s = 0, o = 0;
            for (var w = 0; w < p.WindowCount; w++) { s += p.Demand(v, Scarce, w); o += p.Demand(v, other, w); }
            return s + (long)Math.Round(o * (double)p.Usable(h, Scarce) / Math.Max(1, p.Usable(h, other)) / 1000);
        }

        private void HintGreedy(int h, List<int> candidates, CpModel model, BoolVar[] x)
        {
            var free = new long[Resources.Count, p.WindowCount];
            foreach (var r in Resources.All)
                for (var w = 0; w < p.WindowCount; w++) free[(int)r, w] = Loads.Free(h, r, w);
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
    }
}
