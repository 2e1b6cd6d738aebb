using System.Numerics;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Randomness;

namespace Consolidator.Solving;

/// <summary>Fixed-host-count repair for objectives that only count identical hosts (<see cref="HostCounting"/>),
/// the infeasible-space counterpart of <see cref="ConsistentNeighbourhoodSearch"/>: to go from B hosts to B - 1
/// the emptiest host is switched off and its VMs go where they add the least overload; then relocations and swaps
/// between an overloaded host and a few sampled ones lower the total overload (load above capacity, summed over
/// hosts and capacity rows), each evaluated in one pass over the rows. When no sampled move lowers it, the weights
/// of the rows that stay overloaded on that host rise (guided local search: Voudouris and Tsang, EJOR 113, 1999;
/// the weighting of overloaded bins as in Masson et al., EJOR 231, 2013, for vector packing), which turns the
/// local minimum into a slope. A host count is kept once the overload is zero. Its work is counted, one unit per
/// capacity row read, so its share of the limit is deterministic; its memory is the demand rows (VMs x rows) and a
/// load and a weight per host and row, nothing that grows with the search.</summary>
internal sealed class OverloadSearch
{
    /// <summary>Hosts sampled as the other side of a move: on planted K = 200 written with decimals (1,385 VMs, a
    /// throwaway harness, one thread) 16, 64 and 256 per move reached the same 230 hosts, 16 soonest (13 s, 21 s, 30 s).</summary>
    private const int SampledHosts = 16;

    /// <summary>Seconds charged per capacity row read (the vectorised delta loop in Release on this machine's EPYC: 0.8 ns of CPU, planted K = 2,000).</summary>
    public const double SecondsPerRowOperation = 0.8e-9;

    /// <summary>Rows are padded to a multiple of this (the ints in one 256-bit vector); a wider vector reads the
    /// last block one int at a time. Integer sums do not depend on the order, so a move is the same on any machine.</summary>
    private const int RowBlock = 8;

    private readonly int _rows;          // padded: the kept rows, then rows of zero demand and capacity
    private readonly int[] _demand;      // [v, row]: only the rows some host could overfill, one of each set of equal rows
    private readonly int[] _capacity;    // [row]
    private readonly int[] _maxWeight;   // [row]: a weight times a change of one move's overload stays an int
    private readonly double[] _volume;   // [v]: share of one host, summed over the rows
    private readonly int[] _host;        // [bin]: the host each bin stands for
    private readonly int[] _load, _weight; // [bin, row]
    private readonly List<int>[] _on;    // [bin]
    private readonly int[] _binOf, _slot; // [v]: bin, and index in that bin's list
    private readonly List<int> _open = [];          // bins in use
    private readonly List<int> _overloaded = [];    // bins with some row above capacity
    private readonly int[] _overloadedAt;           // [bin]: index in _overloaded, or -1
    private readonly SplitMix64 _rng;
    private readonly int[] _none;        // [row]: zero demand, for a move with nothing leaving or arriving
    private readonly bool _fitsInts;     // every load the search can make is an int
    private long[] _leaving = new long[16];
    private long _overload;              // unweighted: units above capacity, over every bin and row

    /// <summary>Capacity rows read so far (padded rows included).</summary>
    public long Work { get; private set; }

    public double Charged => Work * SecondsPerRowOperation;

    public long Moves { get; private set; }
    public long WeightRaises { get; private set; }

