using System.Collections.Immutable;
using Consolidator.Packing;
using Consolidator.Staging;
using Consolidator.Tests.Staging;
using Consolidator.Validation;
using static Consolidator.Tests.Staging.ClusterBuilder;

namespace Consolidator.Tests.Validation;

public class CheckMigrationPlanTests
{
    // vm-a (h-1) must reach h-2 before vm-b (h-3) can take its place on h-1; vm-n is not placed yet.
    private static readonly PlacementProblem Chain = new ClusterBuilder()
        .Host("h-1", 4).Host("h-2", 4).Host("h-3", 4).Host("h-4", 4).Host("h-5", 8)
        .Vm("vm-a", "h-1", [4, 4], [1024]).Vm("vm-b", "h-3", [1, 4], [1024]).Vm("vm-n", null, 1)
        .Build(windows: 2);

    private static readonly Placement Target = On(Chain, "h-2", "h-1", "h-4");

    private static MigrationPlan Plan(params Migration[][] stages) => new(
        [.. stages.Select((migrations, i) => new Stage(i + 1, [.. migrations]))], []);

    private static Migration Move(int vm, int from, int to) => new(vm, from, to, MigrationKind.Move);

    private static readonly Migration PlaceN = new(2, -1, 3, MigrationKind.Place);

    private static Violation Only(MigrationPlan plan) =>
        Assert.Single(PlanValidator.CheckMigrationPlan(Chain, Target, plan));

    [Fact]
    public void A_sound_plan_passes()
    {
        Assert.Empty(PlanValidator.CheckMigrationPlan(Chain, Target, Plan([Move(0, 0, 1), PlaceN], [Move(1, 2, 0)])));
    }

    [Fact]
    public void Arriving_on_a_host_its_leaver_still_holds_is_a_stage_capacity_violation()
    {
        var v = Only(Plan([Move(0, 0, 1), Move(1, 2, 0), PlaceN]));
        Assert.Equal("stage.capacity", v.Rule);
        Assert.StartsWith("stage 1: h-1 cpu", v.Message);
        Assert.Contains($"window {Chain.Windows.Windows[1].Label}", v.Message);
        Assert.Contains("8000 millicores", v.Message);
        Assert.Contains("arriving: vm-b; already there: vm-a", v.Message);
    }

    [Fact]
    public void A_wrong_source_is_reported()
    {
        var v = Only(Plan([Move(0, 3, 1), PlaceN], [Move(1, 2, 0)]));
        Assert.Equal("stage.source", v.Rule);
        Assert.Contains("vm-a from h-4 but vm-a is on h-1", v.Message);
    }

    [Fact]
    public void Placing_a_vm_that_runs_is_reported()
    {
        var v = Only(Plan([Move(0, 0, 1), PlaceN], [new Migration(1, -1, 0, MigrationKind.Place)]));
        Assert.Equal("stage.source", v.Rule);
        Assert.Contains("stage 2 places vm-b", v.Message);
        Assert.Contains("h-3", v.Message);
    }

    [Fact]
    public void Migrating_a_vm_that_runs_nowhere_is_reported()
    {
        var v = Only(Plan([Move(0, 0, 1), Move(2, 0, 3)], [Move(1, 2, 0)]));
        Assert.Equal("stage.source", v.Rule);
        Assert.Contains("vm-n runs nowhere yet", v.Message);
    }

    [Fact]
    public void Stages_out_of_number_are_reported()
    {
        var plan = new MigrationPlan([new Stage(1, [Move(0, 0, 1), PlaceN]), new Stage(3, [Move(1, 2, 0)])], []);
        var v = Assert.Single(PlanValidator.CheckMigrationPlan(Chain, Target, plan));
        Assert.Equal("stage.numbering", v.Rule);
        Assert.Contains("stage 2 is numbered 3", v.Message);
    }

    [Fact]
    public void A_vm_moving_twice_in_a_stage_is_reported()
    {
        var v = Only(Plan([Move(0, 0, 1), PlaceN, Move(0, 0, 1)], [Move(1, 2, 0)]));
        Assert.Equal("stage.repeat", v.Rule);
        Assert.Contains("vm-a", v.Message);
    }

