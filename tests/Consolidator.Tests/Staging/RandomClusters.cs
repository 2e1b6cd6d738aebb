using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
using CsCheck;

namespace Consolidator.Tests.Staging;

/// <summary>A small random cluster, a feasible current placement and a target that fits usable capacity.</summary>
public sealed record Scenario(PlacementProblem Problem, Placement Target, int Limit)
{
    public override string ToString()
    {
        var p = Problem;
        string Demands(int v) => string.Join(" ", Resources.All.Select(r =>
            $"{Resources.Name(r)}[{string.Join(",", Enumerable.Range(0, p.WindowCount).Select(w => p.Demand(v, r, w)))}]"));
        return $"limit {Limit}, headroom {p.Options.Headroom}; hosts: "
               + string.Join("; ", p.Hosts.Select((h, i) => $"{h.Id} cpu {p.Capacity(i, Resource.Cpu)} mem {p.Capacity(i, Resource.Memory)}"))
               + "; vms: " + string.Join("; ", p.Vms.Select((vm, v) => $"{vm.Id} {vm.CurrentHost ?? "-"} -> {p.Hosts[Target[v]].Id} {Demands(v)}"));
    }
}

internal static class RandomClusters
{
    public static readonly Gen<Scenario> Scenarios =
        from hostCount in Gen.Int[2, 6]
        from vmCount in Gen.Int[2, 15]
        from windows in Gen.Int[1, 4]
        from headroomTwentieths in Gen.Int[0, 4]
        from hostCores in Gen.Int[2, 10].Array[hostCount]
        from hostGib in Gen.Int[2, 8].Array[hostCount]
        from cores in Gen.Int[0, 5].Array[vmCount * windows]
        from halfGibs in Gen.Int[1, 6].Array[vmCount * windows]
        from targetPreference in Gen.Int[0, 99].Array[vmCount * hostCount]
        from currentPreference in Gen.Int[0, 99].Array[vmCount * hostCount]
        from startsUnplaced in Gen.Int[0, 7].Array[vmCount]
        from limit in Gen.Int[0, 2]
        select Build(new Shape(hostCores, hostGib, windows, headroomTwentieths / 20.0, cores, halfGibs),
            targetPreference, currentPreference, startsUnplaced, limit);

    private sealed record Shape(int[] HostCores, int[] HostGib, int Windows, double Headroom, int[] Cores, int[] HalfGibs)
    {
        public PlacementProblem Problem(IReadOnlyList<int> vms, Func<int, int> currentHost) => new(
            [.. HostCores.Select((c, h) => new Host($"h-{h + 1}", c, HostGib[h] * 1024, 100, 300))],
            [.. vms.Select((v, i) => new Vm($"vm-{v + 1}", 1, 512, currentHost(i) < 0 ? null : $"h-{currentHost(i) + 1}"))],
            WindowScheme.Slices(Windows), new PlacementOptions(Headroom, MemoryAllocationFloor: false),
            (i, r, w) => r == Resource.Cpu ? Cores[vms[i] * Windows + w] : HalfGibs[vms[i] * Windows + w] * 512,
            (i, w) => Cores[vms[i] * Windows + w]);
    }

    /// <summary>Targets are random first-fit within usable capacity, so they are feasible by construction;
    /// VMs that fit nowhere are left out of the scenario. The current placement is random first-fit within
    /// physical capacity (what a cluster may run today), with about one VM in eight not started yet.</summary>
    private static Scenario Build(Shape shape, int[] targetPreference, int[] currentPreference, int[] startsUnplaced, int limit)
    {
        var all = Enumerable.Range(0, shape.Cores.Length / shape.Windows).ToList();
        var draft = shape.Problem(all, _ => -1);
        var hosts = draft.HostCount;
        var target = FirstFit(draft, (v, h) => targetPreference[v * hosts + h], draft.Usable, _ => true);
        var kept = all.Where(v => target[v] >= 0).ToList();
        var keptDraft = shape.Problem(kept, _ => -1);
        var current = FirstFit(keptDraft, (i, h) => currentPreference[kept[i] * hosts + h], keptDraft.Capacity,
            i => startsUnplaced[kept[i]] != 0);
        var problem = shape.Problem(kept, i => current[i]);
        return new Scenario(problem, new Placement([.. kept.Select(v => target[v])]), limit);
    }

    private static int[] FirstFit(PlacementProblem p, Func<int, int, int> preference, Func<int, Resource, int> limit, Func<int, bool> places)
    {
        var load = new long[p.HostCount, Resources.Count, p.WindowCount];
        var hostOf = new int[p.VmCount];
        for (var v = 0; v < p.VmCount; v++)
        {
            hostOf[v] = -1;
            if (!places(v)) continue;
            var order = Enumerable.Range(0, p.HostCount).OrderBy(h => preference(v, h)).ThenBy(h => h);
            foreach (var h in order)
            {
                if (!Resources.All.All(r => Enumerable.Range(0, p.WindowCount).All(w => load[h, (int)r, w] + p.Demand(v, r, w) <= limit(h, r))))
                    continue;
                foreach (var r in Resources.All)
                    for (var w = 0; w < p.WindowCount; w++) load[h, (int)r, w] += p.Demand(v, r, w);
                hostOf[v] = h;
                break;
            }
        }
        return hostOf;
    }
}
