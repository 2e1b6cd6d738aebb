namespace Consolidator.Sweeps;

/// <summary>Pareto optimality for objectives that are all minimised.</summary>
public static class ParetoFront
{
    /// <summary>For each point, whether no other point is at least as good in every objective and strictly
    /// better in one. Points with equal objectives do not dominate each other, so all of them are marked.</summary>
    public static bool[] Mark(IReadOnlyList<double[]> objectives)
    {
        var optimal = new bool[objectives.Count];
        for (var i = 0; i < objectives.Count; i++)
            optimal[i] = !Enumerable.Range(0, objectives.Count).Any(j => j != i && Dominates(objectives[j], objectives[i]));
        return optimal;
    }

    public static bool Dominates(double[] a, double[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException("points must have the same number of objectives");
        var strictly = false;
        for (var k = 0; k < a.Length; k++)
        {
            if (a[k] > b[k]) return false;
            if (a[k] < b[k]) strictly = true;
        }
        return strictly;
    }

    /// <summary>The sweep's three objectives: energy per day, overload risk (host-hours over capacity on the
    /// raw trace) and migration cost (data moved), compared at the three decimals sweep.csv shows, so that
    /// two plans whose energy differs in the tenth decimal count as equal, as a reader sees them. Infeasible
    /// points are never optimal.</summary>
    public static IReadOnlyList<SweepPointResult> MarkSweep(IReadOnlyList<SweepPointResult> results)
    {
        var feasible = results.Where(r => r.Figures is not null).ToList();
        var marks = Mark([.. feasible.Select(r => new[] { Math.Round(r.Figures!.EnergyKWhPerDay, 3), Math.Round(r.Figures.OverloadHostHours, 3), Math.Round(r.Figures.DataMovedGiB, 3) })]);
        var optimal = feasible.Where((_, i) => marks[i]).Select(r => r.Point.Index).ToHashSet();
        return [.. results.Select(r => r with { Pareto = optimal.Contains(r.Point.Index) })];
    }
}
