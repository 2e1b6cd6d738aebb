namespace Consolidator.Inventory;

/// <summary>The resources a placement must respect, in the order the placement arrays use. CPU and memory are
/// what the VMs use, window by window. The two allocations are what the VMs are given, the same in every window,
/// and are limited as OpenStack Nova's placement service limits them: the vCPUs (and the memory) of a host's VMs
/// add up to at most its cores (its memory) times an allocation ratio.</summary>
public enum Resource
{
    Cpu = 0,
    Memory = 1,
    VcpuAllocation = 2,
    MemoryAllocation = 3,
}

public static class Resources
{
    public const int Count = 4;
    public static readonly Resource[] All = [Resource.Cpu, Resource.Memory, Resource.VcpuAllocation, Resource.MemoryAllocation];

    /// <summary>What the VMs use, window by window: the measures of fill and size (the allocations are limits only).</summary>
    public static readonly Resource[] Used = [Resource.Cpu, Resource.Memory];

    public static string Name(Resource r) => r switch
    {
        Resource.Cpu => "cpu",
        Resource.Memory => "memory",
        Resource.VcpuAllocation => "vcpus",
        Resource.MemoryAllocation => "allocated memory",
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
