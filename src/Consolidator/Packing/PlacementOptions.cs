namespace Consolidator.Packing;

/// <summary>What the planner must respect and what it trades off.</summary>
/// <param name="Headroom">Fraction of each host's CPU and memory kept free in every window (0 to &lt;1).</param>
/// <param name="MigrationWeightWhPerGiB">Cost of moving a VM, in Wh-equivalent per GiB of its memory, added
/// to the daily energy in the objective: the price an operator puts on the work and risk of one move.</param>
/// <param name="MemoryAllocationFloor">Count at least the memory vms.csv allocates (memory cannot be taken
/// back from a running guest without ballooning, so the allocation is the safe floor).</param>
public sealed record PlacementOptions(double Headroom = 0.10, double MigrationWeightWhPerGiB = 10.0, bool MemoryAllocationFloor = true)
{
    public void Validate()
    {
        if (!(Headroom >= 0 && Headroom < 1))
            throw new ArgumentOutOfRangeException(nameof(Headroom), Headroom, "--headroom must be in [0, 1)");
        if (!(MigrationWeightWhPerGiB >= 0) || double.IsInfinity(MigrationWeightWhPerGiB))
            throw new ArgumentOutOfRangeException(nameof(MigrationWeightWhPerGiB), MigrationWeightWhPerGiB, "--migration-weight must be a finite number >= 0");
    }
}
