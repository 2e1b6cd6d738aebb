namespace Consolidator.Solving;

public enum SolveStatus
{
    /// <summary>CP-SAT proved the placement optimal for the objective.</summary>
    Optimal,
    /// <summary>CP-SAT found a placement but ran out of time before proving it optimal.</summary>
    Feasible,
    /// <summary>CP-SAT found nothing in time; the warm-start heuristic's placement is used and says so.</summary>
    HeuristicFallback,
}
