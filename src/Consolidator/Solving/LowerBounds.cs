using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Solving;

/// <summary>Volume bounds that hold for any placement (research/consolidation.md section 2.2): in each
/// window and resource the active hosts' usable capacity must cover the total demand.</summary>
public static class LowerBounds
{
    /// <summary>The best host-count bound available: the volume bound, or Martello and Toth's L2 where every
    /// host has the same usable capacity in a resource (L2 counts the VMs too large to share a host).</summary>
    public static int Hosts(PlacementProblem p) => Math.Max(VolumeHosts(p), MartelloTothHosts(p));

    /// <summary>Martello-Toth L2 (1990, as in research/consolidation.md section 2.2) over every window of each
    /// resource whose usable capacity is the same on all hosts; 0 when no resource is homogeneous.</summary>
    public static int MartelloTothHosts(PlacementProblem p)
    {
        var best = 0;
        foreach (var r in Resources.All)
        {
            if (p.HostCount == 0 || Enumerable.Range(0, p.HostCount).Any(h => p.Usable(h, r) != p.Usable(0, r))) continue;
            long c = p.Usable(0, r);
            for (var w = 0; w < p.WindowCount; w++)
            {
                var sizes = Enumerable.Range(0, p.VmCount).Select(v => (long)p.BoundDemand(v, r, w)).Order().ToArray();
                best = Math.Max(best, L2(sizes, c));
            }
        }
        return best;
    }

    /// <summary>L2 = max over alpha in {0} and the sizes up to C/2 of |J1| + |J2| + max(0, ceil((S3 - (|J2| C - S2)) / C)),
    /// with J1 = sizes above C - alpha, J2 = sizes in (C/2, C - alpha], J3 = sizes in [alpha, C/2]; sorted
    /// sizes and prefix sums make each alpha a pair of binary searches.</summary>
    internal static int L2(long[] sorted, long c)
    {
        var prefix = new long[sorted.Length + 1];
        for (var i = 0; i < sorted.Length; i++) prefix[i + 1] = prefix[i] + sorted[i];
        int CountAtMost(long x) => FirstIndex(sorted, x + 1);
        var best = 0;
        var halfEnd = CountAtMost(c / 2);
        var alphas = sorted.Take(halfEnd).Distinct().Prepend(0L);
        foreach (var alpha in alphas)
        {
            var j1Start = CountAtMost(c - alpha);
            var j2Start = CountAtMost(c / 2);
            var j3Start = alpha == 0 ? 0 : FirstIndex(sorted, alpha);
            long n1 = sorted.Length - j1Start, n2 = j1Start - j2Start;
            var s2 = prefix[j1Start] - prefix[j2Start];
            var s3 = prefix[j2Start] - prefix[j3Start];
            var rest = s3 - (n2 * c - s2);
            var bound = n1 + n2 + (rest > 0 ? (rest + c - 1) / c : 0);
            best = Math.Max(best, (int)bound);
        }
        return best;
    }

