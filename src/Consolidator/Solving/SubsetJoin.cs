using System.Numerics;

namespace Consolidator.Solving;

/// <summary>The join in a trial of <see cref="ExactFillSearch"/>: every pair of subsets, one from each side, whose
/// keys are equal (a stored subset's key is its hash; a probing subset's is the hash that would complete it). Almost
/// no subset meets one of the other side, so the join is mostly a matter of discarding subsets cheaply: the stored
/// side is only written down as it comes, with a bit per key in a filter that stays in a core's cache; the probing
/// side keeps only the subsets whose bit is set, and marks their keys in a second filter; the stored subsets that
/// pass the second filter and the probing subsets kept are then few enough to be matched in a small table. Inserted
/// into and looked up in a table of 2^20 slots (16 MiB), every stored subset and one probing subset in eight missed
/// the cache: the inserts and look-ups took 45 % of the search's processor time, and the table's clearing another
/// 4 % (planted K = 200 written with decimals, perf, 2026-12-06); this join takes about 30 %, and the search's
/// processor time for that instance fell from 9.3 to 7.6 s (one thread, load 13-14). The chunks are read in order, so what the join
/// finds, and in which order, depends neither on the threads nor on how they were scheduled.</summary>
internal sealed class SubsetJoin(int chunks, int threads)
{
    /// <summary>Bits of each filter: 2^23 bits (1 MiB), of which the most subsets a trial stores (2^20, see
    /// ExactFillSearch.MaxStored) set at most one in eight, so about one probing subset in eight passes for nothing.</summary>
    private const int FilterBits = 23;

    /// <summary>Probing subsets whose filter bits are read together, before any is tested: the reads then miss the
    /// cache side by side instead of one after each mispredicted branch.</summary>
    private const int Batch = 64;

    /// <summary>Regions of the stored filter, each marked by one thread from its own part of every chunk: a fixed
    /// number, so that the order the stored subsets are kept in does not depend on the threads.</summary>
    private const int Regions = 4;

    private readonly StoredChunk[] _stored = [.. Enumerable.Range(0, chunks).Select(_ => new StoredChunk())];
    private readonly Chunk[] _probing = [.. Enumerable.Range(0, chunks).Select(_ => new Chunk())];
    private readonly ulong[] _storedBits = new ulong[(1 << FilterBits) / 64], _probingBits = new ulong[(1 << FilterBits) / 64];
    private readonly ParallelOptions _parallel = new() { MaxDegreeOfParallelism = Math.Max(1, threads) };

    /// <summary>Empties both sides for a new trial.</summary>
    public void Begin()
    {
        foreach (var c in _stored) c.Clear();
        foreach (var c in _probing) c.Count = 0;
        Array.Clear(_storedBits);
        Array.Clear(_probingBits);
    }

    /// <summary>Where chunk <paramref name="c"/> of the stored side writes its subsets.</summary>
    public StoredChunk Stored(int c) => _stored[c];

    /// <summary>Where chunk <paramref name="c"/> of the probing side keeps the subsets that pass the stored filter.</summary>
    public Probing Probe(int c) => new(_probing[c], _storedBits);

    /// <summary>Marks the stored side's keys in its filter, once the first <paramref name="used"/> chunks hold it:
    /// each region of the filter by one thread, from that region's part of every chunk.</summary>
    public void Store(int used) => Parallel.For(0, Regions, _parallel, region =>
    {
        var bits = _storedBits;
        for (var c = 0; c < used; c++)
        {
            var part = _stored[c].Region(region);
            var keys = part.Keys;
            for (var e = 0; e < part.Count; e++)
            {
                var bit = Bit(keys[e]);
                bits[bit >> 6] |= 1UL << (int)(bit & 63);
            }
        }
    });

