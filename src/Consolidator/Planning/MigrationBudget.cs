using System.Collections.Immutable;
using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Planning;

/// <summary>Keeps a plan within a migration budget with the solver's own stay-put mechanism: every running VM
/// stays where it is except those that must move (their host is over its usable capacity under the new
/// profiles, or a rule forbids it) and those on hosts worth emptying, taken whole in the order the free plan
/// empties them (fewest VMs first) while the budget lasts.</summary>
internal static class MigrationBudget
{
    /// <summary>VMs that cannot stay: on a host a rule now forbids them, or among the fewest VMs whose leaving
    /// brings a host that the new profiles put over its usable capacity back within it (greedily, the VM that
    /// relieves the host's worst resource and window most first).</summary>
    public static HashSet<int> MustMove(PlacementProblem p)
    {
        var must = new HashSet<int>();
        var onHost = new List<int>[p.HostCount];
        for (var h = 0; h < p.HostCount; h++) onHost[h] = [];
        for (var v = 0; v < p.VmCount; v++)
        {
            var h = p.CurrentHost(v);
            if (h < 0) continue;
            if (!p.Rules.Allows(v, h)) must.Add(v);
            else onHost[h].Add(v);
        }
        for (var h = 0; h < p.HostCount; h++)
        {
            var load = new long[Resources.Count * p.WindowCount];
            foreach (var v in onHost[h])
                foreach (var r in Resources.All)
                    for (var w = 0; w < p.WindowCount; w++)
                        load[(int)r * p.WindowCount + w] += p.Demand(v, r, w);
            var staying = new List<int>(onHost[h]);
            while (staying.Count > 0)
            {
                // The resource and window furthest over the usable capacity, relative to it.
                var (worst, over) = (-1, 0.0);
                foreach (var r in Resources.All)
                    for (var w = 0; w < p.WindowCount; w++)
                    {
                        var usable = Math.Max(1, p.Usable(h, r));
                        // A store that counts images once holds the staying VMs' footprint, not their whole disks.
                        var held = p.Additive(r) ? load[(int)r * p.WindowCount + w] : p.Disks.FootprintMib(staying);
                        var excess = (held - (double)p.Usable(h, r)) / usable;
                        if (excess > over) (worst, over) = ((int)r * p.WindowCount + w, excess);
                    }
                if (worst < 0) break;
                var (resource, window) = ((Resource)(worst / p.WindowCount), worst % p.WindowCount);
                var leaving = staying.OrderByDescending(v => p.Demand(v, resource, window)).ThenBy(v => v).First();
                staying.Remove(leaving);
                must.Add(leaving);
                foreach (var r in Resources.All)
                    for (var w = 0; w < p.WindowCount; w++)
                        load[(int)r * p.WindowCount + w] -= p.Demand(leaving, r, w);
            }
        }
        return must;
    }

    /// <summary>The hosts a free plan empties, fewest VMs first (ties by host order): the cheapest to drain.</summary>
    public static ImmutableArray<int> Drained(PlacementProblem p, Placement free)
    {
        var kept = free.HostOf.Where(h => h >= 0).ToHashSet();
        return [.. Enumerable.Range(0, p.VmCount).Select(p.CurrentHost).Where(h => h >= 0 && !kept.Contains(h))
            .GroupBy(h => h).OrderBy(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key)];
    }

    /// <summary>The VMs to pin: every running VM except <paramref name="must"/> and those on the first of
    /// <paramref name="drain"/> that fit in <paramref name="budget"/> together.</summary>
    public static HashSet<int> StayPut(PlacementProblem p, HashSet<int> must, IReadOnlyList<int> drain, int budget)
    {
        var free = new HashSet<int>(must);
        foreach (var h in drain)
        {
            var on = Enumerable.Range(0, p.VmCount).Where(v => p.CurrentHost(v) == h && !free.Contains(v)).ToArray();
            if (free.Count + on.Length > budget) continue;
            free.UnionWith(on);
        }
        return [.. Enumerable.Range(0, p.VmCount).Where(v => p.CurrentHost(v) >= 0 && !free.Contains(v))];
    }

    /// <summary>VMs that leave their current host in <paramref name="target"/> (first placements do not count).</summary>
    public static int Moves(PlacementProblem p, Placement target) =>
        Enumerable.Range(0, p.VmCount).Count(v => p.CurrentHost(v) >= 0 && target[v] != p.CurrentHost(v));
}
