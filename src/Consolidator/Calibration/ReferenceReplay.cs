using System.Collections.Immutable;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Simulation;
using Consolidator.Staging;

namespace Consolidator.Calibration;

/// <summary>Replays a reference point through the simulator exactly as a plan is replayed: its VMs leave one
/// host whose NIC carries the point's link rate, each to a destination of its own, all in one stage, with the
/// point's method forced.</summary>
public static class ReferenceReplay
{
    public static ImmutableArray<VmMigrationResult> Predict(ReferencePoint point)
    {
        var n = point.Vms.Length;
        var hosts = Enumerable.Range(0, n + 1)
            .Select(h => new Host(h == 0 ? "source" : $"destination-{h}", 1024, 1 << 24, 100, 200)).ToImmutableArray();
        var vms = point.Vms.Select((vm, v) => new Vm($"vm-{v + 1}", 1, vm.MemoryMib, "source")).ToImmutableArray();
        var problem = new PlacementProblem(hosts, vms, WindowScheme.Slices(1), new PlacementOptions(0, 0, false),
            (v, r, _) => r == Resource.Cpu ? 1 : vms[v].MemoryMib, (_, _) => 1);
        var plan = new MigrationPlan([new Stage(1, [.. Enumerable.Range(0, n).Select(v => new Migration(v, 0, v + 1, MigrationKind.Move))])], []);
        var options = point.Options with
        {
            Method = point.Method switch
            {
                MigrationMethod.PostCopy => MethodSelection.PostCopy,
                MigrationMethod.Hybrid => MethodSelection.Hybrid,
                _ => MethodSelection.PreCopy,
            },
            MaxConcurrentPerHost = 0,
        };
        options.Validate();
        var nic = Enumerable.Repeat(point.LinkMibPerSecond, n + 1).ToArray();
        var planned = ReplayPlan.Build(problem, plan, point.Vms, nic, options);
        return new Replay(problem, plan, planned, point.Vms, nic, options).Run().Migrations;
    }
}
