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
    /// Returns null when some VM finds no host, or when <paramref name="stop"/> (asked before each VM) says to stop.</summary>
    public static Placement? Pack(PlacementProblem p, Sizing sizing, Fit fit, IReadOnlySet<int>? stayPut = null, Func<bool>? stop = null)
    {
        // Failover reserves are kept by packing the clusters' hosts less full until the reserve holds.
        for (var fill = 1.0; fill >= FailoverMinFill - 1e-9; fill -= FailoverFillStep)
        {
            var placement = Pack(p, sizing, fit, stayPut, fill, stop ?? (() => false));
            if (placement is null || p.Rules.Clusters.IsEmpty) return placement;
            if (FailoverCheck.Holds(p, placement)) return placement;
        }
        return null;
    }

    private const double FailoverMinFill = 0.3, FailoverFillStep = 0.05;

    private static Placement? Pack(PlacementProblem p, Sizing sizing, Fit fit, IReadOnlySet<int>? stayPut, double clusterFill, Func<bool> stop)
    {
        var loads = new HostLoads(p, sizing, p.Rules.Clusters.SelectMany(c => c.Members).ToHashSet(), clusterFill);
        var rules = new RuleTracker(p);
        var hostOf = new int[p.VmCount];
        Array.Fill(hostOf, -1);
        var open = new List<int>();
        var isOpen = new bool[p.HostCount];

        if (stayPut is not null)
            foreach (var v in stayPut.Order())
            {
                var h = p.CurrentHost(v);
                // Kept VMs that break a rule among themselves (two of a gather group on two hosts) leave no valid packing.
                if (h < 0 || !loads.Fits(v, h) || !rules.CanPlace(v, h)) return null;
                loads.Add(v, h);
                rules.Place(v, h);
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
            if (stop()) return null;
            if (hostOf[v] >= 0) continue; // placed with its gather group
            var unit = rules.GatherOf[v]?.Where(u => hostOf[u] < 0).ToArray() ?? [v];
            bool Takes(int h) => TryAdd(loads, rules, unit, h);
            var chosen = fit == Fit.First ? open.FirstMatch(Takes) : BestOpen(loads, rules, open, unit);
            if (chosen < 0)
            {
                chosen = hostOrder.FirstMatch(h => !isOpen[h] && Takes(h));
                if (chosen < 0) return null;
                isOpen[chosen] = true;
                open.Add(chosen);
            }
            foreach (var u in unit) hostOf[u] = chosen;
        }
        return new Placement([.. hostOf]);
    }

    /// <summary>Adds the VMs of a unit (one VM, or a gather group) to host h if all of them fit and the rules
    /// allow it; otherwise leaves everything as it was.</summary>
    private static bool TryAdd(HostLoads loads, RuleTracker rules, int[] unit, int h)
    {
        var added = 0;
        for (; added < unit.Length; added++)
        {
            var u = unit[added];
            if (!loads.Fits(u, h) || !rules.CanPlace(u, h)) break;
            loads.Add(u, h);
            rules.Place(u, h);
        }
        if (added == unit.Length) return true;
        for (var k = added - 1; k >= 0; k--) { loads.Remove(unit[k], h); rules.Remove(unit[k], h); }
        return false;
    }

    private static int BestOpen(HostLoads loads, RuleTracker rules, List<int> open, int[] unit)
    {
        int best = -1;
        var bestSlack = double.MaxValue;
        foreach (var h in open)
        {
            if (!TryAdd(loads, rules, unit, h)) continue;
            var slack = loads.Slack(h);
            foreach (var u in unit) { loads.Remove(u, h); rules.Remove(u, h); }
            if (slack < bestSlack) { bestSlack = slack; best = h; }
        }
        if (best >= 0) TryAdd(loads, rules, unit, best);
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
