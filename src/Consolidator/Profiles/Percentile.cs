namespace Consolidator.Profiles;

public static class Percentile
{
    /// <summary>The p-th percentile (0 &lt; p &lt;= 100) by linear interpolation between closest ranks
    /// (Hyndman and Fan type 7, the default of NumPy and R); p = 100 is the maximum. Sorts a copy.</summary>
    public static double Of(IReadOnlyList<double> samples, double p)
    {
        if (samples.Count == 0) return 0;
        var sorted = samples.ToArray();
        Array.Sort(sorted);
        return OfSorted(sorted, p);
    }

    /// <summary>As <see cref="Of"/> for samples already in ascending order.</summary>
    public static double OfSorted(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.Length == 0) return 0;
        var rank = p / 100.0 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }
}
