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
    private readonly HostRows _hosts;
    private readonly double[] _volume; // share of the largest host, summed over resources and windows
    private readonly List<(int Vm, int From)> _undo = [];

    /// <summary>Row operations done so far: the caller turns them into time charged to the budget.</summary>
    public long Work => _hosts.Work;
    public int HostsEmptied { get; private set; }

    public SwapDescent(PlacementProblem p, Placement start, IReadOnlySet<int> stayPut, int seed)
    {
        _p = p;
        _stayPut = stayPut;
        _rng = SplitMix64.FromSeed(seed);
        _hosts = new HostRows(p, start, chargeWholeCheck: true);
        var largest = Resources.All.Select(r => Math.Max(1.0, Enumerable.Range(0, p.HostCount).Max(h => (double)p.Usable(h, r)))).ToArray();
        _volume = new double[p.VmCount];
        for (var v = 0; v < p.VmCount; v++)
            foreach (var r in Resources.All)
                for (var w = 0; w < p.WindowCount; w++) _volume[v] += p.Demand(v, r, w) / largest[(int)r];
    }

    public Placement Current => _hosts.Current;
    public long Units => _hosts.Units;

    /// <summary>One round; true when it lowered the objective.</summary>
    public bool Round()
    {
        var targets = Targets();
        if (targets.Count == 0) return false;
        _undo.Clear();
        var before = Units;
        var pool = new List<int>();
        foreach (var h in targets)
            foreach (var v in _hosts.On(h).ToArray()) { Move(v, -1); pool.Add(v); }
        var closed = targets.ToHashSet();
        var active = Enumerable.Range(0, _p.HostCount).Where(h => _hosts.On(h).Count > 0).ToArray();
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
        if (pool.Count == 0 && Units <= before)
        {
            HostsEmptied += targets.Count(h => _hosts.On(h).Count == 0);
            return Units < before;
        }
        Rollback(pool);
        return false;
    }

    /// <summary>One or two hosts among the least filled, chosen at random so that rounds differ; hosts with VMs
    /// that must stay are never emptied.</summary>
    private List<int> Targets()
    {
        // Ranking every host is a few operations each, counted so that large fleets are charged for it.
        _hosts.Charge(8L * _p.HostCount);
        var least = Enumerable.Range(0, _p.HostCount)
            .Where(h => _hosts.On(h).Count > 0 && !_hosts.On(h).Any(_stayPut.Contains))
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
        foreach (var v in _hosts.On(h)) fill += _volume[v];
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
        var own = _hosts.On(h).Where(v => !_stayPut.Contains(v)).ToArray();
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
                        if (!_hosts.Fits(h, inA, inB, outA, outB)) continue;
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

    private bool Fits(int v, int h) => _p.Rules.Allows(v, h) && _hosts.Fits(h, v);

    private void Move(int v, int to)
    {
        _undo.Add((v, _hosts.HostOf(v)));
        _hosts.Move(v, to);
    }

    private void Rollback(List<int> pool)
    {
        for (var k = _undo.Count - 1; k >= 0; k--) _hosts.Move(_undo[k].Vm, _undo[k].From);
        _undo.Clear();
        pool.Clear();
    }
}
