using Consolidator.Packing;
using Consolidator.Staging;
using Consolidator.Validation;

namespace Consolidator.Tests.Staging;

internal static class PlanChecks
{
    /// <summary>Every plan a test looks at must first pass the independent validator.</summary>
    public static MigrationPlan PlanAndValidate(PlacementProblem p, Placement target, int limit = 0)
    {
        var plan = MigrationPlanner.Plan(p, target, limit);
        Assert.Empty(PlanValidator.CheckMigrationPlan(p, target, plan, limit));
        return plan;
    }

    /// <summary>"Kind vm from->to" per migration, stages separated by " | ".</summary>
    public static string Describe(PlacementProblem p, MigrationPlan plan) =>
        string.Join(" | ", plan.Stages.Select(s => string.Join(", ", s.Migrations.Select(m =>
            $"{m.Kind} {p.Vms[m.Vm].Id} {(m.From < 0 ? "-" : p.Hosts[m.From].Id)}->{p.Hosts[m.To].Id}"))));
}
