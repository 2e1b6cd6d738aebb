using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Heuristics;

/// <summary>How a heuristic sizes a VM: by its profile in every window (temporal), or by its peak over the
/// day in every window (peak-sized, what a planner without time windows would do).</summary>
public enum Sizing { Temporal, Peak }

/// <summary>Where a heuristic puts a VM among the hosts already on: the first that fits, or the one it fills best.</summary>
public enum Fit { First, Best }

/// <summary>First-fit / best-fit decreasing on the profiles: VMs largest first, hosts opened cheapest
/// capacity first (idle watts per usable core). A warm start and a baseline, never the plan itself unless
/// the solver found nothing.</summary>
public static class FirstFit
{
    /// <summary>Packs every VM; VMs in <paramref name="stayPut"/> are pinned to their current host first.
    /// Returns null when some VM finds no host.</summary>
    public static Placement? Pack(PlacementProblem p, Sizing sizing, Fit fit, IReadOnlySet<int>? stayPut = null)
    {
        var loads = new HostLoads(p, sizing);
        var hostOf = new int[p.VmCount];
        Array.Fill(hostOf, -1);
        var open = new List<int>();
        var isOpen = new bool[p.HostCount];

        if (stayPut is not null)
            foreach (var v in stayPut.Order())
            {
                var h = p.CurrentHost(v);
                if (h < 0 || !loads.Fits(v, h)) return null;
                loads.Add(v, h);
                hostOf[v] = h;
                if (!isOpen[h]) { isOpen[h] = true; open.Add(h); }
            }

        var hostOrder = Enumerable.Range(0, p.HostCount)
            .OrderBy(h => p.Hosts[h].IdleWatts / Math.Max(1, p.Usable(h, Resource.Cpu)))
            .ThenByDescending(h => p.Usable(h, Resource.Cpu))
            .ThenBy(h => h)
            .ToArray();
        var vmOrder = Enumerable.Range(0, p.VmCount)
            .Where(v => hostOf[v] < 0)
            .OrderByDescending(loads.Size)
            .ThenBy(v => v)
            .ToArray();

        foreach (var v in vmOrder)
        {
            var chosen = fit == Fit.First ? open.FirstMatch(h => loads.Fits(v, h)) : BestOpen(loads, open, v);
            if (chosen < 0)
            {
                chosen = hostOrder.FirstMatch(h => !isOpen[h] && loads.Fits(v, h));
                if (chosen < 0) return null;
                isOpen[chosen] = true;
                open.Add(chosen);
            }
            loads.Add(v, chosen);
            hostOf[v] = chosen;
        }
        return new Placement([.. hostOf]);
    }

    private static int BestOpen(HostLoads loads, List<int> open, int v)
    {
        int best = -1;
        var bestSlack = double.MaxValue;
        foreach (var h in open)
        {
            if (!loads.Fits(v, h)) continue;
            var slack = loads.SlackAfter(v, h);
            if (slack < bestSlack) { bestSlack = slack; best = h; }
        }
        return best;
    }
}

static file class Extensions
{
    public static int FirstMatch(this IEnumerable<int> xs, Func<int, bool> pred)
    {
        foreach (var x in xs) if (pred(x)) return x;
        return -1;
    }
}
