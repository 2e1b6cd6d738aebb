namespace Consolidator.Solving;

/// <summary>A linear hash of demand rows: a VM's hash is the sum over rows of the row's factor times its demand there,
/// with wraparound (mod 2^64), so a set's hash is the sum of its members' and a set that fills a host exactly hashes to
/// the capacity's. Equal sums always hash equal; the hash only proposes a set, which is then checked on the rows.
/// Used by <see cref="ExactFillSearch"/> (random factors, one scarce resource's windows) and
/// <see cref="FullHosts.HalfTable"/> (fixed odd factors, every exact row, its low 32 bits).</summary>
internal static class AdditiveHash
{
    /// <summary>Each of <paramref name="vms"/> VMs' hashes, <paramref name="value"/>(row, vm) being its demand in a row.</summary>
    public static ulong[] OfVms(IReadOnlyList<ulong> factors, int vms, Func<int, int, ulong> value)
    {
        var hash = new ulong[vms];
        for (var r = 0; r < factors.Count; r++)
            for (var v = 0; v < vms; v++) hash[v] = unchecked(hash[v] + factors[r] * value(r, v));
        return hash;
    }

    /// <summary>The hash of one demand vector, <paramref name="value"/>(row) its demand in a row (a host's capacity).</summary>
    public static ulong Of(IReadOnlyList<ulong> factors, Func<int, ulong> value)
    {
        ulong hash = 0;
        for (var r = 0; r < factors.Count; r++) hash = unchecked(hash + factors[r] * value(r));
        return hash;
    }
}
