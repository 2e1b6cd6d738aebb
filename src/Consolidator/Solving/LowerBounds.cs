using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Solving;

/// <summary>Volume bounds that hold for any placement (research/consolidation.md section 2.2): in each
/// window and resource the active hosts' usable capacity must cover the total demand.</summary>
public static class LowerBounds
{
    /// <summary>Fewest hosts whose largest usable capacities cover the demand, maximised over windows and resources.</summary>
    public static int Hosts(PlacementProblem p)
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

    /// <summary>Energy per day no placement can beat: idle power of the cheapest fractional set of hosts
    /// that covers the peak (r, w) demand (hosts stay on all day), plus the dynamic energy of all mean CPU
    /// at the lowest watts per core. Each host is charged its power model's floor line, which lies below
    /// both the exact model and the objective's line, so the bound holds for either.</summary>
    public static double EnergyWhPerDay(PlacementProblem p)
    {
        var hours = p.Windows.Windows.Sum(w => w.DurationHours);
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
        for (var w = 0; w < p.WindowCount; w++)
        {
            double cores = 0;
            for (var v = 0; v < p.VmCount; v++) cores += p.MeanCpu(v, w);
            dynamic += p.Windows.Windows[w].DurationHours * cheapestPerCore * cores;
        }
        return idleWatts * hours + dynamic;
    }

    private static long TotalDemand(PlacementProblem p, Resource r, int w)
    {
        long sum = 0;
        for (var v = 0; v < p.VmCount; v++) sum += p.Demand(v, r, w);
        return sum;
    }
}
