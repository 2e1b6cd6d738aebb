namespace Consolidator.Solving.FullHosts;

/// <summary>Every set of at most twice <see cref="HalfTable.Half"/> VMs that fills a host exactly (every exact row at
/// capacity, every other row within it), found by meeting in the middle (Horowitz and Sahni 1974): a set of m VMs, in
/// index order, is its first floor(m / 2) VMs joined to the rest, all after them; both parts are entries of the half
/// table, and their hashes add up to the host's. The table is sorted by hash, so walking it upwards walks the hashes
/// the other part needs downwards: one merge, no search. Each candidate pair is checked on the rows themselves (the
/// hash only narrows them down).</summary>
internal sealed class FullHostSets
{
    private readonly List<int> _vms = [];
    private readonly List<int> _start = [0];
    private long _groups;

    public int Count => _start.Count - 1;

    /// <summary>Candidate pairs checked on the rows (the counted work of the join).</summary>
    public long Checked { get; private set; }

    public bool Stopped { get; private set; }

    /// <summary>True when more than <see cref="MaxSets"/> sets were found and the join stopped.</summary>
    public bool TooMany { get; private set; }

    /// <summary>The most sets kept: a cover search over more would not reach a cover in a plan's time.</summary>
    public const int MaxSets = 1_000_000;

    public ReadOnlySpan<int> Set(int s) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_vms)[_start[s].._start[s + 1]];

    /// <summary>Given sets (each VM's indices ascending), for searching a cover of sets made by hand.</summary>
    internal static FullHostSets Of(IEnumerable<int[]> sets)
    {
        var found = new FullHostSets();
        foreach (var set in sets)
        {
            found._vms.AddRange(set.Order());
            found._start.Add(found._vms.Count);
        }
        return found;
    }

    public static FullHostSets Join(ZeroSlack z, HalfTable table, Func<bool> stop)
    {
        var found = new FullHostSets();
        var e = table.Entries;
        var target = table.Target;
        var cut = UpperIndex(e, target);
        // Halves with hash <= target need target - hash, which falls as they rise; the others need it plus 2^32.
        found.Merge(z, e, 0, cut, cut - 1, target, stop);
        if (!found.Stopped && !found.TooMany) found.Merge(z, e, cut, e.Length, e.Length - 1, target, stop);
        return found;
    }

    private static uint Key(ulong entry) => (uint)(entry >> 32);

    /// <summary>The first index whose hash is above <paramref name="key"/>.</summary>
    private static int UpperIndex(ulong[] e, uint key)
    {
        int lo = 0, hi = e.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Key(e[mid]) <= key) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private void Merge(ZeroSlack z, ulong[] e, int from, int to, int j, uint target, Func<bool> stop)
    {
        for (var i = from; i < to;)
        {
            var k = Key(e[i]);
            var iEnd = i + 1;
            while (iEnd < to && Key(e[iEnd]) == k) iEnd++;
            var need = unchecked(target - k);
            while (j >= 0 && Key(e[j]) > need) j--;
            if (j >= 0 && Key(e[j]) == need)
            {
                var jStart = j;
                while (jStart > 0 && Key(e[jStart - 1]) == need) jStart--;
                for (var a = i; a < iEnd; a++)
                    for (var b = jStart; b <= j; b++) Pair(z, e[a], e[b]);
                if (TooMany) return;
            }
            if ((++_groups & 0xFFF) == 0 && stop())
            {
                Stopped = true;
                return;
            }
            i = iEnd;
        }
    }

    private void Pair(ZeroSlack z, ulong first, ulong rest)
    {
        int p = HalfTable.Size(first), s = HalfTable.Size(rest);
        if (s != p && s != p + 1) return;
        if (s == 0) return;
        if (p > 0 && HalfTable.Vm(first, p - 1) >= HalfTable.Vm(rest, 0)) return;
        Checked++;
        for (var r = 0; r < z.Rows.Length; r++)
        {
            long sum = 0;
            for (var i = 0; i < p; i++) sum += z.Rows[r][HalfTable.Vm(first, i)];
            for (var i = 0; i < s; i++) sum += z.Rows[r][HalfTable.Vm(rest, i)];
            if (r < z.ExactRows ? sum != z.Capacity[r] : sum > z.Capacity[r]) return;
        }
        if (Count == MaxSets)
        {
            TooMany = true;
            return;
        }
        for (var i = 0; i < p; i++) _vms.Add(HalfTable.Vm(first, i));
        for (var i = 0; i < s; i++) _vms.Add(HalfTable.Vm(rest, i));
        _start.Add(_vms.Count);
    }
}
