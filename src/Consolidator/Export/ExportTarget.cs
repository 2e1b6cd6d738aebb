namespace Consolidator.Export;

/// <summary>The virtualisation manager an exported script drives.</summary>
public enum ExportTarget
{
    Libvirt,
    OpenStack,
}

public static class ExportTargets
{
    public static ExportTarget Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "libvirt" or "virsh" => ExportTarget.Libvirt,
        "openstack" => ExportTarget.OpenStack,
        _ => throw new FormatException($"--to must be 'libvirt' or 'openstack', not '{text}'"),
    };

    public static string Name(ExportTarget t) => t == ExportTarget.OpenStack ? "openstack" : "libvirt";
}
