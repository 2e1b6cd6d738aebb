using Consolidator.Inventory;
using Consolidator.Profiles;

namespace Consolidator.Evaluation;

/// <summary>A VM on a host for [From, To): its test samples, its QoS class, and the host level's allocation
/// per window of <see cref="Windows"/>: its cap in cores and its share weight (null: no allocation, libvirt's
/// defaults: no quota, equal shares). Under an allocation a batch VM is held to its cap (a CFS quota); an
/// interactive VM may use idle cores beyond it and wins contention through its larger weight.</summary>
public readonly record struct Resident(Timeline Vm, long From, long To, QosClass Qos, double[]? CapByWindow = null, WindowScheme? Windows = null,
    double[]? SharesByWindow = null)
{
    /// <summary>The fair scheduler's weight when there is no allocation per window (libvirt's equal default: 1).</summary>
    public double Weight { get; init; } = 1;
}
