using Consolidator.Inventory;

namespace Consolidator.Importers;

/// <summary>The current placement an importer assumes: each VM, when it first appears in the trace, on the first
/// host with room for its whole allocation (vCPUs and memory) among the VMs running at that moment, as a
/// scheduler that reserves what it hands out would have placed them; a VM's room is freed after its last
/// sample. So the VMs of any moment (a day of a joined set, a month whose VMs come and go) sit where they
/// would run then, not where a first fit of every VM the trace ever holds would put them.</summary>
internal static class AllocationFirstFit
{
    /// <summary>One VM's allocation and the span of its samples (Unix seconds).</summary>
    public readonly record struct Stay(double Vcpus, double MemoryMib, long First, long Last);

    /// <summary>The host id for each VM, or null where no host has room when it arrives.</summary>
    public static string?[] Place(IReadOnlyList<Host> hosts, IReadOnlyList<Stay> vms)
    {
        var cpuLeft = hosts.Select(h => h.CpuCores).ToArray();
        var memLeft = hosts.Select(h => h.MemoryMib).ToArray();
        var placed = new string?[vms.Count];
        var hostOf = new int[vms.Count];
        Array.Fill(hostOf, -1);
        // Arrivals in time order (dataset order on ties); departures are due once a later VM arrives.
        var arrivals = Enumerable.Range(0, vms.Count).OrderBy(v => vms[v].First).ThenBy(v => v).ToArray();
        var running = new PriorityQueue<int, long>();
        foreach (var v in arrivals)
        {
            while (running.TryPeek(out var gone, out var last) && last < vms[v].First)
            {
                running.Dequeue();
                cpuLeft[hostOf[gone]] += vms[gone].Vcpus;
                memLeft[hostOf[gone]] += vms[gone].MemoryMib;
            }
            var (cpu, mem, _, _) = vms[v];
            for (var h = 0; h < hosts.Count; h++)
            {
                if (cpuLeft[h] + 1e-9 < cpu || memLeft[h] + 1e-9 < mem) continue;
                cpuLeft[h] -= cpu;
                memLeft[h] -= mem;
                placed[v] = hosts[h].Id;
                hostOf[v] = h;
                running.Enqueue(v, vms[v].Last);
                break;
            }
        }
        return placed;
    }

    /// <summary>How many hosts of one model the placement needs, at least one.</summary>
    public static int HostsNeeded(HostModel model, IReadOnlyList<Stay> vms)
    {
        var hosts = Enumerable.Range(0, Math.Max(1, vms.Count)).Select(i => model.Create(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var placed = Place(hosts, vms);
        var used = placed.Where(p => p is not null).Distinct().Count();
        return Math.Max(1, used);
    }
}
