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
/// level, and the rule sees which from the data rather than from a constant fitted to either.</summary>
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
    /// <returns>The mode and a sentence saying why, for the fold's notes.</returns>
    public static (Mode Mode, string Why) Choose(PolicyOutcome? plan, PolicyOutcome? reactive, Mode inForce = Mode.Reactive, double switchKWhPerDay = 0,
        double? forecastKWhPerDay = null, bool onTraining = false)
    {
        if (plan is null || reactive is null)
            return (Mode.Reactive, "reactive level (no interval of history on which both levels were replayed yet)");
        var inv = CultureInfo.InvariantCulture;
        var planKWh = forecastKWhPerDay ?? plan.EnergyKWhPerDay;
        var figures = (onTraining ? "on the training period (a backtest; the plan in sample)" : "yesterday") + string.Format(inv, " the plan drew {0:0.00} kWh/day at SLATAH {1:0.000%}, interactive throttled {2:0.000%}; the reactive level {3:0.00} kWh/day at SLATAH {4:0.000%}",
            plan.EnergyKWhPerDay, plan.Slatah, plan.ThrottledInteractive, reactive.EnergyKWhPerDay, reactive.Slatah);
        if (forecastKWhPerDay is { } f)
            figures += string.Format(inv, onTraining ? "; the plan forecasts {0:0.00} kWh/day for the day ahead" : "; yesterday's plan was not calibrated, today's forecasts {0:0.00} kWh/day", f);
        // The limits are the SLA the policy is held to (issue 13: SLATAH at most 0.5 % in a fold, interactive
        // throttling at most 0.1 % of demand): a plan that broke them yesterday is not trusted today.
        if (plan.Slatah > Verdict.SlatahPerFold || plan.ThrottledInteractive > Verdict.ThrottledInteractive)
            return (Mode.Reactive, "reactive level: " + figures + " (the plan broke the SLA)");
        var entry = inForce == Mode.Plan ? 0 : switchKWhPerDay;
        if (entry > 0) figures += string.Format(inv, "; entering plan mode costs {0:0.00} kWh/day of migrations", entry);
        // Ties stay with the mode in force: a switch that gains nothing still costs moves.
        var planWins = inForce == Mode.Plan ? planKWh <= reactive.EnergyKWhPerDay : planKWh + entry < reactive.EnergyKWhPerDay;
        return planWins ? (Mode.Plan, "day-ahead plan: " + figures) : (Mode.Reactive, "reactive level: " + figures);
    }
}
