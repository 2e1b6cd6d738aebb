using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;

namespace Consolidator.Tests.Staging;

/// <summary>Small clusters in whole cores and MiB, written the way a test reads: hosts, then VMs on them.</summary>
internal sealed class ClusterBuilder
{
    private readonly List<Host> _hosts = [];
    private readonly List<(Vm Vm, int[] Cores, int[] MemoryMib)> _vms = [];

    public ClusterBuilder Host(string id, int cores, int memoryMib = 4096)
    {
        _hosts.Add(new Host(id, cores, memoryMib, 100, 300));
        return this;
    }

    /// <summary>A VM with the same demand in every window.</summary>
    public ClusterBuilder Vm(string id, string? on, int cores, int memoryMib = 1024) =>
        Vm(id, on, [cores], [memoryMib]);

    /// <summary>A VM whose demand differs per window; a single value stands for every window.</summary>
    public ClusterBuilder Vm(string id, string? on, int[] cores, int[] memoryMib)
    {
        _vms.Add((new Vm(id, cores.Max(), memoryMib.Max(), on), cores, memoryMib));
        return this;
    }

    public PlacementProblem Build(int windows = 1, double headroom = 0) =>
        new([.. _hosts], [.. _vms.Select(x => x.Vm)], WindowScheme.Slices(windows),
            new PlacementOptions(Headroom: headroom, MemoryAllocationFloor: false),
            (v, r, w) =>
            {
                var series = r == Resource.Cpu ? _vms[v].Cores : _vms[v].MemoryMib;
                return series[Math.Min(w, series.Length - 1)];
            },
            (v, w) => _vms[v].Cores[Math.Min(w, _vms[v].Cores.Length - 1)]);

    /// <summary>The placement that puts each VM, in order, on the named host (null: nowhere).</summary>
    public static Placement On(PlacementProblem p, params string?[] hostIds) =>
        new([.. hostIds.Select(id => id is null ? -1 : p.Hosts.Select(h => h.Id).ToList().IndexOf(id))]);
}
