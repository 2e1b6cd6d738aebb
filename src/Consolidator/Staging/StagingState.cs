using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Staging;

/// <summary>The planner's running picture of the cluster: where each VM is and what each host carries in
/// each window. Loads are updated move by move, never recomputed, because the planner asks "does this VM
/// fit there?" once per pending move per stage and 20,000 VMs x 24 windows x hundreds of stages would not
/// afford a rescan of the placement each time.</summary>
internal sealed class StagingState
{
    private readonly PlacementProblem _p;
    private readonly int _windows;
    // [h, r, w]: VMs positioned on h plus VMs reserved on h by the open stage. A long because a pre-existing
    // overload plus arrivals may sum past int on big hosts.
    private readonly long[] _load;
    private readonly int[] _residents;
    // Local stores as they are (each image once), in place of the disk rows' sums of whole disks: a migrating VM's
    // disk is on both ends until the move completes, as the validator's stage.storage rule counts it.
    private readonly Storage.StoreTally? _stores;

    public StagingState(PlacementProblem p, Placement target)
    {
        _p = p;
        _stores = p.Disks.Counts ? p.NewTally() : null;
        _windows = p.WindowCount;
        _load = new long[p.HostCount * Resources.Count * _windows];
        _residents = new int[p.HostCount];
        Position = new int[p.VmCount];
        Target = target;
        AwaitedBy = new int[p.HostCount];
        TargetResidents = new int[p.HostCount];
        RoomVersion = new int[p.HostCount];
        for (var v = 0; v < p.VmCount; v++)
        {
            Position[v] = p.CurrentHost(v);
            if (Position[v] >= 0)
            {
                Add(v, Position[v], +1);
                _residents[Position[v]]++;
            }
            if (IsPending(v)) AwaitedBy[target[v]]++;
            if (target[v] >= 0) TargetResidents[target[v]]++;
        }
    }

    public PlacementProblem Problem => _p;
    public Placement Target { get; }

    /// <summary>The host each VM is on between stages (-1: not started yet).</summary>
    public int[] Position { get; }

    /// <summary>How many VMs still wait to arrive on each host.</summary>
    public int[] AwaitedBy { get; }

    /// <summary>Bumped whenever a VM leaves a host, i.e. whenever its room grows. Room only shrinks otherwise,
    /// so a VM that did not fit on a host need not be checked again until the host's version moves.</summary>
    public int[] RoomVersion { get; }

    /// <summary>How many VMs the target puts on each host.</summary>
    public int[] TargetResidents { get; }

    public bool IsPending(int v) => Position[v] != Target[v];

    /// <summary>A host nobody runs on, counting VMs reserved on it in the open stage as running.</summary>
    public bool IsEmpty(int h) => _residents[h] == 0;

    public long Free(int h, Resource r, int w) => _stores is not null && r == Resource.Disk
        ? _p.Capacity(h, r) - _stores.Held(h)
        : _p.Capacity(h, r) - _load[Index(h, r, w)];

    /// <summary>What VM v would add to host h in resource r and window w: on a local store, its private blocks and
    /// the images it needs that the store lacks.</summary>
    public long Need(int v, int h, Resource r, int w) => _stores is not null && r == Resource.Disk ? _stores.Adds(v, h) : _p.Demand(v, r, w);

    /// <summary>The most room any host has for resource r in window w. Room only shrinks while a stage is
    /// filled, so a VM that exceeds this anywhere fits on no host, without trying each one.</summary>
    public long[] MostRoom()
    {
        var most = new long[Resources.Count * _windows];
        Array.Fill(most, long.MinValue);
        for (var h = 0; h < _p.HostCount; h++)
            foreach (var r in Resources.All)
                for (var w = 0; w < _windows; w++)
                    most[(int)r * _windows + w] = Math.Max(most[(int)r * _windows + w], Free(h, r, w));
        return most;
    }

    public bool FitsWithin(int v, long[] room)
    {
        foreach (var r in Resources.All)
            for (var w = 0; w < _windows && (_stores is null || r != Resource.Disk); w++)
                if (_p.Demand(v, r, w) > room[(int)r * _windows + w]) return false;
        return true;
    }

    /// <summary>True when VM v can be added to host h within physical capacity in every window.</summary>
    public bool Fits(int v, int h)
    {
        if (_stores is not null && !_stores.Fits(v, h)) return false;
        foreach (var r in Resources.All)
        {
            if (_stores is not null && r == Resource.Disk) continue;
            var cap = _p.Capacity(h, r);
            var at = Index(h, r, 0);
            for (var w = 0; w < _windows; w++)
                if (_load[at + w] + _p.Demand(v, r, w) > cap) return false;
        }
        return true;
    }

    /// <summary>True when v fits on h once <paramref name="leaver"/> has left it.</summary>
    public bool FitsAfterLeaving(int v, int h, int leaver)
    {
        if (_stores is not null && !_stores.FitsWith(h, [v], [leaver])) return false;
        foreach (var r in Resources.All)
        {
            if (_stores is not null && r == Resource.Disk) continue;
            var cap = _p.Capacity(h, r);
            var at = Index(h, r, 0);
            for (var w = 0; w < _windows; w++)
                if (_load[at + w] - _p.Demand(leaver, r, w) + _p.Demand(v, r, w) > cap) return false;
        }
        return true;
    }

    /// <summary>Counts v on its destination from the start of the stage: a live migration holds memory and
    /// CPU on both ends until it completes.</summary>
    public void Reserve(int v, int to)
    {
        Add(v, to, +1);
        _residents[to]++;
    }

    /// <summary>Ends a stage's migration: the VM leaves its source (still counted there until now) and is
    /// positioned on its destination.</summary>
    public void Complete(int v, int to)
    {
        var from = Position[v];
        if (from >= 0)
        {
            Add(v, from, -1);
            _residents[from]--;
            RoomVersion[from]++;
        }
        if (IsPending(v)) AwaitedBy[Target[v]]--;
        Position[v] = to;
        if (IsPending(v)) AwaitedBy[Target[v]]++;
    }

    private void Add(int v, int h, int sign)
    {
        if (sign > 0) _stores?.Add(v, h); else _stores?.Remove(v, h);
        foreach (var r in Resources.All)
        {
            var at = Index(h, r, 0);
            for (var w = 0; w < _windows; w++)
                _load[at + w] += sign * (long)_p.Demand(v, r, w);
        }
    }

    private int Index(int h, Resource r, int w) => (h * Resources.Count + (int)r) * _windows + w;
}
