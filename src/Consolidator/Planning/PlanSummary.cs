using System.Collections.Immutable;
using Consolidator.Profiles;
using Consolidator.Simulation;
using Consolidator.Solving;

namespace Consolidator.Planning;

/// <summary>The figures a capacity planner reads first. Energy in kWh per day under the hosts' power models;
/// "before" covers the VMs that are placed today.</summary>
public sealed record PlanSummary(
    int Vms,
    int Hosts,
    int ActiveHostsBefore,
    int ActiveHostsAfter,
    double EnergyKWhPerDayBefore,
    double EnergyKWhPerDayAfter,
    int Migrations,
    int RelayMigrations,
    int FirstPlacements,
    int Stages,
    double MemoryMovedGiB,
    int HostLowerBound,
    double EnergyLowerBoundKWhPerDay,
    SolveStatus SolverStatus,
    double ObjectiveWh,
    double BoundWh,
    double Gap,
    int? PeakSizedFfdHosts,
    double? PeakSizedFfdEnergyKWhPerDay,
    int? TemporalFfdHosts,
    int? TemporalBfdHosts,
    ImmutableSortedDictionary<VmClass, int> VmClasses,
    ImmutableArray<string> Notes)
{
    /// <summary>The replay of the plan through the live-migration simulator; null when not simulated.</summary>
    public SimulationSummary? Simulation { get; init; }
}
