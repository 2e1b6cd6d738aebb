namespace Consolidator.Packing;

/// <summary>What the planner must respect and what it trades off.</summary>
/// <param name="Headroom">Fraction of each host's CPU and memory kept free in every window (0 to &lt;1).</param>
/// <param name="MigrationWeightWhPerGiB">Cost of moving a VM, in Wh-equivalent per GiB of its memory, added
/// to the daily energy in the objective: the price an operator puts on the work and risk of one move.</param>
/// <param name="MemoryAllocationFloor">Count at least the memory vms.csv allocates (memory cannot be taken
/// back from a running guest without ballooning, so the allocation is the safe floor).</param>
/// <param name="CpuAllocationRatio">vCPUs a host may give out per physical core, as OpenStack Nova's placement
/// counts VCPU inventory; 0 = no limit. Default 4.0: Nova's initial_cpu_allocation_ratio since 2023.1 (commit
/// 1260cdd492, "update default overcommit"; 16.0 before).</param>
/// <param name="RamAllocationRatio">Allocated memory a host may give out per MiB it has (Nova's MEMORY_MB); 0 = no
/// limit. Default 1.0: Nova's initial_ram_allocation_ratio since 2023.1 (1.5 before).</param>
/// <param name="DiskWeightWhPerGiB">Cost of the disk data a move copies to or from local storage, in Wh-equivalent per
/// GiB sent after deduplication (blocks of the VM's image the destination's store already holds are not sent), added
/// to the daily energy in the objective. Default <see cref="DataEnergyWhPerGiB"/>: the energy of sending the data.</param>
/// <param name="WholeDisks">Count every disk on local storage whole (its image included) in placement, as if no
/// store deduplicated: a bound from above, kept for comparison (the ablation) and applied by itself above
/// <see cref="Storage.StoreTally.MaxEntries"/>.</param>
public sealed record PlacementOptions(double Headroom = 0.10, double MigrationWeightWhPerGiB = 10.0, bool MemoryAllocationFloor = true,
    double CpuAllocationRatio = PlacementOptions.NovaCpuAllocationRatio, double RamAllocationRatio = PlacementOptions.NovaRamAllocationRatio,
    double DiskWeightWhPerGiB = PlacementOptions.DataEnergyWhPerGiB, bool WholeDisks = false)
{
    public const double NovaCpuAllocationRatio = 4.0, NovaRamAllocationRatio = 1.0;

    /// <summary>Energy of moving a GiB between hosts: Liu et al. (HPDC 2011) fit a migration's energy as 0.512 J per MB
    /// sent (the coefficient the simulator charges, Simulation.MigrationEnergy.JoulesPerMB; research/power.md
    /// marks it recalled, unconfirmed): 0.512 J/MB x 1073.74 MB/GiB / 3600 J/Wh = 0.1527 Wh per GiB. A physical price
    /// only: an operator who prices the copy's time and risk as a memory move sets --disk-weight to --migration-weight.</summary>
    public const double DataEnergyWhPerGiB = 0.512 * 1073.741824 / 3600;

    /// <summary>The largest weight, Wh-equivalent per GiB: a terawatt-hour per GiB, beyond any price of a move, and
    /// small enough that the objective's sums stay finite (1.7e308 made the summary's objective infinite, which
    /// plan.json cannot hold).</summary>
    public const double MaxWeightWhPerGiB = 1e12;

    public void Validate()
    {
        if (!(CpuAllocationRatio >= 0) || double.IsInfinity(CpuAllocationRatio))
            throw new ArgumentOutOfRangeException(nameof(CpuAllocationRatio), CpuAllocationRatio, "--cpu-allocation-ratio must be a finite number >= 0 (0 = no limit)");
        if (!(RamAllocationRatio >= 0) || double.IsInfinity(RamAllocationRatio))
            throw new ArgumentOutOfRangeException(nameof(RamAllocationRatio), RamAllocationRatio, "--ram-allocation-ratio must be a finite number >= 0 (0 = no limit)");
        if (!(Headroom >= 0 && Headroom < 1))
            throw new ArgumentOutOfRangeException(nameof(Headroom), Headroom, "--headroom must be in [0, 1)");
        if (!(MigrationWeightWhPerGiB >= 0 && MigrationWeightWhPerGiB <= MaxWeightWhPerGiB))
            throw new ArgumentOutOfRangeException(nameof(MigrationWeightWhPerGiB), MigrationWeightWhPerGiB, "--migration-weight must be a number from 0 to 1e12");
        if (!(DiskWeightWhPerGiB >= 0 && DiskWeightWhPerGiB <= MaxWeightWhPerGiB))
            throw new ArgumentOutOfRangeException(nameof(DiskWeightWhPerGiB), DiskWeightWhPerGiB, "--disk-weight must be a number from 0 to 1e12");
    }
}