    private static int FirstIndex(long[] sorted, long x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi) { var mid = (lo + hi) / 2; if (sorted[mid] < x) lo = mid + 1; else hi = mid; }
        return lo;
    }

    /// <summary>Fewest hosts whose largest usable capacities cover the demand, maximised over windows and resources.</summary>
    public static int VolumeHosts(PlacementProblem p)
    {
        var best = p.VmCount > 0 ? 1 : 0;
        foreach (var r in Resources.All)
        {
            var caps = Enumerable.Range(0, p.HostCount).Select(h => (long)p.Usable(h, r)).OrderDescending().ToArray();
            for (var w = 0; w < p.WindowCount; w++)
            {
                var demand = TotalDemand(p, r, w);
                int k = 0;
                long covered = 0;
                while (covered < demand && k < caps.Length) covered += caps[k++];
                best = Math.Max(best, k);
            }
        }
        return best;
    }

    /// <summary>Energy per day no placement can beat: the optimum of a linear relaxation in which host h is on a
    /// fraction y_h in [0, 1] of itself, for the whole day (a plan keeps its placement all day) and carries x_hw
    /// cores of load in window w:
    /// minimise   sum_h a_h H y_h + sum_w hours_w sum_h (b_h / cores_h) x_hw
    /// subject to sum_h usable_hr y_h >= demand_rw (every resource and window: the active hosts cover the demand),
    ///            sum_h x_hw = L_w, 0 <= x_hw <= usableCpu_h y_h (in cores),
    /// where a_h + b_h u is host h's power model's floor line, H the day's hours and L_w the fleet's load: each VM's
    /// mean CPU, but no more than its CPU demand. Why it holds for any placement that fits: set y_h = 1 on the active
    /// hosts and x_hw to the load L'_hw of their VMs counted that way. Every constraint holds (L'_hw <= the VMs'
    /// demand <= usable CPU <= cores). A host's energy in window w is hours_w P_h(min(load_hw / cores_h, 1)) >=
    /// hours_w (a_h + b_h min(load_hw / cores_h, 1)) (the floor line lies below P on [0, 1]) >= hours_w (a_h + b_h
    /// L'_hw / cores_h) (b_h >= 0 and L'_hw <= min(load_hw, cores_h)); summed over hosts and windows that is the
    /// relaxation's objective at this point, which its optimum does not exceed. The solver's objective uses the
    /// objective line, which lies above the floor line, so the bound holds for it too. Hosts of one model are one
    /// variable (0 <= y <= count). It is tighter than charging the idle power of the cheapest hosts and the load at
    /// the lowest watts per core separately: the two need not be the same hosts (on generated fleets the large model
    /// idles cheapest per core, the medium one has the lowest slope per core). GLOP solves it; the optimum is lowered
    /// by a millionth for its tolerances. Where it cannot be solved (a floor line that falls with load), the separate
    /// bound: idle power of the cheapest fractional cover of the peak demand, plus all load at the lowest slope.</summary>
    public static double EnergyWhPerDay(PlacementProblem p)
    {
        var load = new double[p.WindowCount];
        for (var w = 0; w < p.WindowCount; w++)
            for (var v = 0; v < p.VmCount; v++)
                load[w] += Math.Min(p.MeanCpu(v, w), (double)p.Demand(v, Resource.Cpu, w) / PlacementProblem.MilliPerCore);
        return RelaxationWhPerDay(p, load) is { } relaxed ? relaxed : SeparateWhPerDay(p, load);
    }

    /// <summary>Relative tolerance GLOP's optimum is lowered by.</summary>
    private const double LpTolerance = 1e-6;

    private static double? RelaxationWhPerDay(PlacementProblem p, double[] load)
    {
        if (p.HostCount == 0 || p.Hosts.Any(h => h.Power.FloorLine.Slope < 0 || h.CpuCores <= 0)) return null;
        var hours = p.Windows.Windows.Sum(w => w.HoursPerDay);
        // One variable per host model: same usable capacities, same floor line, same cores.
        var models = Enumerable.Range(0, p.HostCount)
            .GroupBy(h => (string.Join(',', Resources.All.Select(r => p.Usable(h, r))), p.Hosts[h].Power.FloorLine, p.Hosts[h].CpuCores))
            .Select(g => (Host: g.First(), Count: g.Count())).ToArray();
        using var lp = Google.OrTools.LinearSolver.Solver.CreateSolver("GLOP");
        if (lp is null) return null;
        var objective = lp.Objective();
        var y = new Google.OrTools.LinearSolver.Variable[models.Length];
        for (var t = 0; t < models.Length; t++)
        {
            y[t] = lp.MakeNumVar(0, models[t].Count, $"y{t}");
            objective.SetCoefficient(y[t], p.Hosts[models[t].Host].Power.FloorLine.Intercept * hours);
        }
        foreach (var r in Resources.All)
        {
            var peak = Enumerable.Range(0, p.WindowCount).Max(w => (double)TotalDemand(p, r, w));
            if (peak <= 0) continue;
            var cover = lp.MakeConstraint(peak, double.PositiveInfinity);
            for (var t = 0; t < models.Length; t++) cover.SetCoefficient(y[t], p.Usable(models[t].Host, r));
        }
        for (var w = 0; w < p.WindowCount; w++)
        {
            var carried = lp.MakeConstraint(load[w], load[w]);
            for (var t = 0; t < models.Length; t++)
            {
                var host = p.Hosts[models[t].Host];
                var x = lp.MakeNumVar(0, double.PositiveInfinity, $"x{t}_{w}");
                objective.SetCoefficient(x, p.Windows.Windows[w].HoursPerDay * host.Power.FloorLine.Slope / host.CpuCores);
                carried.SetCoefficient(x, 1);
                var within = lp.MakeConstraint(double.NegativeInfinity, 0);
                within.SetCoefficient(x, 1);
                within.SetCoefficient(y[t], -(double)p.Usable(models[t].Host, Resource.Cpu) / PlacementProblem.MilliPerCore);
            }
        }
        objective.SetMinimization();
        return lp.Solve() == Google.OrTools.LinearSolver.Solver.ResultStatus.OPTIMAL
            ? Math.Max(0, objective.Value() * (1 - LpTolerance))
            : null;
    }

    /// <summary>Idle power of the cheapest fractional set of hosts that covers the peak (r, w) demand (hosts stay on
    /// all day), plus all load at the lowest watts per core, each host charged its power model's floor line.</summary>
    private static double SeparateWhPerDay(PlacementProblem p, double[] load)
    {
        var hours = p.Windows.Windows.Sum(w => w.HoursPerDay);
        double idleWatts = 0;
        foreach (var r in Resources.All)
        {
            var byCost = Enumerable.Range(0, p.HostCount).Where(h => p.Usable(h, r) > 0)
                .OrderBy(h => p.Hosts[h].Power.FloorLine.Intercept / p.Usable(h, r)).ToArray();
            for (var w = 0; w < p.WindowCount; w++)
            {
                double left = TotalDemand(p, r, w), watts = 0;
                foreach (var h in byCost)
                {
                    if (left <= 0) break;
                    var take = Math.Min(1.0, left / p.Usable(h, r));
                    watts += take * p.Hosts[h].Power.FloorLine.Intercept;
                    left -= take * p.Usable(h, r);
                }
                idleWatts = Math.Max(idleWatts, watts);
            }
        }
        var cheapestPerCore = p.HostCount == 0 ? 0 : p.Hosts.Min(h => h.CpuCores > 0 ? h.Power.FloorLine.Slope / h.CpuCores : 0);
        double dynamic = 0;
        for (var w = 0; w < p.WindowCount; w++) dynamic += p.Windows.Windows[w].HoursPerDay * cheapestPerCore * load[w];
        return idleWatts * hours + dynamic;
    }

    private static long TotalDemand(PlacementProblem p, Resource r, int w)
    {
        long sum = 0;
        for (var v = 0; v < p.VmCount; v++) sum += p.BoundDemand(v, r, w);
        // Stores that count images once hold, between them, every image in use at least once besides the private blocks.
        if (!p.Additive(r)) sum += p.Disks.ImagesOf(Enumerable.Range(0, p.VmCount)).Sum(i => (long)p.Disks.ImageMib(i));
        return sum;
    }
}
