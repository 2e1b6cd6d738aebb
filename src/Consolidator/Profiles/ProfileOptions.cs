using System.Globalization;

namespace Consolidator.Profiles;

/// <summary>How a window's samples become the demand that sizes a VM.</summary>
/// <param name="Percentile">The percentile of the window's samples (0 &lt; p &lt;= 100; 100 = peak).</param>
/// <param name="HalfLifeHours">Age at which a sample weighs half as much as a fresh one; null = every sample
/// weighs the same (the exact percentile, NumPy's default). With a half-life, the percentile comes from the
/// Kubernetes VPA recommender's decaying histogram (<see cref="DecayingHistogram"/>), which errs up by at most
/// one bucket (5 %).</param>
/// <param name="Margin">Safety margin: the percentile is multiplied by 1 + margin (the VPA's
/// recommendation-margin-fraction, 0.15 there). Means, which drive energy, get none.</param>
/// <param name="Sizing">CPU sized by each VM's own percentile, or multiplexed (<see cref="MultiplexedSizing"/>).</param>
/// <param name="MultiplexVms">For multiplexed sizing: the VMs of the fleet's mean variance a host is assumed to
/// hold at least; the sizes are safe (by the normal approximation) on hosts holding that much variance.</param>
public sealed record ProfileOptions(double Percentile = 95, double? HalfLifeHours = null, double Margin = 0,
    DemandSizing Sizing = DemandSizing.Percentile, double MultiplexVms = ProfileOptions.DefaultMultiplexVms)
{
    /// <summary>A conservative host population: hosts in this project's runs hold tens of VMs (docs/two-level.md, "A month
    /// out of sample"), and the sizes only grow safer as a host holds more.</summary>
    public const double DefaultMultiplexVms = 8;

    public void Validate()
    {
        if (!(Percentile > 0 && Percentile <= 100))
            throw new ArgumentOutOfRangeException(nameof(Percentile), Percentile, "--percentile must be in (0, 100]");
        if (HalfLifeHours is { } h && !(h >= MinHalfLifeHours && h <= MaxHalfLifeHours))
            throw new ArgumentOutOfRangeException(nameof(HalfLifeHours), h, HalfLifeRange);
        if (!(Margin >= 0 && Margin <= 10))
            throw new ArgumentOutOfRangeException(nameof(Margin), Margin, "--margin must be a fraction from 0 to 10 (0.15 = 15 %)");
        if (!(MultiplexVms >= 1 && MultiplexVms <= 1e6))
            throw new ArgumentOutOfRangeException(nameof(MultiplexVms), MultiplexVms, "--multiplex-vms must be a number of VMs from 1 to 1e6");
        if (Sizing == DemandSizing.Multiplexed && !(Percentile > 50 && Percentile < 100))
            throw new ArgumentOutOfRangeException(nameof(Percentile), Percentile, "--sizing multiplexed needs a --percentile above 50 and below 100 (its normal quantile sizes the burst)");
    }

    public double HalfLifeSeconds => HalfLifeHours is { } h ? h * 3600 : double.PositiveInfinity;

    /// <summary>The half-lives taken: from a minute (finer than any sampling interval; 1e-300 h was printed as "half-life 0
    /// h") to ten years (longer weighs a history as 'none' does; 1e300 d was printed with 300 digits).</summary>
    public const double MinHalfLifeHours = 1.0 / 60, MaxHalfLifeHours = 87_600;

    private const string HalfLifeRange = "--half-life must be 'none' or from 1 minute (0.0167h) to 10 years (87600h, 3650d)";

    /// <summary>Parses --half-life: "none", or a number with a unit (h or d), e.g. 24h, 7d, 1.5d.</summary>
    public static double? ParseHalfLife(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t is "none" or "off" or "0") return null;
        var unit = t.Length > 0 ? t[^1] : ' ';
        var factor = unit switch { 'h' => 1.0, 'd' => 24.0, _ => double.NaN };
        if (double.IsNaN(factor) || !double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !(n > 0) || !double.IsFinite(n))
            throw new FormatException($"--half-life must be 'none' or a positive number of hours or days such as 24h or 7d, not '{Quoted.Value(text)}'{(t.Length > 0 ? DecimalComma.Hint(t.AsSpan()[..^1], unit: t[^1..]) : null)}");
        return n * factor is var hours and >= MinHalfLifeHours and <= MaxHalfLifeHours
            ? hours
            : throw new FormatException($"{HalfLifeRange}, not '{Quoted.Value(text)}'");
    }

    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "p{0:0.##}{1}{2}{3}", Percentile,
        HalfLifeHours is { } h ? $", half-life {h:0.##} h" : "", Margin > 0 ? $", margin {Margin:0.###}" : "",
        Sizing == DemandSizing.Multiplexed ? string.Format(CultureInfo.InvariantCulture, ", multiplexed for {0:0.##} VMs a host", MultiplexVms) : "");
}
