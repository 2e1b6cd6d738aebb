using Consolidator.Simulation;
using Consolidator.Packing;
using Consolidator.Solving;

namespace Consolidator.Planning;

/// <param name="MaxMigrationsPerHostPerStage">0 = no cap; otherwise at most this many migrations touch a host in one stage.</param>
/// <param name="Simulation">Replay the validated plan through the live-migration simulator with these
/// options and add its figures to the summary; null = do not simulate.</param>
/// <param name="MaxMigrations">The migration budget of the plan (a re-planning round): at most this many VMs
/// leave their host, unless more must leave hosts the new profiles overload; null = no budget.</param>
public sealed record PlanRequest(PlacementOptions Placement, SolverOptions Solver, int MaxMigrationsPerHostPerStage = 0, SimulationOptions? Simulation = null,
    int? MaxMigrations = null)
{
    public void Validate()
    {
        Placement.Validate();
        Solver.Validate();
        if (MaxMigrationsPerHostPerStage < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxMigrationsPerHostPerStage), MaxMigrationsPerHostPerStage, "--max-migrations-per-host must be 0 (no cap) or more");
        if (MaxMigrations is < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxMigrations), MaxMigrations, "--max-migrations-per-round must be 0 or more");
    }
}
