using System.Collections.Immutable;
using Consolidator.Allocation;
using Consolidator.Evaluation.Reactive;
using Consolidator.Inventory;
using Consolidator.Traces;

namespace Consolidator.Evaluation.Adaptive;

/// <summary>The two-level policy judged by default with <c>--replan</c>: at each round, from history only, it
/// chooses (<see cref="ModeChoice"/>) between the day-ahead plan, sized on its CPU forecast calibrated by its own
/// measured error (<see cref="ForecastCalibration"/>), with the reactive level as a safety net under it
/// (<see cref="ReactiveOptions.SafetyNet"/>), and the reactive level alone. In plan mode the VMs not where the
/// round's plan puts them move there at the round (each charged as a migration alone on its link, as the
/// reactive level's moves are), except those the net would move off again at once (<see cref="ReactiveStep.KeptBack"/>);
/// either way the host level shares each host's cores by QoS as the reactive level
/// does.</summary>
public static class AdaptivePolicy
{
    public const string Name = "two-level adaptive";

    /// <param name="target">In plan mode, the plan's host per VM (-1: the plan did not place it; it stays).</param>
    /// <param name="hostOf">The placement in force, updated to where the interval leaves each VM.</param>
    /// <param name="windows">The plan's windows, which tell the safety net which earlier days are of today's kind.</param>
    /// <returns>A sentence for the fold's notes: the moves at the round and the reactive level's (the net's).</returns>
    public static string Run(ReplayTotals totals, Mode mode, IReadOnlyList<int>? target, ImmutableArray<Host> hosts, IReadOnlyList<VmSeries> series,
        IReadOnlyList<double> vcpus, IReadOnlyList<double> memory, IReadOnlyList<Timeline> test, IReadOnlyList<QosClass> qos, int[] hostOf,
        Period span, ReactiveOptions options, Func<int, int, int, double, TimedMigration> cost, Profiles.WindowScheme? windows = null)
    {
        var moves = new List<TimedMigration>();
        var keptBack = 0;
        if (mode == Mode.Plan && target is not null)
        {
            options = options.SafetyNet(target, windows);
            var before = hostOf.ToArray();
            for (var v = 0; v < hostOf.Length; v++)
                if (target[v] >= 0) hostOf[v] = target[v];
            // A VM the net had moved off its plan's host stays where it is when the net would at once move it (or
            // another as costly) off the host the round sends it to; the net's emptying brings it home when it fits.
            var seen = new Observation[series.Count];
            ReactivePolicy.Observe(series, vcpus, span.From, options, seen, new double[]?[series.Count]);
            keptBack = ReactiveStep.KeptBack(hosts, seen, memory, hostOf, before, options).Count;
            for (var v = 0; v < hostOf.Length; v++)
                if (hostOf[v] != before[v]) moves.Add(cost(v, before[v], hostOf[v], span.From));
            StaticReplay.AddMigrations(totals, test, moves);
        }
        var reactive = ReactivePolicy.Run(totals, hosts, series, vcpus, memory, test, qos, hostOf, span, options, cost);
        if (options.PlanHosts is not { } plan) return $"{reactive.Count} move(s) by the reactive level";
        // Under a plan: a move off one of the plan's hosts relieves it; one off a host the net powered on empties it.
        var relief = reactive.Count(m => plan.Contains(m.From));
        return $"{moves.Count} move(s) to the plan's hosts at the round, {reactive.Count} by the safety net ({relief} relieving the plan's hosts, {reactive.Count - relief} emptying hosts it powered on); {keptBack} VM(s) kept off their plan's host at the round, which the net would have relieved at once";
    }
}
