using Consolidator.Randomness;
using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Solving;

/// <summary>A cheap move between CP-SAT neighbourhoods, after the bin-packing local search of Levine and
/// Ducatelle (2004): empty one or two of the least-filled hosts, put their VMs in a free pool, and let every
/// other active host trade one or two of its VMs for one or two pool VMs that fill it more. Small VMs thus
/// gather in the pool, where they fit the gaps left on the hosts; when the pool empties a host is switched
/// off. Thousands of such rounds cost what one CP-SAT neighbourhood does, which is what a fleet of thousands
/// of hosts needs. Rounds that end with VMs left over put them back on the emptied hosts and are kept only
/// when the objective does not rise.</summary>
internal sealed class SwapDescent
{
    private const int Candidates = 8, PassesPerRound = 3;

    private readonly PlacementProblem _p;
    private readonly IReadOnlySet<int> _stayPut;
    private readonly SplitMix64 _rng;
    private readonly int _rows;
    private readonly long[] _load;    // [h, r, w]
    private readonly double[] _volume; // share of the largest host, summed over resources and windows
    private readonly int[] _hostOf;
    private readonly List<int>[] _on;
    private readonly List<(int Vm, int From)> _undo = [];
    private long _units;

    /// <summary>Row operations done so far: the caller turns them into time charged to the budget.</summary>
    public long Work { get; private set; }
    public int HostsEmptied { get; private set; }

    public SwapDescent(PlacementProblem p, Placement start, IReadOnlySet<int> stayPut, int seed)
    {
        _p = p;
        _stayPut = stayPut;
        _rng = SplitMix64.FromSeed(seed);
        _rows = Resources.Count * p.WindowCount;
        _load = new long[p.HostCount * _rows];
        _hostOf = [.. start.HostOf];
        _on = Enumerable.Range(0, p.HostCount).Select(_ => new List<int>()).ToArray();
        var largest = Resources.All.Select(r => Math.Max(1.0, Enumerable.Range(0, p.HostCount).Max(h => (double)p.Usable(h, r)))).ToArray();
        _volume = new double[p.VmCount];
        for (var v = 0; v < p.VmCount; v++)
        {
            foreach (var r in Resources.All)
                for (var w = 0; w < p.WindowCount; w++) _volume[v] += p.Demand(v, r, w) / largest[(int)r];
            if (_hostOf[v] >= 0) Add(v, _hostOf[v]);
        }
        _units = Objective.Units(p, start);
    }

    public Placement Current => new([.. _hostOf]);
    public long Units => _units;

    /// <summary>One round; true when it lowered the objective.</summary>
    public bool Round()
    {
        var targets = Targets();
        if (targets.Count == 0) return false;
        _undo.Clear();
        var before = _units;
        var pool = new List<int>();
        foreach (var h in targets)
            foreach (var v in _on[h].ToArray()) { Move(v, -1); pool.Add(v); }
        var closed = targets.ToHashSet();
        var active = Enumerable.Range(0, _p.HostCount).Where(h => _on[h].Count > 0).ToArray();
        _rng.Shuffle(active);

        for (var pass = 0; pass < PassesPerRound && pool.Count > 0; pass++)
        {
            InsertLargestFirst(pool, active);
            foreach (var h in active)
            {
                if (pool.Count == 0) break;
                TrySwap(h, pool);
            }
        }
        // Whatever is left returns to the hosts that were emptied, largest first.
        InsertLargestFirst(pool, targets);
        if (pool.Count == 0 && _units <= before)
        {
            HostsEmptied += targets.Count(h => _on[h].Count == 0);
            return _units < before;
        }
        Rollback(pool);
        return false;
    }

    /// <summary>One or two hosts among the least filled, chosen at random so that rounds differ; hosts with VMs
    /// that must stay are never emptied.</summary>
    private List<int> Targets()
    {
        // Ranking every host is a few operations each, counted so that large fleets are charged for it.
        Work += 8L * _p.HostCount;
        var least = Enumerable.Range(0, _p.HostCount)
            .Where(h => _on[h].Count > 0 && !_on[h].Any(_stayPut.Contains))
            .OrderBy(Fill).ThenBy(h => h).Take(Candidates).ToList();
        if (least.Count < 2) return [];
        var first = least[Math.Min(_rng.Next(0, least.Count), _rng.Next(0, least.Count))];
        if (_rng.NextDouble() < 0.5) return [first];
        var second = least[_rng.Next(0, least.Count)];
        return second == first ? [first] : [first, second];
    }

