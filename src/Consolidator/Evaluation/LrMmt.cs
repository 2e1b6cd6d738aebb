using Consolidator.Traces;

namespace Consolidator.Evaluation;

/// <summary>The LR-MMT dynamic consolidation baseline of Beloglazov and Buyya 2012 as CloudSim implements it
/// (PowerVmAllocationPolicyMigrationAbstract.optimizeAllocation with the LocalRegression policy, safety 1.2,
/// MMT selection and power-aware best-fit placement), run every 300 s from today's placement. Migrations take
/// effect at the interval they are decided in; their cost shows in PDM.</summary>
public static class LrMmt
{
    public const string Name = "LR-MMT 1.2";

    /// <summary>Runs LR-MMT over <paramref name="span"/> from the placement in <paramref name="hostOf"/> (one host
    /// index per VM, updated to where LR-MMT leaves each VM) and adds what the hosts went through to
    /// <paramref name="totals"/>.</summary>
    /// <param name="memory">Allocated memory per VM (MiB): LR-MMT reserves it, as CloudSim does.</param>
    /// <param name="fullSeries">Every VM's whole trace: decisions read the samples before the span as history.</param>
    /// <param name="test">Every VM's test samples, replayed.</param>
    /// <param name="cost">What a migration of VM v from host a to host b starting at t costs.</param>
    /// <returns>How many VMs had no sample in the history before the span (LR-MMT started cold for them).</returns>
    public static int Run(ReplayTotals totals, System.Collections.Immutable.ImmutableArray<Inventory.Host> hosts, double[] memory,
        IReadOnlyList<VmSeries> fullSeries, IReadOnlyList<Timeline> test, Inventory.QosClass[] qos, int[] hostOf, Period span,
        double bandwidthMbps, Func<int, int, int, double, TimedMigration> cost)
    {
        var n = memory.Length;
        var step = (long)LrMmtState.SchedulingSeconds;
        // The decisions read the samples before the test period too: a host's history starts full, where
        // CloudSim's starts empty and falls back to the static threshold for its first 10 intervals.
        var seen = new Period(span.From - LrMmtState.HistoryLength * step, span.To);
        var decisionView = fullSeries.Select(s => Timeline.Of(s, seen, 0)).ToArray();
        var history = new double[n][];
        var cold = 0;
        for (var v = 0; v < n; v++)
        {
            history[v] = new double[LrMmtState.HistoryLength];
            for (var i = 0; i < LrMmtState.HistoryLength; i++) history[v][i] = decisionView[v].CpuAt(span.From - (i + 1) * step);
            if (decisionView[v].Count == 0 || decisionView[v].Start[0] >= span.From) cold++;
        }
        var cpu = new double[n];
        var migrations = new List<TimedMigration>();
        for (var t = span.From; t < span.To; t += step)
        {
            for (var v = 0; v < n; v++)
            {
                cpu[v] = decisionView[v].CpuAt(t);
                Array.Copy(history[v], 0, history[v], 1, LrMmtState.HistoryLength - 1);
                history[v][0] = cpu[v];
            }
            var state = new LrMmtState(hosts, history, cpu, memory, bandwidthMbps);
            for (var v = 0; v < n; v++) state.Add(v, hostOf[v]);
            // A VM moved twice in one optimisation (onto a host that is then drained) makes one trip.
            var final = new SortedDictionary<int, int>();
            foreach (var (vm, to) in Optimise(state)) final[vm] = to;
            foreach (var (vm, to) in final.Where(kv => kv.Value != hostOf[kv.Key]))
            {
                migrations.Add(cost(vm, hostOf[vm], to, t));
                hostOf[vm] = to;
            }
            var end = Math.Min(t + step, span.To);
            foreach (var group in Enumerable.Range(0, n).GroupBy(v => hostOf[v]).OrderBy(g => g.Key))
                HostReplay.Run(totals, hosts[group.Key], [.. group.Select(v => new Resident(test[v], t, end, qos[v]))], t, end);
        }
        StaticReplay.AddMigrations(totals, test, migrations);
        return cold;
    }

    /// <summary>optimizeAllocation: relieve overloaded hosts (MMT picks, best-fit placement), then try to empty
    /// the least-utilised hosts one by one, all of a host's VMs or none. Returns the moves.</summary>
    internal static List<(int Vm, int To)> Optimise(LrMmtState s)
    {
        var overloaded = Enumerable.Range(0, s.HostCount).Where(h => s.Vms[h].Count > 0 && s.IsOverloaded(h)).ToList();
        var toMigrate = new List<int>();
        foreach (var h in overloaded)
            while (s.MinimumMigrationTimeVm(h) is var vm and >= 0)
            {
                toMigrate.Add(vm);
                s.Remove(vm, h);
                if (!s.IsOverloaded(h)) break;
            }

        var moves = new List<(int Vm, int To)>();
        var excluded = new HashSet<int>(overloaded);
        foreach (var vm in s.ByCpuDescending(toMigrate))
        {
            var to = s.FindHost(vm, excluded);
            if (to < 0) continue;
            s.Add(vm, to);
            moves.Add((vm, to));
        }

        // getMigrationMapFromUnderUtilizedHosts
        var switchedOff = Enumerable.Range(0, s.HostCount).Where(h => s.Cpu[h] == 0).ToList();
        var notDrained = new HashSet<int>(overloaded.Concat(switchedOff));
        var notTarget = new HashSet<int>(overloaded.Concat(switchedOff));
        while (notDrained.Count < s.HostCount)
        {
            var under = -1;
            var least = 1.0;
            for (var h = 0; h < s.HostCount; h++)
            {
                if (notDrained.Contains(h)) continue;
                var u = s.Utilisation(h);
                if (u > 0 && u < least) { least = u; under = h; }
            }
            if (under < 0) break;
            notDrained.Add(under);
            notTarget.Add(under);
            var round = new List<(int Vm, int To)>();
            foreach (var vm in s.ByCpuDescending(s.Vms[under].ToArray()))
            {
                var to = s.FindHost(vm, notTarget);
                if (to < 0)
                {
                    foreach (var (placed, host) in round) s.Remove(placed, host);
                    round.Clear();
                    break;
                }
                s.Add(vm, to);
                round.Add((vm, to));
            }
            foreach (var (_, to) in round) notDrained.Add(to);
            moves.AddRange(round);
        }
        // A VM picked from an overloaded host that found no new host stays where it was.
        return moves;
    }
}
