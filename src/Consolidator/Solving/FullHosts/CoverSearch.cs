using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Consolidator.Randomness;

namespace Consolidator.Solving.FullHosts;

/// <summary>A search for an exact cover of the VMs by <see cref="FullHostSets"/>: sets chosen one at a time, each
/// disjoint from those before, until every VM is in one. Port of docs/planted-cover-prior.sh's `prior` order with its
/// counting bound:
/// - the VM branched on has the fewest effective sets (the weights of its sets over its heaviest), its sets tried
///   heaviest first, a set's weight being <see cref="SizePrior"/>'s expected count of its size over the live sets of
///   that size;
/// - a node fails when some VM left has no set, or when the h hosts left cannot be the number of sets covering the VMs
///   left: h lies between the sum over them of 1 / (the largest set left to each) and of 1 / (the smallest);
/// - ties are broken at random (each VM's score times 1 + U, each set's -ln weight plus U, U uniform in 0..1) and the
///   search restarts every <see cref="RestartUnit"/> x Luby(i) nodes (Luby, Sinclair and Zuckerman 1993, the
///   universal restart schedule; Gomes, Selman and Kautz 1998: randomized restarts cut a heavy-tailed search time).
/// The order is <see cref="Weights"/>, <see cref="Score"/> and <see cref="Key"/>, and nothing else: a change of order
/// replaces those three.
/// The live sets of each node are a list in one pool (bitsets of the VMs), not dancing links: most nodes lie near the
/// bottom of a run with a few dozen sets left, where a choice kills most of them. Each node's sets are read once, by its
/// parent's pass (<see cref="Filter"/>), which also notes which VMs each size of set covers; from that alone a node
/// sees whether some VM is left with no set and whether the counting bound fails (two thirds of the nodes on the
/// planted instances end there), its random draws then skipped in constant time, so the order is the same as if every
/// VM had been scored. Only a node that branches counts its VMs' sets by size, from its parent's counts less the sets
/// the choice killed or afresh, whichever reads fewer. Work is counted in operations (a set read, a VM scored), so a
/// budget of them gives the same search on any machine.</summary>
internal sealed class CoverSearch
{
    /// <summary>Nodes in the first run and the unit of Luby's sequence: the prototype's best (1,000 against 100 and
    /// none; docs/solver.md's prior table).</summary>
    public const int RestartUnit = 1000;

    /// <summary>Words of a set's bitset: 256 VMs, above <see cref="HalfTable.MaxVms"/>.</summary>
    private const int Words = 4;

    private readonly int[] _members, _start;
    private readonly int _stride;
    private readonly ulong[] _bits;
    private readonly int[] _size;
    private readonly SizePrior _prior;
    private readonly int[] _sizes;
    private readonly Func<bool> _stop;
    private readonly long _maxOperations;
    private readonly SplitMix64 _rng;

    /// <summary>Per depth, of the node's live sets: the VMs each size covers (size x words) and how many of each size
    /// there are, written by the parent's pass over its sets; each VM's count by size (VM x stride + size), filled
    /// only where the node branches, from its own sets or from its parent's counts less the sets the choice killed,
    /// whichever is fewer.</summary>
    private readonly ulong[] _cover;
    private readonly long[] _ofSize;
    private readonly int[] _bySize;
    private readonly int _matrix;

    /// <summary>The sets the last choice killed (its node's parent's sets that meet it).</summary>
    private readonly int[] _dead;
    private int _deadCount;

    /// <summary>The lcm of the sizes present, and per size lcm / size: 1 / size in whole units.</summary>
    private readonly long _lcm;
    private readonly long[] _unit;

    private readonly double[] _weight, _key;
    private readonly ulong[] _rem;
    private readonly int[] _chosen;
    private int[] _pool;
    private double[] _keys;
    private int _top0;
    private long _runNodes, _cutoff;

    public long Nodes { get; private set; }

    /// <summary>Work done, in operations (a live set read, a VM scored): what the counted clock charges.</summary>
    public long Operations { get; private set; }

    public int Runs { get; private set; }
    public bool Stopped { get; private set; }

