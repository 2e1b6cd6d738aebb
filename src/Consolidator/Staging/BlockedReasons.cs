using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Staging;

/// <summary>Says, for each move left when the planner is stuck, what it needs, what stands in its way and
/// why parking did not help, so an operator can free the right host by hand.</summary>
internal sealed class BlockedReasons
{
    private const int MaxNamed = 5;
    private readonly StagingState _s;
    private readonly PlacementProblem _p;
    private readonly int[] _parks;
    private readonly int _maxParks;
    private readonly List<int>[] _leavers;
    private readonly List<int>[] _stayers;
    private readonly List<int>[] _planned;
    private readonly WaitPaths _paths;

    private BlockedReasons(StagingState state, List<int> pending, int[] parks, int maxParks)
    {
        _s = state;
        _p = state.Problem;
        _parks = parks;
        _maxParks = maxParks;
        _leavers = Relays.LeaversByHost(state, pending);
        _stayers = Relays.StayersByHost(state);
        _planned = [.. Enumerable.Range(0, _p.HostCount).Select(_ => new List<int>())];
        for (var v = 0; v < _p.VmCount; v++)
            if (state.Target[v] >= 0) _planned[state.Target[v]].Add(v);
        _paths = new WaitPaths(state, _leavers);
    }

    public static ImmutableArray<BlockedMove> Explain(StagingState state, List<int> pending, int[] parks, int maxParks)
    {
        var reasons = new BlockedReasons(state, pending, parks, maxParks);
        return [.. pending.Order().Select(v => new BlockedMove(v, state.Position[v], state.Target[v], reasons.Reason(v)))];
    }

    private string Reason(int v)
    {
        int to = _s.Target[v], from = _s.Position[v];
        string vm = _p.Vms[v].Id, host = _p.Hosts[to].Id;
        var (r, w, shortfall) = WorstShortfall(v, to);
        if (shortfall <= 0)
            return $"{vm} fits on {host}, but the plan stopped because no other move could proceed and no VM could be parked";
        var need = _s.Need(v, to, r, w);
        var window = _p.Windows.Windows[w].Label;
        if (need > _p.Capacity(to, r))
            return $"{vm} needs {Amount(r, need)} in window {window}, more than {host} has at all ({Amount(r, _p.Capacity(to, r))})";

        var free = _s.Free(to, r, w);
        var text = $"{vm} needs {Amount(r, need)} in window {window} on {host}, which "
                   + (free >= 0 ? $"has {Number(free)} free" : $"is already {Number(-free)} over capacity");
        var inTheWay = _leavers[to];
        if (inTheWay.Count == 0)
            return text + " and no VM on it is due to leave" + Overfilled(to, r, w) + CannotPark(_stayers[to], staying: true);

        text += $" until {Names(inTheWay)} {(inTheWay.Count == 1 ? "leaves" : "leave")}";
        var cycle = from >= 0 ? _paths.From(to, from) : null;
        if (cycle is not null)
        {
            var next = cycle.Count > 1 ? cycle[1].Host : from;
            var hosts = new[] { from }.Concat(cycle.Select(step => step.Host)).Append(from).ToList();
            text += $"; {_p.Vms[cycle[0].Leaver].Id} waits for room on {_p.Hosts[next].Id} (cycle {Chain(hosts)})";
        }
        else
            text += $"; {_p.Vms[inTheWay[0]].Id} waits for room on {_p.Hosts[_s.Target[inTheWay[0]]].Id}";
        return text + CannotPark(inTheWay, staying: false);
    }

    private string Overfilled(int h, Resource r, int w)
    {
        var planned = r == Resource.Disk && _p.Disks.Counts ? _p.Disks.FootprintMib(_planned[h]) : _planned[h].Sum(v => (long)_p.Demand(v, r, w));
        return planned > _p.Capacity(h, r)
            ? $" (the target puts {Amount(r, planned)} on it, more than its capacity {Amount(r, _p.Capacity(h, r))})"
            : "";
    }

    private string CannotPark(List<int> vms, bool staying)
    {
        var stuck = vms.Where(l => _parks[l] < _maxParks).ToList();
        var again = vms.Where(l => _parks[l] >= _maxParks).ToList();
        var text = "";
        if (stuck.Count > 0)
            text += $"; no host has room to park {Names(stuck)}{(staying ? stuck.Count == 1 ? ", which stays on it" : ", which stay on it" : "")}";
        if (again.Count > 0)
            text += $"; {Names(again)} {(again.Count == 1 ? "was" : "were")} already parked {Times(_maxParks)} and may not be parked again";
        return text;
    }

    /// <summary>The resource and window where the VM misses the most room on the host, relative to the
    /// host's capacity since cores and MiB do not compare; the first one among equals.</summary>
    private (Resource R, int W, long Shortfall) WorstShortfall(int v, int h)
    {
        (Resource R, int W, long Shortfall) worst = (Resource.Cpu, 0, long.MinValue);
        var worstShare = double.NegativeInfinity;
        foreach (var r in Resources.All)
            for (var w = 0; w < _p.WindowCount; w++)
            {
                var shortfall = _s.Need(v, h, r, w) - _s.Free(h, r, w);
                var share = shortfall / (double)Math.Max(1, _p.Capacity(h, r));
                if (share > worstShare) (worst, worstShare) = ((r, w, shortfall), share);
            }
        return worst;
    }

    /// <summary>A cycle through thousands of hosts is shown by its ends, so that a message stays a line.</summary>
    private string Chain(List<int> hosts) =>
        hosts.Count <= 8
            ? string.Join(" -> ", hosts.Select(h => _p.Hosts[h].Id))
            : string.Join(" -> ", hosts.Take(4).Select(h => _p.Hosts[h].Id)) + $" -> ... ({hosts.Count - 6} more) -> "
              + string.Join(" -> ", hosts.TakeLast(2).Select(h => _p.Hosts[h].Id));

    private string Names(List<int> vms) =>
        string.Join(", ", vms.Take(MaxNamed).Select(v => _p.Vms[v].Id))
        + (vms.Count > MaxNamed ? $" and {vms.Count - MaxNamed} more" : "");

    private static string Times(int n) => n == 1 ? "once" : n == 2 ? "twice" : $"{n} times";

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Amount(Resource r, long amount) =>
        Number(amount) + " " + Resources.ModelUnit(r) + " " + Resources.Name(r);
}
