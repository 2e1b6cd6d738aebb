using Consolidator.Profiles;
using Consolidator.Simulation;
using Consolidator.Solving;
using Consolidator.Staging;

namespace Consolidator.Reporting;

/// <summary>The spellings the output formats use; part of the plan.json contract.</summary>
public static class Names
{
    public static string Of(VmClass c) => VmClasses.Name(c);

    public static string Of(MigrationKind k) => k switch
    {
        MigrationKind.Relay => "relay",
        MigrationKind.Place => "place",
        _ => "move",
    };

    public static string Of(MigrationStatus s) => s switch
    {
        MigrationStatus.Aborted => "aborted",
        MigrationStatus.Restored => "restored",
        MigrationStatus.Lost => "lost",
        MigrationStatus.Skipped => "skipped",
        MigrationStatus.Recovered => "recovered",
        _ => "completed",
    };

    public static string Of(SolveStatus s) => s switch
    {
        SolveStatus.Optimal => "optimal",
        SolveStatus.Feasible => "feasible",
        _ => "heuristic-fallback",
    };
}