    private CoverSearch(FullHostSets sets, SizePrior prior, int vms, int hosts, ulong seed, long maxOperations, Func<bool> stop)
    {
        _members = new int[Enumerable.Range(0, sets.Count).Sum(s => sets.Set(s).Length)];
        _start = new int[sets.Count + 1];
        _prior = prior;
        if (vms > 64 * Words) throw new ArgumentOutOfRangeException(nameof(vms), vms, $"at most {64 * Words} VMs (the half table's packing allows {HalfTable.MaxVms})");
        _stop = stop;
        _maxOperations = maxOperations;
        _stride = prior.MaxSize + 1;
        _bits = new ulong[sets.Count * Words];
        _size = new int[sets.Count];
        for (var s = 0; s < sets.Count; s++)
        {
            var set = sets.Set(s);
            _size[s] = set.Length;
            set.CopyTo(_members.AsSpan(_start[s]));
            _start[s + 1] = _start[s] + set.Length;
            foreach (var v in set) _bits[s * Words + (v >> 6)] |= 1UL << (v & 63);
        }
        _sizes = [.. _size.Distinct().Order()];
        _lcm = _sizes.Aggregate(1L, (l, size) => l / (long)System.Numerics.BigInteger.GreatestCommonDivisor(l, size) * size);
        _unit = new long[_stride];
        foreach (var size in _sizes) _unit[size] = _lcm / size;
        _cover = new ulong[(hosts + 1) * _stride * Words];
        _ofSize = new long[(hosts + 1) * _stride];
        _matrix = vms * _stride;
        _bySize = new int[(hosts + 1) * _matrix];
        _dead = new int[sets.Count];
        // The root's sets, once for every run.
        for (var s = 0; s < sets.Count; s++)
        {
            _ofSize[_size[s]]++;
            for (var k = 0; k < Words; k++) _cover[_size[s] * Words + k] |= _bits[s * Words + k];
            for (var m = _start[s]; m < _start[s + 1]; m++) _bySize[_members[m] * _stride + _size[s]]++;
        }
        _weight = new double[_stride];
        _key = new double[_stride];
        _rem = new ulong[(hosts + 1) * Words];
        _chosen = new int[hosts];
        _pool = new int[Math.Max(16, 4 * sets.Count)];
        _keys = new double[_pool.Length];
        _rng = new SplitMix64(seed);
    }

    /// <summary>The sets of a cover (one per host), or null when none was found within <paramref name="maxOperations"/>
    /// operations or before <paramref name="stop"/> said so.</summary>
    public static (int[]? Cover, CoverSearch Search) Find(FullHostSets sets, SizePrior prior, int vms, int hosts, ulong seed, long maxOperations, Func<bool> stop)
    {
        var search = new CoverSearch(sets, prior, vms, hosts, seed, maxOperations, stop);
        for (var s = 0; s < sets.Count; s++) search._pool[s] = s;
        search._top0 = sets.Count;
        for (var v = 0; v < vms; v++) search._rem[v >> 6] |= 1UL << (v & 63);
        var found = false;
        while (!found && !search.Stopped && search.Operations < maxOperations)
        {
            search.Runs++;
            search._cutoff = RestartUnit * Luby(search.Runs);
            search._runNodes = 0;
            found = search.Node(0, sets.Count, hosts, 0);
        }
        return (found ? search._chosen : null, search);
    }

    /// <summary>Luby's sequence 1, 1, 2, 1, 1, 2, 4, ... (i from 1).</summary>
    public static long Luby(long i)
    {
        for (var k = 1; ; k++)
        {
            if (i == (1L << k) - 1) return 1L << (k - 1);
            if (i < (1L << k) - 1) return Luby(i - (1L << (k - 1)) + 1);
        }
    }

