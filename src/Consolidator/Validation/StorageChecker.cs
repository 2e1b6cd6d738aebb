using System.Globalization;
using Consolidator.Packing;
using Consolidator.Staging;

namespace Consolidator.Validation;

/// <summary>Rules <c>storage</c> and <c>stage.storage</c>: a host on local storage holds each image its VMs need
/// once (with the image's ancestors) plus each VM's private blocks, and that stays within its disk in the final
/// placement and while every stage runs (a migrating VM's disk is on both ends until the move completes). Counted
/// here from the images themselves, not from the planner's bound (<see cref="Inventory.Resource.Disk"/> counts
/// each disk whole), so a plan that relies on shared blocks is judged by what the store really holds.</summary>
internal static class StorageChecker
{
    public static IEnumerable<Violation> CheckPlacement(PlacementProblem p, Placement target, List<int>[] vmsOn)
    {
        var d = p.Disks;
        if (!d.HasLocalHosts) yield break;
        for (var h = 0; h < p.HostCount; h++)
        {
            if (!d.IsLocal(h)) continue;
            var held = d.FootprintMib(vmsOn[h]);
            if (held > d.CapacityMib(h))
                yield return new("storage", $"{p.Hosts[h].Id} local storage holds {Gib(held)} (its images once, each VM's private blocks) "
                    + $"but has {Gib(d.CapacityMib(h))}; VMs on it: {HostLoads.Names(p, vmsOn[h])}");
        }
    }

    /// <summary>Checks the hosts that receive VMs in one stage, before its moves are applied to <paramref name="at"/>.</summary>
    public static IEnumerable<Violation> CheckStage(PlacementProblem p, List<Migration> moves, string name, int[] at)
    {
        var d = p.Disks;
        if (!d.HasLocalHosts) yield break;
        foreach (var arrivals in moves.GroupBy(m => m.To).Where(g => d.IsLocal(g.Key)).OrderBy(g => g.Key))
        {
            var h = arrivals.Key;
            var present = Enumerable.Range(0, p.VmCount).Where(v => at[v] == h).ToList();
            var held = d.FootprintMib(present.Concat(arrivals.Select(m => m.Vm)));
            if (held > d.CapacityMib(h))
                yield return new("stage.storage", $"{name}: {p.Hosts[h].Id} local storage holds {Gib(held)} while migrations copy disks to it, "
                    + $"over its {Gib(d.CapacityMib(h))}; arriving: {HostLoads.Names(p, arrivals.Select(m => m.Vm))}; already there: {HostLoads.Names(p, present)}");
        }
    }

    private static string Gib(long mib) => (mib / 1024.0).ToString("0.###", CultureInfo.InvariantCulture) + " GiB";
}
