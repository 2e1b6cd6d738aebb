namespace Consolidator.Profiles;

/// <summary>The Kubernetes VPA recommender's decaying histogram (kubernetes/autoscaler,
/// vertical-pod-autoscaler/pkg/recommender/util/decaying_histogram.go and histogram.go): exponential buckets
/// (each 5 % wider than the one before), and a sample of age a weighs 2^(-a / half-life), so that history
/// fades instead of being cut off. Only relative weights matter, so weights are taken against a reference
/// time that moves forward in whole half-lives when the exponent grows large, as the VPA does. Memory is one
/// number per bucket whatever the number of samples, and samples may come in any order: the seam on which
/// profiles can be built from a stream.</summary>
public sealed class DecayingHistogram
{
    /// <summary>VPA's bucket growth (model.DefaultHistogramBucketSizeGrowth).</summary>
    public const double BucketGrowth = 0.05;

    /// <summary>VPA's epsilon: a bucket lighter than this counts as empty.</summary>
    public const double Epsilon = 1e-4;

    /// <summary>VPA's maxDecayExponent: past 2^100 the reference time is moved forward.</summary>
    private const int MaxDecayExponent = 100;

    private readonly double _firstBucketSize;
    private readonly double _halfLifeSeconds;
    private readonly double[] _weights;
    private double _total;
    private int _minBucket, _maxBucket;
    private long _reference;
    private bool _referenceSet;

    /// <param name="firstBucketSize">Width of the first bucket, in the samples' unit: VPA uses 0.01 cores for
    /// CPU and 1e7 bytes for memory.</param>
    /// <param name="maxValue">The start of the last bucket is at least this (VPA: 1000 cores).</param>
    /// <param name="halfLifeSeconds">Age at which a sample weighs half as much as a fresh one;
    /// <see cref="double.PositiveInfinity"/> = no decay.</param>
    public DecayingHistogram(double firstBucketSize, double maxValue, double halfLifeSeconds)
    {
        if (!(firstBucketSize > 0) || !(maxValue > firstBucketSize))
            throw new ArgumentOutOfRangeException(nameof(firstBucketSize), firstBucketSize, "the first bucket must be positive and smaller than the largest value");
        if (!(halfLifeSeconds > 0))
            throw new ArgumentOutOfRangeException(nameof(halfLifeSeconds), halfLifeSeconds, "the half-life must be positive");
        _firstBucketSize = firstBucketSize;
        _halfLifeSeconds = halfLifeSeconds;
        // histogram_options.go: the bucket count is the smallest n with BucketStart(n - 1) >= maxValue.
        var n = (int)Math.Ceiling(Math.Log(maxValue * BucketGrowth / firstBucketSize + 1) / Math.Log(1 + BucketGrowth)) + 1;
        _weights = new double[n];
        _minBucket = n - 1;
        _maxBucket = 0;
    }

    public int BucketCount => _weights.Length;

    public bool IsEmpty => _weights[_minBucket] < Epsilon;

    /// <summary>The lower end of bucket <paramref name="b"/>: first * ((1 + growth)^b - 1) / growth.</summary>
    public double BucketStart(int b) => b == 0 ? 0 : _firstBucketSize * (Math.Pow(1 + BucketGrowth, b) - 1) / BucketGrowth;

    public int FindBucket(double value)
    {
        if (value < _firstBucketSize) return 0;
        var b = (int)Math.Floor(Math.Log(value * BucketGrowth / _firstBucketSize + 1) / Math.Log(1 + BucketGrowth));
        // Guard the floating-point edge: the bucket must start at or below the value.
        while (b > 0 && BucketStart(b) > value) b--;
        while (b + 1 < _weights.Length && BucketStart(b + 1) <= value) b++;
        return Math.Min(b, _weights.Length - 1);
    }

    /// <summary>Adds a sample taken at <paramref name="unixSeconds"/> with weight 1 at that time.</summary>
    public void Add(double value, long unixSeconds, double weight = 1)
    {
        if (!(weight >= 0)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "sample weights must not be negative");
        var b = FindBucket(Math.Max(0, value));
        var w = weight * DecayFactor(unixSeconds);
        _weights[b] += w;
        _total += w;
        if (b < _minBucket && _weights[b] >= Epsilon) _minBucket = b;
        if (b > _maxBucket && _weights[b] >= Epsilon) _maxBucket = b;
    }

    /// <summary>VPA's Percentile (p in [0, 1]): the end of the first bucket at which the cumulative weight
    /// reaches p of the total, so the figure errs up by at most one bucket (5 %); 0 when empty.</summary>
    public double Percentile(double p)
    {
        if (IsEmpty) return 0;
        var threshold = p * _total;
        double partial = 0;
        var bucket = _minBucket;
        for (; bucket < _maxBucket; bucket++)
        {
            partial += _weights[bucket];
            if (partial >= threshold) break;
        }
        return bucket < _weights.Length - 1 ? BucketStart(bucket + 1) : BucketStart(bucket);
    }

    private double DecayFactor(long t)
    {
        if (double.IsPositiveInfinity(_halfLifeSeconds)) return 1;
        if (!_referenceSet)
        {
            _reference = RoundToHalfLife(t);
            _referenceSet = true;
        }
        if (t > _reference + _halfLifeSeconds * MaxDecayExponent) ShiftReference(t);
        return Math.Pow(2, (t - _reference) / _halfLifeSeconds);
    }

    private void ShiftReference(long t)
    {
        var next = RoundToHalfLife(t);
        var exponent = Math.Round((_reference - next) / _halfLifeSeconds);
        var factor = Math.Pow(2, exponent);
        for (var i = 0; i < _weights.Length; i++) _weights[i] *= factor;
        _total *= factor;
        while (_weights[_minBucket] < Epsilon && _minBucket < _weights.Length - 1) _minBucket++;
        while (_weights[_maxBucket] < Epsilon && _maxBucket > 0) _maxBucket--;
        _reference = next;
    }

    private long RoundToHalfLife(long t) => (long)(Math.Round(t / _halfLifeSeconds) * _halfLifeSeconds);
}
