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
    /// fewer pairs and buckets read per subset visited. With the cache-friendly join (<see cref="SubsetJoin"/>), on
    /// planted K = 200 written with decimals, seeds 1-7 and 9, one thread, counted mode (2026-12-06, load 12-22):
    /// 2^19 took 8.1-8.9 s of counted work (seeds 1-4), 2^20 6.0-8.8 s (7.1 on average) at 0.85-0.98 s of CPU
    /// per counted second, 2^21 7.6-8.3 s (seeds 1-3) at 1.14-1.25 (its filters leave the core's cache). The
    /// other side's limit only binds for the splits of 1 and 2 VMs, and bounds what the join keeps of it.</summary>
    private const double MaxStored = 1 << 20, MaxEnumerated = 1 << 21;

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

    /// <summary>Sets a turn must have found before its own pace alone (<see cref="DryFactor"/> times its work per set)
    /// may end it, without the probe's floor. With the floor always, the sets of 6 kept their split going for a
    /// set every probe (planted K = 200, seed 1: 71 sets in 1.3 s of counted work, then 1.2 s for three more, which
    /// the next split finds alongside its own); with no floor once a set is found, two lucky early finds ended the
    /// turn of the 7s and 8s after 16 trials, and each such end cost a dry turn of the split before (seed 6: 12.5 s
    /// of counted work against 7.0 s with this rule).</summary>
    private const int MinHitsToPace = 8;

    /// <summary>Trials a split gets without a find before its turn may end, unless they cost two probes.</summary>
    private const int MinDryTrials = 4;

    /// <summary>Odds below which a dry spell is taken to prove that no set of the split's sizes is left.</summary>
    private const double MissedLoneSet = 0.01;

    /// <summary>Rounds in a row with no find that end the search once a set has been found; the dry spell a turn
    /// must reach doubles with each, so the last is four probes a split (hourly-mem K = 200, docs/solver.md).</summary>
    private const int MaxEmptyRounds = 3;

    /// <summary>Most of the budget left that one turn may take.</summary>
    private const double TurnShare = 0.5;

    /// <summary>The index is rebuilt once one in this many of its VMs has gone into sets.</summary>
    private const int ReindexFraction = 10;

    /// <summary>Operations one visited subset counts for: it is written down or tested against a filter
    /// (<see cref="SubsetJoin"/>), where a pair or bucket read is one.</summary>
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

    /// <summary>The free VMs' pairs by residue, packed as <see cref="Pack(int, int)"/>: in <see cref="_pair"/> each
    /// bucket runs from the largest first member down (the side a pair or a VM is completed from, read until its
    /// members no longer come after the ones it completes), in <see cref="_pairBySecond"/> from the smallest second
    /// member up (the side that leads a subset of 4, read until no pair of the other bucket can follow it).</summary>
    private uint[] _pair = [], _pairBySecond = [];
    private ulong _mask;
    private readonly SubsetJoin _join;
    private int _takenSinceIndex;
    private readonly int _threads;

    public long Operations { get; private set; }
    public double Charged => Operations * SecondsPerOperation;
    public int Trials { get; private set; }

    private ExactFillSearch(PlacementProblem p, Resource scarce, int seed, int threads)
    {
        _p = p;
        _threads = Math.Max(1, threads);
        _join = new SubsetJoin(Chunks, _threads);
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
        _hash = AdditiveHash.OfVms(factors, p.VmCount, (w, v) => (ulong)p.Demand(v, scarce, w) / unit);
        _target = AdditiveHash.Of(factors, w => (ulong)p.Usable(0, scarce) / unit);
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

    /// <summary>Rounds over the splits, smallest first, until <see cref="MaxEmptyRounds"/> rounds in a row find
    /// nothing (one, if no set was ever found), the dry spell a turn needs doubling with each. A turn ends when the
    /// split has had <see cref="MinDryTrials"/> trials without a find (or two floors' worth) and its dry spell is
    /// at least the floor (a probe, doubled for each empty round before) and <see cref="DryFactor"/> times its work
    /// per set found, or when it has taken <see cref="TurnShare"/> of the budget left, so the larger splits get their turn while the VMs left make them
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
        // A round with no find is luck of the residues drawn as much as proof that nothing is left (hourly-mem
        // K = 200, docs/solver.md: the largest sets' split came back dry for a whole turn with about 130 sets left,
        // and its third turn at another budget found them all). So once some set has been found, an empty round
        // only doubles the dry spell each turn must reach, and the search ends after MaxEmptyRounds of them in a
        // row; where no set was found at all, one empty round still ends it, leaving the time to the later phases.
        for (var emptyRounds = 0; emptyRounds < (sets.Count > 0 ? MaxEmptyRounds : 1) && !Out();)
        {
            var finding = false;
            var dryFloor = probe << emptyRounds;
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
                    if ((++dry >= MinDryTrials || dryWork > 2 * dryFloor) && dryWork > Math.Max(hits < MinHitsToPace ? dryFloor : 0, DryFactor * (lastHit - started) / Math.Max(1, hits))) break;
                }
            }
            emptyRounds = finding ? 0 : emptyRounds + 1;
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
        var hashes = new ulong[n];
        for (var x = 0; x < n; x++) hashes[x] = _hash[_items[x]];
        for (var x = 0; x < n; x++)
            for (var y = x + 1; y < n; y++) _pairStart[(int)((hashes[x] + hashes[y]) & _mask) + 1]++;
        for (var r = 0; r < m; r++) _pairStart[r + 1] += _pairStart[r];
        _pair = new uint[(long)n * (n - 1) / 2];
        _pairBySecond = new uint[_pair.Length];
        // Filled in the order each bucket keeps, so that no bucket needs sorting: _items is in increasing order.
        fill = (int[])_pairStart.Clone();
        for (var x = n - 1; x >= 0; x--)
            for (var y = n - 1; y > x; y--) _pair[fill[(int)((hashes[x] + hashes[y]) & _mask)]++] = Pack(_items[x], _items[y]);
        fill = (int[])_pairStart.Clone();
        for (var y = 1; y < n; y++)
            for (var x = 0; x < y; x++) _pairBySecond[fill[(int)((hashes[x] + hashes[y]) & _mask)]++] = Pack(_items[x], _items[y]);
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

    /// <summary>One trial: the stored side's subsets with residue c, then the other side's with the residue that
    /// completes c, each enumerated in chunks over <see cref="_threads"/> threads and joined by
    /// <see cref="SubsetJoin"/>; the candidates are checked and taken in the join's order, which does not depend on
    /// the threads, nor does the work counted.</summary>
    private List<int[]> Trial(Split split)
    {
        Trials++;
        var residue = (ulong)_random.NextInt64() & _mask;
        var chunks = ChunkCount;
        _join.Begin();
        Collect(chunks, c =>
        {
            var store = new Storing(_join.Stored(c));
            return Enumerate(split.StoredFrom, split.StoredTo, residue, c, chunks, ref store);
        });
        _join.Store(chunks);
        Collect(chunks, c =>
        {
            var probe = new Probing(_join.Probe(c), _target);
            var operations = Enumerate(split.LookedUpFrom, split.LookedUpTo, (_target - residue) & _mask, c, chunks, ref probe);
            probe.Flush();
            return operations;
        });
        return Take(_join.Join(chunks));
    }

    /// <summary>Chunks a side of a trial is enumerated in: enough that two to a few threads share them evenly; one
    /// when there are few VMs. Never a function of the threads, since a chunk visits its subsets of 2 before those of
    /// 3 and 4, so the order of the visits depends on the chunks.</summary>
    private int ChunkCount => _items.Length < 2 * Chunks ? 1 : Chunks;

    /// <summary>Enumerates one side of a trial, chunk by chunk (<paramref name="chunk"/> returns the work it counted).</summary>
    private void Collect(int chunks, Func<int, long> chunk)
    {
        var operations = new long[chunks];
        if (chunks == 1) operations[0] = chunk(0);
        else Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = _threads }, c => operations[c] = chunk(c));
        Operations += operations.Sum();
    }

    /// <summary>Takes each candidate, in order, whose VMs are all free and which fills a host: the hash only
    /// proposes it.</summary>
    private List<int[]> Take(List<(ulong Stored, ulong Members)> hits)
    {
        var found = new List<int[]>();
        foreach (var (stored, members) in hits)
        {
            var set = Unpack(stored).Concat(Unpack(members)).ToArray();
            if (set.Any(v => _taken[v]) || set.Distinct().Count() != set.Length || !Fills(set)) continue;
            foreach (var v in set) _taken[v] = true;
            found.Add(set);
        }
        return found;
    }

    private const int Chunks = 64;

    private interface IVisitor
    {
        void Visit(ulong hash, ulong members);
    }

    /// <summary>Writes each visited subset into a chunk of the join's stored side, under its hash.</summary>
    private readonly struct Storing(SubsetJoin.StoredChunk chunk) : IVisitor
    {
        public void Visit(ulong hash, ulong members) => chunk.Add(hash, members);
    }

    /// <summary>Offers each visited subset to a chunk of the join's probing side, under the hash that completes it.</summary>
    private readonly struct Probing(SubsetJoin.Probing chunk, ulong target) : IVisitor
    {
        public void Visit(ulong hash, ulong members) => chunk.Add(target - hash, members);

        public void Flush() => chunk.Flush();
    }

    /// <summary>Visits every subset of <paramref name="smallest"/> to <paramref name="largest"/> free VMs (increasing
    /// index, 1 to 4 members packed 16 bits each) whose hash has the given residue, in the share
    /// <paramref name="chunk"/> of <paramref name="chunks"/>: subsets of 2 and 3 by first member, subsets of 4 by the
    /// residue of their first pair (size 1 is one chunk). A subset of 2 or 3 is its first member joined with a VM or
    /// a pair from the bucket that completes it, read from its largest first member down to the first that does not
    /// come after the member it extends. A subset of 4 is a pair from one residue's bucket joined with a pair from the
    /// bucket that completes it; the first bucket is read from its smallest second member up, and only until that
    /// member reaches the largest first member of the other bucket, past which no pair there can follow: read pair by
    /// pair, every pair was read in every trial although four in ten had no pair to join (planted K = 200 written with
    /// decimals), and the subsets of 3 came out of the pairs too. Returns the operations it counted: one per VM, pair
    /// or bucket read, <see cref="VisitOperations"/> per subset visited. A VM in a set found since the index was
    /// built leads nothing and is skipped where it would complete a subset.</summary>
    private long Enumerate<TVisitor>(int smallest, int largest, ulong residue, int chunk, int chunks, ref TVisitor visitor) where TVisitor : struct, IVisitor
    {
        long operations = 0;
        // Locals, so that the loops read the arrays once instead of after every visit.
        var taken = _taken;
        var hash = _hash;
        var items = _items;
        var mask = _mask;
        int[] singleStart = _singleStart, single = _single, pairStart = _pairStart;
        uint[] pairs = _pair, bySecond = _pairBySecond;
        if (smallest == 1 && chunk == 0)
            for (var s = singleStart[residue]; s < singleStart[residue + 1]; s++)
            {
                if (taken[single[s]]) continue;
                operations += VisitOperations;
                visitor.Visit(hash[single[s]], (ulong)(single[s] + 1));
            }
        if (smallest <= 3 && largest >= 2)
            for (int x = Share(items.Length, chunk, chunks), to = Share(items.Length, chunk + 1, chunks); x < to; x++)
            {
                var i = items[x];
                if (taken[i]) continue;
                var need = (int)((residue - hash[i]) & mask);
                operations++;
                if (smallest <= 2)
                    for (var s = singleStart[need + 1] - 1; s >= singleStart[need] && single[s] > i; s--)
                    {
                        if (taken[single[s]]) continue;
                        operations += VisitOperations;
                        visitor.Visit(hash[i] + hash[single[s]], Pack(i, single[s]));
                    }
                if (largest >= 3)
                    for (var s = pairStart[need]; s < pairStart[need + 1]; s++)
                    {
                        var pair = pairs[s];
                        var j = First(pair);
                        if (j <= i) break;
                        var k = Second(pair);
                        if (taken[j] || taken[k]) continue;
                        operations += VisitOperations;
                        visitor.Visit(hash[i] + hash[j] + hash[k], ((ulong)(i + 1) << 32) | pair);
                    }
            }
        if (largest < 4) return operations;
        var buckets = (int)mask + 1;
        for (int r = Share(buckets, chunk, chunks), last = Share(buckets, chunk + 1, chunks); r < last; r++)
        {
            var need = (int)((residue - (ulong)r) & mask);
            int top = pairStart[need], end = pairStart[need + 1];
            operations++;
            if (top == end) continue;
            var largestFirst = First(pairs[top]);
            for (var p = pairStart[r]; p < pairStart[r + 1]; p++)
            {
                var lead = bySecond[p];
                var j = Second(lead);
                if (j >= largestFirst) break;
                var i = First(lead);
                operations++;
                if (taken[i] || taken[j]) continue;
                var sum = hash[i] + hash[j];
                for (var s = top; s < end; s++)
                {
                    var pair = pairs[s];
                    var k = First(pair);
                    if (k <= j) break;
                    var l = Second(pair);
                    if (taken[k] || taken[l]) continue;
                    operations += VisitOperations;
                    visitor.Visit(sum + hash[k] + hash[l], ((ulong)lead << 32) | pair);
                }
            }
        }
        return operations;
    }

    /// <summary>Where share c of <paramref name="count"/> things split into <paramref name="shares"/> begins.</summary>
    private static int Share(int count, int c, int shares) => (int)((long)count * c / shares);

    /// <summary>Two members packed as a subset is (16 bits each, the first above): a subset of 3 or 4 is a member or
    /// a pair above such a pair.</summary>
    private static uint Pack(int first, int second) => ((uint)(first + 1) << 16) | (uint)(second + 1);

    private static int First(uint pair) => (int)(pair >> 16) - 1;

    private static int Second(uint pair) => (int)(pair & 0xFFFF) - 1;

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
