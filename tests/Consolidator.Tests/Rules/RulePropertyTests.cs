using System.Collections.Immutable;
using CsCheck;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Rules;
using Consolidator.Solving;
using Consolidator.Tests.Support;
using Consolidator.Traces;
using Consolidator.Validation;

namespace Consolidator.Tests.Rules;

public class RulePropertyTests
{
    /// <summary>Adds a few random rules of every kind to a random instance.</summary>
    private static Dataset WithRandomRules(int seed)
    {
        var d = RandomInstances.Make(seed);
        var rng = new Random(seed ^ 0x5eed);
        ImmutableArray<string> Vms(int n) => [.. d.Vms.Select(v => v.Id).OrderBy(_ => rng.Next()).Take(n)];
        ImmutableArray<string> Hosts(int n) => [.. d.Hosts.Select(h => h.Id).OrderBy(_ => rng.Next()).Take(n)];
        var rules = new List<Rule>();
        for (var i = 0; i < rng.Next(1, 4); i++)
        {
            var name = $"r{i}";
            rules.Add(rng.Next(7) switch
            {
                0 => new Spread(name, Vms(2)),
                1 => new Gather(name, Vms(2)),
                2 => new Pin(name, Vms(1), Hosts(2)),
                3 => new Ban(name, Vms(2), Hosts(1)),
                4 => new Drain(name, Hosts(1)),
                5 => new MaxVmsPerHost(name, [], rng.Next(2, 5)),
                _ => new FailoverReserve(name, []),
            });
        }
        return d with { Rules = [.. rules.DistinctBy(r => r.Kind)] };
    }

    [Fact]
    public void Every_plan_with_random_rules_passes_the_validator_or_the_instance_is_explained()
    {
        int planned = 0, explained = 0;
        Gen.Int[0, 1_000_000].Sample(seed =>
        {
            var d = WithRandomRules(seed);
            var profiles = ProfileBuilder.Build(d, WindowScheme.Slices(4), 95);
            PlanOutcome plan;
            try { plan = Planner.Plan(d, profiles, new PlanRequest(new PlacementOptions(0.1, 10), new SolverOptions(2, 1, 1, Deterministic: true))); }
            catch (InfeasiblePlacementException e) { Assert.NotEmpty(e.Reasons); explained++; return; }
            planned++;
            Assert.Empty(PlanValidator.CheckPlacement(plan.Problem, plan.Target));
            Assert.Empty(RuleCheckers.Check(plan.Problem, plan.Target));
            Assert.Empty(PlanValidator.CheckMigrationPlan(plan.Problem, plan.Target, plan.Migrations));
        }, iter: 40, threads: 1);
        // The property means little if random rules made nearly every instance infeasible (about half plan).
        Assert.True(planned >= 8, $"{planned} planned, {explained} explained as infeasible");
    }
}
