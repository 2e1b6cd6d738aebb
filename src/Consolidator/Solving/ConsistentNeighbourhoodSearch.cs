using System.Runtime.CompilerServices;
using Consolidator.Randomness;
using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Solving;

/// <summary>Consistent neighbourhood search for objectives that only count identical hosts
/// (<see cref="HostCounting"/>), after Buljubašić and Vasquez (Computers &amp; OR 76, 2016), who solved nearly
/// every vector-packing benchmark with it. To go from U hosts to U - 1, three hosts are switched off and their
/// VMs wait in a pool; the search works on the partial placement on U - 3 hosts, never overfilling one, until
/// the pool fits the two spare hosts. A descent repacks each host from its VMs and the pool (the heaviest subset
/// that fits, which moves volume out of the pool); when it is stuck, a tabu move pushes a pool VM into the host
/// where it evicts the least volume. Then the next round aims one host lower, down to the lower bound. It needs
/// no solver call, so it runs at fleet scale; its work is counted (row operations and candidates looked at) so
/// that its share of the time limit is deterministic.</summary>
internal sealed class ConsistentNeighbourhoodSearch
{
    private const int MaxEvicted = 3, MinTenure = 3, MaxTenure = 12, RestartChoices = 3;

    /// <summary>Hosts kept aside for the pool, as B&amp;V do: the search works on the open hosts minus these and one
    /// more, and a round ends when the pool fits them, which is far easier to reach than an empty pool.</summary>
    private const int SpareHosts = 2;

    /// <summary>Nodes of the search that fits the pool into the spare hosts.</summary>
    private const int MaxSpareNodes = 20_000;

    /// <summary>Hosts a tabu move, and the descent after it, look at: all of them on small instances, a random
    /// sample on fleets, where scanning every host per move would allow only a few hundred moves a second.</summary>
    private const int MaxHostsPerMove = 256;

    /// <summary>Tabu moves without a new least pool volume before the search restarts from its best placement.</summary>
    private const long StallMoves = 2000, StallMovesPerVm = 10;

    /// <summary>Bounds on the pack-set search: VMs it chooses among, and nodes it visits per host.</summary>
    private const int MaxPackCandidates = 24, MaxPackNodes = 4096, MinPackNodes = 256, PackNodesPerDescent = 262_144;

    private readonly PlacementProblem _p;
    private readonly SplitMix64 _rng;
    private readonly int _rows;
    private readonly int[] _demand;      // [v, row]: only the rows some host could overfill
    private readonly long[] _capacity;   // [row]
    private readonly double[] _weight;   // [v]: volume as a share of one host, summed over the rows
    private readonly int[] _host;        // [bin]: the host each bin stands for
    private readonly long[] _load;       // [bin, row]
    private readonly List<int>[] _on;    // [bin]
    private readonly bool[] _open;       // [bin]
    private readonly int[] _binOf;       // [v]: -1 while in the pool
    private readonly long[] _lockedUntil, _tabuUntil;
    private readonly int[] _tabuBin;
    private readonly List<int> _pool = [];
    private readonly int[] _order;       // a permutation of the bins, sampled from the front
    private readonly long[] _scratch;
    private readonly List<(int A, int B, int C)> _subsets = [];
    private readonly List<int> _free = [];
    private readonly Dictionary<int, int> _binOfHost;
    private readonly List<int> _candidates = [], _packChosen = [];
    private readonly HashSet<int> _packBestSet = [];
    private readonly long[] _packLoad;
    private double[] _suffix = new double[64];
    private double _packBest;
    private int _packNodes, _packNodeLimit;
    private bool _filtered;              // this repack must take a fresh VM
    private readonly Comparison<int> _packOrder, _byHostThenOrder;
    private int[] _freshAfter = new int[64];
    private readonly int[] _freshMark;   // [v]: equal to _freshEpoch while v is new to the pool
    private int _freshEpoch;
    private readonly List<int> _evicted = [];
    private readonly List<int> _spare = [];
    private readonly long[] _spareLoad;
    private long _iteration;
    private int _openCount;

