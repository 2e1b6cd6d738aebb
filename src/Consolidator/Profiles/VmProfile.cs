namespace Consolidator.Profiles;

/// <summary>Per-window demand of one VM. <c>Demand*</c> is the chosen percentile of the samples in the window
/// (sizes capacity); <c>Mean*</c> is their mean (drives energy, since power follows average load);
/// <c>PeakCpu</c> the highest sample (with decay, the top of the decaying histogram), which the host-level CPU
/// allocation reads.</summary>
public sealed record VmProfile(
    string VmId,
    VmClass Class,
    double[] DemandCpu,
    double[] DemandMemory,
    double[] MeanCpu,
    double[] MeanMemory)
{
    public double[] PeakCpu { get; init; } = DemandCpu;
}
