namespace Consolidator.Cli;

/// <summary>The process exit codes, documented in the README.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
    public const int Infeasible = 3;
    public const int InvalidPlan = 4;

    /// <summary>The outputs were written, and a finding named by <c>--fail-on</c> holds (SLO violations,
    /// overload on the raw trace, blocked moves, a wall-clock time limit missed).</summary>
    public const int FindingsFailed = 5;
}
