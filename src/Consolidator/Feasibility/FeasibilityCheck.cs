using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Feasibility;

/// <summary>Cheap necessary conditions checked before solving, each failure explained in operator terms:
/// every VM must fit some host on its own, and in every window the inventory must hold the total demand.</summary>
public static class FeasibilityCheck
{
    public static ImmutableArray<string> Explain(PlacementProblem p)
    {
        var reasons = ImmutableArray.CreateBuilder<string>();
        for (var v = 0; v < p.VmCount; v++)
            if (!Enumerable.Range(0, p.HostCount).Any(h => p.FitsAlone(v, h)))
                reasons.Add(WhyNoHost(p, v));

        foreach (var r in Resources.All)
        {
            long capacity = 0;
            for (var h = 0; h < p.HostCount; h++) capacity += p.Usable(h, r);
            // An allocation and a disk are the same in every window: one check, one reason (a disk too large for the
            // fleet was said once per window, 24 to 168 lines of one figure, each naming a window as though it mattered).
            var allocation = r is Resource.VcpuAllocation or Resource.MemoryAllocation;
            for (var w = 0; w < (allocation || r == Resource.Disk ? 1 : p.WindowCount); w++)
            {
                long demand = 0;
                for (var v = 0; v < p.VmCount; v++) demand += p.BoundDemand(v, r, w);
                if (r == Resource.Disk && !p.Additive(r))
                    foreach (var image in p.Disks.ImagesOf(Enumerable.Range(0, p.VmCount))) demand += p.Disks.ImageMib(image);
                if (demand > capacity && r == Resource.Disk)
                    reasons.Add($"the VMs' disks take {Amount(r, demand)} in all{(p.Additive(r) ? "" : ", each image stored once")}, more than the " +
                                $"{Amount(r, capacity)} of local storage all {p.HostCount} hosts hold");
                else if (demand > capacity && allocation)
                    reasons.Add($"the VMs have {Amount(r, demand)} {(r == Resource.MemoryAllocation ? "of allocated memory " : "")}in all, more than the {Amount(r, capacity)} " +
                                $"all {p.HostCount} hosts give out at the allocation ratio {Ratio(r == Resource.VcpuAllocation ? p.Options.CpuAllocationRatio : p.Options.RamAllocationRatio)}");
                else if (demand > capacity)
                    reasons.Add($"total {Resources.Name(r)} demand in window {p.Windows.Windows[w].Label} is {Amount(r, demand)}, " +
                                $"more than the {Amount(r, capacity)} all {p.HostCount} hosts offer after {Pct(p.Options.Headroom)} headroom");
            }
        }
        return reasons.ToImmutable();
    }

    private static string WhyNoHost(PlacementProblem p, int v)
    {
        var vm = p.Vms[v].Id;
        // The resource and window where the VM is furthest beyond the largest host say most.
        foreach (var r in Resources.All)
        {
            var largest = Enumerable.Range(0, p.HostCount).Select(h => p.Usable(h, r)).DefaultIfEmpty(0).Max();
            var worst = Enumerable.Range(0, p.WindowCount).MaxBy(w => p.Demand(v, r, w));
            if (p.Demand(v, r, worst) <= largest) continue;
            if (r == Resource.VcpuAllocation)
                return $"VM {vm} fits no host: it has {Amount(r, p.Demand(v, r, worst))} but the largest host gives out at most {Amount(r, largest)} " +
                       $"(its cores times the CPU allocation ratio {Ratio(p.Options.CpuAllocationRatio)}; --cpu-allocation-ratio)";
            if (r == Resource.MemoryAllocation)
                return $"VM {vm} fits no host: it is allocated {Amount(r, p.Demand(v, r, worst))} but the largest host gives out at most {Amount(r, largest)} " +
                       $"(its memory times the RAM allocation ratio {Ratio(p.Options.RamAllocationRatio)}; --ram-allocation-ratio)";
            if (r == Resource.Disk)
                return $"VM {vm} fits no host: its disk takes {Amount(r, p.Disks.FootprintMib([v]))}{(p.Disks.ImageOf(v) >= 0 ? " with its image" : "")}, but the largest " +
                       $"local store holds {Amount(r, largest)}";
            return $"VM {vm} fits no host: it needs {Amount(r, p.Demand(v, r, worst))} {Resources.Name(r)} in window " +
                   $"{p.Windows.Windows[worst].Label} but the largest host offers {Amount(r, largest)} after {Pct(p.Options.Headroom)} headroom";
        }
        return $"VM {vm} fits no host: each host that has room for its CPU lacks room for its memory, or the reverse, in some window";
    }

    internal static string Amount(Resource r, long units) => Resources.InThousandths(r)
        ? (units / (double)PlacementProblem.MilliPerCore).ToString("0.###", CultureInfo.InvariantCulture) + " " + Resources.Unit(r)
        : units.ToString(CultureInfo.InvariantCulture) + " MiB";

    private static string Ratio(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Pct(double x) => (x * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";
}
