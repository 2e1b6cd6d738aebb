using Consolidator.Inventory;
using Consolidator.Packing;
using Google.OrTools.Sat;

namespace Consolidator.Solving;

/// <summary>The CP-SAT encoding of a <see cref="PlacementProblem"/> (research/consolidation.md section 2):
/// x[v,h] Booleans only where VM v fits host h alone, y[h] for a powered host, one capacity row per
/// host, resource and distinct window, energy plus migration cost minimised in tenths of a Wh.</summary>
internal sealed class PlacementModel
{
    public CpModel Model { get; } = new();
    public readonly BoolVar?[,] X;
    public readonly BoolVar[] Y;

    public PlacementModel(PlacementProblem p, IReadOnlySet<int> stayPut)
    {
        X = new BoolVar?[p.VmCount, p.HostCount];
        Y = new BoolVar[p.HostCount];
        for (var h = 0; h < p.HostCount; h++) Y[h] = Model.NewBoolVar($"y{h}");

        for (var v = 0; v < p.VmCount; v++)
        {
            var choices = new List<ILiteral>();
            for (var h = 0; h < p.HostCount; h++)
            {
                if (stayPut.Contains(v) ? h != p.CurrentHost(v) : !p.FitsAlone(v, h)) continue;
                var x = Model.NewBoolVar($"x{v}_{h}");
                X[v, h] = x;
                choices.Add(x);
                // Redundant with the capacity rows, but it tightens the LP relaxation a lot.
                Model.AddImplication(x, Y[h]);
            }
            Model.AddExactlyOne(choices);
        }

        var distinctWindows = DistinctWindows(p);
        for (var h = 0; h < p.HostCount; h++)
            foreach (var r in Resources.All)
                foreach (var w in distinctWindows[(int)r])
                {
                    var vars = new List<BoolVar>();
                    var coefs = new List<long>();
                    for (var v = 0; v < p.VmCount; v++)
                        if (X[v, h] is { } x && p.Demand(v, r, w) > 0) { vars.Add(x); coefs.Add(p.Demand(v, r, w)); }
                    if (vars.Count == 0 || coefs.Sum() <= p.Usable(h, r)) continue;
                    Model.Add(LinearExpr.WeightedSum(vars, coefs) <= LinearExpr.Term(Y[h], p.Usable(h, r)));
                }

        BreakSymmetry(p);

        var objVars = new List<ILiteral>();
        var objCoefs = new List<long>();
        long offset = 0; // every placed VM pays its move, refunded when it stays
        for (var h = 0; h < p.HostCount; h++) { objVars.Add(Y[h]); objCoefs.Add(Objective.IdleUnits(p, h)); }
        for (var v = 0; v < p.VmCount; v++)
        {
            var move = p.CurrentHost(v) >= 0 ? Objective.MigrationUnits(p, v) : 0;
            offset += move;
            for (var h = 0; h < p.HostCount; h++)
            {
                if (X[v, h] is not { } x) continue;
                var c = Objective.DynamicUnits(p, v, h) - (h == p.CurrentHost(v) ? move : 0);
                if (c != 0) { objVars.Add(x); objCoefs.Add(c); }
            }
        }
        Model.Minimize(LinearExpr.WeightedSum(objVars.Select(l => (BoolVar)l), objCoefs) + offset);
    }

    /// <summary>Warm start: CP-SAT tries the hinted placement first and repairs it if it breaks a row.</summary>
    public void Hint(Placement placement)
    {
        var used = new HashSet<int>(placement.HostOf.Where(h => h >= 0));
        for (var h = 0; h < Y.Length; h++) Model.AddHint(Y[h], used.Contains(h));
        for (var v = 0; v < placement.HostOf.Length; v++)
            for (var h = 0; h < Y.Length; h++)
                if (X[v, h] is { } x) Model.AddHint(x, h == placement[v]);
    }

    public Placement Read(Func<BoolVar, bool> value)
    {
        var hostOf = new int[X.GetLength(0)];
        for (var v = 0; v < hostOf.Length; v++)
        {
            hostOf[v] = -1;
            for (var h = 0; h < Y.Length; h++)
                if (X[v, h] is { } x && value(x)) { hostOf[v] = h; break; }
        }
        return new Placement([.. hostOf]);
    }

    /// <summary>Windows whose demand column equals an earlier one's give identical rows; keep one. Memory
    /// floored at the allocation is usually the same in every window.</summary>
    private static List<int>[] DistinctWindows(PlacementProblem p)
    {
        var result = new List<int>[Resources.Count];
        foreach (var r in Resources.All)
        {
            var seen = new List<int>();
            for (var w = 0; w < p.WindowCount; w++)
            {
                var dominated = false;
                foreach (var k in seen)
                {
                    var sameOrSmaller = true;
                    for (var v = 0; v < p.VmCount && sameOrSmaller; v++)
                        sameOrSmaller = p.Demand(v, r, w) <= p.Demand(v, r, k);
                    if (sameOrSmaller) { dominated = true; break; }
                }
                if (!dominated) seen.Add(w);
            }
            result[(int)r] = seen;
        }
        return result;
    }

    /// <summary>Hosts of one model that carry no VM today are interchangeable: power them on in index order.
    /// Hosts with current VMs differ through migration costs, so they are left alone.</summary>
    private void BreakSymmetry(PlacementProblem p)
    {
        var hasVms = new bool[p.HostCount];
        for (var v = 0; v < p.VmCount; v++) if (p.CurrentHost(v) >= 0) hasVms[p.CurrentHost(v)] = true;
        var groups = Enumerable.Range(0, p.HostCount)
            .Where(h => !hasVms[h])
            .GroupBy(h => (p.Hosts[h].CpuCores, p.Hosts[h].MemoryMib, p.Hosts[h].IdleWatts, p.Hosts[h].MaxWatts));
        foreach (var g in groups)
        {
            var hosts = g.OrderBy(h => h).ToArray();
            for (var i = 0; i + 1 < hosts.Length; i++)
                Model.AddImplication(Y[hosts[i + 1]], Y[hosts[i]]);
        }
    }
}
