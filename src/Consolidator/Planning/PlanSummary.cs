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

    /// <summary>Local storage before and after, and the disk data the migrations copy; null without local disks.</summary>
    public StorageSummary? Storage { get; init; }

    /// <summary>VMs that run today and stay on their host.</summary>
    public int KeptInPlace { get; init; }

    /// <summary>At most this many VMs could stay on their host in any placement with as many active hosts as the plan
    /// (<see cref="Heuristics.KeepInPlace.StayUpperBound"/>).</summary>
    public int KeepableUpperBound { get; init; }

    /// <summary>The migration part of the objective: the plan's moves at the migration weight, Wh-equivalent.</summary>
    public double MigrationCostWh { get; init; }

    /// <summary>No placement on as many active hosts as the plan moves fewer VMs, or costs less in moves
    /// (<see cref="Heuristics.KeepInPlace.MigrationLowerBound"/>).</summary>
    public int MovesLowerBound { get; init; }
    public double MigrationCostLowerBoundWh { get; init; }

    /// <summary>How far the plan's energy is above the energy lower bound, as a share of the plan's energy: the part
    /// of the solver's gap that is about energy.</summary>
    public double EnergyGap => EnergyKWhPerDayAfter > 0 ? Math.Max(0, 1 - EnergyLowerBoundKWhPerDay / EnergyKWhPerDayAfter) : 0;
}
