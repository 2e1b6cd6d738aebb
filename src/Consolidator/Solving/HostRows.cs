using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Solving;

/// <summary>A placement under local search (<see cref="SwapDescent"/>, <see cref="Homecoming"/>): where each VM runs,
/// which VMs each host carries, each host's load in every row (one resource in one window) and the objective units,
/// all kept up to date move by move. Its work is counted in row operations (the callers turn them into counted
/// seconds), so the deterministic mode repeats it exactly.</summary>
internal sealed class HostRows
{
    private readonly PlacementProblem _p;
    private readonly bool _chargeWholeCheck;
    private readonly long[] _load;    // [h, r, w]
    private readonly int[] _hostOf;
    private readonly List<int>[] _on;
    private readonly Storage.StoreTally? _stores; // when the problem counts images once: the disk row's stand-in

    /// <param name="chargeWholeCheck">Charge a fit check every row even when it stops at the first row over (swap
    /// descent's budget has always counted so); otherwise the rows it read.</param>
    public HostRows(PlacementProblem p, Placement start, bool chargeWholeCheck)
    {
        _p = p;
        _chargeWholeCheck = chargeWholeCheck;
        Rows = Resources.Count * p.WindowCount;
        _load = new long[p.HostCount * Rows];
        _hostOf = new int[start.HostOf.Length];
        Array.Fill(_hostOf, -1);
        _on = Enumerable.Range(0, p.HostCount).Select(_ => new List<int>()).ToArray();
        _stores = p.CountsImagesOnce ? p.NewTally() : null;
        for (var v = 0; v < _hostOf.Length; v++)
            if (start.HostOf[v] >= 0) Move(v, start.HostOf[v]);
        Units = Objective.Units(p, start);
    }

    /// <summary>Rows per host: resources times windows.</summary>
    public int Rows { get; }

    /// <summary>Row operations done so far, the callers' own included (<see cref="Charge"/>).</summary>
    public long Work { get; private set; }

    /// <summary>The objective of the current placement, in <see cref="Objective"/> units.</summary>
    public long Units { get; private set; }

    public Placement Current => new([.. _hostOf]);

    public int HostOf(int v) => _hostOf[v];

    /// <summary>The VMs on host h, in the order they came.</summary>
    public IReadOnlyList<int> On(int h) => _on[h];

    /// <summary>Counts work done outside this type.</summary>
    public void Charge(long rowOperations) => Work += rowOperations;

    /// <summary>True when host h holds its VMs with <paramref name="inA"/> and <paramref name="inB"/> added and
    /// <paramref name="outA"/> and <paramref name="outB"/> gone (-1: none), in every row.</summary>
    public bool Fits(int h, int inA, int inB = -1, int outA = -1, int outB = -1)
    {
        var row = 0;
        for (var r = 0; r < Resources.Count; r++)
        {
            var usable = _p.Usable(h, (Resource)r);
            if (!_p.Additive((Resource)r))
            {
                // One row: the store with its images once, in place of every window's sum of whole disks.
                row += _p.WindowCount;
                if (_stores!.FitsWith(h, [inA, inB], [outA, outB])) continue;
                Work += _chargeWholeCheck ? Rows : row;
                return false;
            }
            for (var w = 0; w < _p.WindowCount; w++, row++)
            {
                var load = _load[h * Rows + row] + Demand(inA, r, w) + Demand(inB, r, w) - Demand(outA, r, w) - Demand(outB, r, w);
                if (load > usable) { Work += _chargeWholeCheck ? Rows : row + 1; return false; }
            }
        }
        Work += Rows;
        return true;
    }

    /// <summary>Moves v to host <paramref name="to"/> (-1: off every host), keeping loads and objective.</summary>
    public void Move(int v, int to)
    {
        var from = _hostOf[v];
        if (from >= 0)
        {
            _on[from].Remove(v);
            Shift(v, from, -1);
            Units -= Cost(v, from);
            if (_on[from].Count == 0) Units -= Objective.IdleUnits(_p, from);
        }
        if (to >= 0)
        {
            if (_on[to].Count == 0) Units += Objective.IdleUnits(_p, to);
            _on[to].Add(v);
            Shift(v, to, +1);
            Units += Cost(v, to);
        }
        _hostOf[v] = to;
    }

    private long Demand(int v, int r, int w) => v < 0 ? 0 : _p.Demand(v, (Resource)r, w);

    /// <summary>What VM v adds to the objective on host h: its dynamic energy, and its move when h is not its host today.</summary>
    private long Cost(int v, int h) =>
        Objective.DynamicUnits(_p, v, h) + (_p.CurrentHost(v) >= 0 && _p.CurrentHost(v) != h ? Objective.MigrationUnits(_p, v) + Objective.DiskUnits(_p, v, h) : 0);

    private void Shift(int v, int h, int sign)
    {
        Work += Rows;
        if (sign > 0) _stores?.Add(v, h); else _stores?.Remove(v, h);
        var row = h * Rows;
        for (var r = 0; r < Resources.Count; r++)
            for (var w = 0; w < _p.WindowCount; w++)
                _load[row++] += sign * _p.Demand(v, (Resource)r, w);
    }
}
