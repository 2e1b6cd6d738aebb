using Consolidator.Evaluation;
using Consolidator.Tests.Support;
using Consolidator.Timing;
using Xunit;

namespace Consolidator.Tests.Evaluation;

/// <summary>How `evaluate` splits its limit among its plans, on a clock the test moves (no wall clock): every plan
/// takes its whole share, and each fold then spends seconds that are never cut short (its replays).</summary>
public class PlanSharesTests
{
    /// <summary>A roll of <paramref name="costs"/>.Length one-day folds, a re-plan in each (the static plan too in the
    /// first), each plan using all of its share; fold i then spends costs[i] seconds, times <paramref name="slowdown"/>
    /// from fold <paramref name="slowFrom"/> on (a load that arrives), which the deadline's pace reads from a phase
    /// marked with its idle length. Returns the seconds the evaluation took and each plan's share.</summary>
    private static (double Elapsed, List<double> Shares) Roll(double limit, double[] costs, double samplesPerDay,
        int slowFrom = int.MaxValue, double slowdown = 1)
    {
        var clock = new ManualClock();
        var deadline = Deadline.After(limit, clock);
        var shares = new PlanShares(deadline, 1 + costs.Length, [.. costs.Select(_ => 1.0)], samplesPerDay);
        var given = new List<double>();
        for (var i = 0; i < costs.Length; i++)
        {
            shares.FoldStarts(i);
            if (i == slowFrom)
            {
                // A phase that takes `slowdown` times its idle second: the pace reads the load from here on.
                deadline.Mark("before it");
                clock.Advance(slowdown);
                deadline.Mark("a phase the load slows", 1);
            }
            for (var plan = 0; plan < (i == 0 ? 2 : 1); plan++)
            {
                var share = shares.Next();
                given.Add(Math.Max(0, share.Remaining));
                clock.Advance(Math.Max(0, share.Remaining));
                shares.Planned();
            }
            clock.Advance(costs[i] * (i >= slowFrom ? slowdown : 1));
            shares.FoldEnds();
        }
        return (deadline.Elapsed, given);
    }

    [Fact]
    public void The_folds_replays_are_reserved_for_every_fold_still_to_come_so_the_limit_holds()
    {
        // Ten folds, each spending 4 s after its plans (an eight-day cut of a generated month spent 6-10 s a fold so under load); the prior, before
        // the first fold is measured, says 4 s too. A fixed tenth of each share left the last fold 0.1 of what was
        // left: it ended past the limit.
        var (elapsed, given) = Roll(100, [.. Enumerable.Repeat(4.0, 10)], 4 / PlanShares.IdleSecondsPerSample);
        Assert.InRange(elapsed, 100 - 4 - 1e-9, 100 + 1e-9);
        // Every plan got time: the 60 s the replays leave, about evenly.
        Assert.All(given, s => Assert.InRange(s, 60.0 / 11 * 0.5, 60.0 / 11 * 2));
    }

    [Fact]
    public void A_prior_far_below_what_the_folds_cost_is_replaced_by_the_measured_cost()
    {
        // The prior says 0.4 s a fold, the folds cost 4 s (a slower machine, a larger replay): once the first fold is
        // measured the reserve follows it; only what the first fold's plans took before cannot be given back.
        var (elapsed, _) = Roll(100, [.. Enumerable.Repeat(4.0, 10)], 0.4 / PlanShares.IdleSecondsPerSample);
        Assert.InRange(elapsed, 90, 100 + 1e-9);
    }

    [Fact]
    public void A_first_fold_with_once_only_work_does_not_size_the_later_folds_reserve()
    {
        // The first fold replays the static plan's migrations and backtests on the training day: three times a later
        // fold's work. Sized by it, the last fold's plan was left 8 s that went unused.
        var costs = new[] { 12.0, 4, 4, 4, 4, 4 };
        var (elapsed, _) = Roll(100, costs, 12 / PlanShares.IdleSecondsPerSample);
        Assert.InRange(elapsed, 100 - 4 - 1e-9, 100 + 1e-9);
    }

    [Fact]
    public void A_load_that_arrives_mid_roll_grows_the_reserve_with_the_pace()
    {
        // From the sixth fold on, everything takes three times as long (the pace reads it from a marked phase): the
        // folds measured before at pace 1 size the reserve, times the pace now.
        var (elapsed, _) = Roll(200, [.. Enumerable.Repeat(4.0, 10)], 4 / PlanShares.IdleSecondsPerSample, slowFrom: 5, slowdown: 3);
        Assert.InRange(elapsed, 200 - 12 - 1e-9, 200 + 1e-9);
    }

    [Fact]
    public void Without_a_wall_clock_end_every_plan_gets_the_deadline_itself()
    {
        var shares = new PlanShares(Deadline.None, 3, [1, 1], 1e6);
        shares.FoldStarts(0);
        Assert.False(shares.Next().IsWallClock);
        Assert.Equal(0, shares.Reserve());
    }

    [Fact]
    public void The_time_line_records_each_plans_share_and_use_and_each_folds_seconds_outside_its_plans()
    {
        // Three folds on a clock the test moves: each plan takes half its share, each fold then spends 2 s outside them.
        var clock = new ManualClock();
        var deadline = Deadline.After(60, clock);
        var shares = new PlanShares(deadline, 4, [1, 1, 1], 2 / PlanShares.IdleSecondsPerSample);
        var given = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            shares.FoldStarts(i);
            for (var plan = 0; plan < (i == 0 ? 2 : 1); plan++)
            {
                var share = shares.Next();
                given.Add(share.Remaining);
                clock.Advance(share.Remaining / 2);
                shares.Planned();
            }
            clock.Advance(2);
            shares.FoldEnds();
        }
        var time = shares.Time!;
        Assert.Equal([1, 1, 2, 3], time.Plans.Select(p => p.Fold));
        Assert.Equal(given, time.Plans.Select(p => p.Share), (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.All(time.Plans, p => Assert.Equal(p.Share / 2, p.Used, 9));
        Assert.Equal([1, 2, 3], time.Folds.Select(f => f.Fold));
        Assert.All(time.Folds, f => Assert.Equal(2, f.OutsidePlans, 9));
        Assert.Equal(deadline.Elapsed, time.Folds.Sum(f => f.Seconds), 9);
        Assert.Null(new PlanShares(Deadline.None, 2, [1], 1).Time);
    }
}
