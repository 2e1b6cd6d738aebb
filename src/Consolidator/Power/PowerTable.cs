using System.Collections.Immutable;
using System.Globalization;

namespace Consolidator.Power;

/// <summary>A SPECpower_ssj2008-style table: watts measured at 0 %, 10 %, ..., 100 % load, linearly
/// interpolated in between (CloudSim's PowerModelSpecPower; research/power.md sections 1 and 2).</summary>
public sealed record PowerTable : PowerModel
{
    public const int PointCount = 11;

    /// <summary>In hosts.csv the table is one field: the 11 values separated by this character.</summary>
    public const char Separator = ';';

    public PowerTable(IEnumerable<double> watts)
    {
        var w = watts.ToImmutableArray();
        if (w.Length != PointCount)
            throw new ArgumentException($"a power table has {PointCount} values (0 %, 10 %, ..., 100 % load), not {w.Length}", nameof(watts));
        for (var i = 0; i < PointCount; i++)
        {
            if (!double.IsFinite(w[i]) || w[i] < 0)
                throw new ArgumentException($"power at {i * 10} % load must be a finite number >= 0, not {w[i].ToString(CultureInfo.InvariantCulture)}", nameof(watts));
            // A curve that falls with load would make the optimiser pay hosts to work harder.
            if (i > 0 && w[i] < w[i - 1])
                throw new ArgumentException($"power must not fall as load rises ({w[i - 1].ToString(CultureInfo.InvariantCulture)} W at {(i - 1) * 10} %, {w[i].ToString(CultureInfo.InvariantCulture)} W at {i * 10} %)", nameof(watts));
        }
        Measured = w;
        ObjectiveLine = FitAboveIdle(w);
        FloorLine = Floor(w, ObjectiveLine);
    }

    /// <summary>The 11 measured values, W at 0 %, 10 %, ..., 100 % load.</summary>
    public ImmutableArray<double> Measured { get; }

    public override double IdleWatts => Measured[0];
    public override double MaxWatts => Measured[PointCount - 1];

    /// <summary>Least-squares line through the 10 %...100 % points. Modern servers jump from "active idle"
    /// to the 10 % point, so a host that carries any VM is better described by this line than by the
    /// idle-to-peak chord; research/power.md section 1 puts its error at 1-10 % of peak.</summary>
    public override PowerLine ObjectiveLine { get; }

    public override PowerLine FloorLine { get; }

    public override double Watts(double utilisation)
    {
        var u = Clamp(utilisation) * (PointCount - 1);
        var below = (int)Math.Floor(u);
        // At 100 % there is no segment above the last point: answer it directly, never read past the end.
        if (below >= PointCount - 1) return Measured[PointCount - 1];
        return Measured[below] + (Measured[below + 1] - Measured[below]) * (u - below);
    }

    /// <summary>Parses the hosts.csv form, e.g. "86;89.4;92.6;96;99.5;102;106;108;112;114;117".</summary>
    public static PowerTable Parse(string text)
    {
        var parts = text.Split(Separator, StringSplitOptions.TrimEntries);
        if (parts.Length != PointCount)
            throw new FormatException($"expected {PointCount} values separated by '{Separator}' (W at 0 %, 10 %, ..., 100 % load), found {parts.Length}");
        var values = new double[PointCount];
        for (var i = 0; i < PointCount; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                throw new FormatException($"the value for {i * 10} % load, '{Quoted.Value(parts[i])}', is not a number{DecimalComma.Hint(parts[i])}");
        try
        {
            return new PowerTable(values);
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message.Split(" (Parameter")[0]);
        }
    }

    public string Format() => string.Join(Separator, Measured.Select(w => w.ToString("R", CultureInfo.InvariantCulture)));

    public bool Equals(PowerTable? other) => other is not null && Measured.SequenceEqual(other.Measured);

    public override int GetHashCode() => Measured.Aggregate(17, (h, w) => h * 31 + w.GetHashCode());

    public override string ToString() => $"PowerTable {{ {Format()} }}";

    private static PowerLine FitAboveIdle(ImmutableArray<double> w)
    {
        double n = PointCount - 1, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var i = 1; i < PointCount; i++)
        {
            var x = i / n;
            sx += x; sy += w[i]; sxx += x * x; sxy += x * w[i];
        }
        var slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        var intercept = (sy - slope * sx) / n;
        // Non-decreasing points give a slope >= 0; keep the line from charging a negative idle power.
        return new PowerLine(Math.Max(0, intercept), Math.Max(0, slope));
    }

    private static PowerLine Floor(ImmutableArray<double> w, PowerLine fit)
    {
        // Interpolation is linear between the points, so a line below every point is below the whole curve;
        // the lowest chord slope from the idle point is the steepest such line through it.
        var slope = double.MaxValue;
        for (var i = 1; i < PointCount; i++) slope = Math.Min(slope, (w[i] - w[0]) / (i / (double)(PointCount - 1)));
        return new PowerLine(Math.Min(w[0], fit.Intercept), Math.Min(slope, fit.Slope));
    }
}