    public OverloadSearch(PlacementProblem p, Placement start, int seed)
    {
        _rng = SplitMix64.FromSeed(seed);
        var kept = new List<(Resource R, int W)>();
        var largest = 0L;
        foreach (var r in Resources.All)
            for (var w = 0; w < p.WindowCount; w++)
            {
                // A row whose total demand fits one host can never overfill any host.
                long total = 0;
                for (var v = 0; v < p.VmCount; v++) total += p.Demand(v, r, w);
                if (total <= p.Usable(0, r) || kept.Any(k => k.R == r && SameRow(p, k.W, w, r))) continue;
                kept.Add((r, w));
                largest = Math.Max(largest, total);
            }
        _fitsInts = largest <= int.MaxValue / 2;
        _rows = (kept.Count + RowBlock - 1) / RowBlock * RowBlock;
        _none = new int[_rows];
        _capacity = new int[_rows];
        _maxWeight = new int[_rows];
        _demand = new int[p.VmCount * _rows];
        _volume = new double[p.VmCount];
        for (var k = 0; k < kept.Count; k++) _capacity[k] = (int)Math.Min(int.MaxValue, (long)p.Usable(0, kept[k].R));
        for (var v = 0; v < p.VmCount; v++)
            for (var k = 0; k < kept.Count; k++)
            {
                var d = p.Demand(v, kept[k].R, kept[k].W);
                _demand[v * _rows + k] = d;
                _volume[v] += d / (double)Math.Max(1, _capacity[k]);
                _maxWeight[k] = Math.Max(_maxWeight[k], d);
            }
        // One move changes a row's overload by at most the demand leaving plus the demand arriving.
        for (var k = 0; k < _rows; k++) _maxWeight[k] = int.MaxValue / (2 * _maxWeight[k] + 1);
        _host = [.. start.HostOf.Where(h => h >= 0).Distinct().Order()];
        _load = new int[_host.Length * _rows];
        _weight = new int[_host.Length * _rows];
        Array.Fill(_weight, 1);
        _on = [.. _host.Select(_ => new List<int>())];
        _overloadedAt = [.. Enumerable.Repeat(-1, _host.Length)];
        _binOf = new int[p.VmCount];
        _slot = new int[p.VmCount];
        var binOfHost = new Dictionary<int, int>();
        for (var b = 0; b < _host.Length; b++) { binOfHost[_host[b]] = b; _open.Add(b); }
        if (!_fitsInts) return;
        for (var v = 0; v < p.VmCount; v++) Add(v, binOfHost[start[v]]);
    }

    /// <summary>Whether every VM demands the same of <paramref name="r"/> in windows <paramref name="a"/> and
    /// <paramref name="b"/> (memory that does not change over the day): such rows overfill a host together, so one is
    /// read for both.</summary>
    private static bool SameRow(PlacementProblem p, int a, int b, Resource r)
    {
        for (var v = 0; v < p.VmCount; v++)
            if (p.Demand(v, r, a) != p.Demand(v, r, b)) return false;
        return true;
    }

    /// <param name="lowerBound">Hosts no placement can do with fewer than: reaching it ends the search.</param>
    /// <param name="budget">Seconds of charged work (<see cref="Charged"/>) the search may do.</param>
    /// <param name="onImprove">Called with each complete placement on fewer hosts.</param>
    /// <returns>The best complete placement found (the start when none is better).</returns>
    public Placement Run(Placement start, int lowerBound, double budget, Func<bool> stop, Action<Placement>? onImprove = null)
    {
        var best = start;
        if (!_fitsInts || _overload > 0) return best; // the start must be a placement within capacity
        while (Charged < budget && !stop())
        {
            if (_overload == 0)
            {
                if (_open.Count < best.ActiveHostCount)
                {
                    best = Snapshot();
                    onImprove?.Invoke(best);
                }
                if (_open.Count <= Math.Max(1, lowerBound)) break;
                SwitchOffEmptiest();
                continue;
            }
            if (!Move()) RaiseWeights(_overloaded[_rng.Next(0, _overloaded.Count)]);
        }
        return best;
    }

    /// <summary>Switches off the bin with the least volume and puts each of its VMs, largest first, where it
    /// adds the least weighted overload (the fullest such bin on ties).</summary>
    private void SwitchOffEmptiest()
    {
        var emptiest = _open.MinBy(b => (_on[b].Sum(v => _volume[v]), b));
        Work += _open.Count;
        _open.Remove(emptiest);
        var pooled = _on[emptiest].OrderByDescending(v => _volume[v]).ThenBy(v => v).ToArray();
        foreach (var v in pooled) Remove(v);
        foreach (var v in pooled)
        {
            var (to, least, fullest) = (-1, long.MaxValue, -1L);
            foreach (var b in _open)
            {
                var added = Delta(b, -1, v);
                if (added > least) continue;
                long full = 0;
                for (var k = 0; k < _rows; k++) full += _load[b * _rows + k];
                Work += _rows;
                if (added < least || full > fullest) (to, least, fullest) = (b, added, full);
            }
            Add(v, to);
        }
    }

