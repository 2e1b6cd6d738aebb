namespace Consolidator.Solving.FullHosts;

/// <summary>How many sets of each size a cover of R VMs by h sets holds, on average over every composition of the
/// sizes present (each count of each size that adds up to h sets and R VMs counted once). Chance exact sets grow
/// combinatorially with their number of VMs (an instance's own counts show it: 38 : 696 : 3,717 sets of 6 : 7 : 8 VMs
/// on docs/planted-other.py's flat-mem K = 20 seed 1, docs/solver.md), while a cover needs about as many of each size
/// as the composition allows: a set's weight, the expected number of its size in a cover over the sets of that size
/// still there, says how likely one of them is to belong to it. No constant of any generator enters: the counts are
/// the instance's, the compositions arithmetic.</summary>
internal sealed class SizePrior
{
    private readonly int[] _sizes;
    private readonly int _maxSize;
    private readonly int _hosts;
    private readonly int _vms;

    /// <summary>Ways[skip + 1][h][r]: compositions of h sets and r VMs over the sizes present, all of them (skip -1)
    /// or all but the <c>skip</c>-th.</summary>
    private readonly double[][] _ways;
    private readonly double[]?[] _expected;

    public SizePrior(IEnumerable<int> sizesPresent, int hosts, int vms)
    {
        _sizes = [.. sizesPresent.Distinct().Order()];
        _maxSize = _sizes.Length == 0 ? 0 : _sizes[^1];
        _hosts = hosts;
        _vms = vms;
        _ways = new double[_sizes.Length + 1][];
        for (var skip = -1; skip < _sizes.Length; skip++)
        {
            // Unbounded knapsack over (sets, VMs): a size added to every composition that had one fewer of it.
            var ways = new double[(hosts + 1) * (vms + 1)];
            ways[0] = 1;
            for (var q = 0; q < _sizes.Length; q++)
            {
                if (q == skip) continue;
                var s = _sizes[q];
                for (var j = 1; j <= hosts; j++)
                    for (var r = s; r <= vms; r++) ways[j * (vms + 1) + r] += ways[(j - 1) * (vms + 1) + r - s];
            }
            _ways[skip + 1] = ways;
        }
        _expected = new double[]?[(hosts + 1) * (vms + 1)];
    }

    /// <summary>Work done building the tables (cells), for the counted clock.</summary>
    public long Cells => (long)(_sizes.Length + 1) * _sizes.Length * (_hosts + 1) * (_vms + 1);

    public int MaxSize => _maxSize;

    /// <summary>Expected[s]: the expected number of sets of size s in a cover of <paramref name="vms"/> VMs by
    /// <paramref name="hosts"/> sets (0 where no composition exists).</summary>
    public double[] Expected(int hosts, int vms)
    {
        var at = hosts * (_vms + 1) + vms;
        if (_expected[at] is { } known) return known;
        var e = new double[_maxSize + 1];
        var total = _ways[0][at];
        for (var q = 0; q < _sizes.Length && total > 0; q++)
        {
            var s = _sizes[q];
            var others = _ways[q + 1];
            double acc = 0;
            for (var c = 1; c <= hosts && c * s <= vms; c++) acc += c * others[(hosts - c) * (_vms + 1) + vms - c * s];
            e[s] = acc / total;
        }
        return _expected[at] = e;
    }
}
