namespace Consolidator.Inventory;

/// <summary>The resources a placement must respect, in the order the placement arrays use. CPU and memory are
/// what the VMs use, window by window. The two allocations are what the VMs are given, the same in every window,
/// and are limited as OpenStack Nova's placement service limits them: the vCPUs (and the memory) of a host's VMs
/// add up to at most its cores (its memory) times an allocation ratio. Disk is what a VM's disk takes on a host
/// with local storage, counted whole (its image included): a bound from above on what the host's
/// content-addressed store holds, where VMs of one image share its blocks (Storage.DiskLayout). Where the problem
/// counts images once (PlacementProblem.CountsImagesOnce) fit checks ask a Storage.StoreTally instead of this row.</summary>
public enum Resource
{
    Cpu = 0,
    Memory = 1,
    VcpuAllocation = 2,
    MemoryAllocation = 3,
    Disk = 4,
}

public static class Resources
{
    public const int Count = 5;
    public static readonly Resource[] All = [Resource.Cpu, Resource.Memory, Resource.VcpuAllocation, Resource.MemoryAllocation, Resource.Disk];

    /// <summary>What the VMs use, window by window: the measures of fill and size (the allocations are limits only).</summary>
    public static readonly Resource[] Used = [Resource.Cpu, Resource.Memory];

    public static string Name(Resource r) => r switch
    {
        Resource.Cpu => "cpu",
        Resource.Memory => "memory",
        Resource.VcpuAllocation => "vcpus",
        Resource.MemoryAllocation => "allocated memory",
        Resource.Disk => "disk",
        _ => throw new ArgumentOutOfRangeException(nameof(r)),
    };

    public static string Unit(Resource r) => r switch
    {
        Resource.Cpu => "cores",
        Resource.VcpuAllocation => "vCPUs",
        _ => "MiB",
    };

    /// <summary>The unit of the model's integer amounts of <paramref name="r"/>.</summary>
    public static string ModelUnit(Resource r) => r switch
    {
        Resource.Cpu => "millicores",
        Resource.VcpuAllocation => "thousandths of a vCPU",
        _ => "MiB",
    };

    /// <summary>True for a resource counted in thousandths in the model (cores and vCPUs).</summary>
    public static bool InThousandths(Resource r) => r is Resource.Cpu or Resource.VcpuAllocation;
}
