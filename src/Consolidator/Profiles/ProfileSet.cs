using System.Collections.Immutable;

namespace Consolidator.Profiles;

/// <summary>The profiles of all VMs of a dataset, in the dataset's VM order, for one window scheme.</summary>
public sealed record ProfileSet(WindowScheme Windows, double Percentile, ImmutableArray<VmProfile> Vms);