    /// <summary>Row operations done so far (a load or demand row added or compared).</summary>
    public long Work { get; private set; }

    /// <summary>Other steps done so far: repack nodes and candidates sorted, evictions looked at, hosts visited.</summary>
    public long Steps { get; private set; }

    /// <summary>Seconds charged for the work so far, at what a row operation and a step cost here, so that with
    /// one worker the search's share of the budget is deterministic.</summary>
    public double Charged => Work * SecondsPerRowOperation + Steps * SecondsPerStep;

    private const double SecondsPerRowOperation = 0.7e-9, SecondsPerStep = 4e-9;

    public long TabuMoves { get; private set; }
    public int HostsSwitchedOff { get; private set; }
    public int Restarts { get; private set; }

    public ConsistentNeighbourhoodSearch(PlacementProblem p, Placement start, int seed)
    {
        _p = p;
        _rng = SplitMix64.FromSeed(seed);
        var kept = new List<(Resource R, int W)>();
        foreach (var r in Resources.All)
            for (var w = 0; w < p.WindowCount; w++)
            {
                // A row whose total demand fits one host can never overfill any host.
                long total = 0;
                for (var v = 0; v < p.VmCount; v++) total += p.Demand(v, r, w);
                if (total > p.Usable(0, r)) kept.Add((r, w));
            }
        _rows = kept.Count;
        _capacity = [.. kept.Select(k => (long)p.Usable(0, k.R))];
        _demand = new int[p.VmCount * _rows];
        _weight = new double[p.VmCount];
        for (var v = 0; v < p.VmCount; v++)
            for (var k = 0; k < _rows; k++)
            {
                _demand[v * _rows + k] = p.Demand(v, kept[k].R, kept[k].W);
                _weight[v] += _demand[v * _rows + k] / (double)Math.Max(1, _capacity[k]);
            }

        _host = [.. start.HostOf.Where(h => h >= 0).Distinct().Order()];
        var binOfHost = new Dictionary<int, int>();
        for (var b = 0; b < _host.Length; b++) binOfHost[_host[b]] = b;
        _load = new long[_host.Length * _rows];
        _on = [.. _host.Select(_ => new List<int>())];
        _open = new bool[_host.Length]; // Load opens the hosts the start uses
        _binOf = new int[p.VmCount];
        _lockedUntil = new long[p.VmCount];
        _tabuUntil = new long[p.VmCount];
        _tabuBin = [.. Enumerable.Repeat(-1, p.VmCount)];
        _scratch = new long[_rows];
        _packLoad = new long[_rows];
        _freshMark = new int[p.VmCount];
        _packOrder = (x, y) => IsFresh(y).CompareTo(IsFresh(x)) is var f && f != 0 ? f
            : _weight[y].CompareTo(_weight[x]) is var o && o != 0 ? o : x.CompareTo(y);
        // The host's own VMs first, then the pool's in pack order, so that cutting the list keeps the own VMs.
        _byHostThenOrder = (x, y) => (_binOf[y] >= 0).CompareTo(_binOf[x] >= 0) is var h && h != 0 ? h : _packOrder(x, y);
        _spareLoad = new long[SpareHosts * _rows];
        _order = [.. Enumerable.Range(0, _host.Length)];
        _binOfHost = binOfHost;
        Array.Fill(_binOf, -1);
        Load(start);
    }

    /// <summary>Puts every VM where <paramref name="placement"/> has it, and opens exactly the hosts it uses.</summary>
    private void Load(Placement placement)
    {
        _pool.Clear();
        for (var v = 0; v < _p.VmCount; v++)
            if (_binOf[v] >= 0) Remove(v);
        Array.Fill(_open, false);
        for (var v = 0; v < _p.VmCount; v++)
        {
            var b = _binOfHost[placement[v]];
            _open[b] = true;
            Add(v, b);
        }
        _openCount = _open.Count(o => o);
        Array.Fill(_lockedUntil, 0);
        Array.Fill(_tabuUntil, 0);
    }

