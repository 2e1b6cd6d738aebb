namespace Consolidator.Inventory;

/// <summary>Where a host keeps its VMs' disks. On shared storage every host reaches every disk, so a live
/// migration moves memory only; on local storage the disk lives on the host and a migration must copy the
/// blocks the destination lacks (QEMU's drive-mirror, as <c>virsh migrate --copy-storage-all</c> does).</summary>
public enum StorageKind
{
    Shared,
    Local,
}

public static class StorageKinds
{
    public const string Column = "storage";

    public static string Name(StorageKind k) => k == StorageKind.Local ? "local" : "shared";

    /// <summary>Parses the hosts.csv column; null for text that names no kind.</summary>
    public static StorageKind? TryParse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "shared" => StorageKind.Shared,
        "local" => StorageKind.Local,
        _ => null,
    };
}
