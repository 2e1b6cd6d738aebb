using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Solving;

/// <summary>Finds disjoint sets of VMs that fill an identical host exactly: their demands add up to the usable
/// capacity in every window of the scarce resource and fit in the other. Such a set wastes nothing, so it gets a
/// host of its own before the rest is packed (the idea behind minimum-bin-slack packing, taken to whole sets).
/// Local search rarely assembles one: a host's VMs must match in every window at once, a k-sum in as many
/// dimensions as windows. The search meets in the middle instead. Each VM gets a random additive 64-bit hash
/// of its demand rows, so a set's hash is the sum of its members' and a filling set hashes to the capacity's.
/// A trial picks a residue c of the hash's low bits, stores every a-subset whose hash has residue c, and looks up
/// every b-subset whose residue completes it: any set of a + b VMs is found in the trials where one of its
/// splits has residue c. Sets of 2 to 8 VMs are searched. A trial costs about N^b / M and finds a set with odds
/// C(a + b, a) / M, so sets of 7 and 8 VMs cost N^4 each: the search pays off on a few thousand VMs at most, and
/// each set found makes the next cheaper. Work is counted, so with one worker the result is repeatable.
/// Only for identical hosts (the caller checks): every host's usable capacity is host 0's.</summary>
internal sealed class ExactFillSearch
{
    /// <summary>Above this many VMs the pair table (one entry per pair) and the N^(k/2) cost of a trial are out of
    /// reach: sets are not searched.</summary>
    public const int MaxVms = 4000;

    /// <summary>Fewest distinct demand rows for a filling set to mean anything. In a few rows many sets fill a host
    /// by chance, and taking one may strand the VMs of better ones (a 3-row vector-packing instance lost a bin that
    /// way); in many rows a filling set is almost surely a group whose peaks were made to complement each other.</summary>
    public const int MinRows = 8;

    /// <summary>Subsets the stored side of a trial may hold, and the other side may enumerate: the residue modulus
    /// is the smallest power of two that respects both. A smaller modulus costs fewer trials per set found.</summary>
    private const double MaxStored = 1 << 18, MaxEnumerated = 1 << 24;

    /// <summary>Largest residue modulus, which sizes the bucket offsets: a split that needs more is skipped.</summary>
    private const ulong MaxModulus = 1 << 22;

    /// <summary>Calibrated against wall time: one operation is a pair looked at; a subset hashed and stored or
    /// looked up counts <see cref="VisitOperations"/>.</summary>
    private const double SecondsPerOperation = 5e-9;

    /// <summary>Work each split may take to show it finds anything, as a share of the budget.</summary>
    private const double MinDryShare = 0.01;

    /// <summary>A split's turn ends when its dry spell reaches this many times its work per set found.</summary>
    private const int DryFactor = 4;

    /// <summary>Trials a split gets without a find before its turn may end, unless they cost two probes.</summary>
    private const int MinDryTrials = 4;

    /// <summary>Most of the budget left that one turn may take.</summary>
    private const double TurnShare = 0.5;

    /// <summary>The index is rebuilt once one in this many of its VMs has gone into sets.</summary>
    private const int ReindexFraction = 10;

    /// <summary>Operations one visited subset counts for: a hash-table access outside the cache dominates.</summary>
    private const int VisitOperations = 4;

    private static readonly (int A, int B)[] Splits = [(1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 4), (4, 4)];

    private readonly PlacementProblem _p;
    private readonly Resource _scarce;
    private readonly ulong[] _hash;
    private readonly ulong _target;
    private readonly bool[] _taken;
    private readonly Random _random;
    private int[] _items = [];
    private int[] _singleStart = [], _single = [];
    private int[] _pairStart = [];
    private long[] _pair = [];
    private ulong _mask;
    private readonly ulong[] _keys = new ulong[2 * (int)MaxStored], _values = new ulong[2 * (int)MaxStored];
    private readonly ulong[] _filter = new ulong[(1 << FilterBits) / 64];
    private int _stored;
    private int _takenSinceIndex;
    private readonly int _threads;

    public long Operations { get; private set; }
    public double Charged => Operations * SecondsPerOperation;
    public int Trials { get; private set; }

