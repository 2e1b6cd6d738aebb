using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Randomness;

namespace Consolidator.Solving;

/// <summary>Brings VMs back to the hosts they run on today once the packing is decided, without raising the
/// objective (energy plus migration cost). A packing found for energy alone says which loads go together, not
/// which of several identical hosts carries each load, nor which of two VMs of the same shape sits where; both
/// choices are free in energy and decide almost every move. Two steps, repeated while they gain:
/// <list type="number">
/// <item><b>Host assignment</b>: every load of the placement goes to a host of the same model (same usable
/// capacity and power line, so the same energy), chosen by a min-cost flow (OR-Tools) that maximises the
/// migration cost its VMs are spared plus what the host could still take back (half the cost of its other VMs
/// today, the first time; nothing once loads have settled). Loads with a VM that must stay put keep their host.</item>
/// <item><b>Homecoming moves</b>, for each VM whose host of today is active in the placement: back to it when it
/// fits; else trading places with a VM there that is not at home, which takes the first's place or goes home itself
/// or to another active host with room (an ejection chain of length two). A move is kept when the objective does
/// not rise; every kept move brings at least one VM home, so the search ends.</item>
/// </list>
/// Its work is counted (row operations, a nanosecond each as in <see cref="SwapDescent"/>), so the deterministic
/// mode repeats it exactly.</summary>
internal sealed class Homecoming
{
    /// <summary>Seconds charged per row operation (one resource in one window of one host).</summary>
    public const double SecondsPerRowOperation = 1e-9;

    /// <summary>Active hosts an ejected VM may try, besides its own host of today.</summary>
    private const int EjectionCandidates = 48;

    private const int MaxRounds = 4;

    private readonly PlacementProblem _p;
    private readonly IReadOnlySet<int> _stayPut;
    private readonly HostRows _hosts;
    private readonly int[] _model;    // host -> its class of identical hosts
    private readonly SplitMix64 _rng;

    /// <summary>Row operations done: the caller turns them into counted seconds.</summary>
    public long Work => _hosts.Work;

    /// <summary>Loads given another host by the assignment, and VMs brought home by moves.</summary>
    public int LoadsReassigned { get; private set; }
    public int VmsBroughtHome { get; private set; }

    private Homecoming(PlacementProblem p, Placement start, IReadOnlySet<int> stayPut, int seed)
    {
        _p = p;
        _stayPut = stayPut;
        _rng = SplitMix64.FromSeed(seed);
        _hosts = new HostRows(p, start, chargeWholeCheck: false);
        _model = Models(p);
    }

    /// <summary>The placement with as many VMs at home as the two steps find, never a higher objective; the same
    /// placement when no VM runs anywhere today or the rules couple hosts.</summary>
    /// <param name="stop">Ends the search early (the wall clock, outside the deterministic mode).</param>
    /// <param name="maxWork">Row operations allowed (the counted budget).</param>
    public static Placement Apply(PlacementProblem p, Placement placement, IReadOnlySet<int> stayPut, int seed,
        long maxWork, Func<bool> stop, out Homecoming? search)
    {
        search = null;
        // Spread, gather, caps and failover rules couple hosts: a move checked against one host alone could break them.
        if (p.Rules.Couples || !Enumerable.Range(0, p.VmCount).Any(v => p.CurrentHost(v) >= 0)) return placement;
        search = new Homecoming(p, placement, stayPut, seed);
        for (var round = 0; round < MaxRounds && search.Work < maxWork && !stop(); round++)
        {
            var reassigned = search.Assign(firstRound: round == 0);
            var home = search.Moves(maxWork, stop);
            if (reassigned == 0 && home == 0) break;
        }
        var result = search._hosts.Current;
        // The first assignment bets on VMs it has not brought home yet: keep the result only when it pays.
        var (after, was) = (Objective.Units(p, result), Objective.Units(p, placement));
        return after < was || (after == was && Energy.Migrations(p, result) <= Energy.Migrations(p, placement)) ? result : placement;
    }

