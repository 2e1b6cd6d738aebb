using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Solving;

/// <summary>The case where the objective only counts hosts: every host has the same usable capacity, idle
/// energy and watts per core, no rule applies, no VM must stay put, and no VM pays for leaving its host
/// (none is placed yet, or the migration weight is 0). The dynamic energy is then the same wherever each VM
/// goes, so the objective of a placement on k hosts is k x idle + a constant and minimising energy is
/// minimising active hosts: a plain vector bin packing, which <see cref="BinCountDescent"/> solves directly.</summary>
internal sealed record HostCounting(long IdleUnitsPerHost, long DynamicUnits)
{
    /// <summary>The objective, in units, of any placement on <paramref name="hosts"/> active hosts.</summary>
    public long Units(int hosts) => hosts * IdleUnitsPerHost + DynamicUnits;

    /// <summary>The host-counting view of <paramref name="p"/>, or null when the objective depends on more
    /// than the number of active hosts (or when some VM fits no host, which the general path reports).</summary>
    public static HostCounting? Detect(PlacementProblem p, IReadOnlySet<int> stayPut)
    {
        // Image-aware stores are no vector bin packing: VMs of one image take less together than apart.
        if (p.HostCount == 0 || p.VmCount == 0 || !p.Rules.IsEmpty || stayPut.Count > 0 || p.CountsImagesOnce) return null;
        var idle = Objective.IdleUnits(p, 0);
        // With no idle energy, the number of hosts is not what the objective counts.
        if (idle <= 0) return null;
        var wattsPerCore = p.Hosts[0].WattsPerCore;
        for (var h = 1; h < p.HostCount; h++)
        {
            if (Objective.IdleUnits(p, h) != idle || p.Hosts[h].WattsPerCore != wattsPerCore) return null;
            foreach (var r in Resources.All)
                if (p.Usable(h, r) != p.Usable(0, r)) return null;
        }
        long dynamic = 0;
        for (var v = 0; v < p.VmCount; v++)
        {
            if (p.CurrentHost(v) >= 0 && (Objective.MigrationUnits(p, v) != 0 || (p.Disks.Counts && p.Options.DiskWeightWhPerGiB > 0))) return null;
            if (!p.FitsAlone(v, 0)) return null;
            dynamic += Objective.DynamicUnits(p, v, 0);
        }
        return new HostCounting(idle, dynamic);
    }
}
