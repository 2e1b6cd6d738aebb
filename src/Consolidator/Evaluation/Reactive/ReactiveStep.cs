using System.Collections.Immutable;
using Consolidator.Inventory;

namespace Consolidator.Evaluation.Reactive;

/// <summary>One control step of the reactive level, on what the monitor has seen (<see cref="Observation"/>):
/// <list type="number">
/// <item>relieve every host whose observed CPU exceeds the upper threshold, moving the fewest VMs (a VM that
/// alone brings the host back under the threshold, the one with least memory among them, as MMT picks the VM
/// that migrates fastest; else the busiest VM, and again), each to the active host whose power rises least and
/// that stays under the threshold with every VM at its recent peak, else to the host off that draws least per
/// core when filled to the threshold (a host is powered on);</item>
/// <item>then empty the least-utilised hosts, one after the other, when every one of their VMs fits on the
/// other active hosts by the same test, all of a host's VMs or none (Beloglazov and Buyya's underload
/// consolidation).</item>
/// </list>
/// The hysteresis is in the sizes: a host is judged overloaded on the last sample but filled on recent peaks,
/// so a host just filled is not overloaded by the load it was filled with, and a VM moved off an overloaded host
/// does not come back until its peak fits again.</summary>
internal static class ReactiveStep
{
    /// <param name="hostOf">Host index per VM (-1: not running), updated with the moves.</param>
    /// <param name="rentWh">Under a plan with <see cref="ReactiveOptions.MoveWeightWhPerGiB"/>, per host, the idle energy a
    /// host the net powered on has drawn while its VMs could have left it for hosts other than their own, carried from
    /// step to step (<see cref="ReactiveOptions.SafetyNet"/>); null: such a host is emptied at once.</param>
    /// <returns>The moves, in order: (VM, from, to).</returns>
    public static List<(int Vm, int From, int To)> Decide(ImmutableArray<Host> hosts, IReadOnlyList<Observation> seen, IReadOnlyList<double> memory,
        int[] hostOf, ReactiveOptions options, double[]? rentWh = null)
    {
        var s = new HostState(hosts, seen, memory, hostOf, options.UpperThreshold, options.Regression, options.Anticipate, temporary: options.PlanHosts is not null,
            seasonalWidth: 2 * options.SeasonalHalfWidth + 1);
        var moves = new List<(int Vm, int From, int To)>();
        var overloaded = Enumerable.Range(0, hosts.Length).Where(s.IsOverloaded).OrderByDescending(h => s.Load[h] / hosts[h].CpuCores).ToList();
        // Hosts relieved or given a VM in this step are not emptied in it.
        var receivers = new HashSet<int>(overloaded);
        foreach (var h in overloaded)
            while (!s.IsSafe(h) && s.Vms[h].Count > 1)
            {
                var vm = s.Fewest(h);
                if (seen[vm].Peak <= 0) break;
                var to = s.Target(vm, except: h, powerOn: true, excluded: null);
                if (to < 0) break;
                s.Move(vm, to);
                moves.Add((vm, h, to));
                receivers.Add(to);
            }

        var drained = new HashSet<int>();
        // Under a plan, a host the net powered on is emptied back onto the plan's hosts only, never onto another
        // host it powered on (ReactiveOptions.SafetyNet): its VMs are there because the plan's hosts had no room,
        // and until they have, the load that called for the host lasts; moving it to another such host trades one
        // host of the overflow for another and is a migration the next round still has to undo.
        int[] netHosts = options.PlanHosts is { } planned ? [.. Enumerable.Range(0, hosts.Length).Where(x => !planned.Contains(x))] : [];
        // The host that costs least to empty goes first (fewest VMs, then least memory to copy, as MMT weighs a
        // migration): every host emptied saves the same idle power, whichever it is.
        foreach (var h in Enumerable.Range(0, hosts.Length).Where(h => s.Vms[h].Count > 0)
                     .OrderBy(h => s.Vms[h].Count).ThenBy(h => s.Memory[h]).ThenBy(h => s.Load[h] / hosts[h].CpuCores).ThenBy(h => h).ToList())
        {
            // Under a plan only the hosts the net powered on are emptied, whatever their load (ReactiveOptions.SafetyNet).
            if (receivers.Contains(h) || (options.PlanHosts is { } plan ? plan.Contains(h) : s.Peak[h] >= options.LowerThreshold * hosts[h].CpuCores))
                continue;
            var excluded = new HashSet<int>(drained) { h };
            excluded.UnionWith(netHosts);
            var round = new List<(int Vm, int To)>();
            foreach (var vm in s.Vms[h].OrderByDescending(v => seen[v].Peak).ThenBy(v => v).ToList())
            {
                var home = options.Home is { } homes && vm < homes.Count ? homes[vm] : -1;
                var to = home >= 0 && home != h && !excluded.Contains(home) && s.Takes(home, vm) ? home : s.Target(vm, except: h, powerOn: false, excluded);
                if (to < 0) break;
                s.Move(vm, to);
                round.Add((vm, to));
            }
            // Rent or buy (ReactiveOptions.SafetyNet): moves to the VMs' own hosts are the round's; the others are
            // bought once the host's idle energy since they could leave has paid their price.
            if (s.Vms[h].Count == 0 && options.PlanHosts is not null && rentWh is not null && ExtraMovesWh(round) is var priceWh and > 0)
            {
                rentWh[h] += hosts[h].WattsAt(0) * options.StepSeconds / 3600.0;
                if (rentWh[h] < priceWh)
                {
                    foreach (var (vm, _) in round) s.Move(vm, h);
                    continue;
                }
            }
            if (s.Vms[h].Count > 0)
            {
                foreach (var (vm, _) in round) s.Move(vm, h);
                continue;
            }
            if (rentWh is not null) rentWh[h] = 0;
            drained.Add(h);
            foreach (var (vm, to) in round)
            {
                receivers.Add(to);
                moves.Add((vm, h, to));
            }
        }
        return moves;

        // The price of a host's moves that the next round would not make anyway (to a host other than the VM's own).
        double ExtraMovesWh(List<(int Vm, int To)> round) =>
            options.MoveWeightWhPerGiB / 1024 * round.Where(m => options.Home is not { } hm || m.Vm >= hm.Count || hm[m.Vm] != m.To).Sum(m => memory[m.Vm]);
    }