    /// <param name="lowerBound">Hosts no placement can do with fewer than: reaching it ends the search.</param>
    /// <param name="budget">Seconds of charged work (<see cref="Charged"/>) the search may do.</param>
    /// <param name="onImprove">Called with each placement on fewer hosts.</param>
    /// <returns>The best complete placement found (the start when none is better).</returns>
    public Placement Run(Placement start, int lowerBound, double budget, Func<bool> stop, Action<Placement>? onImprove = null)
    {
        var best = start;
        if (_openCount <= Math.Max(1, lowerBound)) return best;
        var stallLimit = StallMoves + StallMovesPerVm * (long)_p.VmCount;
        StartRound(0);
        var (leastPool, stalled) = (double.MaxValue, 0L);
        while (Charged < budget && !stop())
        {
            if (PoolFitsSpareHosts())
            {
                HostsSwitchedOff += best.ActiveHostCount - _openCount;
                best = Snapshot();
                onImprove?.Invoke(best);
                if (_openCount <= Math.Max(1, lowerBound)) break;
                StartRound(0);
                (leastPool, stalled) = (double.MaxValue, 0);
                continue;
            }
            var evicted = TabuMove();
            Descent(evicted);
            var pooled = 0.0;
            foreach (var v in _pool) pooled += _weight[v];
            if (pooled < leastPool - 1e-9) (leastPool, stalled) = (pooled, 0);
            else if (++stalled > stallLimit)
            {
                // Stuck: start again from the best placement, switching off other hosts among its emptiest.
                Restarts++;
                Load(best);
                StartRound(RestartChoices);
                (leastPool, stalled) = (double.MaxValue, 0);
            }
        }
        return best;
    }

    /// <summary>Aims at one host fewer than are open: switches off the spare hosts and one more, chosen among the
    /// emptiest (with <paramref name="choice"/> more to choose from, at random); their VMs go to the pool, and the
    /// round ends when the pool fits the spare hosts.</summary>
    private void StartRound(int choice)
    {
        var spare = Math.Clamp(_openCount - 2, 0, SpareHosts);
        var open = Enumerable.Range(0, _host.Length).Where(b => _open[b]).OrderBy(b => _on[b].Sum(v => _weight[v])).ThenBy(b => b).ToList();
        Steps += open.Count * 8L;
        var from = open.Take(Math.Min(open.Count, spare + 1 + choice)).ToList();
        _spare.Clear();
        for (var i = 0; i <= spare; i++)
        {
            var b = from[choice == 0 ? 0 : _rng.Next(0, from.Count)];
            from.Remove(b);
            foreach (var v in _on[b].ToArray()) { Remove(v); _pool.Add(v); }
            _open[b] = false;
            _openCount--;
            if (i < spare) _spare.Add(b);
        }
        Descent(null);
    }

    /// <summary>When the pool fits the spare hosts (found by a bounded depth-first search, heaviest VMs first),
    /// puts it there and returns true: the placement is then complete on fewer hosts (two fewer when one spare suffices).</summary>
    private bool PoolFitsSpareHosts()
    {
        if (_pool.Count == 0) return true;
        var spare = _spare.Count;
        if (spare == 0) return false;
        Work += (long)_pool.Count * _rows;
        for (var k = 0; k < _rows; k++)
        {
            long total = 0;
            foreach (var v in _pool) total += _demand[v * _rows + k];
            if (total > spare * _capacity[k]) return false;
        }
        Array.Fill(_spareLoad, 0L);
        var items = _pool.OrderByDescending(v => _weight[v]).ThenBy(v => v).ToArray();
        var into = new int[items.Length];
        var nodes = 0;
        bool Assign(int i, int used)
        {
            if (i == items.Length) return true;
            if (++nodes > MaxSpareNodes) return false;
            var v = items[i];
            // Empty spare hosts are alike: only the first of them is tried.
            for (var j = 0; j < Math.Min(spare, used + 1); j++)
            {
                Work += _rows;
                var fits = true;
                for (var k = 0; k < _rows && fits; k++) fits = _spareLoad[j * _rows + k] + _demand[v * _rows + k] <= _capacity[k];
                if (!fits) continue;
                for (var k = 0; k < _rows; k++) _spareLoad[j * _rows + k] += _demand[v * _rows + k];
                into[i] = j;
                if (Assign(i + 1, Math.Max(used, j + 1))) return true;
                for (var k = 0; k < _rows; k++) _spareLoad[j * _rows + k] -= _demand[v * _rows + k];
            }
            return false;
        }
        var found = Assign(0, 0);
        Steps += nodes;
        if (!found) return false;
        _pool.Clear();
        for (var i = 0; i < items.Length; i++)
        {
            var b = _spare[into[i]];
            if (!_open[b]) { _open[b] = true; _openCount++; }
            Add(items[i], b);
        }
        return true;
    }

