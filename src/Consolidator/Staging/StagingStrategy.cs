namespace Consolidator.Staging;

/// <summary>How one greedy staging pass behaves. The planner tries a few in turn (see
/// <see cref="MigrationPlanner"/>) because no single greedy order resolves every instance.</summary>
/// <param name="MaxParksPerVm">How often one VM may be parked on a relay host; the bound keeps the pass finite.</param>
/// <param name="PlacesLast">Start new VMs only in stages where no migration can run, so that they do not
/// take room a relay would need.</param>
/// <param name="CyclesFirst">Give moves between hosts that wait on each other in a cycle the room first.</param>
internal sealed record StagingStrategy(int MaxParksPerVm, bool PlacesLast, bool CyclesFirst = false);