    /// <summary>The round's moves the safety net would undo at its first step (<see cref="ReactiveOptions.SafetyNet"/>):
    /// with every VM at its plan's host, a host of the plan the net would relieve at once (its observed load plus its
    /// largest rise past its cores) gives back, fewest first as the net would shed them, the VMs that came to it at the
    /// round from a host the plan does not use (a host the net powered on for the last plan); each stays where it was,
    /// until the net's emptying rule brings it home. The round's move and the net's relief right after it would be two
    /// migrations for a VM that ends the step where it started. Reads what was observed only.</summary>
    /// <param name="hostOf">The placement after the round's moves (each VM at its plan's host), updated with the VMs kept back.</param>
    /// <param name="before">Where each VM ran before the round.</param>
    /// <returns>The VMs kept where they were.</returns>
    public static List<int> KeptBack(ImmutableArray<Host> hosts, IReadOnlyList<Observation> seen, IReadOnlyList<double> memory, int[] hostOf,
        IReadOnlyList<int> before, ReactiveOptions options)
    {
        var kept = new List<int>();
        if (options.PlanHosts is not { } plan) return kept;
        var s = new HostState(hosts, seen, memory, hostOf, options.UpperThreshold, options.Regression, options.Anticipate, temporary: true,
            seasonalWidth: 2 * options.SeasonalHalfWidth + 1);
        foreach (var h in Enumerable.Range(0, hosts.Length).Where(s.IsOverloaded).OrderByDescending(h => s.Load[h] / hosts[h].CpuCores).ThenBy(h => h).ToList())
            while (!s.IsSafe(h))
            {
                var arrived = s.Vms[h].Where(v => before[v] >= 0 && before[v] != h && !plan.Contains(before[v])).ToList();
                if (arrived.Count == 0 || s.Vms[h].Count <= 1) break;
                var vm = s.Fewest(h, arrived);
                s.Move(vm, before[vm]);
                kept.Add(vm);
            }
        return kept;
    }

