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
                var sizes = Enumerable.Range(0, p.VmCount).Select(v => (long)p.Demand(v, r, w)).Order().ToArray();
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

    /// <summary>Energy per day no placement can beat: idle power of the cheapest fractional set of hosts
    /// that covers the peak (r, w) demand (hosts stay on all day), plus the dynamic energy of all mean CPU
    /// at the lowest watts per core. Each host is charged its power model's floor line, which lies below
    /// both the exact model and the objective's line, so the bound holds for either.</summary>
    public static double EnergyWhPerDay(PlacementProblem p)
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
        for (var w = 0; w < p.WindowCount; w++)
        {
            double cores = 0;
            for (var v = 0; v < p.VmCount; v++) cores += p.MeanCpu(v, w);
            dynamic += p.Windows.Windows[w].HoursPerDay * cheapestPerCore * cores;
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
