namespace Consolidator.Profiles;

/// <summary>Per-window demand of one VM. <c>Demand*</c> is the chosen percentile of the samples in the window
/// (sizes capacity); <c>Mean*</c> is their mean (drives energy, since power follows average load).</summary>
public sealed record VmProfile(
    string VmId,
    VmClass Class,
    double[] DemandCpu,
    double[] DemandMemory,
    double[] MeanCpu,
    double[] MeanMemory);