    private ExactFillSearch(PlacementProblem p, Resource scarce, int seed, int threads)
    {
        _p = p;
        _threads = Math.Max(1, threads);
        _scarce = scarce;
        _random = new Random(seed);
        var factors = new ulong[p.WindowCount];
        for (var w = 0; w < factors.Length; w++) factors[w] = (ulong)_random.NextInt64() | 1UL;
        // Residues are the hash's low bits, which a factor common to every demand (millicores are often whole
        // multiples of 1,000 = 8 x 125) would pin to zero: the hash is of the demands divided by their gcd.
        var unit = (ulong)p.Usable(0, scarce);
        for (var v = 0; v < p.VmCount; v++)
            for (var w = 0; w < p.WindowCount; w++) unit = Gcd(unit, (ulong)p.Demand(v, scarce, w));
        unit = Math.Max(1, unit);
        _hash = new ulong[p.VmCount];
        for (var v = 0; v < p.VmCount; v++)
            for (var w = 0; w < factors.Length; w++) _hash[v] += factors[w] * ((ulong)p.Demand(v, scarce, w) / unit);
        for (var w = 0; w < factors.Length; w++) _target += factors[w] * ((ulong)p.Usable(0, scarce) / unit);
        _taken = new bool[p.VmCount];
        _items = [.. Enumerable.Range(0, p.VmCount)];
    }

    /// <summary>The filling sets found within <paramref name="budget"/> seconds of counted work (or of wall time
    /// once <paramref name="stop"/> says so), or none when the instance is too large or no set can exist. What it
    /// promises: a split whose subsets fit the stored and enumerated limits with modulus 1 is enumerated whole in
    /// one trial, so if the budget reaches that trial and a set of its size fills a host among the free VMs, a set
    /// is found (barring a 64-bit hash collision). Larger sets are found only with the odds of the trials run.</summary>
    /// <param name="threads">Threads the trials' looking-up side may use; the sets found do not depend on it.</param>
    public static (List<int[]> Sets, ExactFillSearch? Search) Find(PlacementProblem p, double budget, int seed, Func<bool> stop, int threads = 1)
    {
        if (p.VmCount > MaxVms || p.VmCount < 2) return ([], null);
        var scarce = ScarceResource(p, out var fillable);
        if (!fillable || DistinctRows(p, scarce) < MinRows) return ([], null);
        var search = new ExactFillSearch(p, scarce, seed, threads);
        return (search.Run(budget, stop), search);
    }

