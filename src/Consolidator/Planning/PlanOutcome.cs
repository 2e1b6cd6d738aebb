using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Simulation;
using Consolidator.Solving;
using Consolidator.Staging;

namespace Consolidator.Planning;

/// <summary>A validated plan: where every VM goes, the stages that get it there, and the figures.</summary>
public sealed record PlanOutcome(
    PlacementProblem Problem,
    ProfileSet Profiles,
    SolveResult Solve,
    MigrationPlan Migrations,
    PlanSummary Summary)
{
    public Placement Target => Solve.Placement;

    /// <summary>The replay of the plan through the live-migration simulator; null when not simulated.</summary>
    public SimulationResult? Simulation { get; init; }

    /// <summary>The host level: each VM's CPU cap and shares on its planned host in every window, checked by the
    /// validator.</summary>
    public Allocation.AllocationSchedule? Allocation { get; init; }
}
