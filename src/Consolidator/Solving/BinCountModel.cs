using Consolidator.Inventory;
using Consolidator.Packing;
using Google.OrTools.Sat;

namespace Consolidator.Solving;

/// <summary>The CP-SAT question "do all VMs fit on m identical hosts?", posed as: place the VMs on bins 0..m-1
/// leaving out as few as possible. x[v,b] for bins b below m only, one "left out" literal per VM; one capacity
/// row per bin, resource and non-dominated window. What makes it fast:
/// <list type="bullet">
/// <item>the VMs of a <see cref="ConflictClique"/> are fixed to bins 0..c-1, and the VM at position i of the
/// clique-first order may use bins 0..i only (any packing can be relabelled so: clique bins by their clique
/// VM, the other bins by their first VM in the order), which removes the bins' interchangeability;</item>
/// <item>a load variable per bin and row whose sum is the total demand (Shaw's redundant constraint): when the
/// m bins have little slack in all, every bin must be nearly full, which propagates at once.</item>
/// </list></summary>
internal sealed class BinCountModel
{
    private readonly PlacementProblem _p;
    private readonly int[] _order;
    private readonly BoolVar?[,] _x; // [position in order, bin]
    private readonly BoolVar[] _out; // [position in order]: left out of the m bins

    public CpModel Model { get; } = new();
    public int Bins { get; }

    /// <summary>CP-SAT parameters beyond time and workers: without the LP relaxation, whose bound is weak for
    /// bin packing and costs most of the time, the search runs many times more conflicts per second.</summary>
    public const string Parameters = " linearization_level:0";

    public BinCountModel(PlacementProblem p, ConflictClique clique, List<int>[] windows, int bins)
    {
        _p = p;
        _order = clique.Order;
        Bins = bins;
        _x = new BoolVar?[_order.Length, bins];
        _out = [.. _order.Select(v => Model.NewBoolVar($"out{v}"))];
        for (var i = 0; i < _order.Length; i++)
        {
            var allowed = i < clique.Size ? [i] : Enumerable.Range(0, Math.Min(bins, i + 1)).ToArray();
            var choices = new List<ILiteral>();
            foreach (var b in allowed.Where(b => b < bins))
                choices.Add(_x[i, b] = Model.NewBoolVar($"x{_order[i]}_{b}"));
            // A clique larger than m leaves a VM with no bin but "left out", so the objective cannot reach 0.
            choices.Add(_out[i]);
            Model.AddExactlyOne(choices);
        }

        // Every VM may be left out, at a cost of one: the hinted incumbent minus a host is then a complete
        // solution from the start, CP-SAT's neighbourhood searches (which need an objective) can work on it,
        // and the answer is yes at objective 0 and no once the objective's bound is above 0.
        Model.Minimize(LinearExpr.Sum(_out));

        foreach (var r in Resources.All)
            foreach (var w in windows[(int)r])
                AddRows(r, w);

        // No host holds more VMs than the smallest ones that fit together; with the VM count summed over the
        // bins, this forces full bins when the count is tight (triplets: three VMs per host, no fewer).
        var most = MaxVmsPerHost(p, windows);
        if (most >= _order.Length) return;
        var counts = new IntVar[bins];
        for (var b = 0; b < bins; b++)
        {
            var column = Enumerable.Range(0, _order.Length).Select(i => _x[i, b]).OfType<BoolVar>().ToArray();
            counts[b] = Model.NewIntVar(0, Math.Min(most, column.Length), $"count{b}");
            Model.Add(LinearExpr.Sum(column) == counts[b]);
        }
        Model.Add(LinearExpr.Sum(counts) + LinearExpr.Sum(_out) == _order.Length);
    }

    /// <summary>The most VMs one host can hold: in each resource and window, the count of the smallest demands
    /// whose sum stays within the usable capacity; the least over all of them. A bound of its own too: no
    /// placement uses fewer than ceil(VMs / this) hosts.</summary>
    public static int MaxVmsPerHost(PlacementProblem p, List<int>[] windows)
    {
        var most = p.VmCount;
        foreach (var r in Resources.All)
            foreach (var w in windows[(int)r])
            {
                var sorted = Enumerable.Range(0, p.VmCount).Select(v => (long)p.Demand(v, r, w)).Order();
                long sum = 0;
                var k = 0;
                foreach (var d in sorted)
                {
                    if (sum + d > p.Usable(0, r)) break;
                    sum += d;
                    k++;
                }
                most = Math.Min(most, k);
            }
        return Math.Max(1, most);
    }

    private void AddRows(Resource r, int w)
    {
        long capacity = _p.Usable(0, r), total = 0;
        for (var i = 0; i < _order.Length; i++) total += _p.Demand(_order[i], r, w);
        if (total <= capacity) return;
        var loads = new IntVar[Bins];
        for (var b = 0; b < Bins; b++)
        {
            var vars = new List<BoolVar>();
            var coefs = new List<long>();
            for (var i = 0; i < _order.Length; i++)
                if (_x[i, b] is { } x && _p.Demand(_order[i], r, w) > 0) { vars.Add(x); coefs.Add(_p.Demand(_order[i], r, w)); }
            loads[b] = Model.NewIntVar(0, Math.Min(capacity, coefs.Sum()), $"load{b}_{r}_{w}");
            Model.Add(LinearExpr.WeightedSum(vars, coefs) == loads[b]);
        }
        Model.Add(LinearExpr.Sum(loads) + LinearExpr.WeightedSum(_out, _order.Select(v => (long)_p.Demand(v, r, w))) == total);
    }

    /// <summary>Hints each VM with a bin (-1 = no hint, for the VMs whose host the descent closed).</summary>
    public void Hint(int[] binOf)
    {
        for (var i = 0; i < _order.Length; i++)
        {
            var bin = binOf[_order[i]];
            Model.AddHint(_out[i], bin < 0);
            if (bin < 0) continue;
            for (var b = 0; b < Bins; b++)
                if (_x[i, b] is { } x) Model.AddHint(x, b == bin);
        }
    }

    /// <summary>The bin of every VM in the solver's answer; -1 for a VM it left out.</summary>
    public int[] Read(Func<BoolVar, bool> value)
    {
        var binOf = Enumerable.Repeat(-1, _order.Length).ToArray();
        for (var i = 0; i < _order.Length; i++)
            for (var b = 0; b < Bins; b++)
                if (_x[i, b] is { } x && value(x)) { binOf[_order[i]] = b; break; }
        return binOf;
    }
}
