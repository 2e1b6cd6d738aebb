using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Staging;
using Consolidator.Validation;

namespace Consolidator.Tests.Staging;

public class LargePlanTests
{
    [Fact]
    public void A_rotation_through_full_hosts_is_staged_through_a_few_spare_hosts()
    {
        // 300 hosts exactly full with 10 VMs each; every VM moves to the next host, one long wait cycle.
        // Only 5 empty hosts can take relays, so the plan must park VMs and let the room travel round.
        const int full = 300, spare = 5, perHost = 10;
        var hosts = Enumerable.Range(0, full + spare).Select(h => new Host($"h-{h}", 32, 65536, 100, 300)).ToArray();
        var vms = Enumerable.Range(0, full * perHost).Select(v => new Vm($"vm-{v}", 4, 4096, $"h-{v % full}")).ToArray();
        var p = new PlacementProblem([.. hosts], [.. vms], WindowScheme.Hourly(), new PlacementOptions(Headroom: 0, MemoryAllocationFloor: false),
            (v, r, w) => r == Resource.Cpu ? 3.2 - (v / full % 2) * 0.1 * (w % 2) : 4096, (_, _) => 1);
        var target = new Placement([.. Enumerable.Range(0, vms.Length).Select(v => (v + 1) % full)]);

        var plan = MigrationPlanner.Plan(p, target);

        Assert.True(plan.ReachesTarget, string.Join("\n", plan.Blocked.Take(3).Select(b => b.Reason)));
        Assert.Empty(PlanValidator.CheckMigrationPlan(p, target, plan));
        Assert.Contains(plan.Stages.SelectMany(s => s.Migrations), m => m.Kind == MigrationKind.Relay);
    }

    [Fact]
    public void A_rotation_through_full_hosts_with_no_spare_is_blocked_with_a_short_reason_per_move()
    {
        const int full = 300, perHost = 10;
        var hosts = Enumerable.Range(0, full).Select(h => new Host($"h-{h}", 32, 65536, 100, 300)).ToArray();
        var vms = Enumerable.Range(0, full * perHost).Select(v => new Vm($"vm-{v}", 4, 4096, $"h-{v % full}")).ToArray();
        var p = new PlacementProblem([.. hosts], [.. vms], WindowScheme.Hourly(), new PlacementOptions(Headroom: 0, MemoryAllocationFloor: false),
            (_, r, _) => r == Resource.Cpu ? 3.2 : 4096, (_, _) => 1);
        var target = new Placement([.. Enumerable.Range(0, vms.Length).Select(v => (v + 1) % full)]);

        var plan = MigrationPlanner.Plan(p, target);

        Assert.Equal(vms.Length, plan.Blocked.Length);
        Assert.Empty(PlanValidator.CheckMigrationPlan(p, target, plan));
        var reason = plan.Blocked[0].Reason;
        Assert.Contains("cycle h-0 -> h-1 -> h-2 -> h-3 -> ... (295 more) -> h-299 -> h-0", reason);
        Assert.True(reason.Length < 400, reason);
    }
}