    /// <summary>The hosts as the step sees them: VMs, observed load, recent-peak load, memory.</summary>
    private sealed class HostState
    {
        private readonly ImmutableArray<Host> _hosts;
        private readonly IReadOnlyList<Observation> _seen;
        private readonly IReadOnlyList<double> _memory;
        private readonly int[] _hostOf;
        private readonly double _threshold;
        private readonly bool _regression;
        private readonly bool _anticipate;
        private readonly bool _temporary;
        private readonly int _seasonalWidth;

        /// <param name="temporary">Whether a host powered on is meant to be emptied again as soon as it can be (the
        /// safety net's), rather than filled.</param>
        /// <param name="seasonalWidth">How many rises each earlier day holds in <see cref="Observation.Seasonal"/>.</param>
        public HostState(ImmutableArray<Host> hosts, IReadOnlyList<Observation> seen, IReadOnlyList<double> memory, int[] hostOf, double threshold,
            bool regression, bool anticipate, bool temporary, int seasonalWidth)
        {
            _seasonalWidth = seasonalWidth;
            _temporary = temporary;
            _regression = regression;
            _anticipate = anticipate;
            _hosts = hosts;
            _seen = seen;
            _memory = memory;
            _hostOf = hostOf;
            _threshold = threshold;
            Vms = [.. hosts.Select(_ => new List<int>())];
            _rise = [.. hosts.Select(_ => double.NaN)];
            _bound = [.. hosts.Select(_ => double.NaN)];
            _margin = [.. hosts.Select(_ => double.NaN)];
            Load = new double[hosts.Length];
            Peak = new double[hosts.Length];
            Memory = new double[hosts.Length];
            for (var v = 0; v < hostOf.Length; v++)
                if (hostOf[v] >= 0) Add(v, hostOf[v]);
        }

        /// <summary>Each host's <see cref="Rise"/>, NaN until computed for its VMs as they are.</summary>
        private readonly double[] _rise;

        public List<int>[] Vms { get; }
        public double[] Load { get; }
        public double[] Peak { get; }
        public double[] Memory { get; }

        /// <summary>Each host's <see cref="Bound"/> and <see cref="Margin"/>, NaN until computed for its VMs as they are.</summary>
        private readonly double[] _bound, _margin;

        public bool IsOverloaded(int h) => Bound(h) > _threshold * _hosts[h].CpuCores || (_regression && Trend(h) * LrMmtState.SafetyParameter >= 1);

        /// <summary>What the host's next summed sample is bounded by, its overload test: its observed load, plus, with
        /// <see cref="ReactiveOptions.Anticipate"/>, <see cref="NextSampleBound"/>'s margin (the largest rise, unless the
        /// host's rises say it is a level plus noise). Kept until the host's VMs change.</summary>
        private double Bound(int h)
        {
            Switch(h);
            return _bound[h];
        }

        /// <summary>What the relief's stopping test and the receiving test add to a host's recent peaks: the margin of
        /// its <see cref="Bound"/> above its observed load (main's largest rise, or the joint level form's margin: see
        /// <see cref="NextSampleBound"/>), so a host relieved or filled is held to the bound that would trigger it.</summary>
        private double Margin(int h)
        {
            Switch(h);
            return _margin[h];
        }

        private void Switch(int h)
        {
            if (!double.IsNaN(_bound[h])) return;
            if (!_anticipate || Vms[h].Count == 0) (_bound[h], _margin[h]) = (Load[h] + Rise(h), Rise(h));
            else (_bound[h], _margin[h]) = NextSampleBound.Of([.. Vms[h].Select(v => _seen[v])], Load[h], Rise(h), _seasonalWidth);
        }

