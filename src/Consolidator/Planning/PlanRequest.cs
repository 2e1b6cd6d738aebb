using Consolidator.Packing;
using Consolidator.Solving;

namespace Consolidator.Planning;

/// <param name="MaxMigrationsPerHostPerStage">0 = no cap; otherwise at most this many migrations touch a host in one stage.</param>
public sealed record PlanRequest(PlacementOptions Placement, SolverOptions Solver, int MaxMigrationsPerHostPerStage = 0);
