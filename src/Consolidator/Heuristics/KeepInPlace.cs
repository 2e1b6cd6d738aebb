using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Heuristics;

/// <summary>Warm starts that keep VMs where they run when that costs little: the fullest current hosts keep every
/// VM they hold, and first-fit-decreasing packs the other VMs around them (into the kept hosts' gaps first). A
/// first-fit that ignores today's placement moves nearly every VM (issue 17: 13 to 17 of 1,000 to 30,000 VMs
/// stayed); keeping whole hosts spares their moves at almost the same number of active hosts.</summary>
public static class KeepInPlace
{
    /// <summary>Shares of the target host count kept whole: several, because how many pay depends on how full the
    /// current hosts are; the caller keeps the cheapest by energy plus migration cost.</summary>
    public static readonly double[] KeptShares = [0.5, 0.8, 1.0];

    /// <param name="targetHosts">Hosts a placement that ignores today's needs (first-fit's count).</param>
    /// <param name="shares">The shares to build, in order (<see cref="KeptShares"/> when not given).</param>
    public static IEnumerable<Placement> Candidates(PlacementProblem p, int targetHosts, IReadOnlySet<int>? stayPut = null, IReadOnlyList<double>? shares = null)
    {
        // Kept VMs are pinned before first-fit looks at spread, gather, cap or failover rules: not with those.
        if (p.Rules.Couples) yield break;
        var ranked = KeepableHosts(p);
        if (ranked.Count == 0) yield break;
        var onHost = VmsByHost(p);
        foreach (var share in shares ?? KeptShares)
        {
            var keep = new HashSet<int>(stayPut ?? new HashSet<int>());
            foreach (var h in ranked.Take(Math.Max(1, (int)Math.Round(share * targetHosts))))
                keep.UnionWith(onHost[h]);
            if (FirstFit.Pack(p, Sizing.Temporal, Fit.First, keep) is { } placement) yield return placement;
        }
    }

    /// <summary>Current hosts that can keep every VM they hold (within usable capacity in every window, every rule
    /// allowing), fullest first: the mean share of the scarcer of CPU and memory their VMs use.</summary>
    public static List<int> KeepableHosts(PlacementProblem p)
    {
        var onHost = VmsByHost(p);
        var fill = new Dictionary<int, double>();
        for (var h = 0; h < p.HostCount; h++)
        {
            var vms = onHost[h];
            if (vms.Count == 0 || vms.Any(v => !p.Rules.Allows(v, h))) continue;
            double best = 0;
            // A store that counts images once holds its VMs when their footprint fits, whatever the whole disks sum to.
            var fits = p.Additive(Resource.Disk) || !p.Disks.IsLocal(h) || p.Disks.FootprintMib(vms) <= p.Disks.CapacityMib(h);
            foreach (var r in Resources.All.Where(p.Additive))
            {
                double share = 0;
                for (var w = 0; w < p.WindowCount && fits; w++)
                {
                    long load = 0;
                    foreach (var v in vms) load += p.Demand(v, r, w);
                    fits = load <= p.Usable(h, r);
                    if (r is Resource.Cpu or Resource.Memory) share += (double)load / Math.Max(1, p.Usable(h, r));
                }
                best = Math.Max(best, share / p.WindowCount);
            }
            if (fits) fill[h] = best;
        }
        return [.. fill.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Select(kv => kv.Key)];
    }

    /// <summary>An upper bound on the VMs that can stay where they run in any placement on <paramref name="activeHosts"/>
    /// hosts: only that many hosts stay on, and host h keeps at most as many of its VMs as fit it in every resource
    /// and window taken alone (the smallest first, for each resource and window: a count no set can beat).</summary>
    public static int StayUpperBound(PlacementProblem p, int activeHosts)
    {
        // Plain loops over one reused buffer: at 30,000 VMs on 7,500 hosts this is 1.4 million small sorts, and the
        // summary that asks for it is written after the solve, in the part of `plan` that is never cut short.
        var onHost = VmsByHost(p);
        var most = new List<int>();
        var demands = new long[Math.Max(1, onHost.Max(vms => vms.Count))];
        for (var h = 0; h < p.HostCount; h++)
        {
            var vms = onHost[h];
            vms.RemoveAll(v => !p.Rules.Allows(v, h));
            if (vms.Count == 0) continue;
            var count = vms.Count;
            foreach (var r in Resources.All)
                for (var w = 0; w < p.WindowCount && count > 0; w++)
                {
                    for (var i = 0; i < vms.Count; i++) demands[i] = p.BoundDemand(vms[i], r, w);
                    Array.Sort(demands, 0, vms.Count);
                    long load = 0;
                    var n = 0;
                    for (; n < vms.Count && load + demands[n] <= p.Usable(h, r); n++) load += demands[n];
                    count = Math.Min(count, n);
                }
            most.Add(count);
        }
        return most.OrderDescending().Take(activeHosts).Sum();
    }

    /// <summary>A lower bound on the migration part of any placement on <paramref name="activeHosts"/> hosts: at least
    /// (VMs running today - <see cref="StayUpperBound"/>) VMs move, and they cost no less than that many of the
    /// cheapest moves.</summary>
    public static (int Moves, double CostWh) MigrationLowerBound(PlacementProblem p, int activeHosts) =>
        MigrationLowerBound(p, activeHosts, StayUpperBound(p, activeHosts));

    /// <summary>As <see cref="MigrationLowerBound(PlacementProblem, int)"/> from a <see cref="StayUpperBound"/> already computed.</summary>
    public static (int Moves, double CostWh) MigrationLowerBound(PlacementProblem p, int activeHosts, int stayUpperBound)
    {
        var running = Enumerable.Range(0, p.VmCount).Where(v => p.CurrentHost(v) >= 0).ToList();
        var moves = Math.Max(0, running.Count - stayUpperBound);
        return (moves, running.Select(p.MigrationCostWh).Order().Take(moves).Sum());
    }

    private static List<int>[] VmsByHost(PlacementProblem p)
    {
        var onHost = Enumerable.Range(0, p.HostCount).Select(_ => new List<int>()).ToArray();
        for (var v = 0; v < p.VmCount; v++)
            if (p.CurrentHost(v) >= 0) onHost[p.CurrentHost(v)].Add(v);
        return onHost;
    }
}