        /// <summary>With <see cref="ReactiveOptions.Anticipate"/>, the rise the host's next summed sample is bounded by: the
        /// rises between consecutive samples of the host's summed load (its VMs as they are now) over the recent samples
        /// every one of them has and, with <see cref="ReactiveOptions.SeasonalDays"/>, over the same time of day on earlier
        /// days (<see cref="Observation.Seasonal"/>: the rises the same VMs made together then), bounded by the largest of
        /// them and at least their one-sided normal prediction bound for the next one (<see cref="NextSampleBound.Margin"/>:
        /// mean + t(n - 1; 0.995) s sqrt(1 + 1/n), Hahn and Meeker, <i>Statistical Intervals</i>, 1991, the prediction
        /// interval for one future observation). The largest of n rises alone is passed by the next with probability about
        /// 1 / (n + 1) (the rank argument), 1 in 20 to 30 on a host's first days of history: `--seed 131`'s traced miss
        /// (docs/two-level.md, stop 43) passed it by 2.7 cores, 20 rises read, the prediction bound 10.9 covering it.
        /// 0 otherwise, on a host with no VMs, and on a host that never rose. Reads what was observed only. Kept until the
        /// host's VMs change.</summary>
        private double Rise(int h)
        {
            if (!_anticipate || Vms[h].Count == 0) return 0;
            if (!double.IsNaN(_rise[h])) return _rise[h];
            var rises = new List<double>();
            var n = Vms[h].Min(v => _seen[v].Recent?.Length ?? 0);
            if (n >= 2)
            {
                var y = new double[n];                                // latest first, as Recent holds them
                foreach (var v in Vms[h])
                    for (var i = 0; i < n; i++) y[i] += _seen[v].Recent![i];
                for (var i = 0; i + 1 < n; i++) rises.Add(y[i] - y[i + 1]);
            }
            if (Vms[h].All(v => _seen[v].Seasonal is not null))
            {
                // A day and offset where some VM had no sample yet gives NaN, which no comparison takes.
                var sum = new double[Vms[h].Min(v => _seen[v].Seasonal!.Length)];
                foreach (var v in Vms[h])
                    for (var i = 0; i < sum.Length; i++) sum[i] += _seen[v].Seasonal![i];
                rises.AddRange(sum.Where(double.IsFinite));
            }
            return _rise[h] = NextSampleBound.Margin(rises);
        }

        /// <summary>Beloglazov and Buyya's local regression on what was observed: a least-squares line through
        /// the host's summed utilisation over the last samples (oldest first, x = 1..n), extrapolated one step
        /// past the last one (the next sample, the one not yet seen); 0 with fewer than
        /// <see cref="LrMmtState.RegressionLength"/> samples.</summary>
        private double Trend(int h)
        {
            var n = LrMmtState.RegressionLength;
            var y = new double[n];
            foreach (var v in Vms[h])
            {
                if (_seen[v].Recent is not { } r) continue;
                for (var i = 0; i < Math.Min(n, r.Length); i++) y[n - 1 - i] += r[i];
            }
            if (Vms[h].Any(v => (_seen[v].Recent?.Length ?? 0) < n)) return 0;
            double sx = 0, sy = 0, sxx = 0, sxy = 0;
            for (var i = 0; i < n; i++)
            {
                double x = i + 1, u = y[i] / _hosts[h].CpuCores;
                sx += x; sy += u; sxx += x * x; sxy += x * u;
            }
            var slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
            return (sy - slope * sx) / n + slope * (n + 1);
        }

        /// <summary>Whether the host's VMs at their recent peaks stay under the threshold: what a host must be to
        /// receive a VM, and what relieving a host restores.</summary>
        public bool IsSafe(int h) => Peak[h] + Margin(h) <= _threshold * _hosts[h].CpuCores;

        /// <summary>The VM to move first off an overloaded host: the least memory among those that alone bring
        /// it under the threshold, else the busiest (fewest moves), least memory on ties.</summary>
        public int Fewest(int h) => Fewest(h, Vms[h]);