    /// <summary>Repacks hosts from their own VMs and the pool (<see cref="PackSet"/>) while that moves volume out of
    /// the pool. With <paramref name="fresh"/> (the VMs a tabu move just put in the pool), and on every pass after
    /// the first, only repacks that take a VM new to the pool are tried: the rest were tried before.</summary>
    private void Descent(IReadOnlyList<int>? fresh)
    {
        // After a tabu move only a sample of hosts is tried, so that a move costs the same on any fleet.
        var count = fresh is null ? _host.Length : Math.Min(_host.Length, MaxHostsPerMove);
        var filtered = fresh is not null;
        _freshEpoch++;
        if (fresh is not null) foreach (var v in fresh) _freshMark[v] = _freshEpoch;
        while (_pool.Count > 0)
        {
            _evicted.Clear();
            SampleHosts(count);
            for (var i = 0; i < count && _pool.Count > 0; i++)
            {
                var b = _order[i];
                if (_open[b]) PackSet(b, filtered);
            }
            if (_evicted.Count == 0) break;
            filtered = true;
            _freshEpoch++;
            foreach (var v in _evicted) _freshMark[v] = _freshEpoch;
        }
    }

    /// <summary>Moves a random <paramref name="count"/> of the hosts to the front of <see cref="_order"/>.</summary>
    private void SampleHosts(int count)
    {
        Steps += 2L * count;
        for (var i = 0; i < count; i++)
        {
            var j = _rng.Next(i, _order.Length);
            (_order[i], _order[j]) = (_order[j], _order[i]);
        }
    }

