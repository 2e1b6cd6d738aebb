using System.Globalization;

namespace Consolidator.Evaluation.Adaptive;

/// <summary>Which level carries the next interval: the day-ahead plan (with the reactive level as a safety net
/// only) or the reactive level alone.</summary>
public enum Mode { Reactive, Plan }

/// <summary>The choice at a re-plan round, made on history only: both candidates were replayed on the last
/// interval before the round (the previous fold's test day, which has ended when the round starts), so their
/// figures there are an out-of-sample backtest of each. The plan is followed when, on that interval, it kept the
/// SLA limits the policy is judged by and drew less energy (migrations' included) than the reactive level,
/// counting against the plan, when the reactive level is in force, the energy of the moves that entering plan
/// mode takes (a switch must pay for itself, or tied modes would trade places every day); otherwise, and when there is no such interval yet, the reactive level runs, since it needs no forecast.
/// Following the leader of the last interval is the simplest expert-selection rule; a month whose hour of day
/// predicts load (smooth daily cycles) favours the plan, one whose load jumps from day to day the reactive
/// level, and the rule sees which from the data rather than from a constant fitted to either. <see cref="Choose"/>
/// judges one interval (the first round's, on the training period); from the second round on <see cref="Switch"/>
/// weighs the same figures against the moves of a switch both ways.</summary>
public static class ModeChoice
{
    /// <param name="plan">The day-ahead plan (with the host level) on the last interval, null if not replayed.</param>
    /// <param name="reactive">The reactive level on the same interval.</param>
    /// <param name="inForce">The mode of the interval that just ended.</param>
    /// <param name="switchKWhPerDay">What moving from the placement in force to the plan's costs (the live-migration
    /// simulator's energy of those migrations, per day of the interval ahead): paid only to enter plan mode, since
    /// the reactive level starts from wherever the VMs are and its own moves are in its figures.</param>
    /// <param name="forecastKWhPerDay">Given when the plan replayed on the last interval was not made on a calibrated
    /// forecast (the first round, which had no earlier plan to backtest) while the plan of the interval ahead is:
    /// yesterday's plan is then another predictor (sized with the fixed headroom, and carrying the one-off moves
    /// from the operator's placement), so its energy says little about today's, and the only figure there is about
    /// the calibrated plan is its own forecast (<see cref="PlanForecast"/>), which stands in for the plan's energy.
    /// Its SLA figures are still yesterday's plan's, the evidence there is.</param>
    /// <param name="onTraining">The outcomes were replayed on the training period (the first round, which has no
    /// earlier test interval: <see cref="TrainingBacktest"/>), the plan in sample; <paramref name="forecastKWhPerDay"/>
    /// is then the forecast of the plan the round made, and stands in for its energy as on the first calibrated round.</param>
    /// <param name="entryMoves">On the training period, the moves entering plan mode takes (the VMs the plan puts
    /// elsewhere), against which the reactive level's moves on it are weighed when the two are too close to call.</param>
    /// <param name="backtestDays">On the training period, how many days the backtest covered (the reactive level's
    /// moves are counted per day of it).</param>
    /// <returns>The mode and a sentence saying why, for the fold's notes.</returns>
    public static (Mode Mode, string Why) Choose(PolicyOutcome? plan, PolicyOutcome? reactive, Mode inForce = Mode.Reactive, double switchKWhPerDay = 0,
        double? forecastKWhPerDay = null, bool onTraining = false, int entryMoves = 0, double backtestDays = 1)
    {
        if (plan is null || reactive is null)
            return (Mode.Reactive, "reactive level (no interval of history on which both levels were replayed yet)");
        var inv = CultureInfo.InvariantCulture;
        var planKWh = forecastKWhPerDay ?? plan.EnergyKWhPerDay;
        var figures = Figures((onTraining ? "on the training period (a backtest; the plan in sample)" : "yesterday") + " the plan", plan, reactive,
            forecastKWhPerDay, onTraining ? "; the plan forecasts {0:0.00} kWh/day for the day ahead" : UncalibratedForecast);
        if (BrokeSla(plan)) return (Mode.Reactive, "reactive level: " + figures + " (the plan broke the SLA)");
        var entry = inForce == Mode.Plan ? 0 : switchKWhPerDay;
        if (entry > 0) figures += string.Format(inv, "; entering plan mode costs {0:0.00} kWh/day of migrations", entry);
        // Ties stay with the mode in force: a switch that gains nothing still costs moves.
        var planWins = inForce == Mode.Plan ? planKWh <= reactive.EnergyKWhPerDay : planKWh + entry < reactive.EnergyKWhPerDay;
        if (onTraining && forecastKWhPerDay is { } forecast && backtestDays > 0)
        {
            // The first round's plan is judged by its forecast, whose error the training period measures (the plan
            // replayed there against what it forecasts for a day; in sample, so the least it errs): when the energies
            // differ by no more than that, the figures cannot tell the candidates apart, and the one that migrates
            // less is the lower risk (each move is downtime and a stage that may fail; migrations are judged too).
            // The plan's moves are the one-off entry; the reactive level's are what it made per day of the backtest.
            var error = Math.Abs(plan.EnergyKWhPerDay - forecast);
            var reactiveMoves = reactive.Migrations / backtestDays;
            if (Math.Abs(planKWh + entry - reactive.EnergyKWhPerDay) <= error)
            {
                figures += string.Format(inv, "; the difference is within the forecast's error on the training period ({0:0.00} kWh/day), so the one that migrates less: the plan's {1} moves to enter it against the reactive level's {2:0} a day",
                    error, entryMoves, reactiveMoves);
                planWins = entryMoves < reactiveMoves;
            }
        }
        return planWins ? (Mode.Plan, "day-ahead plan: " + figures) : (Mode.Reactive, "reactive level: " + figures);
    }

