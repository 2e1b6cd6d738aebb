using Consolidator.Evaluation.Reactive;
using Consolidator.Inventory;
using Consolidator.Traces;

namespace Consolidator.Evaluation.Adaptive;

/// <summary>The evidence for the first round's mode choice, which has no earlier test interval: both candidates
/// replayed on the fold's training period, the last interval before the round and so history. The reactive level
/// runs there from the placement in force (the operator's, on the first fold), deciding on samples before each
/// step as it always does, so its figures are a backtest of what it would do from that placement; the plan is
/// replayed there at the placement the round chose, which it was sized on, under the host level the adaptive policy
/// runs (shares by QoS, no caps): in sample, the only SLA evidence there is about a plan with no earlier interval;
/// its energy is judged by its forecast, as on the first calibrated round.
/// Without it the first day ran the reactive level by default, and a month the plan suits paid for consolidating
/// from the operator's placement twice: the reactive level's moves on the first day, then the switch to the plan
/// on the second (on the generated month about 620 and 570 moves, against 396 for entering the plan directly).</summary>
internal static class TrainingBacktest
{
    /// <summary>The backtest starts once the reactive level has seen the samples it decides on
    /// (<see cref="ReactiveOptions.PeakSamples"/> control steps): before that a level that had been running would
    /// have seen the days before, which the first training period has not.</summary>
    public static Period Span(Fold fold, ReactiveOptions options) =>
        new(Math.Min(fold.Train.From + options.PeakSamples * options.StepSeconds, fold.Train.To - options.StepSeconds), fold.Train.To);

    /// <param name="inForce">Where each judged VM runs at the round (host index).</param>
    /// <param name="target">The round's plan per judged VM (-1: not placed; it stays).</param>
    /// <returns>The plan's and the reactive level's outcomes on the training period.</returns>
    public static (PolicyOutcome Plan, PolicyOutcome Reactive) Run(Dataset data, Fold fold, bool memoryFloor, IReadOnlyList<int> inForce,
        IReadOnlyList<int> target, ReactiveOptions options, Func<int, int, int, double, TimedMigration> cost)
    {
        var span = Span(fold, options);
        var vms = fold.Vms.Select(v => data.Vms[v]).ToArray();
        Timeline[] timelines = [.. fold.Vms.Select((v, k) => Timeline.Of(fold.Split.FullSeries[k], span, memoryFloor ? vms[k].MemoryMib : 0, vms[k].Vcpus))];

        var plan = new ReplayTotals();
        StaticReplay.Replay(plan, data.Hosts, timelines.Select((t, k) => (target[k] >= 0 ? target[k] : inForce[k], new Resident(t, span.From, span.To, fold.Qos[k]) { Weight = ReactivePolicy.Weight(fold.Qos[k]) })), span);

        var reactive = new ReplayTotals();
        ReactivePolicy.Run(reactive, data.Hosts, [.. fold.Vms.Select(v => data.Usage[v])], [.. vms.Select(vm => vm.Vcpus)], [.. vms.Select(vm => vm.MemoryMib)],
            timelines, fold.Qos, [.. inForce], span, options, cost);
        return (plan.Outcome(Evaluator.TwoLevel, span), reactive.Outcome(ReactivePolicy.Name, span));
    }
}
