namespace Consolidator.Storage;

/// <summary>What each host's content-addressed store holds while VMs come and go, private to one run of a
/// heuristic, the stager or the problem itself: per host, how many of its VMs need each image (an image is needed by
/// the VMs of it and of every image layered on it) and the MiB the store holds (every needed image once, plus each
/// VM's private blocks). The same accounting as <see cref="DiskLayout.FootprintMib"/>, kept up to date move by move
/// so that a fit check costs one image chain, not a rescan of the host.</summary>
internal sealed class StoreTally
{
    /// <summary>Above this many host x image counters (hosts on local storage times images in use) placement counts
    /// every disk whole instead (<see cref="Packing.PlacementOptions.WholeDisks"/>): a tally is 4 bytes a counter and
    /// each heuristic run and the stager keep one, so 2,000,000 counters are 8 MiB each; a CP-SAT model gets a
    /// presence Boolean per counter its hosts and VMs touch.</summary>
    public const long MaxEntries = 2_000_000;

    private readonly DiskLayout _d;
    private readonly int[] _users; // [h, image]
    private readonly long[] _held; // [h] MiB
    private readonly int _images;

    public StoreTally(DiskLayout d, int hostCount)
    {
        _d = d;
        _images = d.Images.Length;
        _users = new int[hostCount * _images];
        _held = new long[hostCount];
    }

    /// <summary>MiB host h's store holds now.</summary>
    public long Held(int h) => _held[h];

    /// <summary>True when host h's store holds image i (some VM there needs it).</summary>
    public bool Holds(int h, int i) => _users[h * _images + i] > 0;

    /// <summary>MiB VM v would add to host h's store: its private blocks and the images of its chain not there.</summary>
    public long Adds(int v, int h)
    {
        long mib = _d.PrivateMib(v);
        if (_d.ImageOf(v) is var image and >= 0)
            foreach (var i in _d.Chain(image))
            {
                if (_users[h * _images + i] > 0) break; // its ancestors are there too
                mib += _d.ImageMib(i);
            }
        return mib;
    }

    /// <summary>True when VM v fits host h's store (always on shared storage).</summary>
    public bool Fits(int v, int h) => !_d.IsLocal(h) || _held[h] + Adds(v, h) <= _d.CapacityMib(h);

    public void Add(int v, int h) => Shift(v, h, +1);

    public void Remove(int v, int h) => Shift(v, h, -1);

    /// <summary>True when host h's store holds its VMs with <paramref name="arriving"/> added and <paramref name="leaving"/>
    /// gone (-1 entries: none) within its disk. The tally is left as it was.</summary>
    public bool FitsWith(int h, ReadOnlySpan<int> arriving, ReadOnlySpan<int> leaving)
    {
        if (!_d.IsLocal(h)) return true;
        foreach (var v in leaving) if (v >= 0) Remove(v, h);
        foreach (var v in arriving) if (v >= 0) Add(v, h);
        var fits = _held[h] <= _d.CapacityMib(h);
        foreach (var v in arriving) if (v >= 0) Remove(v, h);
        foreach (var v in leaving) if (v >= 0) Add(v, h);
        return fits;
    }

    private void Shift(int v, int h, int sign)
    {
        _held[h] += sign * (long)_d.PrivateMib(v);
        if (_d.ImageOf(v) is not (var image and >= 0)) return;
        foreach (var i in _d.Chain(image))
        {
            ref var users = ref _users[h * _images + i];
            if (sign > 0 && users++ == 0) _held[h] += _d.ImageMib(i);
            if (sign < 0 && --users == 0) _held[h] -= _d.ImageMib(i);
        }
    }
}
