using System.Collections.Immutable;
using Consolidator.Inventory;

namespace Consolidator.Importers;

/// <summary>A VM of an inventory that has no usage yet: where it runs, and its size when the inventory says
/// (OpenStack's server list does not; the metrics then give it).</summary>
public sealed record InventoryVm(string Id, string? CurrentHost, double? Vcpus = null, double? MemoryMib = null);

/// <summary>Hosts and VMs from an inventory (native hosts.csv / vms.csv, or OpenStack's JSON), for an importer
/// that brings the usage from elsewhere. <see cref="Assumptions"/> says what the inventory lacked and what was
/// assumed for it; <see cref="Notes"/> counts what was left out.</summary>
public sealed record ImportInventory(
    ImmutableArray<Host> Hosts,
    ImmutableArray<InventoryVm> Vms,
    ImmutableArray<string> Notes,
    ImmutableArray<string> Assumptions);