    /// <summary>B&amp;V's pack-set step: the heaviest subset of the host's VMs and the pool that fits the host,
    /// found by a bounded depth-first search; applied when it is heavier than what the host holds. Locked VMs
    /// stay, a pool VM does not return to a host it just left, and when <paramref name="filtered"/> the subset must
    /// take a VM marked fresh. VMs it moves out join the pool marked fresh.</summary>
    // Hot from the first call: optimised at once, so that short runs cost what their counted work says.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool PackSet(int b, bool filtered)
    {
        _filtered = filtered;
        if (filtered)
        {
            // Nothing new in the pool that this host may take: nothing to try.
            var any = false;
            foreach (var v in _pool) if (IsFresh(v) && !Tabu(v, b)) { any = true; break; }
            Steps += _pool.Count;
            if (!any) return false;
        }
        var held = 0.0;
        foreach (var v in _on[b]) held += _weight[v];
        var c = _candidates;
        c.Clear();
        Array.Fill(_packLoad, 0L, 0, _rows);
        var forced = 0.0;
        foreach (var v in _on[b])
            if (Locked(v)) { forced += _weight[v]; for (var k = 0; k < _rows; k++) _packLoad[k] += _demand[v * _rows + k]; }
            else c.Add(v);
        foreach (var v in _pool)
            if (!Tabu(v, b)) c.Add(v);
        if (c.Count > MaxPackCandidates)
        {
            // The host's own VMs stay candidates; the pool's lightest wait.
            c.Sort(_byHostThenOrder);
            c.RemoveRange(MaxPackCandidates, c.Count - MaxPackCandidates);
            Steps += c.Count * 8L;
        }
        // Fresh VMs first when one must be taken: the search can then stop as soon as it has passed them all.
        c.Sort(_packOrder);
        // Sorting with a comparison delegate and the bookkeeping around it: a step per candidate and level.
        Steps += c.Count * ((long)Math.Log2(c.Count + 1) + 1) + 10;
        if (_suffix.Length < c.Count + 1) _suffix = new double[2 * c.Count + 1];
        if (_freshAfter.Length < c.Count + 1) _freshAfter = new int[2 * c.Count + 1];
        _suffix[c.Count] = 0;
        _freshAfter[c.Count] = 0;
        for (var i = c.Count - 1; i >= 0; i--)
        {
            _suffix[i] = _suffix[i + 1] + _weight[c[i]];
            _freshAfter[i] = _freshAfter[i + 1] + (IsFresh(c[i]) ? 1 : 0);
        }
        if (filtered && _freshAfter[0] == 0) return false;
        _packBest = held + 1e-9;
        _packBestSet.Clear();
        _packChosen.Clear();
        _packNodes = 0;
        // A descent visits every open host (or a sample of them): the nodes per host shrink as hosts grow, so
        // that a descent costs about the same on any fleet.
        _packNodeLimit = Math.Clamp(PackNodesPerDescent / Math.Max(1, Math.Min(_openCount, MaxHostsPerMove)), MinPackNodes, MaxPackNodes);
        Pack(0, forced, 0);
        // A node is a recursive call with its bound and fresh tests besides its row checks: two steps, measured.
        Steps += 2L * _packNodes;
        if (_packBest <= held + 1e-9) return false;
        foreach (var v in _on[b].ToArray())
            if (!Locked(v) && !_packBestSet.Contains(v)) { Remove(v); _pool.Add(v); _evicted.Add(v); _freshMark[v] = _freshEpoch; }
        foreach (var v in _packBestSet)
            if (_binOf[v] != b) { _pool.Remove(v); Add(v, b); }
        return true;
    }

    /// <summary>Depth-first over the candidates, heaviest first: take <c>c[i]</c> when it fits, then leave it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Pack(int i, double weight, int freshTaken)
    {
        if (++_packNodes > _packNodeLimit) return;
        if (weight > _packBest && (!_filtered || freshTaken > 0))
        {
            _packBest = weight;
            _packBestSet.Clear();
            _packBestSet.UnionWith(_packChosen);
        }
        var c = _candidates;
        // A host holds at most one host's worth of volume in every row: weight never exceeds the row count.
        if (i >= c.Count || weight + Math.Min(_suffix[i], _rows - weight) <= _packBest) return;
        if (_filtered && freshTaken == 0 && _freshAfter[i] == 0) return;
        var v = c[i];
        Work += _rows;
        var fits = true;
        for (var k = 0; k < _rows && fits; k++) fits = _packLoad[k] + _demand[v * _rows + k] <= _capacity[k];
        if (fits)
        {
            for (var k = 0; k < _rows; k++) _packLoad[k] += _demand[v * _rows + k];
            _packChosen.Add(v);
            Pack(i + 1, weight + _weight[v], freshTaken + (IsFresh(v) ? 1 : 0));
            _packChosen.RemoveAt(_packChosen.Count - 1);
            for (var k = 0; k < _rows; k++) _packLoad[k] -= _demand[v * _rows + k];
        }
        Pack(i + 1, weight, freshTaken);
    }

