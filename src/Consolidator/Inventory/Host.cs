using Consolidator.Power;

namespace Consolidator.Inventory;

/// <summary>A physical server that can run VMs. Its power follows <see cref="PowerTable"/> when it has one
/// (a SPECpower-style table, interpolated), otherwise the linear model
/// P(u) = IdleWatts + (MaxWatts - IdleWatts) * u. With a table, IdleWatts and MaxWatts are its 0 % and
/// 100 % values.</summary>
public sealed record Host(string Id, double CpuCores, double MemoryMib, double IdleWatts, double MaxWatts)
{
    /// <summary>Measured power at 0 %, 10 %, ..., 100 % load, or null for the linear model.</summary>
    public PowerTable? PowerTable { get; init; }

    /// <summary>The model every energy figure of this host uses.</summary>
    public PowerModel Power => (PowerModel?)PowerTable ?? new LinearPowerModel(IdleWatts, MaxWatts);

    /// <summary>Extra watts per busy core in the optimiser's linear view of the power model (exact for the
    /// linear model; the slope of <see cref="PowerModel.ObjectiveLine"/> for a table).</summary>
    public double WattsPerCore => CpuCores > 0 ? Power.ObjectiveLine.Slope / CpuCores : 0;

    /// <summary>Power at a load of <paramref name="busyCores"/>; a host cannot burn more than all its cores.</summary>
    public double WattsAt(double busyCores) => Power.Watts(CpuCores > 0 ? busyCores / CpuCores : 0);

    /// <summary>Line rate of the NIC that carries live migrations, in Gbit/s (hosts.csv column
    /// <c>nic_gbps</c>); null when the inventory does not say, and the simulator's default applies.</summary>
    public double? NicGbps { get; init; }

    /// <summary>The fastest NIC rate taken, in Gbit/s (hosts.csv's nic_gbps, --nic-gbps; --max-bandwidth and
    /// evaluate's --bandwidth alike): 1 Tbit/s, above the fastest Ethernet IEEE has standardised (800 Gbit/s, IEEE
    /// 802.3df-2024). 1e300 ran with exit code 0, every migration taking no time.</summary>
    public const double MaxNicGbps = 1000;

    /// <summary>The slowest NIC rate taken, in Gbit/s (hosts.csv's nic_gbps, --nic-gbps): 1 Mbit/s, the floor evaluate's
    /// --bandwidth has too; a tenth of the slowest Ethernet (10BASE-T), so a smaller figure is a unit mistake. 1e-9
    /// reached the simulator, whose error named the VM and its hosts but not the file, line and column.</summary>
    public const double MinNicGbps = 0.001;

    /// <summary>Where the disks of the host's VMs live (hosts.csv column <c>storage</c>): on shared storage
    /// (a SAN or Ceph pool every host reaches: a migration moves memory only) or on the host's own disks.</summary>
    public StorageKind Storage { get; init; } = StorageKind.Shared;

    /// <summary>Capacity of the host's local storage in GiB (hosts.csv <c>disk_gib</c>); null on shared storage.</summary>
    public double? DiskGib { get; init; }
}
