namespace Consolidator.Export;

/// <summary>The virtualisation manager an exported script drives.</summary>
public enum ExportTarget
{
    Libvirt,
    OpenStack,
    /// <summary>The host level's per-window CPU caps and shares (allocation.csv) as virsh schedinfo commands.</summary>
    LibvirtAllocation,
}

public static class ExportTargets
{
    public static ExportTarget Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "libvirt" or "virsh" => ExportTarget.Libvirt,
        "openstack" => ExportTarget.OpenStack,
        "libvirt-allocation" => ExportTarget.LibvirtAllocation,
        _ => throw new FormatException($"--to must be 'libvirt', 'openstack' or 'libvirt-allocation', not '{Quoted.Value(text)}'"),
    };

    public static string Name(ExportTarget t) => t switch
    {
        ExportTarget.OpenStack => "openstack",
        ExportTarget.LibvirtAllocation => "libvirt-allocation",
        _ => "libvirt",
    };
}
