using Consolidator.Staging;
using static Consolidator.Tests.Staging.ClusterBuilder;
using static Consolidator.Tests.Staging.PlanChecks;

namespace Consolidator.Tests.Staging;

/// <summary>Moves that wait on each other: how the planner parks VMs to break the wait, and what it says when
/// it cannot.</summary>
public class RelayAndBlockedTests
{
    [Fact]
    public void Full_hosts_swap_through_a_spare_host()
    {
        var p = new ClusterBuilder().Host("h-1", 4).Host("h-2", 4).Host("h-3", 4)
            .Vm("vm-a", "h-1", 4, 4096).Vm("vm-b", "h-2", 4, 4096).Build();
        var plan = PlanAndValidate(p, On(p, "h-2", "h-1"));

        Assert.True(plan.ReachesTarget);
        Assert.Equal("Relay vm-b h-2->h-3 | Move vm-a h-1->h-2 | Move vm-b h-3->h-1", Describe(p, plan));
        Assert.Equal(3, plan.MigrationCount);
    }

    [Fact]
    public void Full_hosts_swap_without_a_spare_host_is_blocked_and_names_the_cycle()
    {
        var p = new ClusterBuilder().Host("h-1", 4).Host("h-2", 4)
            .Vm("vm-a", "h-1", 4, 4096).Vm("vm-b", "h-2", 4, 4096).Build();
        var plan = PlanAndValidate(p, On(p, "h-2", "h-1"));

        Assert.False(plan.ReachesTarget);
        Assert.Empty(plan.Stages);
        Assert.Equal(2, plan.Blocked.Length);
        var a = plan.Blocked.Single(b => b.Vm == 0);
        Assert.Equal((0, 1), (a.From, a.To));
        Assert.Equal("vm-a needs 4000 millicores cpu in window 00:00-24:00 on h-2, which has 0 free until vm-b leaves; "
                     + "vm-b waits for room on h-1 (cycle h-1 -> h-2 -> h-1); no host has room to park vm-b", a.Reason);
        Assert.Contains("cycle h-2 -> h-1 -> h-2", plan.Blocked.Single(b => b.Vm == 1).Reason);
    }

    [Fact]
    public void A_three_host_cycle_needs_a_single_relay()
    {
        var p = new ClusterBuilder().Host("h-1", 4).Host("h-2", 4).Host("h-3", 4).Host("h-4", 4)
            .Vm("vm-a", "h-1", 4).Vm("vm-b", "h-2", 4).Vm("vm-c", "h-3", 4).Build();
        var plan = PlanAndValidate(p, On(p, "h-2", "h-3", "h-1"));

        Assert.True(plan.ReachesTarget);
        Assert.Equal(4, plan.MigrationCount);
        Assert.Single(plan.Stages.SelectMany(s => s.Migrations), m => m.Kind == MigrationKind.Relay);
    }

    [Fact]
    public void The_relay_prefers_a_host_that_is_empty_and_unused_by_the_target()
    {
        // h-3 has room but keeps vm-c; h-4 is empty and stays empty, so parking there delays nobody.
        var p = new ClusterBuilder().Host("h-1", 4).Host("h-2", 4).Host("h-3", 8).Host("h-4", 4)
            .Vm("vm-a", "h-1", 4).Vm("vm-b", "h-2", 4).Vm("vm-c", "h-3", 1).Build();
        var plan = PlanAndValidate(p, On(p, "h-2", "h-1", "h-3"));

        Assert.Equal(3, plan.Stages[0].Migrations[0].To);
    }

