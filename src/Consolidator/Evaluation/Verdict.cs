using System.Collections.Immutable;
using System.Globalization;

namespace Consolidator.Evaluation;

/// <summary>One test of a verdict: what was measured, the limit, and whether it holds.</summary>
/// <param name="Name">A stable key (evaluation.json).</param>
/// <param name="Value">The measured figure, in the unit of <paramref name="Limit"/>.</param>
/// <param name="Holds">Whether <paramref name="Value"/> is within <paramref name="Limit"/> (at most, or for a
/// share of days, at least).</param>
/// <param name="Text">The check in words, with the counts behind it.</param>
public sealed record VerdictCheck(string Name, double Value, double Limit, bool Holds, string Text);

/// <summary>A run judged against the dynamic baseline: the adaptive two-level policy (with <c>--replan</c>), else
/// the reactive level, else the re-planned plan or the static plan, against LR-MMT, fold by fold and over the run, on the limits issue 13 sets for a
/// planner worth deploying instead of a dynamic consolidator. Printed after a roll and stored in
/// evaluation.json, so the same command on any month gives its verdict without reading the tables.</summary>
public sealed record Verdict(string Policy, string Baseline, ImmutableArray<VerdictCheck> Checks)
{
    /// <summary>SLATAH allowed in every fold (issue 13: "at most 0.5 % in every fold").</summary>
    public const double SlatahPerFold = 0.005;

    /// <summary>Share of test days on which the policy must use no more energy than the baseline with no more
    /// SLATAH (issue 13: "at least 90 % of the test days").</summary>
    public const double DaysShare = 0.9;

    /// <summary>Migrations allowed, as a fraction of the baseline's (issue 13: "at most a tenth").</summary>
    public const double MigrationRatio = 0.1;

    /// <summary>Interactive VMs' throttled CPU allowed, over their demand (issue 13: "at most 0.1 %").</summary>
    public const double ThrottledInteractive = 0.001;

    public bool Holds => Checks.All(c => c.Holds);

    /// <summary>The verdict on a run, or null when it lacks the baseline (<c>--lr-mmt false</c>, or no
    /// current placement to start LR-MMT from).</summary>
    public static Verdict? Of(EvaluationRun run) => Of([.. run.Folds.Select(f => f.Policies)], run.Overall);

    /// <param name="folds">Every fold's policies.</param>
    /// <param name="overall">Every policy over the run.</param>
    internal static Verdict? Of(IReadOnlyList<ImmutableArray<PolicyOutcome>> folds, IReadOnlyList<PolicyOutcome> overall)
    {
        var policy = overall.Any(p => p.Policy == Adaptive.AdaptivePolicy.Name) ? Adaptive.AdaptivePolicy.Name
            : overall.Any(p => p.Policy == Reactive.ReactivePolicy.Name) ? Reactive.ReactivePolicy.Name
            : overall.Any(p => p.Policy == Evaluator.TwoLevel) ? Evaluator.TwoLevel : Evaluator.Planned;
        var ours = overall.FirstOrDefault(p => p.Policy == policy);
        var lr = overall.FirstOrDefault(p => p.Policy == LrMmt.Name);
        if (ours is null || lr is null) return null;
        var inv = CultureInfo.InvariantCulture;
        var pairs = folds
            .Select(f => (Ours: f.FirstOrDefault(p => p.Policy == policy), Lr: f.FirstOrDefault(p => p.Policy == LrMmt.Name)))
            .Where(f => f.Ours is not null && f.Lr is not null)
            .Select(f => (Ours: f.Ours!, Lr: f.Lr!))
            .ToList();
        if (pairs.Count == 0) return null;
        var n = pairs.Count;

        var worst = pairs.Max(f => f.Ours.Slatah);
        var under = pairs.Count(f => f.Ours.Slatah <= SlatahPerFold);
        var energy = lr.EnergyKWhPerDay > 0 ? ours.EnergyKWhPerDay / lr.EnergyKWhPerDay : ours.EnergyKWhPerDay > 0 ? 2 : 1;
        var cheaper = pairs.Count(f => f.Ours.EnergyKWhPerDay <= f.Lr.EnergyKWhPerDay);
        var better = pairs.Count(f => f.Ours.EnergyKWhPerDay <= f.Lr.EnergyKWhPerDay && f.Ours.Slatah <= f.Lr.Slatah);
        // A baseline that never migrates leaves no tenth to spend: the ratio is then the policy's own count.
        var migrations = (double)ours.Migrations / Math.Max(1, lr.Migrations);
        return new Verdict(policy, LrMmt.Name,
        [
            new("slatah_every_fold", worst, SlatahPerFold, under == n,
                string.Format(inv, "SLATAH at most {0:0.0%} in every fold: {1} of {2} folds; worst {3:0.000%}", SlatahPerFold, under, n, worst)),
            new("energy_overall", energy, 1, energy <= 1,
                string.Format(inv, "energy over the run at most {0}'s: {1:0.00} against {2:0.00} kWh/day ({3:+0.0%;-0.0%;0%})", LrMmt.Name, ours.EnergyKWhPerDay, lr.EnergyKWhPerDay, energy - 1)),
            new("energy_days", (double)better / n, DaysShare, better >= DaysShare * n,
                string.Format(inv, "energy and SLATAH at most {0}'s on at least {1:0%} of the test days: {2} of {3} days (energy alone: {4})", LrMmt.Name, DaysShare, better, n, cheaper)),
            new("migrations", migrations, MigrationRatio, migrations <= MigrationRatio,
                string.Format(inv, "migrations at most {0:0%} of {1}'s: {2} against {3} ({4:0.0%})", MigrationRatio, LrMmt.Name, ours.Migrations, lr.Migrations, migrations)),
            new("throttled_interactive", ours.ThrottledInteractive, ThrottledInteractive, ours.ThrottledInteractive <= ThrottledInteractive,
                string.Format(inv, "interactive VMs' throttled CPU at most {0:0.0%} of their demand: {1:0.000%}", ThrottledInteractive, ours.ThrottledInteractive)),
        ]);
    }
}
