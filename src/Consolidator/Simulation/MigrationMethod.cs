namespace Consolidator.Simulation;

/// <summary>How one VM's memory crosses the link.</summary>
public enum MigrationMethod
{
    /// <summary>Copy memory while the VM runs, round after round, then stop it for the rest (Clark et al. 2005).</summary>
    PreCopy,
    /// <summary>Stop once, move CPU and device state, resume on the destination and pull memory there
    /// (Hines and Gopalan, VEE 2009).</summary>
    PostCopy,
    /// <summary>A few pre-copy rounds, then post-copy for what is still dirty (QEMU's postcopy-ram after
    /// migrate_start_postcopy).</summary>
    Hybrid,
}

/// <summary>The --method option: one method for every VM, or a choice per VM.</summary>
public enum MethodSelection
{
    Auto,
    PreCopy,
    PostCopy,
    Hybrid,
}

public static class MigrationMethods
{
    public static string Name(MigrationMethod m) => m switch
    {
        MigrationMethod.PostCopy => "postcopy",
        MigrationMethod.Hybrid => "hybrid",
        _ => "precopy",
    };

    public static string Name(MethodSelection m) => m switch
    {
        MethodSelection.PreCopy => "precopy",
        MethodSelection.PostCopy => "postcopy",
        MethodSelection.Hybrid => "hybrid",
        _ => "auto",
    };

    public static MethodSelection Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => MethodSelection.Auto,
        "precopy" or "pre-copy" => MethodSelection.PreCopy,
        "postcopy" or "post-copy" => MethodSelection.PostCopy,
        "hybrid" => MethodSelection.Hybrid,
        _ => throw new FormatException($"--method must be 'precopy', 'postcopy', 'hybrid' or 'auto', not '{Quoted.Value(text)}'"),
    };
}