    /// <summary>Best relocation or swap between a random overloaded bin and <see cref="SampledHosts"/> sampled
    /// bins, applied when it lowers the weighted overload.</summary>
    private bool Move()
    {
        var from = _overloaded[_rng.Next(0, _overloaded.Count)];
        var members = _on[from];
        if (_leaving.Length < members.Count) _leaving = new long[members.Count * 2];
        for (var i = 0; i < members.Count; i++) _leaving[i] = Delta(from, members[i], -1);
        var (gain, vm, other, to) = (0L, -1, -1, -1);
        for (var s = 0; s < SampledHosts; s++)
        {
            var b = _open[_rng.Next(0, _open.Count)];
            if (b == from) continue;
            for (var i = 0; i < members.Count; i++)
            {
                var v = members[i];
                var relocate = _leaving[i] + Delta(b, -1, v);
                if (relocate < gain) (gain, vm, other, to) = (relocate, v, -1, b);
                foreach (var u in _on[b])
                {
                    var swap = Delta(from, v, u) + Delta(b, u, v);
                    if (swap < gain) (gain, vm, other, to) = (swap, v, u, b);
                }
            }
        }
        if (vm < 0) return false;
        Remove(vm);
        if (other >= 0) { Remove(other); Add(other, from); }
        Add(vm, to);
        Moves++;
        return true;
    }

    private void RaiseWeights(int bin)
    {
        for (var k = 0; k < _rows; k++)
            if (_load[bin * _rows + k] > _capacity[k] && _weight[bin * _rows + k] < _maxWeight[k]) _weight[bin * _rows + k]++;
        Work += _rows;
        WeightRaises++;
    }

    /// <summary>Change of bin <paramref name="b"/>'s weighted overload when <paramref name="leaving"/> leaves it and
    /// <paramref name="arriving"/> arrives (-1: none).</summary>
    private long Delta(int b, int leaving, int arriving)
    {
        Work += _rows;
        var load = _load.AsSpan(b * _rows, _rows);
        var weight = _weight.AsSpan(b * _rows, _rows);
        var minus = leaving >= 0 ? _demand.AsSpan(leaving * _rows, _rows) : _none;
        var plus = arriving >= 0 ? _demand.AsSpan(arriving * _rows, _rows) : _none;
        var sum = Vector<long>.Zero;
        var k = 0;
        for (; k + Vector<int>.Count <= _rows; k += Vector<int>.Count)
        {
            var before = new Vector<int>(load[k..]) - new Vector<int>(_capacity, k);
            var after = before - new Vector<int>(minus[k..]) + new Vector<int>(plus[k..]);
            var change = (Vector.Max(after, Vector<int>.Zero) - Vector.Max(before, Vector<int>.Zero)) * new Vector<int>(weight[k..]);
            Vector.Widen(change, out var low, out var high);
            sum += low + high;
        }
        var total = Vector.Sum(sum);
        for (; k < _rows; k++)
        {
            var before = load[k] - _capacity[k];
            var after = before - minus[k] + plus[k];
            total += (long)weight[k] * (Math.Max(0, after) - Math.Max(0, before));
        }
        return total;
    }

    private void Add(int v, int b) => Shift(v, b, +1);

    private void Remove(int v) => Shift(v, _binOf[v], -1);

    private void Shift(int v, int b, int sign)
    {
        var at = b * _rows;
        long over = 0;
        for (var k = 0; k < _rows; k++)
        {
            _overload -= Math.Max(0, _load[at + k] - _capacity[k]);
            _load[at + k] += sign * _demand[v * _rows + k];
            var above = Math.Max(0, _load[at + k] - _capacity[k]);
            _overload += above;
            over += above;
        }
        Work += _rows;
        var list = _on[b];
        if (sign > 0)
        {
            _binOf[v] = b;
            _slot[v] = list.Count;
            list.Add(v);
        }
        else
        {
            var last = list[^1];
            list[_slot[v]] = last;
            _slot[last] = _slot[v];
            list.RemoveAt(list.Count - 1);
            _binOf[v] = -1;
        }
        if (over > 0 && _overloadedAt[b] < 0)
        {
            _overloadedAt[b] = _overloaded.Count;
            _overloaded.Add(b);
        }
        else if (over == 0 && _overloadedAt[b] >= 0)
        {
            var last = _overloaded[^1];
            _overloaded[_overloadedAt[b]] = last;
            _overloadedAt[last] = _overloadedAt[b];
            _overloaded.RemoveAt(_overloaded.Count - 1);
            _overloadedAt[b] = -1;
        }
    }

    private Placement Snapshot() => new([.. _binOf.Select(b => _host[b])]);
}
