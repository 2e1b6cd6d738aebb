using Consolidator.Simulation;
using Consolidator.Packing;
using Consolidator.Solving;

namespace Consolidator.Planning;

/// <param name="MaxMigrationsPerHostPerStage">0 = no cap; otherwise at most this many migrations touch a host in one stage.</param>
/// <param name="Simulation">Replay the validated plan through the live-migration simulator with these
/// options and add its figures to the summary; null = do not simulate.</param>
public sealed record PlanRequest(PlacementOptions Placement, SolverOptions Solver, int MaxMigrationsPerHostPerStage = 0, SimulationOptions? Simulation = null);
