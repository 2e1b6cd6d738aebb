using Consolidator.Packing;

namespace Consolidator.Heuristics;

/// <summary>What the heuristics need to keep the coupling rules while they pack: which spread groups
/// each host already holds, how many VMs each host carries, and where each gather group has members already.
/// Gather groups are packed as one unit by the caller; a group with a member placed before (a VM kept in place)
/// may only join that member's host. Mutable, private to one heuristic run.</summary>
internal sealed class RuleTracker
{
    private readonly PlacementProblem _p;
    private readonly List<int>[] _spreadOf;   // VM -> spread group indices
    private readonly HashSet<(int Group, int Host)> _spreadUsed = [];
    private readonly int[] _count;
    private readonly int[] _limit;           // per host; int.MaxValue when uncapped
    private readonly int[] _gatherGroup;     // VM -> gather group index, -1 when none
    private readonly int[] _gatherHost;      // group -> the host its placed members are on, -1 when none is placed
    private readonly int[] _gatherPlaced;    // group -> members placed

    public RuleTracker(PlacementProblem p)
    {
        _p = p;
        _spreadOf = Enumerable.Range(0, p.VmCount).Select(_ => new List<int>()).ToArray();
        for (var g = 0; g < p.Rules.SpreadGroups.Length; g++)
            foreach (var v in p.Rules.SpreadGroups[g].Members) _spreadOf[v].Add(g);
        _count = new int[p.HostCount];
        _limit = Enumerable.Repeat(int.MaxValue, p.HostCount).ToArray();
        foreach (var (_, hosts, limit) in p.Rules.Caps)
            foreach (var h in hosts) _limit[h] = Math.Min(_limit[h], limit);
        GatherOf = new int[p.VmCount][];
        _gatherGroup = Enumerable.Repeat(-1, p.VmCount).ToArray();
        for (var g = 0; g < p.Rules.GatherGroups.Length; g++)
            foreach (var v in p.Rules.GatherGroups[g].Members) (GatherOf[v], _gatherGroup[v]) = (p.Rules.GatherGroups[g].Members, g);
        _gatherHost = Enumerable.Repeat(-1, p.Rules.GatherGroups.Length).ToArray();
        _gatherPlaced = new int[p.Rules.GatherGroups.Length];
    }

    /// <summary>The gather group a VM belongs to (null when none): the caller places it as one unit.</summary>
    public int[]?[] GatherOf { get; }

    /// <summary>True when the rules let VM v join host h now; capacity is the caller's check (HostLoads.Fits).</summary>
    public bool CanPlace(int v, int h)
    {
        if (!_p.Rules.Allows(v, h) || _count[h] >= _limit[h]) return false;
        if (_gatherGroup[v] is var gather and >= 0 && _gatherPlaced[gather] > 0 && _gatherHost[gather] != h) return false;
        foreach (var g in _spreadOf[v])
            if (_spreadUsed.Contains((g, h))) return false;
        return true;
    }

    public void Place(int v, int h)
    {
        _count[h]++;
        foreach (var g in _spreadOf[v]) _spreadUsed.Add((g, h));
        if (_gatherGroup[v] is var gather and >= 0) (_gatherHost[gather], _gatherPlaced[gather]) = (h, _gatherPlaced[gather] + 1);
    }

    public void Remove(int v, int h)
    {
        _count[h]--;
        foreach (var g in _spreadOf[v]) _spreadUsed.Remove((g, h));
        if (_gatherGroup[v] is var gather and >= 0 && --_gatherPlaced[gather] == 0) _gatherHost[gather] = -1;
    }
}
