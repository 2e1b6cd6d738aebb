namespace Consolidator.Inventory;

/// <summary>The resources a placement must respect, in the order the placement arrays use.</summary>
public enum Resource
{
    Cpu = 0,
    Memory = 1,
}

public static class Resources
{
    public const int Count = 2;
    public static readonly Resource[] All = [Resource.Cpu, Resource.Memory];

    public static string Name(Resource r) => r switch
    {
        Resource.Cpu => "cpu",
        Resource.Memory => "memory",
        _ => throw new ArgumentOutOfRangeException(nameof(r)),
    };

    public static string Unit(Resource r) => r == Resource.Cpu ? "cores" : "MiB";
}
