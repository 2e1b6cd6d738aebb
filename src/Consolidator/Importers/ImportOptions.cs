using System.Collections.Immutable;
using Consolidator.Inventory;

namespace Consolidator.Importers;

/// <summary>Where the imported VMs run today.</summary>
public enum CurrentPlacementRule
{
    /// <summary>Each VM, in dataset order, on the first host (in inventory order) with room for its whole
    /// allocation (vCPUs and memory): the allocation-sized placement a scheduler without usage data makes.</summary>
    FirstFit,

    /// <summary>No VM is placed yet (current_host empty): plan a green-field placement.</summary>
    None,
}

/// <param name="Strict">Stop at the first bad row (an <see cref="Datasets.InputException"/>) instead of
/// reporting and skipping it.</param>
/// <param name="Hosts">The inventory to import onto, replacing the format's assumed one.</param>
/// <param name="HostCount">How many hosts of the format's assumed models to create; null = the format's
/// default (PlanetLab: CloudSim's 800; Bitbrains: as many as the current placement needs).</param>
public sealed record ImportOptions(
    bool Strict = false,
    ImmutableArray<Host>? Hosts = null,
    int? HostCount = null,
    CurrentPlacementRule Placement = CurrentPlacementRule.FirstFit)
{
    /// <summary>The most assumed hosts: one for each of the most VMs a generated dataset holds (`generate --vms`, at most
    /// 1,000,000). `--host-count 2000000000` built two billion host records and
    /// ran out of memory (no answer in 60 s) before any file was read.</summary>
    public const int MaxHostCount = 1_000_000;

    public void Validate()
    {
        if (HostCount is < 1)
            throw new ArgumentOutOfRangeException(nameof(HostCount), HostCount, "--host-count must be at least 1");
        if (HostCount > MaxHostCount)
            throw new ArgumentOutOfRangeException(nameof(HostCount), HostCount, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"--host-count must be at most {MaxHostCount:N0} (a host for each of the most VMs a dataset holds)"));
        if (Hosts is { IsEmpty: true })
            throw new ArgumentOutOfRangeException(nameof(Hosts), "the hosts file has no hosts");
        if (Hosts is not null && HostCount is not null)
            throw new ArgumentOutOfRangeException(nameof(HostCount), HostCount, "--host-count and --hosts exclude each other: the hosts file is the inventory");
    }
}