    private bool Node(int alive, int na, int h, int depth)
    {
        Nodes++;
        _runNodes++;
        Operations++;
        var rem = _rem.AsSpan(depth * Words, Words);
        var left = 0;
        foreach (var word in rem) left += BitOperations.PopCount(word);
        if (left == 0) return true;
        if (_runNodes > _cutoff || Operations >= _maxOperations) return false;
        if ((Nodes & 63) == 1 && _stop())
        {
            Stopped = true;
            return false;
        }
        var cover = _cover.AsSpan(depth * _stride * Words, _stride * Words);
        var ofSize = _ofSize.AsSpan(depth * _stride, _stride);
        // The first VM left with no set fails the node; each VM before it would have drawn its score's random part.
        for (var k = 0; k < Words; k++)
        {
            var covered = 0UL;
            foreach (var size in _sizes) covered |= cover[size * Words + k];
            var missing = rem[k] & ~covered;
            if (missing == 0) continue;
            var before = BitOperations.PopCount(rem[k] & ((1UL << BitOperations.TrailingZeroCount(missing)) - 1));
            for (var j = 0; j < k; j++) before += BitOperations.PopCount(rem[j]);
            _rng.Skip(before);
            return false;
        }
        // Every set fills a host exactly, so a cover of the VMs left has exactly h sets: h lies between the sums of 1 /
        // each VM's largest and smallest set left. In multiples of 1 / (the sizes' lcm), so exact; every VM drew.
        if (!WithinCount(rem, cover, h))
        {
            _rng.Skip(left);
            return false;
        }
        Weights(h, left, ofSize);
        var bySize = _bySize.AsSpan(depth * _matrix, _matrix);
        if (depth > 0) Count(bySize, rem, alive, na, depth);
        var best = Best(rem, bySize);
        Operations += left;
        foreach (var size in _sizes) _key[size] = Key(_weight[size]);
        var cand = _top0;
        var nc = 0;
        Reserve(na);
        for (var i = 0; i < na; i++)
        {
            var s = _pool[alive + i];
            if ((_bits[s * Words + (best >> 6)] >> (best & 63) & 1) == 0) continue;
            _pool[cand + nc] = s;
            _keys[cand + nc] = _key[_size[s]] + _rng.NextDouble();
            nc++;
        }
        Operations += na;
        Array.Sort(_keys, _pool, cand, nc);
        _top0 += nc;
        var found = false;
        for (var c = 0; c < nc && !found && !Stopped && _runNodes <= _cutoff && Operations < _maxOperations; c++)
        {
            var chosen = _pool[cand + c];
            var next = _rem.AsSpan((depth + 1) * Words, Words);
            for (var k = 0; k < Words; k++) next[k] = rem[k] & ~_bits[chosen * Words + k];
            Reserve(na);
            var child = _top0;
            var nn = Filter(alive, na, chosen, child, depth + 1);
            Operations += na;
            _top0 += nn;
            _chosen[depth] = chosen;
            found = Node(child, nn, h - 1, depth + 1);
            _top0 -= nn;
        }
        _top0 -= nc;
        return found;
    }

    /// <summary>The VM to branch on: the lowest <see cref="Score"/>, each VM left drawing once, in index order.</summary>
    private int Best(ReadOnlySpan<ulong> rem, ReadOnlySpan<int> bySize)
    {
        int best = -1;
        var bestScore = double.MaxValue;
        for (var k = 0; k < Words; k++)
            for (var x = rem[k]; x != 0; x &= x - 1)
            {
                var v = k * 64 + BitOperations.TrailingZeroCount(x);
                var count = 0;
                double mass = 0, top = 0;
                var at = v * _stride;
                foreach (var size in _sizes)
                {
                    var c = bySize[at + size];
                    if (c == 0) continue;
                    count += c;
                    mass += c * _weight[size];
                    top = Math.Max(top, _weight[size]);
                }
                var score = Score(mass, top, count, _rng.NextDouble());
                if (score < bestScore)
                {
                    bestScore = score;
                    best = v;
                }
            }
        return best;
    }

    /// <summary>Writes the sets of <paramref name="alive"/> disjoint from <paramref name="chosen"/> to the pool at
    /// <paramref name="child"/>, with what they cover by size at <paramref name="depth"/>; the others to the dead.
    /// Returns how many are disjoint.</summary>
    private int Filter(int alive, int na, int chosen, int child, int depth)
    {
        // The hot loop of the search (about a quarter of its time before this form): four words a set, the choice's
        // in registers, no bounds checks (every index is a set's, a pool slot reserved, or a size of the stride).
        var cover = _cover.AsSpan(depth * _stride * Words, _stride * Words);
        var ofSize = _ofSize.AsSpan(depth * _stride, _stride);
        cover.Clear();
        ofSize.Clear();
        ref var bits = ref MemoryMarshal.GetArrayDataReference(_bits);
        ref var pool = ref MemoryMarshal.GetArrayDataReference(_pool);
        ref var sizes = ref MemoryMarshal.GetArrayDataReference(_size);
        ref var dead = ref MemoryMarshal.GetArrayDataReference(_dead);
        ref var covered = ref MemoryMarshal.GetReference(cover);
        ref var counted = ref MemoryMarshal.GetReference(ofSize);
        ref var c = ref Unsafe.Add(ref bits, chosen * Words);
        ulong c0 = c, c1 = Unsafe.Add(ref c, 1), c2 = Unsafe.Add(ref c, 2), c3 = Unsafe.Add(ref c, 3);
        int nn = 0, killed = 0;
        for (var i = 0; i < na; i++)
        {
            var s = Unsafe.Add(ref pool, alive + i);
            ref var b = ref Unsafe.Add(ref bits, s * Words);
            ulong b0 = b, b1 = Unsafe.Add(ref b, 1), b2 = Unsafe.Add(ref b, 2), b3 = Unsafe.Add(ref b, 3);
            if (((b0 & c0) | (b1 & c1) | (b2 & c2) | (b3 & c3)) != 0)
            {
                Unsafe.Add(ref dead, killed++) = s;
                continue;
            }
            Unsafe.Add(ref pool, child + nn++) = s;
            var size = Unsafe.Add(ref sizes, s);
            Unsafe.Add(ref counted, size)++;
            ref var at = ref Unsafe.Add(ref covered, size * Words);
            at |= b0;
            Unsafe.Add(ref at, 1) |= b1;
            Unsafe.Add(ref at, 2) |= b2;
            Unsafe.Add(ref at, 3) |= b3;
        }
        _deadCount = killed;
        return nn;
    }