    /// <summary>The choice at every round after the first: yesterday's figures (<see cref="Choose"/>'s evidence) decide
    /// through a switching cost paid both ways. A switch of mode costs moves twice: those of going (entering the plan
    /// moves every VM the plan puts elsewhere; leaving it lets the reactive level consolidate from the plan's
    /// placement) and those of coming back the first time the other mode is cheaper again. Judged on one interval
    /// with only the entry charged, as before, two modes a day's noise apart traded places (on the generated month
    /// `--seed 7`, a reactive day cost 470 moves to leave the plan and 260 to re-enter it the next day, against about 70
    /// a day following it). So this is the two-state metrical task system with the round trip D as the distance
    /// between the states, solved by its work-function rule (Borodin, Linial and Saks, J. ACM 39(4), 1992; the
    /// two-state case is the ski-rental break-even of Karlin, Manasse, Rudolph and Sleator, Algorithmica 3, 1988;
    /// recalled, not re-read here): the mode in force accumulates its regret, what it drew more than the other mode
    /// over the intervals seen (an interval on which it drew less pays regret back, never below 0), and the policy
    /// switches when the regret exceeds D. Whatever the days bring, such a rule pays at most about three times what
    /// the best sequence of modes chosen in hindsight would have paid, moves included, while a rule that follows each
    /// day's leader can pay D every day. D is not tuned: it is the price the planner puts on those moves
    /// (<c>--migration-weight</c>, Wh-equivalent per GiB of each VM's memory: the operator's price of the work and risk of
    /// a move, which the plan's own objective trades against energy), since a switch is a reshuffle of the fleet and
    /// a plan is priced so. The daily figures compared stay what each mode drew, its moves' energy included, as
    /// before. The SLA is a limit, not a cost: a plan that broke it
    /// yesterday is left at once and not entered, whatever the regret.</summary>
    /// <param name="plan">Yesterday's evidence about the plan: in plan mode, what following it gave (the plan with its
    /// safety net, moves included: the mode being kept or left); in reactive mode the re-planned plan with the host
    /// level, replayed beside the policy.</param>
    /// <param name="reactive">The reactive level on the same interval.</param>
    /// <param name="inForce">The mode of the interval that just ended.</param>
    /// <param name="regretKWh">The regret of the mode in force carried from the last round (0 after a switch).</param>
    /// <param name="roundTripKWh">D: the moves between the placement in force and the other mode's, once each way, at the
    /// planner's price of a move (kWh-equivalent).</param>
    /// <param name="days">How long yesterday's interval was.</param>
    /// <param name="forecastKWhPerDay">As in <see cref="Choose"/>: stands in for the plan's energy when yesterday's plan
    /// was not made on a calibrated forecast and today's is.</param>
    /// <returns>The mode, why, and the regret to carry to the next round.</returns>
    public static (Mode Mode, string Why, double RegretKWh) Switch(PolicyOutcome? plan, PolicyOutcome? reactive, Mode inForce, double regretKWh,
        double roundTripKWh, double days, double? forecastKWhPerDay = null)
    {
        if (plan is null || reactive is null)
            return (Mode.Reactive, "reactive level (no interval of history on which both levels were replayed yet)", 0);
        var inv = CultureInfo.InvariantCulture;
        var planKWh = forecastKWhPerDay ?? plan.EnergyKWhPerDay;
        var figures = Figures("yesterday" + (plan.Policy == AdaptivePolicy.Name ? " the plan, followed with its safety net," : " the plan"), plan, reactive,
            forecastKWhPerDay, UncalibratedForecast);
        if (BrokeSla(plan)) return (Mode.Reactive, "reactive level: " + figures + " (the plan broke the SLA)", 0);
        var excess = (inForce == Mode.Plan ? planKWh - reactive.EnergyKWhPerDay : reactive.EnergyKWhPerDay - planKWh) * days;
        var regret = Math.Max(0, regretKWh + excess);
        var other = inForce == Mode.Plan ? Mode.Reactive : Mode.Plan;
        figures += string.Format(inv, "; the {0} in force has drawn {1:0.00} kWh more than the other mode since it last drew less, against {2:0.00} kWh-equivalent of migrations to switch and come back (at --migration-weight)",
            inForce == Mode.Plan ? "plan" : "reactive level", regret, roundTripKWh);
        // Ties stay with the mode in force: a switch that gains nothing still costs moves.
        return regret > roundTripKWh
            ? (other, (other == Mode.Plan ? "day-ahead plan: " : "reactive level: ") + figures, 0)
            : (inForce, (inForce == Mode.Plan ? "day-ahead plan: " : "reactive level: ") + figures, regret);
    }
    /// <summary>How a plan's forecast is said when yesterday's plan was not calibrated and today's is.</summary>
    private const string UncalibratedForecast = "; yesterday's plan was not calibrated, today's forecasts {0:0.00} kWh/day";