        /// <summary>As <see cref="Fewest(int)"/>, among <paramref name="among"/> (VMs on the host) only.</summary>
        public int Fewest(int h, IReadOnlyList<int> among)
        {
            var excess = Peak[h] + Margin(h) - _threshold * _hosts[h].CpuCores;
            var enough = among.Where(v => _seen[v].Peak >= excess).ToList();
            return enough.Count > 0
                ? enough.OrderBy(v => _memory[v]).ThenBy(v => v).First()
                : among.OrderByDescending(v => _seen[v].Peak).ThenBy(v => _memory[v]).ThenBy(v => v).First();
        }

        /// <summary>Whether an active host takes the VM: its VMs' recent peaks with the VM's (and its <see cref="Margin"/>,
        /// when anticipating) within the threshold, and the memory.</summary>
        public bool Takes(int h, int vm) => Vms[h].Count > 0 && Peak[h] + Margin(h) + _seen[vm].Peak <= _threshold * _hosts[h].CpuCores
            && Memory[h] + MemoryOf(vm) <= _hosts[h].MemoryMib;

        /// <summary>Power-aware best fit: the active host whose power rises least and that keeps the VM's recent
        /// peak under the threshold with its own VMs' peaks, and has the memory; failing that (and if allowed),
        /// the host off that draws least per core at the threshold. -1 when none.</summary>
        public int Target(int vm, int except, bool powerOn, ISet<int>? excluded)
        {
            var (cpu, peak) = (_seen[vm].Cpu, _seen[vm].Peak);
            var best = -1;
            var bestWatts = double.MaxValue;
            for (var pass = 0; pass < (powerOn ? 2 : 1) && best < 0; pass++)
                for (var h = 0; h < _hosts.Length; h++)
                {
                    if (h == except || excluded?.Contains(h) == true || (Vms[h].Count > 0) != (pass == 0)) continue;
                    var host = _hosts[h];
                    if (Peak[h] + Margin(h) + peak > _threshold * host.CpuCores || Memory[h] + MemoryOf(vm) > host.MemoryMib) continue;
                    // An active host: the power the VM adds. A host to power on will be filled up to the
                    // threshold, so the one that draws least per core there (the most efficient model); a host the
                    // safety net powers on is emptied as soon as it can be, so the one that draws least carrying the VM.
                    var watts = pass == 0
                        ? host.WattsAt(Math.Min(host.CpuCores, Load[h] + cpu)) - host.WattsAt(Math.Min(host.CpuCores, Load[h]))
                        : _temporary ? host.WattsAt(Math.Min(host.CpuCores, cpu))
                        : host.WattsAt(_threshold * host.CpuCores) / (_threshold * host.CpuCores);
                    if (watts < bestWatts)
                    {
                        bestWatts = watts;
                        best = h;
                    }
                }
            return best;
        }

        /// <summary>A VM's memory: its allocation, or what it was seen to use recently if that is more.</summary>
        private double MemoryOf(int vm) => Math.Max(_memory[vm], _seen[vm].MemoryPeak);

        public void Move(int vm, int to)
        {
            Remove(vm, _hostOf[vm]);
            Add(vm, to);
        }

        private void Add(int vm, int h)
        {
            _hostOf[vm] = h;
            Vms[h].Add(vm);
            _rise[h] = _bound[h] = _margin[h] = double.NaN;
            Load[h] += _seen[vm].Cpu;
            Peak[h] += _seen[vm].Peak;
            Memory[h] += MemoryOf(vm);
        }

        private void Remove(int vm, int h)
        {
            Vms[h].Remove(vm);
            _rise[h] = _bound[h] = _margin[h] = double.NaN;
            Load[h] -= _seen[vm].Cpu;
            Peak[h] -= _seen[vm].Peak;
            Memory[h] -= MemoryOf(vm);
            if (Vms[h].Count == 0) Load[h] = Peak[h] = Memory[h] = 0;
        }
    }
}