    /// <summary>Pushes a random pool VM into the open host where it evicts the least volume (none when it fits),
    /// never evicting a VM inserted in the last few moves, nor returning a VM to a host it just left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<int> TabuMove()
    {
        _iteration++;
        TabuMoves++;
        // What a move costs beyond its rows and candidates: picking, the evicted list, the bookkeeping.
        Steps += 40;
        var v = _pool[_rng.Next(0, _pool.Count)];
        (int Bin, int A, int B, int C, double Cost, double Key) best = (-1, -1, -1, -1, double.MaxValue, 0);
        var count = Math.Min(_host.Length, MaxHostsPerMove);
        SampleHosts(count);
        for (var i = 0; i < count; i++)
        {
            var b = _order[i];
            if (!_open[b] || Tabu(v, b)) continue;
            Work += _rows;
            var violated = 0;
            for (var k = 0; k < _rows; k++)
            {
                _scratch[k] = _load[b * _rows + k] + _demand[v * _rows + k] - _capacity[k];
                if (_scratch[k] > 0) violated++;
            }
            if (violated == 0) { best = (b, -1, -1, -1, double.MinValue, 0); break; }
            // Up to three evicted VMs, none locked: the least volume that makes the host fit.
            foreach (var (ea, eb, ec) in Subsets(_on[b], MaxEvicted))
            {
                if (ea < 0) continue;
                Steps++;
                var cost = _weight[ea] + (eb >= 0 ? _weight[eb] : 0) + (ec >= 0 ? _weight[ec] : 0) - _weight[v];
                if (cost > best.Cost + 1e-12 || !Covers(ea, eb, ec)) continue;
                var key = _rng.NextDouble();
                if (cost < best.Cost - 1e-12 || key < best.Key) best = (b, ea, eb, ec, cost, key);
            }
        }
        var evicted = new List<int>();
        if (best.Bin < 0) return evicted;
        foreach (var out_ in new[] { best.A, best.B, best.C })
        {
            if (out_ < 0) continue;
            Remove(out_);
            _pool.Add(out_);
            _tabuBin[out_] = best.Bin;
            _tabuUntil[out_] = _iteration + _rng.Next(MinTenure, MaxTenure + 1);
            evicted.Add(out_);
        }
        _pool.Remove(v);
        Add(v, best.Bin);
        _lockedUntil[v] = _iteration + _rng.Next(MinTenure, MaxTenure + 1);
        return evicted;
    }

    private bool IsFresh(int v) => _filtered && _binOf[v] < 0 && _freshMark[v] == _freshEpoch;

    private bool Locked(int v) => _lockedUntil[v] > _iteration;

    private bool Tabu(int v, int b) => _tabuBin[v] == b && _tabuUntil[v] > _iteration;

    /// <summary>The empty set and every subset of up to <paramref name="size"/> (at most 3) of the VMs, as
    /// triples padded with -1; locked VMs are left out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<(int A, int B, int C)> Subsets(List<int> vms, int size)
    {
        _subsets.Clear();
        _subsets.Add((-1, -1, -1));
        var free = _free;
        free.Clear();
        foreach (var v in vms) if (!Locked(v)) free.Add(v);
        for (var a = 0; a < free.Count; a++)
        {
            _subsets.Add((free[a], -1, -1));
            if (size < 2) continue;
            for (var b = a + 1; b < free.Count; b++)
            {
                _subsets.Add((free[a], free[b], -1));
                if (size < 3) continue;
                for (var c = b + 1; c < free.Count; c++) _subsets.Add((free[a], free[b], free[c]));
            }
        }
        Steps += vms.Count + _subsets.Count;
        return _subsets;
    }

    /// <summary>True when evicting the given VMs removes every overflow left in the scratch rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Covers(int a, int b, int c)
    {
        Work += _rows;
        for (var k = 0; k < _rows; k++)
        {
            var over = _scratch[k];
            if (over <= 0) continue;
            over -= _demand[a * _rows + k];
            if (b >= 0) over -= _demand[b * _rows + k];
            if (c >= 0) over -= _demand[c * _rows + k];
            if (over > 0) return false;
        }
        return true;
    }

    private Placement Snapshot() => new([.. _binOf.Select(b => _host[b])]);

    private void Add(int v, int b)
    {
        Work += _rows;
        _on[b].Add(v);
        _binOf[v] = b;
        for (var k = 0; k < _rows; k++) _load[b * _rows + k] += _demand[v * _rows + k];
    }

    private void Remove(int v)
    {
        Work += _rows;
        var b = _binOf[v];
        _on[b].Remove(v);
        _binOf[v] = -1;
        for (var k = 0; k < _rows; k++) _load[b * _rows + k] -= _demand[v * _rows + k];
    }
}
