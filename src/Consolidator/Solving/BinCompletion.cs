using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Solving;

/// <summary>Bin completion (Korf, "A new algorithm for optimal bin packing", AAAI 2002, cited from memory) for the
/// host-counting case whose total demand in some row (resource and window) is exactly the capacity of the host lower
/// bound's hosts: a placement on that many hosts must fill every one of them exactly in that row. Host by host, the
/// largest VM left (in that row) opens the host and a depth-first search over the VMs left, largest first, completes
/// it to exactly the capacity, every other row within capacity; the last host takes what is left. A one-dimensional
/// exact sum is plentiful, so completions abound and the search backtracks where a choice strands the VMs left,
/// which the exact-fill search (taking the first set found, and searching many rows only) and CP-SAT (whose knapsack
/// rows with large coefficients propagate little: 8 such hosts of 6-8 VMs each were not decided in 20 s of counted
/// work) do not do. Work is counted in nodes, so the result is repeatable.</summary>
internal sealed class BinCompletion
{
    /// <summary>Seconds one node (a VM tried in a host) counts for; a node checks every row, so it is charged as a
    /// few hundred simple operations (an estimate, not a measurement).</summary>
    public const double SecondsPerNode = 2e-7;

    private readonly PlacementProblem _p;
    private readonly int _bins;
    private readonly Resource _tight;
    private readonly int _tightWindow;
    private readonly int[] _order;
    private readonly bool[] _free;
    private readonly int[] _binOf;
    private readonly long[] _load;
    private readonly long[] _capacity;
    private readonly long _maxNodes;
    private readonly Func<bool> _stop;
    private readonly int _rows;
    private readonly int[] _exact;
    private int _left;

    public long Nodes { get; private set; }
    public bool Stopped { get; private set; }

    private BinCompletion(PlacementProblem p, int bins, Resource tight, int window, long maxNodes, Func<bool> stop)
    {
        _p = p;
        _bins = bins;
        _tight = tight;
        _tightWindow = window;
        _maxNodes = maxNodes;
        _stop = stop;
        _order = [.. Enumerable.Range(0, p.VmCount).OrderByDescending(Tight).ThenBy(v => v)];
        _free = Enumerable.Repeat(true, p.VmCount).ToArray();
        _binOf = Enumerable.Repeat(-1, p.VmCount).ToArray();
        _rows = Resources.All.Length * p.WindowCount;
        _load = new long[bins * _rows];
        _capacity = new long[_rows];
        foreach (var r in Resources.All)
            for (var w = 0; w < p.WindowCount; w++) _capacity[Row(r, w)] = p.Usable(0, r);
        _left = p.VmCount;
        _exact = [.. TightRows(p, bins).Select(row => Row(row.Resource, row.Window))];
    }

    /// <summary>A used resource and window whose total demand is exactly <paramref name="bins"/> hosts' usable
    /// capacity, or null when there is none.</summary>
    public static (Resource Resource, int Window)? TightRow(PlacementProblem p, int bins) =>
        TightRows(p, bins).Select(row => ((Resource, int)?)row).FirstOrDefault();

    /// <summary>Every used resource and window whose total demand is exactly <paramref name="bins"/> hosts' usable
    /// capacity: each of the hosts must be exactly full there.</summary>
    private static IEnumerable<(Resource Resource, int Window)> TightRows(PlacementProblem p, int bins)
    {
        foreach (var r in Resources.Used)
            for (var w = 0; w < p.WindowCount; w++)
            {
                long total = 0;
                for (var v = 0; v < p.VmCount; v++) total += p.Demand(v, r, w);
                if (p.Usable(0, r) > 0 && total == bins * (long)p.Usable(0, r)) yield return (r, w);
            }
    }

    /// <summary>A placement of every VM on <paramref name="bins"/> of <paramref name="hosts"/> (identical hosts), or
    /// null when no row is tight, the nodes ran out, <paramref name="stop"/> said so, or no such placement exists.</summary>
    public static (Placement? Found, long Nodes) Find(PlacementProblem p, int bins, IReadOnlyList<int> hosts, long maxNodes, Func<bool> stop)
    {
        if (bins < 1 || hosts.Count < bins || TightRow(p, bins) is not { } row) return (null, 0);
        var search = new BinCompletion(p, bins, row.Resource, row.Window, maxNodes, stop);
        var found = search.Open(0);
        return (found ? new Placement([.. search._binOf.Select(b => hosts[b])]) : null, search.Nodes);
    }

    private int Row(Resource r, int w) => Array.IndexOf(Resources.All, r) * _p.WindowCount + w;

    private long Tight(int v) => _p.Demand(v, _tight, _tightWindow);

    /// <summary>Opens host <paramref name="bin"/> with the largest VM left and completes it.</summary>
    private bool Open(int bin)
    {
        if (_left == 0) return true;
        if (bin == _bins) return false;
        var first = Array.FindIndex(_order, v => _free[v]);
        var v0 = _order[first];
        if (!Fits(v0, bin)) return false;
        // The VMs left after each position, in the tight row: a completion that needs more than that is cut.
        var suffix = new long[_order.Length + 1];
        for (var i = _order.Length - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + (_free[_order[i]] ? Tight(_order[i]) : 0);
        Place(v0, bin);
        var done = Complete(bin, first + 1, _p.Usable(0, _tight) - Tight(v0), suffix);
        if (!done) Remove(v0, bin);
        return done;
    }

    private bool Complete(int bin, int from, long need, long[] suffix)
    {
        // Every tight row must come out exactly full too (two binding resources: CPU and memory).
        if (need == 0) return _exact.All(row => _load[bin * _rows + row] == _capacity[row]) && Open(bin + 1);
        if (Stopped) return false;
        var tried = -1;
        for (var i = from; i < _order.Length; i++)
        {
            if (suffix[i] < need) break;
            var v = _order[i];
            if (!_free[v] || Tight(v) > need) continue;
            // A VM with the same demands as the one just tried leads to the same hosts.
            if (tried >= 0 && SameDemands(v, tried)) continue;
            if (++Nodes > _maxNodes || ((Nodes & 1023) == 0 && _stop())) { Stopped = true; return false; }
            if (!Fits(v, bin)) continue;
            tried = v;
            Place(v, bin);
            if (Complete(bin, i + 1, need - Tight(v), suffix)) return true;
            Remove(v, bin);
            if (Stopped) return false;
        }
        return false;
    }

    private bool SameDemands(int a, int b)
    {
        foreach (var r in Resources.All)
            for (var w = 0; w < _p.WindowCount; w++)
                if (_p.Demand(a, r, w) != _p.Demand(b, r, w)) return false;
        return true;
    }

    private bool Fits(int v, int bin)
    {
        foreach (var r in Resources.All)
            for (var w = 0; w < _p.WindowCount; w++)
                if (_load[bin * _rows + Row(r, w)] + _p.Demand(v, r, w) > _capacity[Row(r, w)]) return false;
        return true;
    }

    private void Place(int v, int bin) => Move(v, bin, +1);

    private void Remove(int v, int bin) => Move(v, bin, -1);

    private void Move(int v, int bin, int sign)
    {
        foreach (var r in Resources.All)
            for (var w = 0; w < _p.WindowCount; w++) _load[bin * _rows + Row(r, w)] += sign * (long)_p.Demand(v, r, w);
        _free[v] = sign < 0;
        _binOf[v] = sign > 0 ? bin : -1;
        _left -= sign;
    }
}
