namespace Consolidator.Staging;

public enum MigrationKind
{
    /// <summary>The VM goes from its current host straight to its planned host.</summary>
    Move,
    /// <summary>The VM parks on a host that is not its final one, to break a cycle of moves that block each other.</summary>
    Relay,
    /// <summary>A VM that ran nowhere is started on its planned host (From is -1).</summary>
    Place,
}

/// <summary>One live migration (or first placement) by host index. During its stage the VM's demand is
/// counted on both From and To.</summary>
public sealed record Migration(int Vm, int From, int To, MigrationKind Kind);
