namespace Consolidator.Power;

/// <summary>A straight line W = Intercept + Slope * u over utilisation u in [0, 1].</summary>
public readonly record struct PowerLine(double Intercept, double Slope)
{
    public double Watts(double utilisation) => Intercept + Slope * utilisation;
}

/// <summary>How a host's power draw follows its CPU utilisation u (busy cores / cores, clamped to [0, 1]).
/// A host with no VM is off and draws nothing; that is the caller's concern, not the model's
/// (research/power.md section 5).</summary>
public abstract record PowerModel
{
    /// <summary>Power when on and idle (u = 0).</summary>
    public abstract double IdleWatts { get; }

    /// <summary>Power at full load (u = 1).</summary>
    public abstract double MaxWatts { get; }

    /// <summary>Power at utilisation u; values outside [0, 1] are clamped, since a host cannot be busier than
    /// all its cores, even when a wasteful placement asks it to.</summary>
    public abstract double Watts(double utilisation);

    /// <summary>The line the CP-SAT objective uses, which must be linear in the VMs' load: exact for the linear
    /// model, an approximation for a table.</summary>
    public abstract PowerLine ObjectiveLine { get; }

    /// <summary>A line that lies on or below both <see cref="Watts"/> and <see cref="ObjectiveLine"/> on [0, 1],
    /// so energy bounds built from it hold for the reported energy and for the solver's objective.</summary>
    public abstract PowerLine FloorLine { get; }

    protected static double Clamp(double utilisation) => double.IsNaN(utilisation) ? 0 : Math.Clamp(utilisation, 0, 1);
}

/// <summary>P(u) = IdleWatts + (MaxWatts - IdleWatts) * u: CloudSim's PowerModelLinear without its "0 W when
/// idle" shortcut (an idle host that is on still draws IdleWatts).</summary>
public sealed record LinearPowerModel(double Idle, double Max) : PowerModel
{
    public override double IdleWatts => Idle;
    public override double MaxWatts => Max;
    public override double Watts(double utilisation) => Idle + (Max - Idle) * Clamp(utilisation);
    public override PowerLine ObjectiveLine => new(Idle, Max - Idle);
    public override PowerLine FloorLine => ObjectiveLine;
}
