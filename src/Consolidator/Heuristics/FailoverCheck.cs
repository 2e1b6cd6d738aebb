using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Heuristics;

/// <summary>The heuristics' own test of the failover rule (the validator has an independent one): in every
/// cluster, resource and window, each active host's load fits the spare physical capacity of the cluster's
/// other active hosts.</summary>
internal static class FailoverCheck
{
    public static bool Holds(PlacementProblem p, Placement target)
    {
        foreach (var cluster in p.Rules.Clusters)
        {
            var active = cluster.Members.Where(h => target.HostOf.Contains(h)).ToArray();
            var load = new long[active.Length];
            foreach (var r in Resources.All)
                for (var w = 0; w < p.WindowCount; w++)
                {
                    Array.Clear(load);
                    for (var v = 0; v < p.VmCount; v++)
                        if (Array.IndexOf(active, target[v]) is var i and >= 0) load[i] += p.Demand(v, r, w);
                    long spare = 0;
                    for (var i = 0; i < active.Length; i++) spare += p.Capacity(active[i], r) - load[i];
                    for (var i = 0; i < active.Length; i++)
                        if (spare - (p.Capacity(active[i], r) - load[i]) < load[i]) return false;
                }
        }
        return true;
    }
}
