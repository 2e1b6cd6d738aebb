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
            for (var w = 0; w < p.WindowCount; w++)
            {
                long demand = 0;
                for (var v = 0; v < p.VmCount; v++) demand += p.Demand(v, r, w);
                if (demand > capacity)
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
            if (p.Demand(v, r, worst) > largest)
                return $"VM {vm} fits no host: it needs {Amount(r, p.Demand(v, r, worst))} {Resources.Name(r)} in window " +
                       $"{p.Windows.Windows[worst].Label} but the largest host offers {Amount(r, largest)} after {Pct(p.Options.Headroom)} headroom";
        }
        return $"VM {vm} fits no host: each host that has room for its CPU lacks room for its memory, or the reverse, in some window";
    }

    internal static string Amount(Resource r, long units) => r == Resource.Cpu
        ? (units / (double)PlacementProblem.MilliPerCore).ToString("0.###", CultureInfo.InvariantCulture) + " cores"
        : units.ToString(CultureInfo.InvariantCulture) + " MiB";

    private static string Pct(double x) => (x * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";
}
