namespace Consolidator.Inventory;

/// <summary>A virtual machine as the inventory declares it. <see cref="CurrentHost"/> is null for a VM
/// that is not placed yet.</summary>
public sealed record Vm(string Id, double Vcpus, double MemoryMib, string? CurrentHost);
