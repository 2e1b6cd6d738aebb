using System.Numerics;
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
/// On flat-mem K = 20 the prototype found a cover on 7 of 8 instances (docs/solver.md). The live sets of each node are
/// kept as a list in one pool (bitsets of the VMs), not dancing links. Work is counted in set visits, so a budget in
/// visits gives the same search on any machine.</summary>
internal sealed class CoverSearch
{
    /// <summary>Nodes in the first run and the unit of Luby's sequence: the prototype's best (1,000 against 100 and
    /// none; docs/solver.md's prior table).</summary>
    public const int RestartUnit = 1000;

    private readonly int[] _members, _start;
    private readonly int _n, _w, _hosts;
    private readonly ulong[] _bits;
    private readonly int[] _size;
    private readonly SizePrior _prior;
    private readonly int[] _cnt, _lo, _hi, _bySize, _sizes;
    private readonly double[] _mass, _top;
    private readonly ulong[] _rem;
    private readonly int[] _chosen;
    private readonly Func<bool> _stop;
    private readonly long _maxVisits;
    private int[] _pool;
    private double[] _keys;
    private int _top0;
    private readonly SplitMix64 _rng;
    private long _runNodes, _cutoff;

    public long Nodes { get; private set; }
    public long Visits { get; private set; }
    public int Runs { get; private set; }
    public bool Stopped { get; private set; }

    private CoverSearch(FullHostSets sets, SizePrior prior, int vms, int hosts, ulong seed, long maxVisits, Func<bool> stop)
    {
        _members = new int[Enumerable.Range(0, sets.Count).Sum(s => sets.Set(s).Length)];
        _start = new int[sets.Count + 1];
        _prior = prior;
        _n = vms;
        _w = (vms + 63) / 64;
        _hosts = hosts;
        _stop = stop;
        _maxVisits = maxVisits;
        _bits = new ulong[sets.Count * _w];
        _size = new int[sets.Count];
        for (var s = 0; s < sets.Count; s++)
        {
            var set = sets.Set(s);
            _size[s] = set.Length;
            set.CopyTo(_members.AsSpan(_start[s]));
            _start[s + 1] = _start[s] + set.Length;
            foreach (var v in set) _bits[s * _w + (v >> 6)] |= 1UL << (v & 63);
        }
        _cnt = new int[vms];
        _sizes = [.. _size.Distinct().Order()];
        _bySize = new int[vms * (prior.MaxSize + 1)];
        _lo = new int[vms];
        _hi = new int[vms];
        _mass = new double[vms];
        _top = new double[vms];
        _rem = new ulong[(hosts + 1) * _w];
        _chosen = new int[hosts];
        _pool = new int[Math.Max(16, 4 * sets.Count)];
        _keys = new double[_pool.Length];
        _rng = new SplitMix64(seed);
    }

