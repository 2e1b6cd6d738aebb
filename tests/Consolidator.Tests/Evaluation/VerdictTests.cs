using System.Collections.Immutable;
using Consolidator.Evaluation;

namespace Consolidator.Tests.Evaluation;

public class VerdictTests
{
    private static PolicyOutcome P(string name, double kwh, double slatah, int migrations, double throttled = 0) =>
        new(name, 5, kwh, slatah, 0, slatah, 0, 0, 0, 0, 0, 0, 0, migrations) { ThrottledInteractive = throttled };

    private static ImmutableArray<PolicyOutcome> Fold(double ours, double lr, double oursSlatah = 0, double lrSlatah = 0.002) =>
        [P(Evaluator.Planned, ours + 10, 0.01, 0), P(Evaluator.TwoLevel, ours, oursSlatah, 10), P(LrMmt.Name, lr, lrSlatah, 1000)];

    [Fact]
    public void Ten_folds_that_beat_the_baseline_on_nine_days_hold_and_the_tenth_is_counted()
    {
        var folds = Enumerable.Range(0, 9).Select(_ => Fold(40, 45)).Append(Fold(50, 45)).ToList();
        var overall = new[] { P(Evaluator.TwoLevel, 41, 0.001, 100, 0.0005), P(LrMmt.Name, 45, 0.002, 10000) };

        var v = Verdict.Of(folds, overall)!;

        Assert.Equal(Evaluator.TwoLevel, v.Policy);
        Assert.True(v.Holds, string.Join("; ", v.Checks.Where(c => !c.Holds).Select(c => c.Text)));
        var days = v.Checks.Single(c => c.Name == "energy_days");
        Assert.Equal(0.9, days.Value, 9);
        Assert.Contains("9 of 10 days", days.Text);
        Assert.Equal(0.01, v.Checks.Single(c => c.Name == "migrations").Value, 9);
    }

    [Fact]
    public void One_fold_over_the_slatah_limit_or_a_day_with_more_slatah_than_the_baseline_fails_its_check()
    {
        var folds = Enumerable.Range(0, 9).Select(_ => Fold(40, 45)).Append(Fold(40, 45, oursSlatah: 0.006, lrSlatah: 0.01)).ToList();
        var overall = new[] { P(Evaluator.TwoLevel, 40, 0.001, 2000, 0.002), P(LrMmt.Name, 45, 0.002, 10000) };

        var v = Verdict.Of(folds, overall)!;

        Assert.False(v.Holds);
        Assert.Equal(["slatah_every_fold", "migrations", "throttled_interactive"], v.Checks.Where(c => !c.Holds).Select(c => c.Name));
        Assert.Contains("9 of 10 folds; worst 0.600%", v.Checks[0].Text);

        // The same day with more SLATAH than LR-MMT no longer counts for energy_days: 9 of 10 still hold, 8 would not.
        var worse = folds.Take(8).Append(Fold(40, 45, 0.003, 0.001)).Append(Fold(50, 45)).ToList();
        Assert.False(Verdict.Of(worse, overall)!.Checks.Single(c => c.Name == "energy_days").Holds);
    }

    [Fact]
    public void Without_the_baseline_there_is_no_verdict_and_without_replanning_the_static_plan_is_judged()
    {
        Assert.Null(Verdict.Of([[P(Evaluator.Planned, 1, 0, 0)]], [P(Evaluator.Planned, 1, 0, 0)]));
        var v = Verdict.Of([[P(Evaluator.Planned, 1, 0, 0), P(LrMmt.Name, 2, 0, 0)]], [P(Evaluator.Planned, 1, 0, 0), P(LrMmt.Name, 2, 0, 0)])!;
        Assert.Equal(Evaluator.Planned, v.Policy);
        Assert.True(v.Holds);
    }
}
