using System.Collections.Immutable;
using Consolidator.Simulation;

namespace Consolidator.Calibration;

/// <summary>What was measured for one migration; null where the source does not say.</summary>
/// <param name="TotalLowSeconds">Total time, or the low end of a published range.</param>
/// <param name="TotalHighSeconds">The high end of the range (the same as the low end for one value).</param>
/// <param name="Converges">Whether pre-copy reached its stop condition (null: not stated).</param>
public sealed record Measured(double? TotalLowSeconds, double? TotalHighSeconds, double? DowntimeSeconds, double? DataMib, bool? Converges = null)
{
    public static Measured Of(double? total, double? downtime, double? data, bool? converges = null) => new(total, total, downtime, data, converges);
}

/// <summary>How close a prediction must come: within <see cref="TimeAndData"/> on total time and data
/// (a relative band for the lab, a factor for published points), downtime within a factor
/// <see cref="DowntimeFactor"/> or <see cref="DowntimeFloorSeconds"/>, whichever is larger.</summary>
public sealed record Tolerance(string Name, double TimeAndData, bool Relative, double DowntimeFactor, double DowntimeFloorSeconds)
{
    /// <summary>Issue 14, the lab's own measurements: total time and bytes within 25 %, downtime within 50 % or 50 ms.</summary>
    public static readonly Tolerance Lab = new("lab", 0.25, true, 1.5, 0.05);

    /// <summary>Issue 14, published points: total time and data within a factor 1.5, downtime within a factor 2.</summary>
    public static readonly Tolerance Published = new("published", 1.5, false, 2, 0);

    /// <summary>Is <paramref name="predicted"/> within the tolerance of a measured value or range?</summary>
    public bool TimeOrDataFits(double predicted, double low, double high) => Relative
        ? predicted >= low * (1 - TimeAndData) && predicted <= high * (1 + TimeAndData)
        : predicted >= low / TimeAndData && predicted <= high * TimeAndData;

    public bool DowntimeFits(double predicted, double measured) =>
        Math.Abs(predicted - measured) <= DowntimeFloorSeconds
        || (Relative
            ? Math.Abs(predicted - measured) <= (DowntimeFactor - 1) * measured
            : predicted >= measured / DowntimeFactor && predicted <= measured * DowntimeFactor);
}

/// <summary>Where a reference point's figures come from and what role it plays in the calibration.</summary>
public enum PointRole
{
    /// <summary>A published measurement; nothing was fitted to it.</summary>
    Published,
    /// <summary>A published measurement a default constant was derived from (the table says which).</summary>
    PublishedFit,
    /// <summary>A lab measurement used to fit the lab's constants.</summary>
    Fit,
    /// <summary>A lab measurement held out of the fit.</summary>
    Holdout,
}

/// <summary>One calibration reference: a setting the simulator can replay (one migration, or several that
/// ran together on one link) with what was measured, its source and its tolerance; or a setting it cannot
/// replay, with the reason.</summary>
/// <param name="Vms">The migrating VMs; several ran at once, leaving one host over a link of
/// <paramref name="LinkMibPerSecond"/> (wire goodput), each to its own destination.</param>
/// <param name="Measured">One per VM.</param>
/// <param name="NotReproducible">Why the simulator cannot replay the setting (null: it can).</param>
/// <param name="DowntimeNotReproducible">Why the measured downtime is not judged though the rest is (null: it is).</param>
/// <param name="KnownMiss">Why a replayed point leaves its tolerance: what the setting depends on that its source does not
/// state and the simulator's inputs for it therefore lack (null: it must fit). Shown beside the prediction, never fitted
/// away; a known miss that comes within tolerance fails the calibration test, so the reason cannot outlive the miss.</param>
/// <param name="SettingId">The setting this point is one run of (a lab scenario, with its recording's name when several are
/// read): the runs of one setting are judged together by their median (<see cref="CalibrationSettings"/>); null for a
/// published point, which is one measurement.</param>
public sealed record ReferencePoint(
    string Id,
    string Source,
    string Setting,
    ImmutableArray<VmMigrationInputs> Vms,
    MigrationMethod Method,
    double LinkMibPerSecond,
    SimulationOptions Options,
    ImmutableArray<Measured> Measured,
    Tolerance Tolerance,
    PointRole Role,
    string? NotReproducible = null,
    string? DowntimeNotReproducible = null,
    string? SettingId = null,
    string? KnownMiss = null)
{
    public override string ToString() => Id;
}
