using System.Globalization;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Timing;
using Google.OrTools.Sat;

namespace Consolidator.Solving;

/// <summary>Bin-count descent for problems whose objective only counts identical hosts (<see cref="HostCounting"/>):
/// from an incumbent on U hosts, ask CP-SAT whether every VM fits on U - 1 (<see cref="BinCountModel"/>),
/// hinted with the incumbent minus its least-loaded host, and repeat until the lower bound is reached (the
/// incumbent is optimal), CP-SAT proves a count infeasible (one more is optimal) or the time runs out. A
/// feasibility question with strong symmetry breaking is far easier for CP-SAT than minimising over all
/// hosts, whose LP bound is weak for bin packing.</summary>
/// <param name="options">The solve's options: its seed, its mode (counted work or the wall clock) and, on the wall clock,
/// the caller's lateness and clock (<see cref="WorkClock.For"/>), by which a question already running stops when
/// they say the budget is spent.</param>
internal sealed class BinCountDescent(PlacementProblem p, int workers, SolverOptions options)
{
    /// <summary>Below this many seconds left, no further question is posed.</summary>
    private const double MinAttemptSeconds = 0.05;

    /// <param name="Best">The best placement, on <see cref="Best"/>.ActiveHostCount hosts.</param>
    /// <param name="HostBound">Proven lower bound on the active hosts: the given bound, the clique size, or
    /// one more than a count CP-SAT proved infeasible.</param>
    /// <param name="Spent">Solver time used: counted work in the deterministic mode, wall-clock otherwise.</param>
    public sealed record Outcome(Placement Best, int HostBound, int Steps, double Spent, string Note);

    /// <param name="incumbent">A feasible placement of every VM.</param>
    /// <param name="lowerBound">Hosts no placement can do with fewer than (volume, Martello-Toth).</param>
    /// <param name="onImprove">Called with each placement on fewer hosts.</param>
    public Outcome Run(Placement incumbent, int lowerBound, double budget, Action<Placement>? onImprove = null)
    {
        var clock = WorkClock.For(options);
        var (seed, counted) = (options.Seed, options.Deterministic);
        var windows = PlacementModel.FindNonDominatedWindows(p, Enumerable.Range(0, p.VmCount).ToArray());
        var clique = new ConflictClique(p, windows);
        var most = BinCountModel.MaxVmsPerHost(p, windows);
        var bound = Math.Max(Math.Max(lowerBound, clique.Size), (p.VmCount + most - 1) / most);
        var best = incumbent;
        int steps = 0, start = incumbent.ActiveHostCount;
        double spent = 0;
        string stop;
        while (true)
        {
            var bins = best.ActiveHostCount - 1;
            if (bins < bound) { stop = $"the lower bound of {bound} hosts is reached"; break; }
            var left = budget - spent;
            if (left < MinAttemptSeconds) { stop = $"the time ran out before {bins} hosts were decided"; break; }

            var (binOf, binHost) = Relabel(best, clique);
            var model = new BinCountModel(p, clique, windows, bins);
            model.Hint(binOf);
            var solver = new CpSolver { StringParameters = SubSolve.Parameters(left, seed, workers, counted) + BinCountModel.Parameters };
            // CP-SAT's limit is fixed as the question starts; the watchdog stops it when the command's end comes closer.
            var status = SolveWatchdog.Solve(solver, model.Model, null, counted ? null : () => clock.Spent >= budget, out _);
            clock.Charge(solver.Response?.DeterministicTime ?? left);
            spent = clock.Spent;
            steps++;
            if (status is CpSolverStatus.Optimal or CpSolverStatus.Feasible && solver.ObjectiveValue < 0.5)
            {
                var found = model.Read(x => solver.BooleanValue(x));
                best = new Placement([.. found.Select(b => binHost[b])]);
                onImprove?.Invoke(best);
                continue;
            }
            if (status is CpSolverStatus.Optimal or CpSolverStatus.Infeasible || solver.BestObjectiveBound > 0.5)
            {
                bound = bins + 1;
                stop = $"CP-SAT proved {bins} hosts infeasible";
                break;
            }
            stop = $"the time ran out before {bins} hosts were decided";
            break;
        }
        var note = string.Format(CultureInfo.InvariantCulture,
            "bin-count descent (identical hosts, the objective counts them): {0} -> {1} hosts in {2} CP-SAT question(s), {3:0.#} s; {4}; conflict clique of {5} VMs; proven bound {6} hosts",
            start, best.ActiveHostCount, steps, spent, stop, clique.Size, bound);
        return new Outcome(best, bound, steps, spent, note);
    }

    /// <summary>The incumbent without its least-loaded host, as bins 0..U-2 relabelled to obey the model's
    /// symmetry breaking: the host of clique VM i is bin i, the other hosts are numbered in the order of their
    /// first VM. VMs of the closed host get no bin (-1). Also returns the host behind each bin, so the answer
    /// keeps the incumbent's hosts.</summary>
    private (int[] BinOf, int[] BinHost) Relabel(Placement incumbent, ConflictClique clique)
    {
        var closed = incumbent.HostOf.Where(h => h >= 0).Distinct()
            .OrderBy(h => Load(incumbent, h)).ThenBy(h => h).First();
        var label = new Dictionary<int, int>();
        var freeCliqueBins = new Queue<int>();
        for (var i = 0; i < clique.Size; i++)
        {
            var h = incumbent[clique.Order[i]];
            if (h == closed) freeCliqueBins.Enqueue(i);
            else label[h] = i;
        }
        var next = clique.Size;
        for (var i = clique.Size; i < clique.Order.Length; i++)
        {
            var h = incumbent[clique.Order[i]];
            if (h == closed || label.ContainsKey(h)) continue;
            label[h] = freeCliqueBins.Count > 0 ? freeCliqueBins.Dequeue() : next++;
        }
        var binHost = new int[label.Count];
        foreach (var (h, b) in label) binHost[b] = h;
        var binOf = new int[p.VmCount];
        for (var v = 0; v < p.VmCount; v++) binOf[v] = label.TryGetValue(incumbent[v], out var b) ? b : -1;
        return (binOf, binHost);
    }

    /// <summary>Host h's load: the sum over resources and windows of its VMs' share of the usable capacity.</summary>
    private double Load(Placement placement, int h)
    {
        double load = 0;
        for (var v = 0; v < p.VmCount; v++)
        {
            if (placement[v] != h) continue;
            foreach (var r in Resources.All)
                for (var w = 0; w < p.WindowCount; w++)
                    if (p.Usable(h, r) > 0) load += (double)p.Demand(v, r, w) / p.Usable(h, r);
        }
        return load;
    }
}
