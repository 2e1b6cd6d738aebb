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
}
