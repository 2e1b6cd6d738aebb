using Consolidator.Staging;
using Consolidator.Validation;
using static Consolidator.Tests.Staging.ClusterBuilder;
using static Consolidator.Tests.Staging.PlanChecks;

namespace Consolidator.Tests.Staging;

public class MigrationPlannerTests
{
    [Fact]
    public void A_chain_takes_two_stages_because_the_source_is_held_until_its_stage_ends()
    {
        var p = new ClusterBuilder().Host("h-1", 4).Host("h-2", 4).Host("h-3", 4)
            .Vm("vm-a", "h-1", 4).Vm("vm-b", "h-3", 4).Build();
        var plan = PlanAndValidate(p, On(p, "h-2", "h-1"));

        Assert.Equal("Move vm-a h-1->h-2 | Move vm-b h-3->h-1", Describe(p, plan));
        Assert.Equal([1, 2], plan.Stages.Select(s => s.Number));
    }

    [Fact]
    public void First_placements_go_in_the_first_stage_with_room()
    {
        var p = new ClusterBuilder().Host("h-1", 4).Host("h-2", 8)
            .Vm("vm-a", "h-1", 4).Vm("vm-n", null, 2).Vm("vm-m", null, 2).Build();
        var plan = PlanAndValidate(p, On(p, "h-2", "h-2", "h-1"));

        Assert.Equal("Move vm-a h-1->h-2, Place vm-n -->h-2 | Place vm-m -->h-1", Describe(p, plan));
        Assert.Contains(plan.Stages[0].Migrations, m => m is { Vm: 1, From: -1, To: 1, Kind: MigrationKind.Place });
        Assert.Equal(1, plan.MigrationCount);
    }

    [Fact]
    public void Vms_already_on_their_target_do_nothing()
    {
        var p = new ClusterBuilder().Host("h-1", 4).Vm("vm-a", "h-1", 2).Vm("vm-b", "h-1", 2).Build();
        var plan = PlanAndValidate(p, p.CurrentPlacement());

        Assert.Empty(plan.Stages);
        Assert.True(plan.ReachesTarget);
    }

    [Fact]
    public void The_per_host_limit_spreads_moves_over_stages()
    {
        var p = new ClusterBuilder().Host("h-1", 8).Host("h-2", 8)
            .Vm("vm-a", "h-1", 1).Vm("vm-b", "h-1", 1).Vm("vm-c", "h-1", 1).Build();
        var target = On(p, "h-2", "h-2", "h-2");

        Assert.Single(PlanAndValidate(p, target).Stages);
        Assert.Equal(3, PlanAndValidate(p, target, limit: 1).Stages.Length);
        Assert.Equal(2, PlanAndValidate(p, target, limit: 2).Stages.Length);
    }

    [Fact]
    public void An_overloaded_host_may_drain_but_receives_nothing_until_it_fits()
    {
        var p = new ClusterBuilder().Host("h-1", 4).Host("h-2", 4).Host("h-3", 4).Host("h-4", 4)
            .Vm("vm-a", "h-1", 3).Vm("vm-b", "h-1", 3).Vm("vm-c", "h-4", 1).Build();
        var plan = PlanAndValidate(p, On(p, "h-2", "h-3", "h-1"));

        Assert.Equal("Move vm-a h-1->h-2, Move vm-b h-1->h-3 | Move vm-c h-4->h-1", Describe(p, plan));
    }

    [Fact]
    public void A_vm_waits_for_the_window_where_its_destination_is_short()
    {
        // vm-x leaves h-2; vm-y fits beside it in the first window but not in the second.
        var p = new ClusterBuilder().Host("h-1", 4).Host("h-2", 4).Host("h-3", 4)
            .Vm("vm-x", "h-2", [1, 4], [1024]).Vm("vm-y", "h-1", [3, 3], [1024]).Build(windows: 2);
        var plan = PlanAndValidate(p, On(p, "h-3", "h-2"));

        Assert.Equal("Move vm-x h-2->h-3 | Move vm-y h-1->h-2", Describe(p, plan));
    }

    [Fact]
    public void Headroom_may_be_used_while_a_vm_moves()
    {
        // Usable 8 cores of 10: 4 + 2 + 4 = 10 during the move is within capacity, 4 + 4 = 8 after it.
        var p = new ClusterBuilder().Host("h-1", 10).Host("h-2", 10).Host("h-3", 10)
            .Vm("vm-s", "h-2", 4).Vm("vm-l", "h-2", 2).Vm("vm-y", "h-1", 4).Build(headroom: 0.2);
        var target = On(p, "h-2", "h-3", "h-2");
        Assert.Empty(PlanValidator.CheckPlacement(p, target));

        Assert.Single(PlanAndValidate(p, target).Stages);
    }

    [Fact]
    public void Malformed_targets_are_refused()
    {
        var p = new ClusterBuilder().Host("h-1", 4).Vm("vm-a", "h-1", 1).Build();

        Assert.Throws<ArgumentException>(() => MigrationPlanner.Plan(p, new([0, 0])));
        Assert.Throws<ArgumentException>(() => MigrationPlanner.Plan(p, new([3])));
        Assert.Throws<ArgumentException>(() => MigrationPlanner.Plan(p, new([-1])));
        Assert.Throws<ArgumentOutOfRangeException>(() => MigrationPlanner.Plan(p, new([0]), -1));
    }
}
