using Consolidator.Heuristics;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Tests.Support;
using Consolidator.Timing;
using Consolidator.Validation;

namespace Consolidator.Tests.Planning;

public class RepairTests
{
    private static readonly PlanRequest Request = new(new PlacementOptions(0.1, 10), new SolverOptions(5, 1, 1, Deterministic: true));

    /// <summary>A drifted day: eight 16-core hosts (14.4 usable at 10 % headroom). Six run four VMs, one of which grew to
    /// 5 cores beside three of 3.4 (15.2: over); two run one 3.4-core VM. Each overloaded host must shed one 3.4-core
    /// VM, and the two light hosts take three each: 8 hosts, 6 moves, which is also the fewest hosts (a host holds at
    /// most two grown VMs and a small one, or four small ones). The fallback before the repair (first fit around the hosts
    /// that hold every VM, kept whole) moved 12 at the same 8 hosts.</summary>
    private static Traces.Dataset Drifted() => TestInstances.Make(
        Enumerable.Range(0, 8).Select(h => TestInstances.Host($"h{h}")),
        Enumerable.Range(0, 26).Select(v => new Vm($"vm{v}", 4, 8192, v < 24 ? $"h{v / 4}" : $"h{v - 18}")),
        (v, _) => (v < 24 && v % 4 == 0 ? 5.0 : 3.4, 2048));

    private static int Moved(PlanOutcome plan) =>
        Enumerable.Range(0, plan.Problem.VmCount).Count(v => plan.Target[v] != plan.Problem.CurrentHost(v));

    [Fact]
    public void A_fallback_on_a_drifted_day_moves_only_what_no_longer_fits()
    {
        var data = Drifted();
        var request = Request with { Solver = Request.Solver with { Phases = SolverOptions.HeuristicOnly } };

        var plan = Planner.Plan(data, ProfileBuilder.Build(data, WindowScheme.Hourly(), 95), request, deadline: Deadline.None);

        Assert.Equal(SolveStatus.HeuristicFallback, plan.Solve.Status);
        Assert.Contains(plan.Summary.Notes, n => n.StartsWith("CP-SAT did not run (heuristic only)", StringComparison.Ordinal));
        Assert.Empty(PlanValidator.CheckPlacement(plan.Problem, plan.Target));
        Assert.Empty(PlanValidator.CheckMigrationPlan(plan.Problem, plan.Target, plan.Migrations));
        // The first fit the old fallback stood on re-packs most of the fleet: the case tests what it says.
        var firstFit = FirstFit.Pack(plan.Problem, Sizing.Temporal, Fit.First)!;
        Assert.True(Energy.Migrations(plan.Problem, firstFit) > 15, $"first fit moves {Energy.Migrations(plan.Problem, firstFit)}");
        Assert.Equal(6, Moved(plan));
        Assert.Equal(8, plan.Target.ActiveHostCount);
        // The VM each overloaded host sheds is one of its small ones; the grown ones stay.
        for (var v = 0; v < 24; v += 4) Assert.Equal(plan.Problem.CurrentHost(v), plan.Target[v]);
    }

    [Fact]
    public void The_wall_clock_fallback_repairs_as_the_counted_one_does()
    {
        var data = Drifted();
        var clock = new ManualClock();
        var spent = Deadline.After(60, clock: clock);
        clock.Advance(61);

        var plan = Planner.Plan(data, ProfileBuilder.Build(data, WindowScheme.Hourly(), 95), Request with { Solver = new SolverOptions(5, 1, 1) }, deadline: spent);

        Assert.Equal(SolveStatus.HeuristicFallback, plan.Solve.Status);
        Assert.Empty(PlanValidator.CheckPlacement(plan.Problem, plan.Target));
        Assert.Equal(6, Moved(plan));
        Assert.Equal(8, plan.Target.ActiveHostCount);
    }

    /// <summary>Without drift nothing moves: the repair empties no host (the other warm starts do that when they are
    /// cheaper), and the fallback takes the first fit only where the planner's objective prices its hosts saved above its
    /// moves.</summary>
    [Theory]
    [InlineData(10, 3)]
    [InlineData(100_000, 4)]
    public void Without_drift_nothing_moves_unless_the_fallback_prices_a_host_above_the_moves(double weight, int hosts)
    {
        // Four hosts: three run three 3-core VMs (9 of 14.4 usable), the fourth one: its VM fits beside any other three.
        var d = TestInstances.Make(Enumerable.Range(0, 4).Select(h => TestInstances.Host($"h{h}")),
            Enumerable.Range(0, 10).Select(v => new Vm($"vm{v}", 4, 8192, $"h{Math.Min(3, v / 3)}")), (_, _) => (3, 2048));
        var p = PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Hourly(), 95), new PlacementOptions(0.1, weight));

        var repaired = Repair.Of(p)!;
        Assert.Equal(p.CurrentPlacement().HostOf.ToArray(), repaired.HostOf.ToArray());

        var request = new PlanRequest(new PlacementOptions(0.1, weight), new SolverOptions(5, 1, 1, Deterministic: true) { Phases = SolverOptions.HeuristicOnly });
        var plan = Planner.Plan(d, ProfileBuilder.Build(d, WindowScheme.Hourly(), 95), request, deadline: Deadline.None);
        Assert.Empty(PlanValidator.CheckPlacement(plan.Problem, plan.Target));
        // At 10 Wh/GiB a host's idle day (2.4 kWh) outweighs the first fit's moves; at 100,000 Wh/GiB nothing moves.
        Assert.Equal(hosts, plan.Target.ActiveHostCount);
        if (hosts == 4) Assert.Equal(0, Moved(plan));
    }

    [Fact]
    public void A_VM_kept_in_place_that_no_longer_fits_leaves_no_repair()
    {
        // Three 6-core VMs on one 16-core host (14.4 usable): all three cannot stay.
        var d = TestInstances.Make([TestInstances.Host("h1"), TestInstances.Host("h2")],
            [new Vm("a", 6, 4096, "h1"), new Vm("b", 6, 4096, "h1"), new Vm("c", 6, 4096, "h1")], (_, _) => (6, 2048));
        var p = PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Hourly(), 100), new PlacementOptions(0.1, 10));

        Assert.Null(Repair.Of(p, new HashSet<int> { 0, 1, 2 }));
        var repaired = Repair.Of(p)!;
        Assert.Equal(1, Energy.Migrations(p, repaired));
        Assert.Equal(2, repaired.ActiveHostCount);
        Assert.Empty(PlanValidator.CheckPlacement(p, repaired));
    }
}
