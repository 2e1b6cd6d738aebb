using System.Globalization;
using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Simulation;

/// <summary>What each host carries per resource and window during the replay, so that a stage whose
/// assumptions an earlier failure broke is re-checked against physical capacity before a move starts
/// (a moving VM counts on both hosts, the rule the plan was staged and validated under). Local stores are counted
/// as they are, each image once (<see cref="Storage.StoreTally"/>), as the validator counts them.</summary>
internal sealed class RoomTally
{
    private readonly PlacementProblem _p;
    private readonly long[] _load;
    private readonly Storage.StoreTally? _stores;

    public RoomTally(PlacementProblem p)
    {
        _p = p;
        _stores = p.Disks.Counts ? p.NewTally() : null;
        _load = new long[p.HostCount * Resources.Count * p.WindowCount];
        for (var v = 0; v < p.VmCount; v++)
            if (p.CurrentHost(v) >= 0) Add(v, p.CurrentHost(v));
    }

    public void Add(int v, int h) => Shift(v, h, +1);

    public void Remove(int v, int h) => Shift(v, h, -1);

    /// <summary>Null when VM v fits on host h on top of its load in every window; else why not.</summary>
    public string? Overflow(int v, int h)
    {
        if (_stores is not null && !_stores.Fits(v, h))
            return string.Format(CultureInfo.InvariantCulture, "{0} would need {1} MiB of local storage (its images once), over its disk of {2} MiB",
                _p.Hosts[h].Id, _stores.Held(h) + _stores.Adds(v, h), _p.Disks.CapacityMib(h));
        foreach (var r in Resources.All)
            for (var w = 0; w < _p.WindowCount && (_stores is null || r != Resource.Disk); w++)
            {
                var need = _load[Index(h, r, w)] + _p.Demand(v, r, w);
                if (need <= _p.Capacity(h, r)) continue;
                return string.Format(CultureInfo.InvariantCulture, "{0} would need {1} {2} of {3} in window {4}, over its capacity of {5}",
                    _p.Hosts[h].Id, need, Resources.ModelUnit(r), Resources.Name(r), _p.Windows.Windows[w].Label, _p.Capacity(h, r));
            }
        return null;
    }

    private void Shift(int v, int h, int sign)
    {
        if (sign > 0) _stores?.Add(v, h); else _stores?.Remove(v, h);
        foreach (var r in Resources.All)
            for (var w = 0; w < _p.WindowCount; w++)
                _load[Index(h, r, w)] += sign * (long)_p.Demand(v, r, w);
    }

    private int Index(int h, Resource r, int w) => (h * Resources.Count + (int)r) * _p.WindowCount + w;
}
