using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Heuristics;

/// <summary>Mutable per-host, per-resource, per-window load, private to a heuristic run. Besides the load it keeps,
/// per host and resource, the least and the most capacity free in any window, so that most fit checks are settled
/// without visiting the windows (a fleet's first-fit asks tens of millions of them).</summary>
internal sealed class HostLoads
{
    private readonly PlacementProblem _p;
    private readonly Sizing _sizing;
    private readonly long[] _load; // [h, r, w]
    private readonly int[] _peak;  // [v, r]: the VM's largest demand over the day
    private readonly int[] _least; // [v, r]: the VM's smallest demand over the day (its peak when peak-sized)
    private readonly long[] _limit, _minFree, _maxFree; // [h, r]
    private readonly int[] _largestUsable = new int[Resources.Count];
    private readonly Storage.StoreTally? _stores; // when the problem counts images once: the disk row's stand-in
    private readonly int _diskRow; // the resource the tally replaces in fit checks, or -1


    /// <param name="reduced">Hosts filled only to <paramref name="reducedFill"/> of their usable capacity
    /// (failover clusters keeping a reserve).</param>
    public HostLoads(PlacementProblem p, Sizing sizing, IReadOnlySet<int>? reduced = null, double reducedFill = 1)
    {
        _p = p;
        _sizing = sizing;
        _load = new long[p.HostCount * Resources.Count * p.WindowCount];
        _peak = new int[p.VmCount * Resources.Count];
        for (var v = 0; v < p.VmCount; v++)
            foreach (var r in Resources.All)
                for (var w = 0; w < p.WindowCount; w++)
                    _peak[v * Resources.Count + (int)r] = Math.Max(_peak[v * Resources.Count + (int)r], p.Demand(v, r, w));
        foreach (var r in Resources.All)
            for (var h = 0; h < p.HostCount; h++)
                _largestUsable[(int)r] = Math.Max(Math.Max(1, _largestUsable[(int)r]), p.Usable(h, r));
        _least = new int[p.VmCount * Resources.Count];
        for (var v = 0; v < p.VmCount; v++)
            foreach (var r in Resources.All)
            {
                var least = _peak[v * Resources.Count + (int)r];
                if (sizing == Sizing.Temporal)
                    for (var w = 0; w < p.WindowCount; w++) least = Math.Min(least, p.Demand(v, r, w));
                _least[v * Resources.Count + (int)r] = least;
            }
        _limit = new long[p.HostCount * Resources.Count];
        for (var h = 0; h < p.HostCount; h++)
            foreach (var r in Resources.All)
                _limit[h * Resources.Count + (int)r] = reduced is not null && reduced.Contains(h) ? (long)(p.Usable(h, r) * reducedFill) : p.Usable(h, r);
        _minFree = (long[])_limit.Clone();
        _maxFree = (long[])_limit.Clone();
        _stores = p.CountsImagesOnce ? p.NewTally() : null;
        _diskRow = _stores is null ? -1 : (int)Resource.Disk;
    }

    private int Demand(int v, Resource r, int w) =>
        _sizing == Sizing.Peak ? _peak[v * Resources.Count + (int)r] : _p.Demand(v, r, w);

    private int Index(int h, Resource r, int w) => (h * Resources.Count + (int)r) * _p.WindowCount + w;

    private long Limit(int h, Resource r) => _limit[h * Resources.Count + (int)r];

    /// <summary>The local stores as they hold the VMs added so far, when the problem counts images once; else null.</summary>
    public Storage.StoreTally? Stores => _stores;

    public bool Fits(int v, int h)
    {
        // Settled without the windows when the VM's smallest demand exceeds the most room in any window (no), or
        // its largest demand fits the least room in every window (yes).
        if (_stores is not null && !_stores.Fits(v, h)) return false;
        var surely = true;
        for (var r = 0; r < Resources.Count; r++)
        {
            if (r == _diskRow) continue;
            if (_least[v * Resources.Count + r] > _maxFree[h * Resources.Count + r]) return false;
            surely &= _peak[v * Resources.Count + r] <= _minFree[h * Resources.Count + r];
        }
        if (surely) return true;
        foreach (var r in Resources.All)
        {
            if ((int)r == _diskRow) continue;
            var cap = Limit(h, r);
            for (var w = 0; w < _p.WindowCount; w++)
                if (_load[Index(h, r, w)] + Demand(v, r, w) > cap) return false;
        }
        return true;
    }

    /// <summary>Recomputes host h's least and most free capacity per resource after its load changed.</summary>
    private void Refresh(int h)
    {
        foreach (var r in Resources.All)
        {
            var cap = Limit(h, r);
            long least = long.MaxValue, most = long.MinValue;
            for (var w = 0; w < _p.WindowCount; w++)
            {
                var free = cap - _load[Index(h, r, w)];
                least = Math.Min(least, free);
                most = Math.Max(most, free);
            }
            _minFree[h * Resources.Count + (int)r] = least;
            _maxFree[h * Resources.Count + (int)r] = most;
        }
    }

    /// <summary>Usable capacity of host h still free for resource r in window w (for the disk, every disk counted
    /// whole even when fit checks count images once: a room that is never too large).</summary>
    public long Free(int h, Resource r, int w) => Limit(h, r) - _load[Index(h, r, w)];

    public void Add(int v, int h)
    {
        _stores?.Add(v, h);
        foreach (var r in Resources.All)
            for (var w = 0; w < _p.WindowCount; w++)
                _load[Index(h, r, w)] += Demand(v, r, w);
        Refresh(h);
    }

    public void Remove(int v, int h)
    {
        _stores?.Remove(v, h);
        foreach (var r in Resources.All)
            for (var w = 0; w < _p.WindowCount; w++)
                _load[Index(h, r, w)] -= Demand(v, r, w);
        Refresh(h);
    }

    /// <summary>Mean fraction of usable capacity left on h, over CPU and memory and windows.</summary>
    public double Slack(int h)
    {
        double slack = 0;
        foreach (var r in Resources.Used)
        {
            var cap = Math.Max(1, _p.Usable(h, r));
            for (var w = 0; w < _p.WindowCount; w++)
                slack += (double)(cap - _load[Index(h, r, w)]) / cap;
        }
        return slack / (Resources.Used.Length * _p.WindowCount);
    }

    /// <summary>Sort key: the VM's peak share of the largest host, summed over CPU and memory.</summary>
    public double Size(int v)
    {
        double size = 0;
        foreach (var r in Resources.Used)
            size += (double)_peak[v * Resources.Count + (int)r] / Math.Max(1, _largestUsable[(int)r]);
        return size;
    }
}
