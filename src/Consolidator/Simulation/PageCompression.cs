namespace Consolidator.Simulation;

/// <summary>Compression of the pages a migration sends, as QEMU's multifd zlib/zstd channels do
/// (migration.md section 4): the wire carries 1/<see cref="Ratio"/> of the page data, and one migration
/// compresses at most <see cref="ThroughputMibPerSecond"/> of page data per second, one core's worth.</summary>
/// <param name="Ratio">Page data over wire data (1 = off).</param>
/// <param name="ThroughputMibPerSecond">Page data one compression thread handles per second.</param>
public sealed record PageCompression(double Ratio, double ThroughputMibPerSecond)
{
    public static readonly PageCompression None = new(1, double.PositiveInfinity);

    public bool IsOn => Ratio > 1;

    /// <summary>Page data per second a migration moves when the wire gives it <paramref name="wireMibPerSecond"/>:
    /// compression multiplies the link, up to what the compressing core keeps up with.</summary>
    public double PageRate(double wireMibPerSecond) => Math.Min(wireMibPerSecond * Ratio, ThroughputMibPerSecond);

    public double WireMib(double pageMib) => pageMib / Ratio;

    /// <summary>Core-seconds spent compressing <paramref name="pageMib"/>.</summary>
    public double CpuSeconds(double pageMib) => IsOn && double.IsFinite(ThroughputMibPerSecond) ? pageMib / ThroughputMibPerSecond : 0;

    public void Validate()
    {
        if (!(Ratio >= 1) || double.IsInfinity(Ratio))
            throw new ArgumentOutOfRangeException(nameof(Ratio), Ratio, "--compression-ratio must be a finite number >= 1 (1 = off)");
        if (!(ThroughputMibPerSecond > 0))
            throw new ArgumentOutOfRangeException(nameof(ThroughputMibPerSecond), ThroughputMibPerSecond, "--compression-mib-s must be > 0");
    }
}
