using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Solving;

/// <summary>For identical hosts: a set of VMs of which no two fit one host together (in some resource and
/// window their demands add up to more than the usable capacity), and an order of all VMs that starts with
/// it. The clique needs as many hosts as it has VMs, which is a lower bound, and pinning its VMs to hosts
/// 0..c-1 removes the hosts' interchangeability among them; the rest follow, largest first.</summary>
internal sealed class ConflictClique
{
    /// <summary>Greedy runs, each started from one of the largest VMs; the largest clique found is kept.</summary>
    private const int Starts = 24;

    /// <summary>The clique's VMs (the first <see cref="Size"/> entries), then the others, largest first.</summary>
    public int[] Order { get; }
    public int Size { get; }

    private readonly PlacementProblem _p;
    private readonly List<(Resource R, int W)> _rows;

    public ConflictClique(PlacementProblem p, List<int>[] windows)
    {
        _p = p;
        _rows = [.. Resources.All.SelectMany(r => windows[(int)r].Select(w => (r, w)))];
        var bySize = Enumerable.Range(0, p.VmCount)
            .Select(v => (V: v, Max: _rows.Max(x => Share(v, x)), Sum: _rows.Sum(x => Share(v, x))))
            .OrderByDescending(t => t.Max).ThenByDescending(t => t.Sum).ThenBy(t => t.V)
            .Select(t => t.V).ToArray();

        var best = new List<int>();
        for (var s = 0; s < Math.Min(Starts, bySize.Length); s++)
        {
            var clique = new List<int> { bySize[s] };
            foreach (var v in bySize)
                if (v != bySize[s] && clique.TrueForAll(u => Conflict(u, v))) clique.Add(v);
            if (clique.Count > best.Count) best = clique;
        }
        Size = best.Count;
        var inClique = best.ToHashSet();
        Order = [.. best, .. bySize.Where(v => !inClique.Contains(v))];
    }

    /// <summary>True when VMs u and v cannot share a host. The windows given are the non-dominated ones; a
    /// dominated window's demands are at most a kept window's, so checking the kept ones suffices.</summary>
    public bool Conflict(int u, int v)
    {
        foreach (var (r, w) in _rows)
            if ((long)_p.Demand(u, r, w) + _p.Demand(v, r, w) > _p.Usable(0, r)) return true;
        return false;
    }

    private double Share(int v, (Resource R, int W) row) => _p.Usable(0, row.R) <= 0 ? 0 : (double)_p.Demand(v, row.R, row.W) / _p.Usable(0, row.R);
}
