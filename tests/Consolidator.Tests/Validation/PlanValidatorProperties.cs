using System.Collections.Immutable;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Staging;
using Consolidator.Tests.Staging;
using Consolidator.Validation;
using CsCheck;

namespace Consolidator.Tests.Validation;

public class PlanValidatorProperties
{
    private static readonly Gen<(Scenario Scenario, int Pick)> Cases = Gen.Select(RandomClusters.Scenarios, Gen.Int[0, 1000]);

    [Fact]
    public void Merging_two_stages_is_rejected_exactly_when_it_overloads_a_receiving_host()
    {
        var overloaded = 0;
        Cases.Sample((s, pick) =>
        {
            // No per-host limit, so that a merge can only break capacity.
            var plan = MigrationPlanner.Plan(s.Problem, s.Target);
            if (plan.Stages.Length < 2) return;
            var i = pick % (plan.Stages.Length - 1);
            var (first, second) = (plan.Stages[i].Migrations, plan.Stages[i + 1].Migrations);
            // A VM in both stages would break the source rule, not capacity.
            if (first.Select(m => m.Vm).Intersect(second.Select(m => m.Vm)).Any()) return;
            var merged = Merge(plan, i);

            var violations = PlanValidator.CheckMigrationPlan(s.Problem, s.Target, merged);

            var overloads = Overloads(s.Problem, PositionsBefore(s.Problem, plan, i), [.. first, .. second]);
            Assert.True(violations.All(v => v.Rule == "stage.capacity" && v.Message.StartsWith($"stage {i + 1}: ", StringComparison.Ordinal)),
                string.Join("\n", violations));
            Assert.Equal(overloads, violations.Count > 0);
            if (overloads) Interlocked.Increment(ref overloaded);
        }, iter: 1500);
        Assert.True(overloaded > 0, "no sample merged stages into an overload; the property was not exercised");
    }

    [Fact]
    public void Dropping_any_migration_is_rejected()
    {
        Cases.Sample((s, pick) =>
        {
            var plan = MigrationPlanner.Plan(s.Problem, s.Target);
            var all = plan.Stages.SelectMany((st, i) => st.Migrations.Select((m, j) => (Stage: i, Index: j))).ToList();
            if (all.Count == 0) return;
            var (stage, index) = all[pick % all.Count];
            var stages = plan.Stages.SetItem(stage, plan.Stages[stage] with { Migrations = plan.Stages[stage].Migrations.RemoveAt(index) });

            Assert.NotEmpty(PlanValidator.CheckMigrationPlan(s.Problem, s.Target, plan with { Stages = stages }));
        }, iter: 500);
    }

    private static MigrationPlan Merge(MigrationPlan plan, int i)
    {
        var stages = plan.Stages.ToList();
        stages[i] = new Stage(i + 1, [.. stages[i].Migrations, .. stages[i + 1].Migrations]);
        stages.RemoveAt(i + 1);
        return plan with { Stages = [.. stages.Select((st, k) => st with { Number = k + 1 })] };
    }

    private static int[] PositionsBefore(PlacementProblem p, MigrationPlan plan, int stage)
    {
        var at = Enumerable.Range(0, p.VmCount).Select(p.CurrentHost).ToArray();
        foreach (var m in plan.Stages.Take(stage).SelectMany(st => st.Migrations)) at[m.Vm] = m.To;
        return at;
    }

    /// <summary>Brute force, from the definition: any receiving host whose residents plus arrivals exceed its
    /// physical capacity in some window.</summary>
    private static bool Overloads(PlacementProblem p, int[] at, ImmutableArray<Migration> stage) =>
        stage.Select(m => m.To).Distinct().Any(h => Resources.All.Any(r => Enumerable.Range(0, p.WindowCount).Any(w =>
            Enumerable.Range(0, p.VmCount).Where(v => at[v] == h).Sum(v => (long)p.Demand(v, r, w))
            + stage.Where(m => m.To == h).Sum(m => (long)p.Demand(m.Vm, r, w)) > p.Capacity(h, r))));
}
