namespace Consolidator.Inventory;

/// <summary>What a VM's users notice when it gets less CPU than it asks for. An interactive VM (a web front
/// end, a database behind one) answers people and must not be slowed; a batch VM (reports, backups, builds)
/// finishes a little later. When co-located demand exceeds a host, batch VMs are throttled first.</summary>
public enum QosClass
{
    Interactive,
    Batch,
}

public static class QosClasses
{
    public const string Column = "qos";

    public static string Name(QosClass q) => q == QosClass.Batch ? "batch" : "interactive";

    /// <summary>Parses the vms.csv column; null for text that names no class.</summary>
    public static QosClass? TryParse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "interactive" => QosClass.Interactive,
        "batch" => QosClass.Batch,
        _ => null,
    };
}
