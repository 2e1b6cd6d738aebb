using Consolidator.Staging;
using Consolidator.Validation;
using CsCheck;

namespace Consolidator.Tests.Staging;

public class MigrationPlannerProperties
{
    [Fact]
    public void Every_plan_passes_the_validator_or_says_what_is_blocked()
    {
        RandomClusters.Scenarios.Sample(s =>
        {
            Assert.Empty(PlanValidator.CheckPlacement(s.Problem, s.Target));
            var plan = MigrationPlanner.Plan(s.Problem, s.Target, s.Limit);

            var violations = PlanValidator.CheckMigrationPlan(s.Problem, s.Target, plan, s.Limit);
            Assert.True(violations.Count == 0, string.Join("\n", violations));
            Assert.All(plan.Stages, stage => Assert.NotEmpty(stage.Migrations));
            Assert.All(plan.Blocked, b => Assert.StartsWith(s.Problem.Vms[b.Vm].Id + " ", b.Reason));
        }, iter: 1500);
    }

    [Fact]
    public void Plans_are_reproducible()
    {
        RandomClusters.Scenarios.Sample(s =>
        {
            static string Text(MigrationPlan plan) =>
                string.Join("|", plan.Stages.Select(st => $"{st.Number}:{string.Join(",", st.Migrations)}"))
                + "#" + string.Join("|", plan.Blocked);
            Assert.Equal(Text(MigrationPlanner.Plan(s.Problem, s.Target, s.Limit)), Text(MigrationPlanner.Plan(s.Problem, s.Target, s.Limit)));
        }, iter: 200);
    }
}