    /// <summary>The node's counts by VM and size: its parent's less the sets its choice killed, or its own sets
    /// counted afresh, whichever reads fewer sets.</summary>
    private void Count(Span<int> bySize, ReadOnlySpan<ulong> rem, int alive, int na, int depth)
    {
        if (_deadCount < na)
        {
            _bySize.AsSpan((depth - 1) * _matrix, _matrix).CopyTo(bySize);
            for (var i = 0; i < _deadCount; i++)
            {
                var s = _dead[i];
                var size = _size[s];
                for (var m = _start[s]; m < _start[s + 1]; m++) bySize[_members[m] * _stride + size]--;
            }
            Operations += _deadCount + _matrix / 64;
            return;
        }
        for (var k = 0; k < Words; k++)
            for (var x = rem[k]; x != 0; x &= x - 1)
                bySize.Slice((k * 64 + BitOperations.TrailingZeroCount(x)) * _stride, _stride).Clear();
        for (var i = 0; i < na; i++)
        {
            var s = _pool[alive + i];
            var size = _size[s];
            for (var m = _start[s]; m < _start[s + 1]; m++) bySize[_members[m] * _stride + size]++;
        }
        Operations += na;
    }

    /// <summary>Whether <paramref name="h"/> sets can cover the VMs of <paramref name="rem"/>: the sum over them of
    /// 1 / their largest live set is at most h, and of 1 / their smallest at least h. Counted in units of 1 / the lcm
    /// of the sizes, word by word: a VM's smallest size is the first whose cover holds it.</summary>
    private bool WithinCount(ReadOnlySpan<ulong> rem, ReadOnlySpan<ulong> cover, int h)
    {
        long least = 0, most = 0;
        for (var k = 0; k < Words; k++)
        {
            var seen = 0UL;
            foreach (var size in _sizes)
            {
                var first = rem[k] & cover[size * Words + k] & ~seen;
                most += _unit[size] * BitOperations.PopCount(first);
                seen |= cover[size * Words + k];
            }
            seen = 0;
            for (var q = _sizes.Length - 1; q >= 0; q--)
            {
                var size = _sizes[q];
                var last = rem[k] & cover[size * Words + k] & ~seen;
                least += _unit[size] * BitOperations.PopCount(last);
                seen |= cover[size * Words + k];
            }
        }
        return least <= h * _lcm && most >= h * _lcm;
    }

    // The order (docs/planted-cover-prior.sh's `prior`): what a change of order replaces.

    /// <summary>A set's weight, per size: the expected sets of its size in a cover of the <paramref name="left"/> VMs
    /// by <paramref name="h"/> sets over the live sets of that size.</summary>
    private void Weights(int h, int left, ReadOnlySpan<long> ofSize)
    {
        var expected = _prior.Expected(h, left);
        foreach (var size in _sizes) _weight[size] = ofSize[size] > 0 ? expected[size] / ofSize[size] : 0;
    }

    /// <summary>A VM's score, the lowest branched on: its effective sets (their weights over its heaviest), times
    /// 1 + <paramref name="u"/>.</summary>
    private static double Score(double mass, double top, int count, double u) => (top > 0 ? mass / top : count) * (1 + u);

    /// <summary>A set's sort key before its random part: -ln of its weight (heaviest first), by the logarithm that gives
    /// the same bits on every platform (Math.Log comes from the C library); a weight of 0 sorts last.</summary>
    private static double Key(double weight) => weight > 0 ? -SplitMix64.Ln(weight) : double.PositiveInfinity;

    private void Reserve(int more)
    {
        if (_top0 + more <= _pool.Length) return;
        var size = Math.Max(_pool.Length * 2, _top0 + more);
        Array.Resize(ref _pool, size);
        Array.Resize(ref _keys, size);
    }
}