    private static ulong Gcd(ulong a, ulong b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    /// <summary>Windows whose demand rows differ from every earlier window's.</summary>
    private static int DistinctRows(PlacementProblem p, Resource r)
    {
        var distinct = new List<int>();
        for (var w = 0; w < p.WindowCount; w++)
            if (!distinct.Any(d => Enumerable.Range(0, p.VmCount).All(v => p.Demand(v, r, d) == p.Demand(v, r, w)))) distinct.Add(w);
        return distinct.Count;
    }

    /// <summary>The used resource (CPU or memory) whose total demand is the most hosts' worth; fillable is false
    /// when some window's total demand is below one host's capacity, so no set can fill it. The allocations
    /// (vCPUs, allocated memory) are limits only, which <see cref="Fills"/> keeps, never what a set fills: a VM's
    /// allocation is the same in every window, so were it the scarce resource the search would see one distinct
    /// row and give up, blind to the groups that fill the CPU.</summary>
    private static Resource ScarceResource(PlacementProblem p, out bool fillable)
    {
        var best = Resource.Cpu;
        var bestRatio = -1.0;
        foreach (var r in Resources.Used)
        {
            var ratio = double.MaxValue;
            for (var w = 0; w < p.WindowCount; w++)
            {
                long total = 0;
                for (var v = 0; v < p.VmCount; v++) total += p.Demand(v, r, w);
                ratio = Math.Min(ratio, (double)total / Math.Max(1, p.Usable(0, r)));
            }
            if (ratio > bestRatio) (best, bestRatio) = (r, ratio);
        }
        fillable = bestRatio >= 1;
        return best;
    }

    /// <summary>Rounds over the splits, smallest first, while some split still finds sets. A turn ends when the
    /// split has had <see cref="MinDryTrials"/> trials without a find (or two probes' worth) and its dry spell is
    /// at least a probe and
    /// <see cref="DryFactor"/> times its work per set found, or when it has taken <see cref="TurnShare"/> of the
    /// budget left, so the larger splits get their turn while the VMs left make them cheaper. A split whose
    /// modulus is 1 enumerates everything in one trial and is then done for good.</summary>
    private List<int[]> Run(double budget, Func<bool> stop)
    {
        var sets = new List<int[]>();
        var probe = (long)(budget * MinDryShare / SecondsPerOperation);
        var exhausted = new bool[Splits.Length];
        var budgetOperations = (long)(budget / SecondsPerOperation);
        for (var finding = true; finding && Charged < budget && !stop();)
        {
            finding = false;
            for (var i = 0; i < Splits.Length && Charged < budget && !stop(); i++)
            {
                var (a, b) = Splits[i];
                if (exhausted[i] || !Index(a, b)) continue;
                var started = Operations;
                var cap = (long)((budgetOperations - Operations) * TurnShare);
                var lastHit = Operations;
                var hits = 0;
                var dry = 0;
                while (_items.Length - _takenSinceIndex >= a + b && Charged < budget && !stop() && Operations - started < cap)
                {
                    var found = Trial(a, b);
                    if (found.Count > 0)
                    {
                        sets.AddRange(found);
                        hits += found.Count;
                        lastHit = Operations;
                        finding = true;
                        dry = 0;
                        _takenSinceIndex += found.Sum(s => s.Length);
                        // Taken VMs only cost wasted enumeration until the index is rebuilt without them.
                        if (_takenSinceIndex * ReindexFraction > _items.Length && !Index(a, b)) break;
                        continue;
                    }
                    if (_mask == 0) { exhausted[i] = true; break; }
                    var dryWork = Operations - lastHit;
                    if ((++dry >= MinDryTrials || dryWork > 2 * probe) && dryWork > Math.Max(probe, DryFactor * (lastHit - started) / Math.Max(1, hits))) break;
                }
            }
        }
        return sets;
    }

    /// <summary>Buckets the VMs not yet in a set, and their pairs, by hash residue, for a split into a stored
    /// a-subset and an enumerated b-subset.</summary>
    private bool Index(int a, int b)
    {
        _items = [.. Enumerable.Range(0, _p.VmCount).Where(v => !_taken[v])];
        _takenSinceIndex = 0;
        var n = _items.Length;
        var modulus = 1UL;
        while (Subsets(n, a) / modulus > MaxStored || Subsets(n, b) / modulus > MaxEnumerated) modulus <<= 1;
        if (modulus > MaxModulus) return false;
        _mask = modulus - 1;
        var m = (int)modulus;
        _singleStart = new int[m + 1];
        foreach (var v in _items) _singleStart[(int)(_hash[v] & _mask) + 1]++;
        for (var r = 0; r < m; r++) _singleStart[r + 1] += _singleStart[r];
        _single = new int[n];
        var fill = (int[])_singleStart.Clone();
        foreach (var v in _items) _single[fill[(int)(_hash[v] & _mask)]++] = v;

        _pairStart = new int[m + 1];
        for (var x = 0; x < n; x++)
            for (var y = x + 1; y < n; y++) _pairStart[(int)((_hash[_items[x]] + _hash[_items[y]]) & _mask) + 1]++;
        for (var r = 0; r < m; r++) _pairStart[r + 1] += _pairStart[r];
        _pair = new long[(long)n * (n - 1) / 2];
        fill = (int[])_pairStart.Clone();
        for (var x = 0; x < n; x++)
            for (var y = x + 1; y < n; y++)
                _pair[fill[(int)((_hash[_items[x]] + _hash[_items[y]]) & _mask)]++] = ((long)_items[x] << 32) | (uint)_items[y];
        // Each bucket from its largest first member down, so the enumeration stops at the first pair that does not
        // come after the two members it extends: five in six of a bucket's pairs did not, and were each read.
        for (var r = 0; r < m; r++) Array.Sort(_pair, _pairStart[r], _pairStart[r + 1] - _pairStart[r], Comparer<long>.Create((l, u) => u.CompareTo(l)));
        Operations += 2L * n * n;
        return true;
    }

    private static double Subsets(int n, int k)
    {
        var count = 1.0;
        for (var i = 0; i < k; i++) count = count * (n - i) / (i + 1);
        return count;
    }

    private List<int[]> Trial(int a, int b)
    {
        Trials++;
        var residue = (ulong)_random.NextInt64() & _mask;
        Array.Clear(_keys);
        Array.Clear(_filter);
        _stored = 0;
        var store = new Store(this);
        Operations += Enumerate(a, residue, 0, _items.Length, ref store);
        return LookUp(b, (_target - residue) & _mask);
    }

    /// <summary>The looking-up side of a trial, which is nearly all of its work, split by the first member's
    /// index over <see cref="_threads"/> threads. The table is only read meanwhile, and each chunk keeps its hits in
    /// order, so the candidates are checked and taken in the order one thread would meet them: the sets found and
    /// the operations counted do not depend on the number of threads, nor on how the threads were scheduled.</summary>
    private List<int[]> LookUp(int size, ulong residue)
    {
        var n = _items.Length;
        var chunks = _threads == 1 || n < 2 * LookUpChunks ? 1 : LookUpChunks;
        var hits = new List<(ulong Stored, ulong Members)>[chunks];
        var operations = new long[chunks];
        void Chunk(int c)
        {
            // Later first members have fewer partners: the bounds follow the pairs' count, not the index.
            var lookup = new Lookup(this);
            operations[c] = Enumerate(size, residue, ChunkStart(n, chunks, c), ChunkStart(n, chunks, c + 1), ref lookup);
            hits[c] = lookup.Hits;
        }
        if (chunks == 1) Chunk(0);
        else Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = _threads }, Chunk);
        Operations += operations.Sum();
        var found = new List<int[]>();
        foreach (var (stored, members) in hits.SelectMany(h => h))
        {
            var set = Unpack(stored).Concat(Unpack(members)).ToArray();
            if (set.Any(v => _taken[v]) || set.Distinct().Count() != set.Length || !Fills(set)) continue;
            foreach (var v in set) _taken[v] = true;
            found.Add(set);
        }
        return found;
    }

    /// <summary>Chunks of the looking-up side per trial: enough that two to a few threads share them evenly.</summary>
    private const int LookUpChunks = 64;

    /// <summary>Where chunk c of the first members begins, so that every chunk holds about as many pairs
    /// (first member x has n - 1 - x partners after it).</summary>
    private static int ChunkStart(int n, int chunks, int c)
    {
        if (c >= chunks) return n;
        // Pairs after the first x members: x (2n - x - 1) / 2; solve for the share c / chunks of all pairs.
        var pairs = (double)n * (n - 1) / 2 * c / chunks;
        var x = n - 0.5 - Math.Sqrt(Math.Max(0, (n - 0.5) * (n - 0.5) - 2 * pairs));
        return Math.Clamp((int)Math.Round(x), 0, n);
    }

    /// <summary>Bits of the filter that answers most look-ups before the table: 2^20 bits (128 KiB) stay in a
    /// core's cache where the table (8 MiB) does not, and at most 2^18 stored subsets set at most a quarter of them.</summary>
    private const int FilterBits = 20;

    /// <summary>The filter's bit for a key: bits above the residue's (the low bits, equal in every stored key) and
    /// apart from the table slot's.</summary>
    private static ulong FilterBit(ulong key) => (key >> 23) & ((1UL << FilterBits) - 1);

    private interface IVisitor
    {
        /// <summary>Stores the subset, or probes for a stored one that completes it to the capacity.</summary>
        void Visit(ulong hash, ulong members);
    }

    /// <summary>Stores each visited subset in the table: open addressing on the hash itself (0 marks an empty
    /// slot; a subset hashing to 0 is skipped).</summary>
    private readonly struct Store(ExactFillSearch s) : IVisitor
    {
        public void Visit(ulong hash, ulong members)
        {
            if (hash == 0) return;
            var keys = s._keys;
            var slot = (int)(hash >> 40) & (keys.Length - 1);
            while (keys[slot] != 0 && keys[slot] != hash) slot = (slot + 1) & (keys.Length - 1);
            if (keys[slot] != 0 || ++s._stored > keys.Length / 2) return;
            keys[slot] = hash;
            s._values[slot] = members;
            s._filter[FilterBit(hash) >> 6] |= 1UL << (int)(FilterBit(hash) & 63);
        }
    }

    /// <summary>Looks up the stored subset that completes each visited one, keeping the pair as a candidate: the
    /// hash only proposes it, <see cref="LookUp"/> checks it.</summary>
    private readonly struct Lookup(ExactFillSearch s) : IVisitor
    {
        public List<(ulong Stored, ulong Members)> Hits { get; } = [];

        public void Visit(ulong hash, ulong members)
        {
            var key = s._target - hash;
            if (key == 0 || (s._filter[FilterBit(key) >> 6] & (1UL << (int)(FilterBit(key) & 63))) == 0) return;
            var keys = s._keys;
            for (var slot = (int)(key >> 40) & (keys.Length - 1); keys[slot] != 0; slot = (slot + 1) & (keys.Length - 1))
            {
                if (keys[slot] != key) continue;
                Hits.Add((s._values[slot], members));
                return;
            }
        }
    }

    /// <summary>Visits every size-<paramref name="size"/> subset of the free VMs (increasing index, 1 to 4 members
    /// packed 16 bits each) whose hash has the given residue and whose first member is item <paramref name="from"/>
    /// to <paramref name="to"/> - 1 (for sizes 1 and 2 only the whole range is split). Returns the operations it
    /// counted: one per pair looked at, <see cref="VisitOperations"/> per subset visited.</summary>
    private long Enumerate<TVisitor>(int size, ulong residue, int from, int to, ref TVisitor visitor) where TVisitor : struct, IVisitor
    {
        long operations = 0;
        if (size == 1)
        {
            if (from > 0) return 0;
            for (var s = _singleStart[residue]; s < _singleStart[residue + 1]; s++)
            {
                operations += VisitOperations;
                visitor.Visit(_hash[_single[s]], Pack(_single[s]));
            }
            return operations;
        }
        if (size == 2)
        {
            for (var x = from; x < to; x++)
            {
                var i = _items[x];
                var need = (residue - _hash[i]) & _mask;
                operations++;
                for (var s = _singleStart[need]; s < _singleStart[need + 1]; s++)
                    if (_single[s] > i)
                    {
                        operations += VisitOperations;
                        visitor.Visit(_hash[i] + _hash[_single[s]], Pack(i, _single[s]));
                    }
            }
            return operations;
        }
        var n = _items.Length;
        for (var x = from; x < to; x++)
        {
            var i = _items[x];
            if (_taken[i]) continue;
            for (var y = x + 1; y < n; y++)
            {
                var j = _items[y];
                var sum = _hash[i] + _hash[j];
                var need = (residue - sum) & _mask;
                operations++;
                if (size == 3)
                {
                    for (var s = _singleStart[need]; s < _singleStart[need + 1]; s++)
                        if (_single[s] > j)
                        {
                            operations += VisitOperations;
                            visitor.Visit(sum + _hash[_single[s]], Pack(i, j, _single[s]));
                        }
                }
                else
                {
                    for (var s = _pairStart[need]; s < _pairStart[need + 1]; s++)
                    {
                        var k = (int)(_pair[s] >> 32);
                        if (k <= j) break;
                        operations += VisitOperations;
                        visitor.Visit(sum + _hash[k] + _hash[(int)(uint)_pair[s]], Pack(i, j, k, (int)(uint)_pair[s]));
                    }
                }
            }
        }
        return operations;
    }

    private static ulong Pack(params ReadOnlySpan<int> members)
    {
        ulong packed = 0;
        foreach (var v in members) packed = (packed << 16) | (uint)(v + 1);
        return packed;
    }

    private static IEnumerable<int> Unpack(ulong packed)
    {
        for (; packed != 0; packed >>= 16) yield return (int)(packed & 0xFFFF) - 1;
    }

    /// <summary>Checks the set exactly: the hash only proposes it.</summary>
    private bool Fills(int[] set)
    {
        foreach (var r in Resources.All)
            for (var w = 0; w < _p.WindowCount; w++)
            {
                long total = 0;
                foreach (var v in set) total += _p.Demand(v, r, w);
                if (r == _scarce ? total != _p.Usable(0, r) : total > _p.Usable(0, r)) return false;
            }
        return true;
    }
}
