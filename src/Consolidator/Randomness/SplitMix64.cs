namespace Consolidator.Randomness;

/// <summary>SplitMix64 (Steele, Lea and Flood, 2014), a 64-bit generator small enough to specify here.
/// System.Random is not used because its algorithm is unspecified and has changed between .NET versions,
/// while a seed must give the same dataset on every machine and runtime. For the same reason the logarithm
/// and cosine of Box-Muller are computed with + - * / only (exactly specified by IEEE 754) instead of
/// Math.Log and Math.Cos, which come from the platform's C library and may differ in the last bit.</summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>Maps a user-facing integer seed to a generator; negative seeds are fine.</summary>
    public static SplitMix64 FromSeed(int seed) => new(unchecked((ulong)(long)seed));

    public ulong NextULong()
    {
        unchecked
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Moves on as if <paramref name="draws"/> values had been drawn, in constant time: the state only counts
    /// up by the golden-ratio increment, each value being a mix of it.</summary>
    public void Skip(long draws) => _state = unchecked(_state + (ulong)draws * 0x9E3779B97F4A7C15UL);

    /// <summary>Uniform in [0, 1), on the grid of multiples of 2^-53.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public double NextDouble(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform integer in [lo, hiExclusive), without modulo bias.</summary>
    public int Next(int lo, int hiExclusive)
    {
        if (hiExclusive <= lo) throw new ArgumentOutOfRangeException(nameof(hiExclusive), hiExclusive, $"must be greater than {lo}");
        var range = (ulong)((long)hiExclusive - lo);
        var limit = ulong.MaxValue - ulong.MaxValue % range;
        ulong r;
        do r = NextULong(); while (r >= limit);
        return (int)(lo + (long)(r % range));
    }

    /// <summary>Normal deviate by Box-Muller (one of the pair; the other is dropped to keep no hidden state).</summary>
    public double NextGaussian(double mean = 0, double standardDeviation = 1)
    {
        var u1 = 1.0 - NextDouble(); // (0, 1], so the logarithm is finite
        var u2 = NextDouble();
        return mean + standardDeviation * Math.Sqrt(-2.0 * Ln(u1)) * Cos2Pi(u2);
    }

    /// <summary>Exponential deviate with mean 1; normalised, n of them are a uniform (Dirichlet(1)) split.</summary>
    public double NextExponential() => -Ln(1.0 - NextDouble());

    /// <summary>In-place Fisher-Yates shuffle.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = Next(0, i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private const double Ln2 = 0.6931471805599453;
    private const double TwoPi = 6.283185307179586;

    /// <summary>Natural logarithm of a positive normal double: x = m * 2^e with m in [sqrt(1/2), sqrt(2)],
    /// ln m = 2 atanh s with s = (m-1)/(m+1), |s| &lt; 0.18, whose odd series converges in 14 terms. With + - * /
    /// only, so the same bits on every platform (also the cover search's sort keys).</summary>
    internal static double Ln(double x)
    {
        var bits = BitConverter.DoubleToInt64Bits(x);
        var e = (int)((bits >> 52) & 0x7FF) - 1023;
        var m = BitConverter.Int64BitsToDouble((bits & 0xFFFFFFFFFFFFFL) | 0x3FF0000000000000L);
        if (m > 1.4142135623730951) { m /= 2; e++; }
        var s = (m - 1) / (m + 1);
        var s2 = s * s;
        double sum = 0, power = s;
        for (var k = 0; k < 14; k++, power *= s2) sum += power / (2 * k + 1);
        return e * Ln2 + 2 * sum;
    }

    /// <summary>cos(2 pi u) for u in [0, 1): folded by symmetry to an angle in [0, pi/2], then Taylor series.</summary>
    private static double Cos2Pi(double u)
    {
        var w = Math.Abs(u - Math.Round(u)); // [0, 1/2]
        var sign = 1.0;
        if (w > 0.25) { w = 0.5 - w; sign = -1.0; }
        var x2 = TwoPi * w * (TwoPi * w);
        double sum = 0, term = 1;
        for (var k = 1; k <= 14; k++)
        {
            sum += term;
            term *= -x2 / ((2 * k - 1) * (2 * k));
        }
        return sign * sum;
    }
}
