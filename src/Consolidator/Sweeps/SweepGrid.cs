using System.Collections.Immutable;
using Consolidator.Profiles;
using Consolidator.Simulation;

namespace Consolidator.Sweeps;

/// <summary>One combination of the options a sweep varies.</summary>
public sealed record SweepPoint(int Index, string Windows, double Percentile, double Headroom, double MigrationWeight, MethodSelection Method);

/// <summary>The values a sweep tries for each option; every combination is a point. Points are numbered in a
/// fixed order (windows, percentile, headroom, migration weight, method, each as given) so that a sweep's
/// output does not depend on which point finished first.</summary>
public sealed record SweepGrid(
    ImmutableArray<string> Windows,
    ImmutableArray<double> Percentiles,
    ImmutableArray<double> Headrooms,
    ImmutableArray<double> MigrationWeights,
    ImmutableArray<MethodSelection> Methods)
{
    public static SweepGrid Default { get; } = new(["hourly"], [90, 95, 100], [0, 0.1, 0.2], [0, 10], [MethodSelection.Auto]);

    public int Count => Windows.Length * Percentiles.Length * Headrooms.Length * MigrationWeights.Length * Methods.Length;

    public ImmutableArray<SweepPoint> Points()
    {
        var points = ImmutableArray.CreateBuilder<SweepPoint>(Count);
        foreach (var w in Windows)
            foreach (var p in Percentiles)
                foreach (var h in Headrooms)
                    foreach (var m in MigrationWeights)
                        foreach (var method in Methods)
                            points.Add(new SweepPoint(points.Count + 1, w, p, h, m, method));
        return points.MoveToImmutable();
    }

    /// <summary>The most points a sweep plans: each is a whole plan and replay (a 3,000 x 3,000 grid took 6.7 GB
    /// before its first point and ran past its --time-limit of 10 s until killed at 300 s).</summary>
    public const int MaxPoints = 10_000;

    /// <summary>Rejects empty lists, duplicates and values the planner would reject, before any point runs.</summary>
    public void Validate()
    {
        Check(Windows, "--windows");
        Check(Percentiles, "--percentile");
        Check(Headrooms, "--headroom");
        Check(MigrationWeights, "--migration-weight");
        Check(Methods, "--method");
        // Counted in doubles: five lists of 1,000 values overflow an int.
        var points = (double)Windows.Length * Percentiles.Length * Headrooms.Length * MigrationWeights.Length * Methods.Length;
        if (points > MaxPoints)
            throw new FormatException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the lists make a sweep of {points:N0} points, more than {MaxPoints}: shorten --windows, --percentile, --headroom, --migration-weight or --method"));
        // Spellings of one scheme ("hourly,HOURLY") planned every point twice, each reported as its own Pareto-optimal point.
        var schemes = Windows.Select(w => WindowScheme.Parse(w).Name).ToList();
        for (var i = 0; i < schemes.Count; i++)
            if (schemes.IndexOf(schemes[i]) is var first && first < i)
                throw new FormatException($"--windows: item {i + 1} ('{Quoted.Value(Windows[i])}') is the scheme of item {first + 1} ('{Quoted.Value(Windows[first])}') again");
        foreach (var p in Percentiles)
            if (!(p > 0 && p <= 100)) throw new FormatException($"--percentile values must be in (0, 100], not {p}");
        foreach (var h in Headrooms) new Packing.PlacementOptions(h, 0).Validate();
        foreach (var m in MigrationWeights) new Packing.PlacementOptions(0, m).Validate();
    }

    private static void Check<T>(ImmutableArray<T> values, string option)
    {
        if (values.IsDefaultOrEmpty) throw new FormatException($"{option} needs at least one value");
        // Named by position and value: "lists a value twice" left the user to find which of "0.1,0.2,0.10" it meant.
        for (var i = 1; i < values.Length; i++)
            if (values.IndexOf(values[i]) is var first && first < i)
                throw new FormatException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{option}: items {first + 1} and {i + 1} are the same value ({Quoted.Value(Convert.ToString(values[i], System.Globalization.CultureInfo.InvariantCulture))}): each point would be planned twice"));
    }
}
