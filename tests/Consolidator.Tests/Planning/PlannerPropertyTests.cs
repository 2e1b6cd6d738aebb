using CsCheck;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Reporting;
using Consolidator.Solving;
using Consolidator.Tests.Support;
using Consolidator.Validation;

namespace Consolidator.Tests.Planning;

public class PlannerPropertyTests
{
    public sealed record Case(int Seed, double Headroom, double Weight, int Windows);

    private static readonly Gen<Case> Cases =
        Gen.Select(Gen.Int[0, 1_000_000], Gen.OneOf(0.0, 0.1, 0.25), Gen.OneOf(0.0, 10.0, 1000.0), Gen.OneOf(1, 2, 4, 24),
            (seed, headroom, weight, windows) => new Case(seed, headroom, weight, windows));

    private static PlanRequest Request(double headroom, double weight) =>
        new(new PlacementOptions(headroom, weight), new SolverOptions(2, 1, 1, Deterministic: true));

    [Fact]
    public void Every_plan_the_planner_returns_passes_the_independent_validator()
    {
        Cases.Sample(c =>
        {
            var d = RandomInstances.Make(c.Seed);
            var profiles = ProfileBuilder.Build(d, WindowScheme.Slices(c.Windows), 95);
            PlanOutcome plan;
            try { plan = Planner.Plan(d, profiles, Request(c.Headroom, c.Weight)); }
            catch (InfeasiblePlacementException e) { Assert.NotEmpty(e.Reasons); return; }

            Assert.Empty(PlanValidator.CheckPlacement(plan.Problem, plan.Target));
            Assert.Empty(PlanValidator.CheckMigrationPlan(plan.Problem, plan.Target, plan.Migrations));
            Assert.True(plan.Summary.ActiveHostsAfter >= plan.Summary.HostLowerBound);
            Assert.True(plan.Summary.EnergyKWhPerDayAfter >= plan.Summary.EnergyLowerBoundKWhPerDay - 1e-9);
            Assert.True(plan.Solve.ObjectiveWh >= plan.Solve.BoundWh - 1e-6);
        }, iter: 40, threads: 1);
    }

    [Fact]
    public void One_worker_and_the_same_seed_give_identical_plan_json_bytes()
    {
        Cases.Sample(c =>
        {
            var d = RandomInstances.Make(c.Seed);
            var profiles = ProfileBuilder.Build(d, WindowScheme.Slices(c.Windows), 95);
            var request = Request(c.Headroom, c.Weight);
            string First() => PlanJsonWriter.ToJson(Planner.Plan(d, profiles, request), request);
            try
            {
                Assert.Equal(First(), First());
            }
            catch (InfeasiblePlacementException) { }
        }, iter: 15, threads: 1);
    }
}
