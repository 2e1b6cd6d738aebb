using System.Collections.Immutable;
using Consolidator.Allocation;
using Consolidator.Inventory;
using Consolidator.Traces;

namespace Consolidator.Evaluation.Reactive;

/// <summary>A placement change the reactive level decided at <see cref="Time"/>.</summary>
public readonly record struct ReactiveMove(long Time, int Vm, int From, int To);

/// <summary>The reactive level (issue 13): every control step it observes the VMs (samples before the step
/// only), relieves overloaded hosts and empties underloaded ones (<see cref="ReactiveStep"/>), and its moves
/// take effect in that step, as LR-MMT's do, charged the same way (the live-migration simulator's time, downtime
/// and energy for a migration alone on its link; CloudSim's 10 % degradation while it runs, in PDM). On each
/// host the CPU is shared by QoS (the host level): an interactive VM weighs
/// <see cref="AllocationPlanner.InteractiveShareFactor"/> times a batch VM in the fair scheduler, neither is
/// capped, so a batch VM gives way to interactive ones only when the host is short.</summary>
public static class ReactivePolicy
{
    public const string Name = "two-level reactive";

    /// <summary>Runs the reactive level over <paramref name="span"/> from the placement in
    /// <paramref name="hostOf"/> (updated to where it leaves each VM) and, when <paramref name="totals"/> is given,
    /// replays the test samples and adds what the hosts went through.</summary>
    /// <param name="series">Every VM's whole trace: the only input of the decisions, read before each step.</param>
    /// <param name="test">Every VM's test samples, replayed (not read by the decisions).</param>
    /// <param name="cost">What a migration of VM v from host a to host b starting at t costs.</param>
    /// <returns>Every move, in order.</returns>
    public static List<ReactiveMove> Run(ReplayTotals? totals, ImmutableArray<Host> hosts, IReadOnlyList<VmSeries> series, IReadOnlyList<double> vcpus,
        IReadOnlyList<double> memory, IReadOnlyList<Timeline>? test, IReadOnlyList<QosClass> qos, int[] hostOf, Period span, ReactiveOptions options,
        Func<int, int, int, double, TimedMigration>? cost)
    {
        options.Validate();
        var n = series.Count;
        var seen = new Observation[n];
        var rises = new double[]?[n];
        var moves = new List<ReactiveMove>();
        var migrations = new List<TimedMigration>();
        var rentWh = new double[hosts.Length];
        for (var t = span.From; t < span.To; t += options.StepSeconds)
        {
            Observe(series, vcpus, t, options, seen, rises);
            foreach (var (vm, from, to) in ReactiveStep.Decide(hosts, seen, memory, hostOf, options, rentWh))
            {
                moves.Add(new ReactiveMove(t, vm, from, to));
                if (cost is not null) migrations.Add(cost(vm, from, to, t));
            }
            if (totals is null || test is null) continue;
            var end = Math.Min(t + options.StepSeconds, span.To);
            foreach (var group in Enumerable.Range(0, n).Where(v => hostOf[v] >= 0).GroupBy(v => hostOf[v]).OrderBy(g => g.Key))
                HostReplay.Run(totals, hosts[group.Key], [.. group.Select(v => new Resident(test[v], t, end, qos[v]) { Weight = Weight(qos[v]) })], t, end);
        }
        if (totals is not null && test is not null) StaticReplay.AddMigrations(totals, test, migrations);
        return moves;
    }

    /// <summary>What the level sees of every VM at <paramref name="t"/> (samples stamped before it only): the last sample,
    /// the recent ones and, when anticipating, the same-hour rises of the earlier days it reads.</summary>
    /// <param name="rises">One buffer per VM, rewritten at each call: a step's decisions are made before the next is read.</param>
    internal static void Observe(IReadOnlyList<VmSeries> series, IReadOnlyList<double> vcpus, long t, ReactiveOptions options, Observation[] seen,
        double[]?[] rises)
    {
        var days = options.Anticipate ? options.SeasonalDaysAt(t) : [];
        var width = days.Length * (2 * options.SeasonalHalfWidth + 1);
        for (var v = 0; v < series.Count; v++)
        {
            seen[v] = Observation.Before(series[v], t, options.PeakSamples, vcpus[v]);
            if (days.Length == 0) continue;
            if (rises[v]?.Length != width) rises[v] = new double[width];
            Observation.Rises(series[v], t, vcpus[v], days, options.SeasonalHalfWidth, options.StepSeconds, rises[v]!);
            seen[v] = seen[v] with { Seasonal = rises[v] };
        }
    }

    /// <summary>The fair scheduler's weight of a VM by its QoS class.</summary>
    public static double Weight(QosClass qos) => qos == QosClass.Interactive ? AllocationPlanner.InteractiveShareFactor : 1;
}
