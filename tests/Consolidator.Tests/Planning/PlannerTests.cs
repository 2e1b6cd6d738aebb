using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Staging;
using Consolidator.Tests.Support;
using Consolidator.Validation;

namespace Consolidator.Tests.Planning;

public class PlannerTests
{
    private static readonly PlanRequest Exact = new(new PlacementOptions(0, 0), new SolverOptions(10, 1, 1, Deterministic: true));

    /// <summary>A busy VM sits on the host with the steep power curve and an idle one on the flat host; both
    /// fill their host's memory, so swapping them saves energy but neither can arrive before the other leaves.</summary>
    private static Traces.Dataset Swap(bool withSpareHost)
    {
        var hosts = new List<Host>
        {
            new("steep", 16, 65536, 100, 500),
            new("flat", 16, 65536, 100, 150),
        };
        // Never worth keeping on (24 kWh/day idle), but it has room to park a VM during the swap.
        if (withSpareHost) hosts.Add(new Host("spare", 16, 65536, 1000, 1000));
        return TestInstances.Make(hosts,
            [new Vm("busy", 16, 61440, "steep"), new Vm("idle", 2, 61440, "flat")],
            (v, _) => (v == 0 ? 14 : 1, 30000));
    }

    private static PlanOutcome Plan(Traces.Dataset d, PlanRequest? request = null) =>
        Planner.Plan(d, ProfileBuilder.Build(d, WindowScheme.Hourly(), 100), request ?? Exact);

    [Fact]
    public void Swap_of_two_full_hosts_is_staged_through_a_free_host()
    {
        var plan = Plan(Swap(withSpareHost: true));

        Assert.Equal([1, 0], plan.Target.HostOf.Take(2));
        Assert.True(plan.Migrations.ReachesTarget);
        Assert.Contains(plan.Migrations.Stages.SelectMany(s => s.Migrations), m => m.Kind == MigrationKind.Relay && m.To == 2);
        Assert.Equal(3, plan.Migrations.Stages.Length);
        Assert.Empty(PlanValidator.CheckMigrationPlan(plan.Problem, plan.Target, plan.Migrations));
        Assert.Equal(2, plan.Summary.Migrations);
        Assert.Equal(1, plan.Summary.RelayMigrations);
    }

    [Fact]
    public void Swap_without_a_free_host_is_explained_and_the_vms_stay()
    {
        var plan = Plan(Swap(withSpareHost: false));

        Assert.Equal(plan.Problem.CurrentPlacement(), plan.Target);
        Assert.Empty(plan.Migrations.Stages);
        Assert.Contains(plan.Summary.Notes, n => n.Contains("could not be staged safely"));
    }

    [Fact]
    public void Infeasible_when_a_vm_fits_no_host_names_the_vm_resource_window_and_sizes()
    {
        var d = TestInstances.Make([TestInstances.Host("h1", cores: 16)], [new Vm("giant", 32, 1024, null)],
            (_, h) => (h == 14 ? 20 : 2, 512));

        var e = Assert.Throws<InfeasiblePlacementException>(() => Plan(d));

        var reason = Assert.Single(e.Reasons, r => r.StartsWith("VM giant fits no host"));
        Assert.Contains("cpu", reason);
        Assert.Contains("14:00-15:00", reason);
        Assert.Contains("20 cores", reason);
        Assert.Contains("16 cores", reason);
    }

    [Fact]
    public void Infeasible_when_total_demand_in_a_window_exceeds_the_inventory()
    {
        var d = TestInstances.Make([TestInstances.Host("h1", cores: 16), TestInstances.Host("h2", cores: 16)],
            Enumerable.Range(0, 3).Select(i => new Vm($"vm{i}", 12, 1024, null)),
            (_, h) => (h == 20 ? 12 : 1, 512));

        var e = Assert.Throws<InfeasiblePlacementException>(() => Plan(d));

        Assert.Contains(e.Reasons, r => r.Contains("window 20:00-21:00") && r.Contains("36 cores") && r.Contains("32 cores"));
    }

    [Fact]
    public void Bin_packing_conflict_that_volume_misses_is_proved_by_cp_sat()
    {
        // Three 9-core VMs, two 16-core hosts: volume 27 <= 32, yet no host takes two of them.
        var d = TestInstances.Make([TestInstances.Host("h1"), TestInstances.Host("h2")],
            Enumerable.Range(0, 3).Select(i => new Vm($"vm{i}", 9, 1024, null)), (_, _) => (9, 512));

        var e = Assert.Throws<InfeasiblePlacementException>(() => Plan(d));

        Assert.Contains("CP-SAT proved", Assert.Single(e.Reasons));
    }
}
