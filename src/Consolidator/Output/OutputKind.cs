namespace Consolidator.Output;

/// <summary>The kinds of output set; a folder holding one kind is never replaced by another (simulating
/// into a plan's folder must not delete the plan).</summary>
public static class OutputKind
{
    public const string Plan = "plan";
    public const string Simulation = "simulation";
    public const string Sweep = "sweep";
    public const string Evaluation = "evaluation";
    public const string Bench = "bench";
    public const string Dataset = "dataset";
}
