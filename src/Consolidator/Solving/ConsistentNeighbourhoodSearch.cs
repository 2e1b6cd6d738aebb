using Consolidator.Generation;
using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Solving;

/// <summary>Consistent neighbourhood search for objectives that only count identical hosts
/// (<see cref="HostCounting"/>), after Buljubašić and Vasquez (Computers &amp; OR 76, 2016), who solved nearly
/// every vector-packing benchmark with it. From a placement on U hosts, one host is switched off and its VMs
/// wait in a pool; the search then works on the partial placement on U - 1 hosts, never overfilling one:
/// a descent trades pool VMs into hosts for VMs of less volume, and when it is stuck a tabu move pushes a pool
/// VM into the host where it evicts the least volume. When the pool empties, U - 1 hosts suffice, another host
/// is switched off, and so on down to the lower bound. It needs no solver call, so it runs at fleet scale;
/// its work is counted (row operations and candidates looked at) so that its share of the time limit is
/// deterministic.</summary>
internal sealed class ConsistentNeighbourhoodSearch
{
    private const int MaxEvicted = 3, MinTenure = 3, MaxTenure = 12, RestartChoices = 3;

    /// <summary>Hosts a tabu move, and the descent after it, look at: all of them on small instances, a random
    /// sample on fleets, where scanning every host per move would allow only a few hundred moves a second.</summary>
    private const int MaxHostsPerMove = 256;

    /// <summary>Tabu moves without a new least pool volume before the search restarts from its best placement.</summary>
    private const long StallMoves = 2000, StallMovesPerVm = 10;

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
    private long _iteration;
    private int _openCount;

    /// <summary>Row operations done so far (a load or demand row added or compared).</summary>
    public long Work { get; private set; }

    /// <summary>Other steps done so far: candidate trades and evictions looked at, hosts visited.</summary>
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
        if (_openCount <= lowerBound) return best;
        var stallLimit = StallMoves + StallMovesPerVm * (long)_p.VmCount;
        SwitchOff(0);
        Descent(null);
        var (leastPool, stalled) = (double.MaxValue, 0L);
        while (Charged < budget && !stop())
        {
            if (_pool.Count == 0)
            {
                best = Snapshot();
                HostsSwitchedOff++;
                onImprove?.Invoke(best);
                if (_openCount <= lowerBound) break;
                SwitchOff(0);
                Descent(null);
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
                // Stuck: start again from the best placement, switching off another of its emptiest hosts.
                Restarts++;
                Load(best);
                SwitchOff(_rng.Next(0, RestartChoices));
                Descent(null);
                (leastPool, stalled) = (double.MaxValue, 0);
            }
        }
        return best;
    }

    /// <summary>Switches off the open host of the given rank by volume (0 = least); its VMs go to the pool.</summary>
    private void SwitchOff(int rank)
    {
        var open = Enumerable.Range(0, _host.Length).Where(b => _open[b]).OrderBy(b => _on[b].Sum(v => _weight[v])).ThenBy(b => b).ToArray();
        Steps += open.Length * 8L;
        var least = open[Math.Min(rank, open.Length - 1)];
        foreach (var v in _on[least].ToArray()) { Remove(v); _pool.Add(v); }
        _open[least] = false;
        _openCount--;
    }

    /// <summary>Trades one or two pool VMs into a host for none, one or two of its VMs with less volume, until no
    /// host takes such a trade. With <paramref name="fresh"/>, only trades that take one of those VMs are tried.</summary>
    private void Descent(IReadOnlyList<int>? fresh)
    {
        // After a tabu move only a sample of hosts is tried, so that a move costs the same on any fleet.
        var count = fresh is null ? _host.Length : Math.Min(_host.Length, MaxHostsPerMove);
        var improved = true;
        while (improved && _pool.Count > 0)
        {
            improved = false;
            SampleHosts(count);
            for (var i = 0; i < count && _pool.Count > 0; i++)
            {
                var b = _order[i];
                if (_open[b] && TryTrade(b, fresh)) { improved = true; fresh = null; }
            }
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

    private bool TryTrade(int b, IReadOnlyList<int>? fresh)
    {
        var slack = SlackVolume(b);
        // Tabu holds here too, or the descent would undo the last tabu move at once.
        var outs = Subsets(_on[b], 2);
        (int InA, int InB, int OutA, int OutB, double Gain) bestTrade = (-1, -1, -1, -1, 1e-9);
        for (var i = 0; i < _pool.Count; i++)
            for (var j = i; j < _pool.Count; j++)
            {
                int inA = _pool[i], inB = j == i ? -1 : _pool[j];
                if (fresh is not null && !fresh.Contains(inA) && (inB < 0 || !fresh.Contains(inB))) continue;
                if (Tabu(inA, b) || (inB >= 0 && Tabu(inB, b))) continue;
                Steps += 1 + outs.Count;
                var inWeight = _weight[inA] + (inB >= 0 ? _weight[inB] : 0);
                if (inWeight <= bestTrade.Gain) continue;
                foreach (var (outA, outB, _) in outs)
                {
                    var outWeight = (outA >= 0 ? _weight[outA] : 0) + (outB >= 0 ? _weight[outB] : 0);
                    var gain = inWeight - outWeight;
                    // The volume added can never exceed the room left: a cheap test before the rows.
                    if (gain <= bestTrade.Gain || gain > slack + 1e-9) continue;
                    if (Fits(b, inA, inB, outA, outB)) bestTrade = (inA, inB, outA, outB, gain);
                }
            }
        if (bestTrade.InA < 0) return false;
        var (ia, ib, oa, ob, _) = bestTrade;
        if (oa >= 0) { Remove(oa); _pool.Add(oa); }
        if (ob >= 0) { Remove(ob); _pool.Add(ob); }
        _pool.Remove(ia); Add(ia, b);
        if (ib >= 0) { _pool.Remove(ib); Add(ib, b); }
        return true;
    }

    /// <summary>Pushes a random pool VM into the open host where it evicts the least volume (none when it fits),
    /// never evicting a VM inserted in the last few moves, nor returning a VM to a host it just left.</summary>
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

    private bool Locked(int v) => _lockedUntil[v] > _iteration;

    private bool Tabu(int v, int b) => _tabuBin[v] == b && _tabuUntil[v] > _iteration;

    /// <summary>The empty set and every subset of up to <paramref name="size"/> (at most 3) of the VMs, as
    /// triples padded with -1; locked VMs are left out.</summary>
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

    private bool Fits(int b, int inA, int inB, int outA, int outB)
    {
        Work += _rows;
        for (var k = 0; k < _rows; k++)
        {
            var load = _load[b * _rows + k] + _demand[inA * _rows + k];
            if (inB >= 0) load += _demand[inB * _rows + k];
            if (outA >= 0) load -= _demand[outA * _rows + k];
            if (outB >= 0) load -= _demand[outB * _rows + k];
            if (load > _capacity[k]) return false;
        }
        return true;
    }

    private double SlackVolume(int b)
    {
        Work += _rows;
        double slack = 0;
        for (var k = 0; k < _rows; k++) slack += (_capacity[k] - _load[b * _rows + k]) / (double)Math.Max(1, _capacity[k]);
        return slack;
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
