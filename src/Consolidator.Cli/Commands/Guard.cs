using Consolidator.Datasets;
using Consolidator.Planning;
using Consolidator.Solving;

namespace Consolidator.Cli.Commands;

/// <summary>Turns the library's typed failures into a message on stderr and a documented exit code.</summary>
internal static class Guard
{
    public static int Run(TextWriter stderr, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (InputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName is not null)
        {
            stderr.WriteLine($"error: {FirstLine(e)}");
            return ExitCodes.BadInput;
        }
        catch (FormatException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (InfeasiblePlacementException e)
        {
            stderr.WriteLine("infeasible: no placement satisfies the inventory and options:");
            foreach (var reason in e.Reasons) stderr.WriteLine($"  - {reason}");
            return ExitCodes.Infeasible;
        }
        catch (PlanValidationException e)
        {
            stderr.WriteLine("error: the plan failed independent validation and was not written (this is a bug; please report it with the dataset):");
            foreach (var v in e.Violations.Take(20)) stderr.WriteLine($"  - {v}");
            return ExitCodes.InvalidPlan;
        }
    }

    // ArgumentOutOfRangeException appends " (Parameter 'Headroom')" and an "Actual value was ..." line: .NET's
    // names, not the user's. The message itself names the option.
    private static string FirstLine(ArgumentException e) =>
        e.Message.Split('\n')[0].Replace($" (Parameter '{e.ParamName}')", "").Trim();
}
