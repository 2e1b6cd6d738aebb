using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Solving;

public class CpSatPlacementSolverTests
{
    private static PlacementProblem Problem(Traces.Dataset d, double headroom = 0, double weight = 0, double percentile = 100) =>
        PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Hourly(), percentile), new PlacementOptions(headroom, weight));

    [Fact]
    public void Above_the_exact_fill_limit_the_overload_search_takes_the_time_and_no_neighbourhood_search_follows()
    {
        var planted = Consolidator.Generation.PlantedInstance.Generate(600, 1, decimals: true);
        var p = Problem(planted.Dataset);
        Assert.True(p.VmCount > ExactFillSearch.MaxVms);
        var warm = Heuristics.FirstFit.Pack(p, Heuristics.Sizing.Temporal, Heuristics.Fit.First)!;

        var result = CpSatPlacementSolver.Solve(p, new SolverOptions(1, 1, 1, Deterministic: true), warm);

        Assert.Contains(result.Notes, n => n.StartsWith("overload search:", StringComparison.Ordinal));
        Assert.Contains("large-neighbourhood search: not run after the overload search, which took its time", result.Notes);
        Assert.DoesNotContain(result.Notes, n => n.Contains("large-neighbourhood search", StringComparison.Ordinal) && !n.Contains("not run", StringComparison.Ordinal));
        Assert.True(result.Placement.ActiveHostCount < warm.ActiveHostCount);
        Assert.Empty(Consolidator.Validation.PlanValidator.CheckPlacement(p, result.Placement));
    }

    [Fact]
    public void Day_and_night_vms_share_one_host_when_their_peaks_do_not_overlap()
    {
        // Each VM needs 12 of 16 cores at its peak: peak-sized, they need two hosts; by window, one.
        var d = TestInstances.Make(
            [TestInstances.Host("h1"), TestInstances.Host("h2")],
            [new Vm("day", 12, 4096, "h1"), new Vm("night", 12, 4096, "h2")],
            (v, h) => (v == 0 ? (h is >= 8 and < 18 ? 12 : 2) : (h is >= 8 and < 18 ? 2 : 12), 2048));
        var p = Problem(d);

        var result = CpSatPlacementSolver.Solve(p, new SolverOptions(10, 1, 1, Deterministic: true), null);

        Assert.Equal(SolveStatus.Optimal, result.Status);
        Assert.Equal(1, result.Placement.ActiveHostCount);
        Assert.Equal(2, Heuristics.FirstFit.Pack(p, Heuristics.Sizing.Peak, Heuristics.Fit.First)!.ActiveHostCount);
        Assert.Equal(result.ObjectiveWh, result.BoundWh, 3);
    }

    [Fact]
    public void Migration_weight_keeps_vms_home_when_moving_saves_less_than_it_costs()
    {
        var d = TestInstances.Make(
            [TestInstances.Host("h1", idle: 10, max: 20), TestInstances.Host("h2", idle: 10, max: 20)],
            [new Vm("a", 4, 65536 / 4, "h1"), new Vm("b", 4, 65536 / 4, "h2")],
            (_, _) => (2, 1024));
        var p = Problem(d, weight: 100); // 16 GiB x 100 Wh/GiB = 1.6 kWh per move > 240 Wh idle per host-day

        var result = CpSatPlacementSolver.Solve(p, new SolverOptions(10, 1, 1, Deterministic: true), null);

        Assert.Equal(p.CurrentPlacement(), result.Placement);
        var cheap = CpSatPlacementSolver.Solve(Problem(d, weight: 0), new SolverOptions(10, 1, 1, Deterministic: true), null);
        Assert.Equal(1, cheap.Placement.ActiveHostCount);
    }

    [Fact]
    public void Headroom_is_kept_in_every_window()
    {
        // Two VMs of 8 cores fit a 16-core host exactly, but not with 10 % headroom.
        var d = TestInstances.Make(
            [TestInstances.Host("h1"), TestInstances.Host("h2")],
            [new Vm("a", 8, 1024, null), new Vm("b", 8, 1024, null)],
            (_, _) => (8, 512));

        Assert.Equal(1, CpSatPlacementSolver.Solve(Problem(d, headroom: 0), new SolverOptions(10, 1, 1, Deterministic: true), null).Placement.ActiveHostCount);
        Assert.Equal(2, CpSatPlacementSolver.Solve(Problem(d, headroom: 0.1), new SolverOptions(10, 1, 1, Deterministic: true), null).Placement.ActiveHostCount);
    }

    [Fact]
    public void Prefers_the_host_with_the_cheaper_power_model()
    {
        var d = TestInstances.Make(
            [TestInstances.Host("hungry", idle: 200, max: 400), TestInstances.Host("frugal", idle: 50, max: 150)],
            [new Vm("a", 2, 1024, null)],
            (_, _) => (1, 512));

        var result = CpSatPlacementSolver.Solve(Problem(d), new SolverOptions(10, 1, 1, Deterministic: true), null);

        Assert.Equal(1, result.Placement[0]);
        // 50 W idle all day + 100 W / 16 cores x 1 core x 24 h = 1350 Wh.
        Assert.Equal(1350, Energy.WhPerDay(Problem(d), result.Placement), 1);
    }

    [Fact]
    public void Deterministic_mode_limits_cp_sat_by_counted_work_only_and_the_default_by_the_wall_clock()
    {
        var text = CpSatPlacementSolver.Parameters(new SolverOptions(30, 7, 0, Deterministic: true));
        Assert.Contains("num_workers:1", text);
        Assert.Contains("random_seed:7", text);
        Assert.Contains("max_deterministic_time:30", text);
        // A wall-clock limit, even as a guard, would let a busy machine change the answer.
        Assert.DoesNotContain("max_time_in_seconds", text);

        var wall = CpSatPlacementSolver.Parameters(new SolverOptions(30, 7, 2));
        Assert.Contains("num_workers:2", wall);
        Assert.Contains("max_time_in_seconds:30", wall);
        Assert.DoesNotContain("max_deterministic_time", wall);
    }

    [Fact]
    public void Deterministic_mode_refuses_several_workers()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SolverOptions(1, 1, 2, Deterministic: true).Validate());
        Assert.Equal(1, new SolverOptions(1, 1, 0, Deterministic: true).EffectiveWorkers);
    }

    [Fact]
    public void Without_time_to_improve_the_warm_start_the_result_says_heuristic_fallback()
    {
        var planted = Consolidator.Generation.PlantedInstance.Generate(6, 3);
        var p = Problem(planted.Dataset);
        var warm = Heuristics.FirstFit.Pack(p, Heuristics.Sizing.Temporal, Heuristics.Fit.First)!;

        var result = CpSatPlacementSolver.Solve(p, new SolverOptions(1e-6, 1, 1, Deterministic: true), warm);

        Assert.Equal(SolveStatus.HeuristicFallback, result.Status);
        Assert.Equal(warm, result.Placement);
        Assert.Contains(result.Notes, n => n.Contains("warm start"));
    }

    [Fact]
    public void Exact_fill_search_gives_each_planted_host_its_own_set_and_proves_the_optimum()
    {
        // 40 planted hosts of 6-8 VMs: first-fit needs about a fifth more hosts, and local search alone stalls
        // near 1.15 K on such sets; the exact-fill search finds every set, which the volume bound proves optimal.
        var planted = Consolidator.Generation.PlantedInstance.Generate(40, 11);
        var p = Problem(planted.Dataset);

        var result = CpSatPlacementSolver.Solve(p, new SolverOptions(10, 1, 1, Deterministic: true), warmStart: null);

        Assert.Equal(40, result.Placement.ActiveHostCount);
        Assert.Equal(SolveStatus.Optimal, result.Status);
        Assert.Empty(Consolidator.Validation.PlanValidator.CheckPlacement(p, result.Placement));
        Assert.Contains(result.Notes, n => n.StartsWith("exact-fill search: 40 set(s)", StringComparison.Ordinal));
    }
    [Fact]
    public void Exact_fill_sets_each_get_a_host_without_the_host_by_host_fill()
    {
        // The sets are placed on hosts of their own and the other VMs greedily around them, with no CP-SAT fill and
        // nothing after the search: every planted host's set comes back whole, on as many hosts as the volume bound,
        // which proves the count optimal although no search after the sets ran.
        var planted = Consolidator.Generation.PlantedInstance.Generate(40, 11, decimals: true);
        var p = Problem(planted.Dataset);

        var result = CpSatPlacementSolver.Solve(p, new SolverOptions(10, 1, 1, Deterministic: true) { Phases = SolverPhases.ExactFill }, warmStart: null);

        Assert.Equal(SolveStatus.Optimal, result.Status);
        Assert.Empty(Consolidator.Validation.PlanValidator.CheckPlacement(p, result.Placement));
        var byHost = Enumerable.Range(0, p.VmCount).GroupBy(v => result.Placement[v]).ToList();
        Assert.Equal(40, byHost.Count);
        Assert.All(byHost, host => Assert.Single(host.Select(v => planted.PlantedHostOfVm[v]).Distinct()));
        Assert.Contains(result.Notes, n => n.Contains("placed greedily around them", StringComparison.Ordinal));
    }

    [Fact]
    public void A_plan_at_the_volume_bound_spends_no_more_of_the_limit()
    {
        // With the consistent search switched off, the sets meet the volume bound and no phase after them has
        // anything to find: none spends the rest of the limit (counted work; the neighbourhood search ran it out).
        var planted = Consolidator.Generation.PlantedInstance.Generate(40, 11, decimals: true);
        var p = Problem(planted.Dataset);
        var phases = SolverPhases.ExactFill | SolverPhases.NeighbourhoodSearch;

        var result = CpSatPlacementSolver.Solve(p, new SolverOptions(10, 1, 1, Deterministic: true) { Phases = phases }, warmStart: null);

        Assert.Equal(40, result.Placement.ActiveHostCount);
        Assert.Equal(SolveStatus.Optimal, result.Status);
        Assert.True(result.CountedSeconds < 5, $"counted {result.CountedSeconds} s of the 10 s limit");
    }

    [Fact]
    public void A_start_at_the_volume_bound_is_optimal_before_the_whole_model()
    {
        // With the consistent search switched off, the exact sets already meet the volume bound: the whole CP-SAT
        // model (small enough to run here) has nothing to prove and is not built.
        var planted = Consolidator.Generation.PlantedInstance.Generate(20, 1, decimals: true);
        var p = Problem(planted.Dataset);
        var phases = SolverPhases.ExactFill | SolverPhases.WholeModel;

        var result = CpSatPlacementSolver.Solve(p, new SolverOptions(10, 1, 1, Deterministic: true) { Phases = phases }, warmStart: null);

        Assert.Equal(20, result.Placement.ActiveHostCount);
        Assert.Equal(SolveStatus.Optimal, result.Status);
        Assert.DoesNotContain(result.Notes, n => n.StartsWith("whole CP-SAT model", StringComparison.Ordinal));
    }
}
