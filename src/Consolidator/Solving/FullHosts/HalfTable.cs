using Consolidator.Randomness;

namespace Consolidator.Solving.FullHosts;

/// <summary>Every set of at most <see cref="Half"/> VMs that fits a host (every row within capacity), the empty set
/// included, each as one 64-bit entry: the high 32 bits an additive hash of its sums in the exact rows (each VM's
/// value a fixed odd multiplier per row times its demands, added with wraparound, so a set's hash is the sum of its
/// VMs'), the low 32 bits its VMs (index + 1 in each byte, ascending from the lowest), sorted. Two halves whose hashes
/// add up to the host's are the candidates the join checks exactly. Built in two passes (count per bucket of the
/// hash's top byte, then fill).</summary>
internal sealed class HalfTable
{
    /// <summary>Bytes per entry.</summary>
    public const int EntryBytes = sizeof(ulong);

    /// <summary>Packed VM indices are one byte each (index + 1), so at most 255 VMs.</summary>
    public const int MaxVms = 255;

    /// <summary>At most four VMs a half: four bytes in the entry's low half.</summary>
    public const int MaxHalf = 4;

    private readonly ZeroSlack _z;
    private readonly uint[] _hash;
    private readonly Func<bool> _stop;
    private ulong[]? _entries;
    private volatile bool _stopped;

    public int Half { get; }

    public ulong[] Entries => _entries ?? [];

    /// <summary>The host's hash: a set fills the host exactly in the exact rows only if its hash is this.</summary>
    public uint Target { get; }

    /// <summary>Subsets visited while counting and filling (the counted work).</summary>
    public long Visited { get; private set; }

    public bool Stopped => _stopped;

    private HalfTable(ZeroSlack z, int half, Func<bool> stop)
    {
        _z = z;
        Half = half;
        _stop = stop;
        // The 64-bit hash's low 32 bits: products and sums mod 2^32 depend on the low 32 bits of the factors and
        // demands only.
        var factors = Factors(z.ExactRows);
        var hash = AdditiveHash.OfVms(factors, z.VmCount, (r, v) => (ulong)z.Rows[r][v]);
        _hash = [.. hash.Select(h => (uint)h)];
        Target = (uint)AdditiveHash.Of(factors, r => (ulong)z.Capacity[r]);
    }

    /// <summary>A fixed odd multiplier per exact row: SplitMix64's outputs from seed 0, made odd.</summary>
    private static ulong[] Factors(int rows)
    {
        var rng = new SplitMix64(0);
        return [.. Enumerable.Range(0, rows).Select(_ => rng.NextULong() | 1)];
    }

    /// <summary>Upper bound on the entries: every subset of at most <paramref name="half"/> of <paramref name="n"/> VMs.</summary>
    public static double MostEntries(int n, int half)
    {
        double total = 0, c = 1;
        for (var k = 0; k <= half; k++)
        {
            total += c;
            c = c * (n - k) / (k + 1);
        }
        return total;
    }

    /// <summary>The table; <see cref="Stopped"/> when <paramref name="stop"/> said so before it was whole
    /// (<paramref name="entries"/> says how many were counted). The caller keeps its size within a ceiling by the
    /// half it asks for (<see cref="MostEntries"/>). <paramref name="workers"/> threads walk the subsets, each those
    /// whose first VM is its own modulo their number; each fills its own part of every bucket, and the buckets are
    /// sorted, so the table is the same whatever their number.</summary>
    public static HalfTable Build(ZeroSlack z, int half, Func<bool> stop, int workers, out long entries)
    {
        var t = new HalfTable(z, half, stop);
        workers = Math.Max(1, Math.Min(workers, z.VmCount));
        var walkers = Enumerable.Range(0, workers).Select(i => new Walker(t, i, workers)).ToArray();
        Parallel.ForEach(walkers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w => w.Walk());
        entries = walkers.Sum(w => w.Emitted);
        t.Visited = walkers.Sum(w => w.Visited);
        if (t._stopped || (t._stopped = stop())) return t;
        t._entries = new ulong[entries];
        var starts = new long[257];
        for (var b = 0; b < 256; b++) starts[b + 1] = starts[b] + walkers.Sum(w => w.Counts[b]);
        for (var b = 0; b < 256; b++)
        {
            var at = starts[b];
            foreach (var w in walkers)
            {
                w.Next[b] = at;
                at += w.Counts[b];
            }
        }
        foreach (var w in walkers) w.Fill(t._entries);
        Parallel.ForEach(walkers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w => w.Walk());
        t.Visited += walkers.Sum(w => w.Visited);
        if (t._stopped) return t;
        // Each bucket holds one top byte of the hash; sorted one by one, so the stop is seen between them.
        var table = t._entries;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, i =>
        {
            for (var b = i; b < 256 && !t._stopped; b += workers)
            {
                Array.Sort(table, (int)starts[b], (int)(starts[b + 1] - starts[b]));
                if (stop()) t._stopped = true;
            }
        });
        return t;
    }

    /// <summary>One thread's walk over the subsets whose first VM is <c>part</c> modulo <c>parts</c> (the empty set
    /// is part 0's): counting per bucket, then filling.</summary>
    private sealed class Walker(HalfTable t, int part, int parts)
    {
        private readonly long[] _sums = new long[(t.Half + 1) * t._z.Rows.Length];
        private ulong[]? _fill;

        public long[] Counts { get; } = new long[256];
        public long[] Next { get; } = new long[256];
        public long Emitted { get; private set; }
        public long Visited { get; private set; }

        public void Fill(ulong[] entries)
        {
            _fill = entries;
            Emitted = 0;
            Visited = 0;
        }

        public void Walk()
        {
            if (part == 0) Emit(0, 0);
            Descend(0, 0, 0, 0, part, parts);
        }

        private void Emit(uint hash, uint members)
        {
            if (_fill is null) Counts[hash >> 24]++;
            else _fill[Next[hash >> 24]++] = (ulong)hash << 32 | members;
            Emitted++;
            if ((Emitted & 0xFFFF) == 0 && t._stop()) t._stopped = true;
        }

        private void Descend(int from, int depth, uint hash, uint members, int first, int step)
        {
            if (depth == t.Half) return;
            var z = t._z;
            var rows = z.Rows.Length;
            var here = depth * rows;
            var next = here + rows;
            for (var v = from + first; v < z.VmCount; v += step)
            {
                if (t._stopped) return;
                Visited++;
                var fits = true;
                for (var r = 0; r < rows; r++)
                {
                    var s = _sums[here + r] + z.Rows[r][v];
                    if (s > z.Capacity[r])
                    {
                        fits = false;
                        break;
                    }
                    _sums[next + r] = s;
                }
                if (!fits) continue;
                var h = unchecked(hash + t._hash[v]);
                var m = members | (uint)(v + 1) << (8 * depth);
                Emit(h, m);
                Descend(v + 1, depth + 1, h, m, 0, 1);
            }
        }
    }

    /// <summary>The number of VMs in a packed entry.</summary>
    public static int Size(ulong entry)
    {
        var m = (uint)entry;
        return m == 0 ? 0 : (m >> 8 == 0 ? 1 : m >> 16 == 0 ? 2 : m >> 24 == 0 ? 3 : 4);
    }

    /// <summary>The <paramref name="i"/>-th VM of a packed entry.</summary>
    public static int Vm(ulong entry, int i) => (int)((uint)entry >> (8 * i) & 0xFF) - 1;
}