    /// <summary>Hosts with the same usable capacities and the same objective coefficients (idle units and watts per
    /// core) share a class: any load on one has the same energy on another.</summary>
    private static int[] Models(PlacementProblem p)
    {
        var model = new int[p.HostCount];
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var h = 0; h < p.HostCount; h++)
        {
            var key = string.Join(',', Resources.All.Select(r => p.Usable(h, r)).Append((int)Math.Min(int.MaxValue, Objective.IdleUnits(p, h))))
                + "," + p.Hosts[h].WattsPerCore.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            if (!keys.TryGetValue(key, out var m)) keys[key] = m = keys.Count;
            model[h] = m;
        }
        return model;
    }

    // ---- step 1: which host carries each load ----

    /// <summary>Re-assigns whole loads among identical hosts; returns how many loads changed host.</summary>
    private int Assign(bool firstRound)
    {
        var fixedHost = new bool[_p.HostCount];
        for (var h = 0; h < _p.HostCount; h++) fixedHost[h] = _hosts.On(h).Count > 0 && _hosts.On(h).Any(_stayPut.Contains);
        var loads = Enumerable.Range(0, _p.HostCount).Where(h => _hosts.On(h).Count > 0 && !fixedHost[h]).ToList();
        if (loads.Count == 0) return 0;

        // What each host could give back: the migration cost of the VMs that run on it today (and may stay there).
        var potential = new long[_p.HostCount];
        if (firstRound)
            for (var v = 0; v < _p.VmCount; v++)
                if (_p.CurrentHost(v) is var c && c >= 0 && !_stayPut.Contains(v) && _p.Rules.Allows(v, c))
                    potential[c] += Objective.MigrationUnits(_p, v);
        // The flow's arcs carry "top - value" so that every cost is non-negative; each path source -> sink crosses
        // one valued arc, so the shift is the same for all and the optimum is unchanged.
        var arcs = new List<(int Load, int Host, long Kept)>();
        foreach (var load in loads)
        {
            var kept = new Dictionary<int, long> { [load] = 0 };
            foreach (var v in _hosts.On(load))
                if (_p.CurrentHost(v) is var c && c >= 0 && _model[c] == _model[load] && !fixedHost[c])
                    kept[c] = kept.GetValueOrDefault(c) + Objective.MigrationUnits(_p, v);
            _hosts.Charge(_hosts.On(load).Count);
            foreach (var (h, units) in kept)
                if (_hosts.On(load).All(v => _p.Rules.Allows(v, h))) arcs.Add((load, h, units));
        }
        // A host's potential does not depend on the load it takes, so the loads that keep nothing reach the hosts
        // through one pool node per class (pins and bans are per VM and host: then only the direct arcs).
        var pooled = firstRound && _p.Rules.IsEmpty;
        var top = arcs.Max(a => a.Kept + potential[a.Host]) + potential.Max() + 1;
        var nodes = new Dictionary<(int Kind, int Id), int>();
        int Node(int kind, int id) => nodes.TryGetValue((kind, id), out var n) ? n : nodes[(kind, id)] = 2 + nodes.Count;
        const int source = 0, sink = 1, loadKind = 0, hostKind = 1, poolKind = 2;
        var flow = new Google.OrTools.Graph.MinCostFlow();
        var direct = new List<(int Arc, int Load, int Host)>();
        var fromPool = new List<(int Arc, int Model, int Host)>();
        foreach (var load in loads)
        {
            flow.AddArcWithCapacityAndUnitCost(source, Node(loadKind, load), 1, 0);
            if (pooled) flow.AddArcWithCapacityAndUnitCost(Node(loadKind, load), Node(poolKind, _model[load]), 1, 0);
        }
        foreach (var (load, h, kept) in arcs)
            direct.Add((flow.AddArcWithCapacityAndUnitCost(Node(loadKind, load), Node(hostKind, h), 1, top - kept - potential[h]), load, h));
        if (pooled)
            foreach (var group in loads.GroupBy(h => _model[h]))
            {
                var candidates = Enumerable.Range(0, _p.HostCount).Where(h => _model[h] == group.Key && !fixedHost[h])
                    .OrderByDescending(h => potential[h]).ThenBy(h => h).Take(group.Count());
                _hosts.Charge(_p.HostCount);
                foreach (var h in candidates)
                    fromPool.Add((flow.AddArcWithCapacityAndUnitCost(Node(poolKind, group.Key), Node(hostKind, h), 1, top - potential[h]), group.Key, h));
            }
        foreach (var ((kind, _), node) in nodes.ToArray())
            if (kind == hostKind) flow.AddArcWithCapacityAndUnitCost(node, sink, 1, 0);
        flow.SetNodeSupply(source, loads.Count);
        flow.SetNodeSupply(sink, -loads.Count);
        _hosts.Charge(100L * (arcs.Count + fromPool.Count + loads.Count));
        if (flow.Solve() != Google.OrTools.Graph.MinCostFlowBase.Status.OPTIMAL) return 0;

        var target = new Dictionary<int, int>();
        foreach (var (arc, load, h) in direct)
            if (flow.Flow(arc) > 0) target[load] = h;
        // Loads routed through a pool take its chosen hosts in index order (all are worth the same to them).
        foreach (var group in loads.Where(l => !target.ContainsKey(l)).GroupBy(l => _model[l]))
        {
            var hosts = fromPool.Where(a => a.Model == group.Key && flow.Flow(a.Arc) > 0).Select(a => a.Host).Order().ToList();
            if (hosts.Count != group.Count()) return 0;
            foreach (var (load, h) in group.Order().Zip(hosts)) target[load] = h;
        }

        var contents = loads.ToDictionary(h => h, h => _hosts.On(h).ToArray());
        var before = _hosts.Units;
        Relocate(contents, target);
        if (_hosts.Units > before)
        {
            // The identity is among the paths, so this is not expected; the objective must never rise all the same.
            Relocate(contents, loads.ToDictionary(h => h, h => h));
            return 0;
        }
        var changed = loads.Count(l => target[l] != l);
        LoadsReassigned += changed;
        return changed;
    }

    /// <summary>Lifts every load, then sets each down on its target host.</summary>
    private void Relocate(Dictionary<int, int[]> contents, Dictionary<int, int> target)
    {
        foreach (var (_, vms) in contents) foreach (var v in vms) _hosts.Move(v, -1);
        foreach (var (load, vms) in contents) foreach (var v in vms) _hosts.Move(v, target[load]);
    }

    // ---- step 2: VMs back home, one by one ----

    /// <summary>One pass over the VMs away from an active host of today, costliest move first; returns how many
    /// came home.</summary>
    private int Moves(long maxWork, Func<bool> stop)
    {
        var away = Enumerable.Range(0, _p.VmCount)
            .Where(v => _p.CurrentHost(v) >= 0 && _hosts.HostOf(v) != _p.CurrentHost(v) && !_stayPut.Contains(v))
            .OrderByDescending(v => Objective.MigrationUnits(_p, v)).ThenBy(v => v).ToList();
        var home = 0;
        var improved = true;
        for (var pass = 0; improved && pass < 3; pass++)
        {
            improved = false;
            for (var i = 0; i < away.Count; i++)
            {
                var v = away[i];
                if (Work >= maxWork || (i % 64 == 0 && stop())) { VmsBroughtHome += home; return home; }
                var c = _p.CurrentHost(v);
                if (_hosts.HostOf(v) == c || _hosts.On(c).Count == 0 || !_p.Rules.Allows(v, c)) continue;
                var gained = TryHome(v, c);
                if (gained == 0) continue;
                home += gained;
                improved = true;
            }
        }
        VmsBroughtHome += home;
        return home;
    }

    /// <summary>Tries to bring v home to c; returns how many VMs came home (0 when no move was kept).</summary>
    private int TryHome(int v, int c)
    {
        var b = _hosts.HostOf(v);
        // Alone.
        if (_hosts.Fits(c, v) && Delta(v, b, c) <= 0) { _hosts.Move(v, c); return 1; }
        // Trading places with a VM of c that is not at home there: it goes to b, home, or elsewhere.
        int bestU = -1, bestK = -1, bestHome = 0;
        long bestDelta = long.MaxValue;
        foreach (var u in _hosts.On(c))
        {
            if (_p.CurrentHost(u) == c || _stayPut.Contains(u) || !_hosts.Fits(c, v, outA: u)) continue;
            var uHome = _p.CurrentHost(u);
            foreach (var k in Destinations(u, b, c))
            {
                var homes = 1 + (k == uHome ? 1 : 0);
                var fits = k == b ? _hosts.Fits(b, u, outA: v) : _hosts.Fits(k, u);
                if (!fits) continue;
                var delta = TradeDelta(v, b, c, u, k);
                if (delta > 0) continue;
                if (homes > bestHome || (homes == bestHome && delta < bestDelta))
                    (bestU, bestK, bestHome, bestDelta) = (u, k, homes, delta);
                break; // the destinations come best first: the first that fits is this u's best
            }
            if (bestHome == 2) break;
        }
        if (bestU < 0) return 0;
        _hosts.Move(bestU, -1);
        _hosts.Move(v, c);
        _hosts.Move(bestU, bestK);
        return bestHome;
    }

    /// <summary>Where an ejected VM u may go, best first: its own host of today when active, v's place b, then a
    /// random sample of active hosts.</summary>
    private IEnumerable<int> Destinations(int u, int b, int c)
    {
        var home = _p.CurrentHost(u);
        if (home >= 0 && home != c && _hosts.On(home).Count > 0 && _p.Rules.Allows(u, home)) yield return home;
        if (home != b && _p.Rules.Allows(u, b)) yield return b;
        for (var i = 0; i < EjectionCandidates; i++)
        {
            var k = _rng.Next(0, _p.HostCount);
            if (k == c || k == b || k == home || _hosts.On(k).Count == 0 || !_p.Rules.Allows(u, k)) continue;
            yield return k;
        }
    }

    /// <summary>Change in objective units when v moves alone from b to c.</summary>
    private long Delta(int v, int b, int c) =>
        Dynamic(v, c) - Dynamic(v, b) - Away(v, b) - (_hosts.On(b).Count == 1 ? Objective.IdleUnits(_p, b) : 0);

    /// <summary>Change in objective units when v goes from b home to c and u from c to k.</summary>
    private long TradeDelta(int v, int b, int c, int u, int k)
    {
        var delta = Dynamic(v, c) - Dynamic(v, b) - Away(v, b) + Dynamic(u, k) - Dynamic(u, c) + Away(u, k) - Away(u, c);
        if (k != b && _hosts.On(b).Count == 1) delta -= Objective.IdleUnits(_p, b);
        return delta;
    }

    /// <summary>What v costs for running on h instead of its host of today: its move and the disk data it sends.</summary>
    private long Away(int v, int h) => _p.CurrentHost(v) >= 0 && _p.CurrentHost(v) != h ? Objective.MigrationUnits(_p, v) + Objective.DiskUnits(_p, v, h) : 0;

    private long Dynamic(int v, int h) => Objective.DynamicUnits(_p, v, h);
}
