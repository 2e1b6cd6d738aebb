using Consolidator.Inventory;

namespace Consolidator.Importers;

/// <summary>The current placement an importer assumes: each VM in turn on the first host with room for its
/// whole allocation (vCPUs and memory), as a scheduler that reserves what it hands out would place them.</summary>
internal static class AllocationFirstFit
{
    /// <summary>The host id for each VM, or null where no host has room.</summary>
    public static string?[] Place(IReadOnlyList<Host> hosts, IReadOnlyList<(double Vcpus, double MemoryMib)> vms)
    {
        var cpuLeft = hosts.Select(h => h.CpuCores).ToArray();
        var memLeft = hosts.Select(h => h.MemoryMib).ToArray();
        var placed = new string?[vms.Count];
        for (var v = 0; v < vms.Count; v++)
        {
            var (cpu, mem) = vms[v];
            for (var h = 0; h < hosts.Count; h++)
            {
                if (cpuLeft[h] + 1e-9 < cpu || memLeft[h] + 1e-9 < mem) continue;
                cpuLeft[h] -= cpu;
                memLeft[h] -= mem;
                placed[v] = hosts[h].Id;
                break;
            }
        }
        return placed;
    }

    /// <summary>How many hosts of one model the placement needs, at least one.</summary>
    public static int HostsNeeded(HostModel model, IReadOnlyList<(double Vcpus, double MemoryMib)> vms)
    {
        var hosts = Enumerable.Range(0, Math.Max(1, vms.Count)).Select(i => model.Create(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var placed = Place(hosts, vms);
        var used = placed.Where(p => p is not null).Distinct().Count();
        return Math.Max(1, used);
    }
}
