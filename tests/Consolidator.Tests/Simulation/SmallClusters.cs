using System.Collections.Immutable;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Simulation;
using Consolidator.Staging;

namespace Consolidator.Tests.Simulation;

/// <summary>Hand-made clusters for replay tests: one window, demands equal to the VM's vCPUs and memory.</summary>
internal static class SmallClusters
{
    /// <param name="hosts">(cores, memory MiB, NIC Gbit/s or null) per host, named h0, h1, ...</param>
    /// <param name="vms">(vCPUs, memory MiB, current host index or -1) per VM, named vm0, vm1, ...</param>
    public static PlacementProblem Problem((double Cores, double MemoryMib, double? NicGbps)[] hosts, (double Vcpus, double MemoryMib, int Host)[] vms)
    {
        var hostList = hosts.Select((h, i) => new Host($"h{i}", h.Cores, h.MemoryMib, 100, 300) { NicGbps = h.NicGbps }).ToImmutableArray();
        var vmList = vms.Select((v, i) => new Vm($"vm{i}", v.Vcpus, v.MemoryMib, v.Host >= 0 ? $"h{v.Host}" : null)).ToImmutableArray();
        return new PlacementProblem(hostList, vmList, WindowScheme.Slices(1), new PlacementOptions(0, 0, true),
            (v, r, _) => r == Resource.Cpu ? vmList[v].Vcpus : vmList[v].MemoryMib, (v, _) => vmList[v].Vcpus / 2);
    }

    public static MigrationPlan Plan(params Migration[][] stages) =>
        new([.. stages.Select((s, i) => new Stage(i + 1, [.. s]))], []);

    public static Placement Target(PlacementProblem p, MigrationPlan plan)
    {
        var hostOf = Enumerable.Range(0, p.VmCount).Select(p.CurrentHost).ToArray();
        foreach (var m in plan.Stages.SelectMany(s => s.Migrations)) hostOf[m.Vm] = m.To;
        return new Placement([.. hostOf]);
    }

    public static SimulationResult Run(PlacementProblem p, MigrationPlan plan, SimulationOptions options) =>
        Simulator.Run(p, Target(p, plan), plan, [], options);

    /// <summary>Wire MiB/s of a NIC of that many Gbit/s over TCP.</summary>
    public static double Wire(double gbps) => LinkProfile.Tcp.GoodputMibPerSecond(gbps);
}