    /// <summary>The sets of a cover (one per host), or null when none was found within <paramref name="maxVisits"/> set
    /// visits or before <paramref name="stop"/> said so.</summary>
    public static (int[]? Cover, CoverSearch Search) Find(FullHostSets sets, SizePrior prior, int vms, int hosts, ulong seed, long maxVisits, Func<bool> stop)
    {
        var search = new CoverSearch(sets, prior, vms, hosts, seed, maxVisits, stop);
        for (var s = 0; s < sets.Count; s++) search._pool[s] = s;
        search._top0 = sets.Count;
        for (var v = 0; v < vms; v++) search._rem[v >> 6] |= 1UL << (v & 63);
        var found = false;
        while (!found && !search.Stopped && search.Visits < maxVisits)
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

    private double Uniform() => _rng.NextDouble();

    private bool Node(int alive, int na, int h, int depth)
    {
        Nodes++;
        _runNodes++;
        var rem = _rem.AsSpan(depth * _w, _w);
        var left = 0;
        foreach (var word in rem) left += BitOperations.PopCount(word);
        if (left == 0) return true;
        if (_runNodes > _cutoff || Visits >= _maxVisits) return false;
        if ((Nodes & 63) == 1 && _stop())
        {
            Stopped = true;
            return false;
        }
        // A set's weight: the expected sets of its size in a cover over the live sets of that size.
        Span<double> weight = stackalloc double[_prior.MaxSize + 1];
        Span<long> count = stackalloc long[_prior.MaxSize + 1];
        for (var i = 0; i < na; i++) count[_size[_pool[alive + i]]]++;
        var expected = _prior.Expected(h, left);
        for (var s = 0; s <= _prior.MaxSize; s++) weight[s] = count[s] > 0 ? expected[s] / count[s] : 0;
        // Each VM's live sets counted by size: its count, smallest and largest size, mass and heaviest weight follow.
        var stride = _prior.MaxSize + 1;
        for (var k = 0; k < _w; k++)
            for (var x = rem[k]; x != 0; x &= x - 1)
                Array.Clear(_bySize, (k * 64 + BitOperations.TrailingZeroCount(x)) * stride, stride);
        for (var i = 0; i < na; i++)
        {
            var s = _pool[alive + i];
            var size = _size[s];
            for (var m = _start[s]; m < _start[s + 1]; m++) _bySize[_members[m] * stride + size]++;
        }
        for (var k = 0; k < _w; k++)
            for (var x = rem[k]; x != 0; x &= x - 1)
            {
                var v = k * 64 + BitOperations.TrailingZeroCount(x);
                int cnt = 0, lo = int.MaxValue, hi = 0;
                double mass = 0, top = 0;
                foreach (var size in _sizes)
                {
                    var c = _bySize[v * stride + size];
                    if (c == 0) continue;
                    cnt += c;
                    lo = Math.Min(lo, size);
                    hi = size;
                    mass += c * weight[size];
                    top = Math.Max(top, weight[size]);
                }
                _cnt[v] = cnt;
                _lo[v] = lo;
                _hi[v] = hi;
                _mass[v] = mass;
                _top[v] = top;
            }
        Visits += na;
        int best = -1;
        double bestScore = double.MaxValue, least = 0, most = 0;
        for (var k = 0; k < _w; k++)
            for (var x = rem[k]; x != 0; x &= x - 1)
            {
                var v = k * 64 + BitOperations.TrailingZeroCount(x);
                if (_cnt[v] == 0) return false;
                least += 1.0 / _hi[v];
                most += 1.0 / _lo[v];
                var score = (_top[v] > 0 ? _mass[v] / _top[v] : _cnt[v]) * (1 + Uniform());
                if (score < bestScore)
                {
                    bestScore = score;
                    best = v;
                }
            }
        // Every set fills a host exactly, so a cover of the VMs left has exactly h sets.
        if (least > h + 1e-9 || most < h - 1e-9) return false;
        var cand = _top0;
        var nc = 0;
        Reserve(na);
        for (var i = 0; i < na; i++)
        {
            var s = _pool[alive + i];
            if ((_bits[s * _w + (best >> 6)] >> (best & 63) & 1) == 0) continue;
            _pool[cand + nc] = s;
            _keys[cand + nc] = Key(weight[_size[s]]) + Uniform();
            nc++;
        }
        Array.Sort(_keys, _pool, cand, nc);
        _top0 += nc;
        var found = false;
        for (var c = 0; c < nc && !found && !Stopped && _runNodes <= _cutoff && Visits < _maxVisits; c++)
        {
            var chosen = _pool[cand + c];
            var next = _rem.AsSpan((depth + 1) * _w, _w);
            for (var k = 0; k < _w; k++) next[k] = rem[k] & ~_bits[chosen * _w + k];
            Reserve(na);
            var child = _top0;
            var nn = 0;
            for (var i = 0; i < na; i++)
            {
                var s = _pool[alive + i];
                var disjoint = true;
                for (var k = 0; k < _w; k++)
                    if ((_bits[s * _w + k] & _bits[chosen * _w + k]) != 0)
                    {
                        disjoint = false;
                        break;
                    }
                if (disjoint) _pool[child + nn++] = s;
            }
            Visits += na;
            _top0 += nn;
            _chosen[depth] = chosen;
            found = Node(child, nn, h - 1, depth + 1);
            _top0 -= nn;
        }
        _top0 -= nc;
        return found;
    }

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
