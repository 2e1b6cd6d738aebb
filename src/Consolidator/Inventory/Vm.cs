namespace Consolidator.Inventory;

/// <summary>A virtual machine as the inventory declares it. <see cref="CurrentHost"/> is null for a VM
/// that is not placed yet.</summary>
public sealed record Vm(string Id, double Vcpus, double MemoryMib, string? CurrentHost)
{
    /// <summary>How fast the guest dirties memory, in MiB/s (vms.csv column <c>dirty_rate_mib_s</c>), as
    /// QEMU's calc-dirty-rate or a hypervisor's dirty log reports it; null when unknown, and the simulator
    /// falls back to a default for the VM's class.</summary>
    public double? DirtyRateMibPerSecond { get; init; }

    /// <summary>The QoS class vms.csv gives (column <c>qos</c>); null when it gives none, and the class follows
    /// from when the VM is busy (see <c>Allocation.Qos.Of</c>).</summary>
    public QosClass? Qos { get; init; }

    /// <summary>Working set in MiB (vms.csv <c>wss_mib</c>): memory the guest reads or writes within a few
    /// seconds. Post-copy faults on it; with a hot dirty rate, the hot set cycles over it.</summary>
    public double? WssMib { get; init; }

    /// <summary>MiB/s of the working set rewritten (vms.csv <c>hot_dirty_mib_s</c>): the hot class of the
    /// two-class dirty model.</summary>
    public double? HotDirtyMibPerSecond { get; init; }

    /// <summary>MiB/s of cold pages dirtied outside the working set (vms.csv <c>cold_dirty_mib_s</c>).</summary>
    public double? ColdDirtyMibPerSecond { get; init; }

    /// <summary>The VM's virtual disk in GiB as stored on its own, base image included (vms.csv <c>disk_gib</c>);
    /// null when the inventory does not say (then the VM takes its image's size, or no storage).</summary>
    public double? DiskGib { get; init; }

    /// <summary>The image the disk was cloned from (vms.csv <c>image_id</c>, an image_id of images.csv): its
    /// blocks are shared with every other VM of that image on a host's content-addressed store.</summary>
    public string? ImageId { get; init; }
}