    /// <summary>The evidence both choices state: what the plan (<paramref name="lead"/> names it and when) and the reactive
    /// level drew and at what SLA figures, then the forecast standing in for the plan's energy, when there is one.</summary>
    private static string Figures(string lead, PolicyOutcome plan, PolicyOutcome reactive, double? forecastKWhPerDay, string forecastFormat)
    {
        var inv = CultureInfo.InvariantCulture;
        var figures = lead + string.Format(inv, " drew {0:0.00} kWh/day at SLATAH {1:0.000%}, interactive throttled {2:0.000%}; the reactive level {3:0.00} kWh/day at SLATAH {4:0.000%}",
            plan.EnergyKWhPerDay, plan.Slatah, plan.ThrottledInteractive, reactive.EnergyKWhPerDay, reactive.Slatah);
        return forecastKWhPerDay is { } f ? figures + string.Format(inv, forecastFormat, f) : figures;
    }

    /// <summary>Whether the plan broke the SLA the policy is held to (issue 13: SLATAH at most 0.5 % in a fold, interactive
    /// throttling at most 0.1 % of demand): a plan that broke it yesterday is not trusted today.</summary>
    private static bool BrokeSla(PolicyOutcome plan) => plan.Slatah > Verdict.SlatahPerFold || plan.ThrottledInteractive > Verdict.ThrottledInteractive;
}
