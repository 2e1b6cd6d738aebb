using System.Globalization;
using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Validation;

/// <summary>The validator's own tally of what each host carries per resource and window, summed from the
/// problem's raw demands. Deliberately not shared with the planner: a checker that reused the planner's
/// bookkeeping would repeat its mistakes.</summary>
internal sealed class HostLoads
{
    private readonly PlacementProblem _p;
    private readonly long[] _load;

    public HostLoads(PlacementProblem p)
    {
        _p = p;
        _load = new long[p.HostCount * Resources.Count * p.WindowCount];
    }

    public void Add(int v, int h) => Shift(v, h, +1);

    public void Remove(int v, int h) => Shift(v, h, -1);

    public long this[int h, Resource r, int w] => _load[Index(h, r, w)];

    private void Shift(int v, int h, int sign)
    {
        foreach (var r in Resources.All)
            for (var w = 0; w < _p.WindowCount; w++)
                _load[Index(h, r, w)] += sign * (long)_p.Demand(v, r, w);
    }

    private int Index(int h, Resource r, int w) => (h * Resources.Count + (int)r) * _p.WindowCount + w;

    public static string Amount(Resource r, long amount) =>
        amount.ToString(CultureInfo.InvariantCulture) + " " + Resources.ModelUnit(r);

    /// <summary>VM ids, at most a dozen of them, so a message on a host with hundreds of VMs stays readable.</summary>
    public static string Names(PlacementProblem p, IEnumerable<int> vms)
    {
        var list = vms.ToList();
        const int shown = 12;
        var text = string.Join(", ", list.Take(shown).Select(v => p.Vms[v].Id));
        return list.Count > shown ? $"{text} and {list.Count - shown} more" : list.Count == 0 ? "none" : text;
    }
}