    /// <summary>The pairs (stored members, probing members) whose keys are equal, once the first
    /// <paramref name="used"/> chunks of both sides are written: in the probing side's chunk order, and of stored
    /// subsets with equal keys the first in chunk order.</summary>
    public List<(ulong Stored, ulong Members)> Join(int used)
    {
        var kept = 0;
        for (var c = 0; c < used; c++)
        {
            var chunk = _probing[c];
            kept += chunk.Count;
            for (var e = 0; e < chunk.Count; e++)
            {
                var bit = Bit(chunk.Keys[e]);
                _probingBits[bit >> 6] |= 1UL << (int)(bit & 63);
            }
        }
        if (kept == 0) return [];
        var survivors = new List<(ulong Key, ulong Members)>[used];
        Parallel.For(0, used, _parallel, c =>
        {
            var found = new List<(ulong, ulong)>();
            var bits = _probingBits;
            for (var region = 0; region < Regions; region++)
            {
                var part = _stored[c].Region(region);
                for (var e = 0; e < part.Count; e++)
                {
                    var bit = Bit(part.Keys[e]);
                    if ((bits[bit >> 6] & (1UL << (int)(bit & 63))) != 0) found.Add((part.Keys[e], part.Members[e]));
                }
            }
            survivors[c] = found;
        });
        var count = survivors.Sum(s => s.Count);
        var mask = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, 2 * count)) - 1;
        var keys = new ulong[mask + 1];
        var index = new int[mask + 1];
        var members = new ulong[count + 1];
        var stored = 0;
        foreach (var (key, m) in survivors.SelectMany(s => s))
        {
            var slot = Slot(key, mask);
            while (index[slot] != 0 && keys[slot] != key) slot = (slot + 1) & mask;
            if (index[slot] != 0) continue;
            keys[slot] = key;
            members[++stored] = m;
            index[slot] = stored;
        }
        var hits = new List<(ulong, ulong)>[used];
        Parallel.For(0, used, _parallel, c =>
        {
            var chunk = _probing[c];
            var found = new List<(ulong, ulong)>();
            for (var e = 0; e < chunk.Count; e++)
                for (var slot = Slot(chunk.Keys[e], mask); index[slot] != 0; slot = (slot + 1) & mask)
                {
                    if (keys[slot] != chunk.Keys[e]) continue;
                    found.Add((members[index[slot]], chunk.Members[e]));
                    break;
                }
            hits[c] = found;
        });
        return [.. hits.SelectMany(h => h)];
    }

    /// <summary>A key's filter bit: bits 24 to 45, above the residue's (the low bits, equal in every key of a side).</summary>
    private static ulong Bit(ulong key) => (key >> 24) & ((1UL << FilterBits) - 1);

    /// <summary>A key's first slot in the small table: bits 46 and up, apart from the filter's.</summary>
    private static int Slot(ulong key, int mask) => (int)(key >> 46) & mask;

    /// <summary>The subsets one chunk of a side wrote, in the order it met them.</summary>
    public sealed class Chunk
    {
        public ulong[] Keys = new ulong[256], Members = new ulong[256];
        public int Count;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Add(ulong key, ulong members)
        {
            if (Count == Keys.Length) Grow();
            Keys[Count] = key;
            Members[Count++] = members;
        }

        private void Grow()
        {
            Array.Resize(ref Keys, 2 * Count);
            Array.Resize(ref Members, 2 * Count);
        }
    }

    /// <summary>The subsets one chunk of the stored side wrote, by region of the filter, each in the order it met them.</summary>
    public sealed class StoredChunk
    {
        private readonly Chunk[] _regions = [.. Enumerable.Range(0, Regions).Select(_ => new Chunk())];

        public Chunk Region(int region) => _regions[region];

        public void Clear()
        {
            foreach (var r in _regions) r.Count = 0;
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Add(ulong key, ulong members) => _regions[(int)(Bit(key) >> (FilterBits - 2))].Add(key, members);
    }

    /// <summary>A chunk of the probing side: its subsets are tested against the stored filter a batch at a time,
    /// the batch's bits read without a branch; those that pass are kept in order.</summary>
    public sealed class Probing(Chunk chunk, ulong[] filter)
    {
        private readonly ulong[] _keys = new ulong[Batch], _members = new ulong[Batch];
        private int _count;

        public void Add(ulong key, ulong members)
        {
            _keys[_count] = key;
            _members[_count] = members;
            if (++_count == Batch) Flush();
        }

        /// <summary>Tests the subsets batched so far.</summary>
        public void Flush()
        {
            ulong passed = 0;
            for (var i = 0; i < _count; i++)
            {
                var bit = Bit(_keys[i]);
                passed |= ((filter[bit >> 6] >> (int)(bit & 63)) & 1UL) << i;
            }
            for (; passed != 0; passed &= passed - 1)
            {
                var i = BitOperations.TrailingZeroCount(passed);
                chunk.Add(_keys[i], _members[i]);
            }
            _count = 0;
        }
    }
}