    [Fact]
    public void A_plan_that_stops_short_of_the_target_is_reported()
    {
        var v = Only(Plan([Move(0, 0, 1), PlaceN]));
        Assert.Equal("plan.target", v.Rule);
        Assert.Contains("vm-b is on h-3, not on its target h-1", v.Message);
    }

    [Fact]
    public void A_move_to_a_host_other_than_the_target_must_be_a_relay()
    {
        var violations = PlanValidator.CheckMigrationPlan(Chain, Target, Plan([Move(0, 0, 4), PlaceN], [Move(0, 4, 1)], [Move(1, 2, 0)]));
        var v = Assert.Single(violations);
        Assert.Equal("stage.kind", v.Rule);
        Assert.Contains("vm-a to h-5 as a Move but its target is h-2", v.Message);
    }

    [Fact]
    public void A_relay_onto_the_target_is_reported()
    {
        var v = Only(Plan([new Migration(0, 0, 1, MigrationKind.Relay), PlaceN], [Move(1, 2, 0)]));
        Assert.Equal("relay.target", v.Rule);
        Assert.Contains("parks vm-a on h-2", v.Message);
    }

    [Fact]
    public void A_relay_that_never_moves_on_is_reported()
    {
        var v = Only(Plan([new Migration(0, 0, 4, MigrationKind.Relay), PlaceN], [Move(1, 2, 0)]));
        Assert.Equal("relay.stranded", v.Rule);
        Assert.Contains("vm-a is parked on h-5", v.Message);
    }

    [Fact]
    public void Unknown_vms_and_hosts_are_reported()
    {
        var plan = Plan([Move(0, 0, 1), PlaceN, Move(9, 0, 1), Move(1, 2, 6)], [Move(1, 2, 0)]);
        var rules = PlanValidator.CheckMigrationPlan(Chain, Target, plan).Select(v => v.Rule);
        Assert.Equal(["stage.unknown-vm", "stage.unknown-host"], rules);
    }

    [Fact]
    public void The_per_host_limit_is_checked_when_given()
    {
        var p = new ClusterBuilder().Host("h-1", 4).Host("h-2", 4).Vm("vm-a", "h-1", 1).Vm("vm-b", "h-1", 1).Build();
        var plan = Plan([Move(0, 0, 1), Move(1, 0, 1)]);
        var target = On(p, "h-2", "h-2");
        Assert.Empty(PlanValidator.CheckMigrationPlan(p, target, plan));

        var violations = PlanValidator.CheckMigrationPlan(p, target, plan, maxMigrationsPerHostPerStage: 1);
        Assert.Equal(["stage.host-limit", "stage.host-limit"], violations.Select(v => v.Rule));
        Assert.Contains("stage 1 runs 2 migrations in or out of h-1, over the limit of 1", violations[0].Message);
    }

    [Fact]
    public void A_blocked_move_must_say_where_the_vm_stays()
    {
        var honest = new MigrationPlan([new Stage(1, [Move(0, 0, 1), PlaceN])], [new BlockedMove(1, 2, 0, "held")]);
        Assert.Empty(PlanValidator.CheckMigrationPlan(Chain, Target, honest));

        var wrong = honest with { Blocked = [new BlockedMove(1, 3, 0, "held")] };
        var v = Assert.Single(PlanValidator.CheckMigrationPlan(Chain, Target, wrong));
        Assert.Equal("plan.blocked", v.Rule);
        Assert.Contains("vm-b blocked from h-4 to h-1, but after the last stage vm-b is on h-3", v.Message);
    }

    [Fact]
    public void A_source_that_only_loses_vms_may_stay_overloaded()
    {
        var p = new ClusterBuilder().Host("h-1", 4).Host("h-2", 4).Vm("vm-a", "h-1", 3).Vm("vm-b", "h-1", 3).Build();
        var plan = new MigrationPlan([new Stage(1, [Move(0, 0, 1)])], ImmutableArray<BlockedMove>.Empty);
        Assert.Empty(PlanValidator.CheckMigrationPlan(p, On(p, "h-2", "h-1"), plan));
    }
}