    private double Fill(int h)
    {
        double fill = 0;
        foreach (var v in _on[h]) fill += _volume[v];
        return fill;
    }

    private void InsertLargestFirst(List<int> pool, IReadOnlyList<int> hosts)
    {
        foreach (var v in pool.OrderByDescending(v => _volume[v]).ThenBy(v => v).ToArray())
            foreach (var h in hosts)
                if (Fits(v, h)) { Move(v, h); pool.Remove(v); break; }
    }

    /// <summary>Trades one or two VMs of host h for one or two of the pool that fill it more.</summary>
    private void TrySwap(int h, List<int> pool)
    {
        var own = _on[h].Where(v => !_stayPut.Contains(v)).ToArray();
        for (var a = 0; a < own.Length; a++)
            for (var b = a; b < own.Length; b++)
            {
                var outA = own[a];
                var outB = b == a ? -1 : own[b];
                var outVolume = _volume[outA] + (outB >= 0 ? _volume[outB] : 0);
                for (var i = 0; i < pool.Count; i++)
                    for (var j = i; j < pool.Count; j++)
                    {
                        var inA = pool[i];
                        var inB = j == i ? -1 : pool[j];
                        if (_volume[inA] + (inB >= 0 ? _volume[inB] : 0) <= outVolume + 1e-9) continue;
                        if (!_p.Rules.Allows(inA, h) || (inB >= 0 && !_p.Rules.Allows(inB, h))) continue;
                        if (!FitsSwap(h, outA, outB, inA, inB)) continue;
                        Move(outA, -1);
                        if (outB >= 0) Move(outB, -1);
                        Move(inA, h);
                        if (inB >= 0) Move(inB, h);
                        pool.Remove(inA);
                        if (inB >= 0) pool.Remove(inB);
                        pool.Add(outA);
                        if (outB >= 0) pool.Add(outB);
                        return;
                    }
            }
    }

    private bool Fits(int v, int h) => _p.Rules.Allows(v, h) && FitsSwap(h, -1, -1, v, -1);

    private bool FitsSwap(int h, int outA, int outB, int inA, int inB)
    {
        Work += _rows;
        for (var r = 0; r < Resources.Count; r++)
        {
            var cap = _p.Usable(h, (Resource)r);
            for (var w = 0; w < _p.WindowCount; w++)
            {
                long load = _load[h * _rows + r * _p.WindowCount + w] + _p.Demand(inA, (Resource)r, w);
                if (inB >= 0) load += _p.Demand(inB, (Resource)r, w);
                if (outA >= 0) load -= _p.Demand(outA, (Resource)r, w);
                if (outB >= 0) load -= _p.Demand(outB, (Resource)r, w);
                if (load > cap) return false;
            }
        }
        return true;
    }

    private void Move(int v, int to)
    {
        var from = _hostOf[v];
        _undo.Add((v, from));
        if (from >= 0) Remove(v, from);
        if (to >= 0) Add(v, to);
        _hostOf[v] = to;
    }

    private void Rollback(List<int> pool)
    {
        for (var k = _undo.Count - 1; k >= 0; k--)
        {
            var (v, from) = _undo[k];
            var now = _hostOf[v];
            if (now >= 0) Remove(v, now);
            if (from >= 0) Add(v, from);
            _hostOf[v] = from;
        }
        _undo.Clear();
        pool.Clear();
    }

    private void Add(int v, int h)
    {
        if (_on[h].Count == 0) _units += Objective.IdleUnits(_p, h);
        _on[h].Add(v);
        _units += Cost(v, h);
        Shift(v, h, +1);
    }

    private void Remove(int v, int h)
    {
        _on[h].Remove(v);
        if (_on[h].Count == 0) _units -= Objective.IdleUnits(_p, h);
        _units -= Cost(v, h);
        Shift(v, h, -1);
    }

    /// <summary>What VM v adds to the objective on host h: its dynamic energy, and its move when h is not its host today.</summary>
    private long Cost(int v, int h) =>
        Objective.DynamicUnits(_p, v, h) + (_p.CurrentHost(v) >= 0 && _p.CurrentHost(v) != h ? Objective.MigrationUnits(_p, v) : 0);

    private void Shift(int v, int h, int sign)
    {
        Work += _rows;
        for (var r = 0; r < Resources.Count; r++)
            for (var w = 0; w < _p.WindowCount; w++)
                _load[h * _rows + r * _p.WindowCount + w] += sign * _p.Demand(v, (Resource)r, w);
    }
}
