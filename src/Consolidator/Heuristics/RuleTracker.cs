using Consolidator.Packing;

namespace Consolidator.Heuristics;

/// <summary>What the heuristics need to keep the coupling rules while they pack: which spread groups
/// each host already holds and how many VMs each host carries. Gather groups are packed as one unit by the
/// caller. Mutable, private to one heuristic run.</summary>
internal sealed class RuleTracker
{
    private readonly PlacementProblem _p;
    private readonly List<int>[] _spreadOf;   // VM -> spread group indices
    private readonly HashSet<(int Group, int Host)> _spreadUsed = [];
    private readonly int[] _count;
    private readonly int[] _limit;           // per host; int.MaxValue when uncapped

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
        foreach (var g in p.Rules.GatherGroups)
            foreach (var v in g.Members) GatherOf[v] = g.Members;
    }

    /// <summary>The gather group a VM belongs to (null when none): the caller places it as one unit.</summary>
    public int[]?[] GatherOf { get; }

    /// <summary>True when the rules let VM v join host h now; capacity is the caller's check (HostLoads.Fits).</summary>
    public bool CanPlace(int v, int h)
    {
        if (!_p.Rules.Allows(v, h) || _count[h] >= _limit[h]) return false;
        foreach (var g in _spreadOf[v])
            if (_spreadUsed.Contains((g, h))) return false;
        return true;
    }

    public void Place(int v, int h)
    {
        _count[h]++;
        foreach (var g in _spreadOf[v]) _spreadUsed.Add((g, h));
    }

    public void Remove(int v, int h)
    {
        _count[h]--;
        foreach (var g in _spreadOf[v]) _spreadUsed.Remove((g, h));
    }
}
