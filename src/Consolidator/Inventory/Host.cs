namespace Consolidator.Inventory;

/// <summary>A physical server that can run VMs. Power follows the linear model
/// P(u) = IdleWatts + (MaxWatts - IdleWatts) * u (CloudSim's PowerModelLinear, without its
/// "0 W when idle" shortcut: an idle host that is on still draws IdleWatts).</summary>
public sealed record Host(string Id, double CpuCores, double MemoryMib, double IdleWatts, double MaxWatts)
{
    /// <summary>Extra watts per busy core.</summary>
    public double WattsPerCore => CpuCores > 0 ? (MaxWatts - IdleWatts) / CpuCores : 0;

    /// <summary>Line rate of the NIC that carries live migrations, in Gbit/s (hosts.csv column
    /// <c>nic_gbps</c>); null when the inventory does not say, and the simulator's default applies.</summary>
    public double? NicGbps { get; init; }
}