    [Fact]
    public void The_cycle_is_broken_rather_than_the_chain_that_hangs_off_it()
    {
        // vm-u waits for vm-x to leave h-2, vm-x for vm-y to leave h-3, and vm-y and vm-z swap h-3 and h-4.
        // h-5 can park one VM at a time. The three first placements waiting for h-1 put vm-u first in the
        // priority order; parking vm-x for it would fill h-5 and leave the swap stuck for good.
        var p = new ClusterBuilder().Host("h-1", 5).Host("h-2", 6).Host("h-3", 8).Host("h-4", 8).Host("h-5", 6)
            .Vm("vm-u", "h-1", 5).Vm("vm-x", "h-2", 5).Vm("vm-y", "h-3", 6).Vm("vm-z", "h-4", 3)
            .Vm("vm-w1", null, 1).Vm("vm-w2", null, 1).Vm("vm-w3", null, 1).Build();
        var plan = PlanAndValidate(p, On(p, "h-2", "h-3", "h-4", "h-3", "h-1", "h-1", "h-1"));

        Assert.True(plan.ReachesTarget, string.Join("; ", plan.Blocked.Select(b => b.Reason)));
        Assert.Equal("Relay vm-z h-4->h-5 | Move vm-y h-3->h-4 | Move vm-x h-2->h-3, Move vm-z h-5->h-3 | "
                     + "Move vm-u h-1->h-2 | Place vm-w1 -->h-1, Place vm-w2 -->h-1, Place vm-w3 -->h-1", Describe(p, plan));
    }

    [Fact]
    public void Two_hosts_swap_without_a_spare_by_moving_a_small_vm_that_stays_out_of_the_way()
    {
        // Neither vm-a nor vm-b fits beside the other and there is no third host to park either; vm-s,
        // which stays on h-1, fits on h-2 and its leaving is exactly what vm-b needs.
        var p = new ClusterBuilder().Host("h-1", 8).Host("h-2", 7)
            .Vm("vm-a", "h-1", 4).Vm("vm-b", "h-2", 4).Vm("vm-s", "h-1", 1).Build();
        var plan = PlanAndValidate(p, On(p, "h-2", "h-1", "h-1"));

        Assert.Equal("Relay vm-s h-1->h-2 | Move vm-b h-2->h-1 | Move vm-a h-1->h-2 | Move vm-s h-2->h-1", Describe(p, plan));
    }

    [Fact]
    public void Room_to_park_is_made_by_moving_a_vm_off_the_only_possible_relay_host()
    {
        // vm-a and vm-b block each other; h-2 could hold vm-b once vm-s has gone to h-3.
        var p = new ClusterBuilder().Host("h-1", 6).Host("h-2", 6).Host("h-3", 8)
            .Vm("vm-a", "h-1", 5).Vm("vm-b", "h-3", 4).Vm("vm-s", "h-2", 3).Build();
        var plan = PlanAndValidate(p, On(p, "h-3", "h-1", "h-2"));

        Assert.Equal("Relay vm-s h-2->h-3 | Relay vm-b h-3->h-2 | Move vm-a h-1->h-3 | Move vm-b h-2->h-1 | Move vm-s h-3->h-2",
            Describe(p, plan));
    }

    [Fact]
    public void A_vm_larger_than_its_destination_is_blocked_with_the_reason()
    {
        var p = new ClusterBuilder().Host("h-1", 8).Host("h-2", 4).Vm("vm-a", "h-1", 6).Build();
        var plan = PlanAndValidate(p, On(p, "h-2"));

        Assert.Equal("vm-a needs 6000 millicores cpu in window 00:00-24:00, more than h-2 has at all (4000 millicores cpu)",
            Assert.Single(plan.Blocked).Reason);
    }

    [Fact]
    public void A_target_that_overfills_a_host_is_blocked_with_the_reason()
    {
        var p = new ClusterBuilder().Host("h-1", 4).Host("h-2", 4).Host("h-3", 4)
            .Vm("vm-s", "h-2", 3).Vm("vm-a", "h-1", 3).Build();
        var reason = Assert.Single(PlanAndValidate(p, On(p, "h-2", "h-2")).Blocked).Reason;

        Assert.Contains("no VM on it is due to leave", reason);
        Assert.Contains("the target puts 6000 millicores cpu on it", reason);
    }
}
