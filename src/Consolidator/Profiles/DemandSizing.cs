namespace Consolidator.Profiles;

/// <summary>How a VM's CPU is sized per window. <see cref="Percentile"/>: the window's percentile, as if the VM
/// ran alone, so that a host's size is the sum of its VMs' percentiles. <see cref="Multiplexed"/>: effective
/// sizing that counts on VMs not bursting together (<see cref="MultiplexedSizing"/>). Memory is always sized by
/// the percentile: a guest rarely gives memory back, so it does not multiplex.</summary>
public enum DemandSizing { Percentile, Multiplexed }

public static class SizingNames
{
    public static DemandSizing Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "percentile" => DemandSizing.Percentile,
        "multiplexed" => DemandSizing.Multiplexed,
        _ => throw new FormatException($"--sizing must be 'percentile' or 'multiplexed', not '{Quoted.Value(text)}'"),
    };

    public static string Name(this DemandSizing sizing) => sizing == DemandSizing.Multiplexed ? "multiplexed" : "percentile";
}
