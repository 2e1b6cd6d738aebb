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
    /// is the smallest power of two that respects both. A smaller modulus costs fewer trials per set found, and
    /// fewer pairs looked at per subset visited: on planted K = 200 (decimals, seeds 1-3, counted mode) 2^18 stored
    /// took 11.8-16.8 s of counted work and 2^19 10.7-11.6 s for about 1.9 s of CPU per counted second either way;
    /// 2^20 took 9.0-10.3 s but more CPU (its table leaves the cache).</summary>
    private const double MaxStored = 1 << 19, MaxEnumerated = 1 << 24;

    /// <summary>Largest residue modulus, which sizes the bucket offsets: a split that needs more is skipped.</summary>
    private const ulong MaxModulus = 1 << 22;

    /// <summary>Seconds one operation counts for: a pair looked at is one, a subset hashed and stored or looked up
    /// counts <see cref="VisitOperations"/>. It sizes the deterministic mode's work (the wall-clock mode is ended
    /// by the wall clock only). Measured on planted K = 200 written with decimals, seeds 1-3, on this project's
    /// shared 2-core machine at load average 15-23 (2026-12-05): 1.6-1.8 s of the process's CPU per counted second,
    /// the search on both cores (the other jobs share the caches; the calibration before, 1.03, was on a quieter
    /// machine).</summary>
    private const double SecondsPerOperation = 5e-9;

    /// <summary>Work each split may take to show it finds anything, as a share of the budget.</summary>
    private const double MinDryShare = 0.01;

    /// <summary>A split's turn ends when its dry spell reaches this many times its work per set found.</summary>
    private const int DryFactor = 8;

    /// <summary>Trials a split gets without a find before its turn may end, unless they cost two probes.</summary>
    private const int MinDryTrials = 4;

    /// <summary>Odds below which a dry spell is taken to prove that no set of the split's sizes is left.</summary>
    private const double MissedLoneSet = 0.01;

    /// <summary>Most of the budget left that one turn may take.</summary>
    private const double TurnShare = 0.5;

    /// <summary>The index is rebuilt once one in this many of its VMs has gone into sets.</summary>
    private const int ReindexFraction = 10;

    /// <summary>Operations one visited subset counts for: a hash-table access outside the cache dominates.</summary>
    private const int VisitOperations = 4;

    /// <summary>A trial's stored side holds the subsets of sizes <see cref="StoredFrom"/> to <see cref="StoredTo"/>
    /// whose hash has residue c, and its looking-up side those of sizes LookedUpFrom to LookedUpTo with the residue
    /// that completes c.</summary>
    private readonly record struct Split(int StoredFrom, int StoredTo, int LookedUpFrom, int LookedUpTo)
    {
        public int Smallest => StoredFrom + LookedUpFrom;

        /// <summary>Fewest ways a set of one of the split's sizes parts into a stored and a looked-up subset: a trial
        /// finds a lone set with at least these odds over the modulus.</summary>
        public int LeastSplits
        {
            get
            {
                var least = int.MaxValue;
                for (var k = Smallest; k <= StoredTo + LookedUpTo; k++)
                {
                    var ways = 0;
                    for (var a = StoredFrom; a <= StoredTo; a++)
                        if (k - a >= LookedUpFrom && k - a <= LookedUpTo) ways += (int)Subsets(k, a);
                    least = Math.Min(least, ways);
                }
                return least;
            }
        }
        public override string ToString() => $"{StoredFrom}-{StoredTo}+{LookedUpFrom}-{LookedUpTo}";
    }

    /// <summary>Smallest sets first. The last two splits store and look up subsets of several sizes together, from
    /// the same pairs: 2 to 3 (sets of 4 to 6), then 2 to 4 (sets of 4 to 8). A 7-set then has 70 splits that can
    /// meet (3 + 4 and 4 + 3) where a 3 + 4 trial gave it 35 for the same 4-subsets enumerated, and the 7- and 8-sets
    /// are found side by side, each find making the 4-subsets of the next trial fewer; the 5-sets come with the
    /// 6-sets' trials at no extra cost. Searched one size at a time (3 + 3, 3 + 4, then 4 + 4, with probes 2 + 3),
    /// planted K = 200 written with decimals took 24.8 s of counted work, 18.6 s of it on its 7-sets while the VMs
    /// of the 8-sets were still among them; so, 9.6-10.1 s (seeds 1-3).</summary>
    private static readonly Split[] Splits = [new(1, 1, 1, 1), new(1, 1, 2, 2), new(2, 2, 2, 2), new(2, 3, 2, 3), new(2, 4, 2, 4)];

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
    private readonly ulong[] _table = new ulong[2 * TableSlots];
    private readonly ulong[] _filter = new ulong[(1 << FilterBits) / 64];
    private readonly Collected[] _collected = [.. Enumerable.Range(0, Chunks).Select(_ => new Collected())];
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
    /// <param name="counted">Whether the budget of counted work ends the search (the deterministic mode), or only
    /// <paramref name="stop"/> does (a wall-clock limit: on an idle machine the work gets done faster than counted).</param>
    public static (List<int[]> Sets, ExactFillSearch? Search) Find(PlacementProblem p, double budget, int seed, Func<bool> stop, int threads = 1, bool counted = true)
    {
        if (p.VmCount > MaxVms || p.VmCount < 2) return ([], null);
        var scarce = ScarceResource(p, out var fillable);
        if (!fillable || DistinctRows(p, scarce) < MinRows) return ([], null);
        var search = new ExactFillSearch(p, scarce, seed, threads);
        return (search.Run(budget, stop, counted), search);
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
    /// at least a probe and <see cref="DryFactor"/> times its work per set found, or when it has taken
    /// <see cref="TurnShare"/> of the budget left, so the larger splits get their turn while the VMs left make them
    /// cheaper. A split is done for good when its modulus is 1 (it enumerates everything in one trial), or when
    /// its dry spell would have found a lone set of any of its sizes but with odds of <see cref="MissedLoneSet"/>:
    /// taking VMs away never makes a new set. With <paramref name="counted"/> the budget of counted work ends the
    /// search; otherwise only <paramref name="stop"/> (the wall clock) does, and the budget only paces the turns.</summary>
    private List<int[]> Run(double budget, Func<bool> stop, bool counted)
    {
        var sets = new List<int[]>();
        var probe = (long)(budget * MinDryShare / SecondsPerOperation);
        var exhausted = new bool[Splits.Length];
        var budgetOperations = (long)(budget / SecondsPerOperation);
        bool Out() => (counted && Charged >= budget) || stop();
        for (var finding = true; finding && !Out();)
        {
            finding = false;
            for (var i = 0; i < Splits.Length && !Out(); i++)
            {
                var split = Splits[i];
                if (exhausted[i] || !Index(split)) continue;
                var started = Operations;
                var cap = (long)(Math.Max(budgetOperations - Operations, 2 * probe) * TurnShare);
                var lastHit = Operations;
                var hits = 0;
                var dry = 0;
                var missed = 1.0;
                while (_items.Length - _takenSinceIndex >= split.Smallest && !Out() && Operations - started < cap)
                {
                    var found = Trial(split);
                    if (found.Count > 0)
                    {
                        sets.AddRange(found);
                        hits += found.Count;
                        lastHit = Operations;
                        finding = true;
                        dry = 0;
                        missed = 1;
                        _takenSinceIndex += found.Sum(s => s.Length);
                        // Taken VMs only cost wasted enumeration until the index is rebuilt without them.
                        if (_takenSinceIndex * ReindexFraction > _items.Length && !Index(split)) break;
                        continue;
                    }
                    missed *= 1 - Math.Min(1, split.LeastSplits / (double)(_mask + 1));
                    if (_mask == 0 || missed < MissedLoneSet) { exhausted[i] = true; break; }
                    var dryWork = Operations - lastHit;
                    if ((++dry >= MinDryTrials || dryWork > 2 * probe) && dryWork > Math.Max(probe, DryFactor * (lastHit - started) / Math.Max(1, hits))) break;
                }
            }
        }
        return sets;
    }

    /// <summary>Buckets the VMs not yet in a set, and their pairs, by hash residue, for the split.</summary>
    private bool Index(Split split)
    {
        _items = [.. Enumerable.Range(0, _p.VmCount).Where(v => !_taken[v])];
        _takenSinceIndex = 0;
        var n = _items.Length;
        var modulus = 1UL;
        while (Subsets(n, split.StoredFrom, split.StoredTo) / modulus > MaxStored || Subsets(n, split.LookedUpFrom, split.LookedUpTo) / modulus > MaxEnumerated) modulus <<= 1;
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

    private static double Subsets(int n, int from, int to)
    {
        var count = 0.0;
        for (var k = from; k <= to; k++) count += Subsets(n, k);
        return count;
    }

    private static double Subsets(int n, int k)
    {
        var count = 1.0;
        for (var i = 0; i < k; i++) count = count * (n - i) / (i + 1);
        return count;
    }

    private List<int[]> Trial(Split split)
    {
        Trials++;
        var residue = (ulong)_random.NextInt64() & _mask;
        Store(split.StoredFrom, split.StoredTo, residue);
        return LookUp(split.LookedUpFrom, split.LookedUpTo, (_target - residue) & _mask);
    }

    /// <summary>Chunks a side of a trial is enumerated in: enough that two to a few threads share them evenly; one
    /// when there are few VMs. Never a function of the threads, since a chunk visits its subsets of 2 before those of
    /// 3 and 4, so the order of the visits depends on the chunks.</summary>
    private int ChunkCount => _items.Length < 2 * Chunks ? 1 : Chunks;

    /// <summary>The stored side of a trial: its chunks are enumerated on every thread, each into a buffer per
    /// partition of the table, then each partition is filled by one thread from its buffers in chunk order. A
    /// partition's slots and filter bits are its own, so it holds what one thread storing the subsets in their
    /// order would have stored, whatever the threads.</summary>
    private void Store(int from, int to, ulong residue)
    {
        var chunks = ChunkCount;
        var operations = new long[chunks];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _threads };
        Parallel.For(0, chunks, parallel, c =>
        {
            var collect = new Collect(_collected[c]);
            collect.Buffers.Clear();
            operations[c] = Enumerate(from, to, residue, c, chunks, ref collect);
        });
        Operations += operations.Sum();
        Parallel.For(0, Partitions, parallel, part =>
        {
            Array.Clear(_table, 2 * part * RegionSlots, 2 * RegionSlots);
            Array.Clear(_filter, part * _filter.Length / Partitions, _filter.Length / Partitions);
            var stored = 0;
            ulong touched = 0;
            for (var c = 0; c < chunks; c++)
            {
                var buffer = _collected[c].Of(part);
                var items = buffer.Items;
                var full = false;
                for (var e = 0; e < buffer.Count && !full; e += 2 * InsertBatch)
                {
                    // The batch's first slots are read before any is written, with no branch between the reads, so
                    // that they are fetched together; the inserts then find them in the cache.
                    var end = Math.Min(buffer.Count, e + 2 * InsertBatch);
                    for (var b = e; b < end; b += 2) touched += _table[2 * Slot(part, items[b])];
                    for (var b = e; b < end && !full; b += 2) full = !Insert(part, items[b], items[b + 1], ref stored);
                }
            }
            _touched[part] = touched;
        });
    }

    /// <summary>Subsets whose slots are read ahead together before they are inserted.</summary>
    private const int InsertBatch = 32;

    /// <summary>Where the reads ahead go, so that the compiler keeps them.</summary>
    private readonly ulong[] _touched = new ulong[Partitions];

    /// <summary>Open addressing on the hash itself within the hash's partition (0 marks an empty slot; a subset
    /// hashing to 0 is not stored). False once the partition is half full: the rest of its subsets are dropped.</summary>
    private bool Insert(int part, ulong hash, ulong members, ref int stored)
    {
        if (hash == 0) return true;
        var slot = Slot(part, hash);
        while (_table[2 * slot] != 0 && _table[2 * slot] != hash) slot = Next(part, slot);
        if (_table[2 * slot] != 0) return true;
        if (++stored > RegionSlots / 2) return false;
        _table[2 * slot] = hash;
        _table[2 * slot + 1] = members;
        _filter[FilterBit(hash) >> 6] |= 1UL << (int)(FilterBit(hash) & 63);
        return true;
    }

    /// <summary>Slots of the table: twice the most subsets a trial stores. A slot is a hash and its members side by
    /// side (one cache line per access), in <see cref="Partitions"/> regions chosen by the hash's top bits.</summary>
    private const int TableSlots = 2 * (int)MaxStored, Partitions = 4, RegionSlots = TableSlots / Partitions;

    private static int Partition(ulong hash) => (int)(hash >> 62);

    /// <summary>A hash's first slot in its partition: bits 44 to 61, apart from the residue's (below 22), the
    /// filter's (23 to 41) and the partition's (62 and 63).</summary>
    private static int Slot(int part, ulong hash) => part * RegionSlots + ((int)(hash >> 44) & (RegionSlots - 1));

    private static int Next(int part, int slot) => part * RegionSlots + ((slot + 1) & (RegionSlots - 1));

    /// <summary>The looking-up side of a trial, split into chunks (<see cref="Enumerate{TVisitor}"/>) over
    /// <see cref="_threads"/> threads. The table is only read meanwhile, and each chunk keeps its hits in
    /// order, so the candidates are checked and taken in the order one thread would meet them: the sets found and
    /// the operations counted do not depend on the number of threads, nor on how the threads were scheduled.</summary>
    private List<int[]> LookUp(int from, int to, ulong residue)
    {
        var chunks = ChunkCount;
        var hits = new List<(ulong Stored, ulong Members)>[chunks];
        var operations = new long[chunks];
        void Chunk(int c)
        {
            var lookup = new Lookup(this);
            operations[c] = Enumerate(from, to, residue, c, chunks, ref lookup);
            lookup.Flush();
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

    private const int Chunks = 64;

    /// <summary>Bits of the filter that answers most look-ups before the table: 2^21 bits (256 KiB) stay in a
    /// core's cache where the table (16 MiB) does not, and at most 2^19 stored subsets set at most a quarter of them.</summary>
    private const int FilterBits = 21;

    /// <summary>The filter's bit for a key: in its partition's quarter of the filter, from bits above the residue's
    /// (the low bits, equal in every stored key) and apart from the table slot's.</summary>
    private static ulong FilterBit(ulong key) => ((ulong)Partition(key) << (FilterBits - 2)) | ((key >> 23) & ((1UL << (FilterBits - 2)) - 1));

    private interface IVisitor
    {
        /// <summary>Stores the subset, or probes for a stored one that completes it to the capacity.</summary>
        void Visit(ulong hash, ulong members);
    }

    /// <summary>The subsets a chunk of the stored side visited, by partition of the table.</summary>
    private sealed class Collected
    {
        private readonly Buffer[] _byPartition = [.. Enumerable.Range(0, Partitions).Select(_ => new Buffer())];

        public Buffer Of(int part) => _byPartition[part];

        public void Clear()
        {
            foreach (var b in _byPartition) b.Count = 0;
        }

        public sealed class Buffer
        {
            public ulong[] Items = new ulong[256];
            public int Count;

            public void Add(ulong hash, ulong members)
            {
                if (Count + 2 > Items.Length) Array.Resize(ref Items, 2 * Items.Length);
                Items[Count++] = hash;
                Items[Count++] = members;
            }
        }
    }

    /// <summary>Collects each visited subset of the stored side, for <see cref="Store"/> to insert.</summary>
    private readonly struct Collect(Collected buffers) : IVisitor
    {
        public Collected Buffers => buffers;

        public void Visit(ulong hash, ulong members) => buffers.Of(Partition(hash)).Add(hash, members);
    }

    /// <summary>Looks up the stored subset that completes each visited one, keeping the pair as a candidate: the
    /// hash only proposes it, <see cref="LookUp"/> checks it. Visits are looked up a batch at a time, the filter first
    /// for the whole batch without a branch, so that the processor has the batch's filter reads in flight together
    /// instead of one after each mispredicted branch (the filter misses the core's cache on this shared machine); the
    /// hits come out in the order of the visits, as one at a time.</summary>
    private struct Lookup(ExactFillSearch s) : IVisitor
    {
        private const int Batch = 64;
        private readonly ulong[] _keys = new ulong[Batch], _members = new ulong[Batch];
        private int _count;

        public List<(ulong Stored, ulong Members)> Hits { get; } = [];

        public void Visit(ulong hash, ulong members)
        {
            _keys[_count] = s._target - hash;
            _members[_count] = members;
            if (++_count == Batch) Flush();
        }

        /// <summary>Looks up the visits batched so far.</summary>
        public void Flush()
        {
            var filter = s._filter;
            var keys = _keys;
            ulong passed = 0;
            for (var i = 0; i < _count; i++)
            {
                var bit = FilterBit(keys[i]);
                passed |= ((filter[bit >> 6] >> (int)(bit & 63)) & 1UL) << i;
            }
            var table = s._table;
            for (; passed != 0; passed &= passed - 1)
            {
                var i = System.Numerics.BitOperations.TrailingZeroCount(passed);
                var key = keys[i];
                if (key == 0) continue;
                var part = Partition(key);
                for (var slot = Slot(part, key); table[2 * slot] != 0; slot = Next(part, slot))
                {
                    if (table[2 * slot] != key) continue;
                    Hits.Add((table[2 * slot + 1], _members[i]));
                    break;
                }
            }
            _count = 0;
        }
    }

    /// <summary>Visits every subset of <paramref name="smallest"/> to <paramref name="largest"/> free VMs (increasing
    /// index, 1 to 4 members packed 16 bits each) whose hash has the given residue, in the share
    /// <paramref name="chunk"/> of <paramref name="chunks"/>: by first member for sizes 2, by the residue of the first
    /// pair for sizes 3 and 4 (size 1 is one chunk). Subsets of 3 and 4 are a pair from one residue's bucket joined
    /// with a VM or a pair from the bucket that completes it, so both buckets are read in order: looked up pair by
    /// pair, the buckets were a random read each, which took most of the time once the buckets were sparse. Sizes 3
    /// and 4 are enumerated together, from the same pairs. Returns the operations it counted: one per pair looked
    /// at, <see cref="VisitOperations"/> per subset visited.</summary>
    private long Enumerate<TVisitor>(int smallest, int largest, ulong residue, int chunk, int chunks, ref TVisitor visitor) where TVisitor : struct, IVisitor
    {
        long operations = 0;
        if (smallest == 1 && chunk == 0)
            for (var s = _singleStart[residue]; s < _singleStart[residue + 1]; s++)
            {
                operations += VisitOperations;
                visitor.Visit(_hash[_single[s]], Pack(_single[s]));
            }
        if (smallest <= 2 && largest >= 2)
            for (int x = Share(_items.Length, chunk, chunks), to = Share(_items.Length, chunk + 1, chunks); x < to; x++)
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
        if (largest < 3) return operations;
        var buckets = (int)_mask + 1;
        for (int r = Share(buckets, chunk, chunks), last = Share(buckets, chunk + 1, chunks); r < last; r++)
        {
            var need = (int)((residue - (ulong)r) & _mask);
            for (var p = _pairStart[r]; p < _pairStart[r + 1]; p++)
            {
                var i = (int)(_pair[p] >> 32);
                var j = (int)(uint)_pair[p];
                if (_taken[i] || _taken[j]) continue;
                var sum = _hash[i] + _hash[j];
                operations++;
                if (smallest <= 3)
                {
                    // Each bucket of VMs is in increasing order: from its end down to the first at or before j.
                    for (var s = _singleStart[need + 1] - 1; s >= _singleStart[need] && _single[s] > j; s--)
                    {
                        operations += VisitOperations;
                        visitor.Visit(sum + _hash[_single[s]], Pack(i, j, _single[s]));
                    }
                }
                if (largest == 4)
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

    /// <summary>Where share c of <paramref name="count"/> things split into <paramref name="shares"/> begins.</summary>
    private static int Share(int count, int c, int shares) => (int)((long)count * c / shares);

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
