namespace Consolidator.Simulation;

/// <summary>Compression of the pages a migration sends (QEMU's compress capability or multifd zlib/zstd,
/// migration.md section 4): the wire carries 1/<see cref="Ratio"/> of the page data, and each of
/// <see cref="Threads"/> threads compresses at most <see cref="ThroughputMibPerSecond"/> of it per second, a
/// core busy all that time. Zero pages are found before compression and cost nothing.</summary>
/// <param name="Ratio">Page data over wire data (1 = off). A property of the guest's data, not of the link:
/// QEMU's multi-thread-compression document measured 60 % less data on a busy guest (ratio 2.5).</param>
/// <param name="ThroughputMibPerSecond">Page data one thread compresses per second.</param>
/// <param name="Threads">Compression threads (QEMU compress-threads, or multifd channels).</param>
public sealed record PageCompression(double Ratio, double ThroughputMibPerSecond, int Threads = 1)
{
    public static readonly PageCompression None = new(1, double.PositiveInfinity);

    public bool IsOn => Ratio > 1;

    /// <summary>Page data per second the threads keep up with (infinity when off).</summary>
    public double PageRateCap => IsOn ? ThroughputMibPerSecond * Threads : double.PositiveInfinity;

    public double WireMib(double pageMib) => IsOn ? pageMib / Ratio : pageMib;

    /// <summary>Core-seconds spent compressing <paramref name="pageMib"/> of page data.</summary>
    public double CpuSeconds(double pageMib) => IsOn && double.IsFinite(ThroughputMibPerSecond) ? pageMib / ThroughputMibPerSecond : 0;

    public const double MaxRatio = 1000, MinThroughputMibPerSecond = 1;

    public void Validate()
    {
        // Sanity bounds, not measurements: past them the model's rounds never end (a ratio of 1e300 with 1e-300 MiB/s
        // was "the migration model did not finish", exit code 1). QEMU sends zero pages before compressing, so page data
        // compresses far less than 1000:1; a core compresses much more than 1 MiB/s with any of QEMU's codecs.
        if (!(Ratio >= 1 && Ratio <= MaxRatio))
            throw new ArgumentOutOfRangeException(nameof(Ratio), Ratio, "--compression-ratio must be a number from 1 (off) to 1000");
        if (!(ThroughputMibPerSecond >= MinThroughputMibPerSecond))
            throw new ArgumentOutOfRangeException(nameof(ThroughputMibPerSecond), ThroughputMibPerSecond, "--compression-mib-s must be at least 1");
        if (Threads < 1 || Threads > 256)
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "--compression-threads must be between 1 and 256");
    }
}
