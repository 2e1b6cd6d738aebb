using System.Collections.Immutable;
using Consolidator.Inventory;

namespace Consolidator.Storage;

/// <summary>The disks of a fleet in whole MiB, as the placement counts them. A host on local storage is a
/// content-addressed store (CAS, as in Parallax): it holds each image present on it once, with the image's
/// ancestors, plus each VM's private blocks (what the VM wrote beyond its image). A host on shared storage holds
/// nothing of its own. Immutable once built; reads no files.</summary>
public sealed class DiskLayout
{
    private readonly int[] _imageOf, _privateMib, _imageMib, _capacityMib;
    private readonly int[] _parent;
    private readonly int[]?[] _chain; // built on first use: only the chains of images in use, each once

    public static DiskLayout None { get; } = new([], [], []);

    public DiskLayout(IReadOnlyList<Host> hosts, IReadOnlyList<Vm> vms, ImmutableArray<Image> images)
    {
        Images = images.IsDefault ? [] : images;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Images.Length; i++) index[Images[i].Id] = i;
        _imageMib = [.. Images.Select(i => Mib(i.UniqueGib, up: true))];
        _parent = [.. Images.Select(i => i.Parent is { } parent ? index[parent] : -1)];
        _chain = new int[Images.Length][];
        _imageOf = new int[vms.Count];
        _privateMib = new int[vms.Count];
        for (var v = 0; v < vms.Count; v++)
        {
            _imageOf[v] = vms[v].ImageId is { } id ? index[id] : -1;
            var imageGib = _imageOf[v] >= 0 ? Images[_imageOf[v]].SizeGib : 0;
            _privateMib[v] = Mib(Math.Max(0, (vms[v].DiskGib ?? imageGib) - imageGib), up: true);
        }
        _capacityMib = [.. hosts.Select(h => h.Storage == StorageKind.Local && h.DiskGib is { } d ? Mib(d, up: false) : int.MaxValue)];
        HasLocalHosts = hosts.Any(h => h.Storage == StorageKind.Local);
        HasDisks = _privateMib.Any(m => m > 0) || _imageOf.Any(i => i >= 0);
        var users = new int[Images.Length];
        foreach (var i in _imageOf.Where(i => i >= 0))
            foreach (var a in ChainOf(i)) users[a]++;
        Shares = users.Any(u => u >= 2);
        ImagesInUse = users.Count(u => u > 0);
    }

    public ImmutableArray<Image> Images { get; }

    /// <summary>True when some host keeps its VMs' disks itself.</summary>
    public bool HasLocalHosts { get; }

    /// <summary>True when some VM has a disk or an image.</summary>
    public bool HasDisks { get; }

    /// <summary>True when some image (or ancestor) serves two VMs or more: only then can placement save storage.</summary>
    public bool Shares { get; }

    /// <summary>Images some VM needs (its own or an ancestor of it).</summary>
    public int ImagesInUse { get; }

    /// <summary>True when disks constrain placement: local hosts and VMs with disks.</summary>
    public bool Counts => HasLocalHosts && HasDisks;

    /// <summary>The VM's image, by index into <see cref="Images"/>, or -1.</summary>
    public int ImageOf(int v) => _imageOf[v];

    /// <summary>MiB only this VM has: its disk less its image.</summary>
    public int PrivateMib(int v) => _privateMib[v];

    /// <summary>MiB the image adds to a store that holds its parent (all of it for a root image).</summary>
    public int ImageMib(int i) => _imageMib[i];

    /// <summary>The image and its ancestors, nearest first.</summary>
    public IReadOnlyList<int> Chain(int i) => ChainOf(i);

    private int[] ChainOf(int i) => _chain[i] ??= BuildChain(i);

    /// <summary>Image i and its ancestors, walked up the parents at most once per image (a cycle, which images.csv
    /// refuses, ends the chain instead of looping): a List.Contains per step made a chain of n layers cost n² and a file
    /// of them n³.</summary>
    private int[] BuildChain(int i)
    {
        var chain = new List<int>();
        for (var at = i; at >= 0 && chain.Count < _parent.Length; at = _parent[at]) chain.Add(at);
        return [.. chain];
    }

    /// <summary>Local capacity of host h in MiB; int.MaxValue on shared storage.</summary>
    public int CapacityMib(int h) => _capacityMib[h];

    public bool IsLocal(int h) => _capacityMib[h] != int.MaxValue;

    /// <summary>What VM v takes on a store that holds nothing else: its private blocks and its whole image chain.
    /// A sum of these over a host's VMs bounds its CAS footprint from above.</summary>
    public int AloneMib(int v)
    {
        long mib = _privateMib[v];
        if (_imageOf[v] >= 0)
            foreach (var i in ChainOf(_imageOf[v])) mib += _imageMib[i];
        return (int)Math.Min(int.MaxValue, mib);
    }

    /// <summary>The images a set of VMs needs on one store (each image with its ancestors).</summary>
    public HashSet<int> ImagesOf(IEnumerable<int> vms)
    {
        var present = new HashSet<int>();
        foreach (var v in vms)
            if (_imageOf[v] >= 0)
                foreach (var i in ChainOf(_imageOf[v]))
                    if (!present.Add(i)) break; // its ancestors are in already
        return present;
    }

    /// <summary>The CAS footprint of <paramref name="vms"/> on one store: every image needed once, plus private blocks.</summary>
    public long FootprintMib(IEnumerable<int> vms)
    {
        var list = vms as IReadOnlyCollection<int> ?? [.. vms];
        long mib = 0;
        foreach (var v in list) mib += _privateMib[v];
        foreach (var i in ImagesOf(list)) mib += _imageMib[i];
        return mib;
    }

    /// <summary>The same VMs with every disk stored whole, as a store without deduplication keeps them.</summary>
    public long UndeduplicatedMib(IEnumerable<int> vms) => vms.Sum(v => (long)AloneMib(v));

    /// <summary>MiB a move of VM v must copy to a local store that already holds <paramref name="present"/>: its
    /// private blocks and the images of its chain the store lacks (blocks already there are not sent).</summary>
    public long SendMib(int v, IReadOnlySet<int> present)
    {
        long mib = _privateMib[v];
        if (_imageOf[v] >= 0)
            foreach (var i in ChainOf(_imageOf[v]))
                if (!present.Contains(i)) mib += _imageMib[i];
        return mib;
    }

    /// <summary>GiB as whole MiB: a value within a relative 1e-9 of a whole MiB is that MiB (decimals written in
    /// the CSV), otherwise rounded up for a demand and down for a capacity, as the placement's other units are.</summary>
    public static int Mib(double gib, bool up)
    {
        var value = gib * 1024;
        var nearest = Math.Round(value);
        if (Math.Abs(value - nearest) <= 1e-9 * Math.Max(1, Math.Abs(value))) return checked((int)nearest);
        return checked((int)(up ? Math.Ceiling(value) : Math.Floor(value)));
    }
}
