using System.CommandLine;
using Consolidator.Datasets;
using Consolidator.Output;
using Consolidator.Planning;
using Consolidator.Solving;

namespace Consolidator.Cli.Commands;

/// <summary>Turns every failure into one line on stderr and a documented exit code: the library's typed
/// failures into their own codes, a failure of the file system into exit code 1 with the path and the
/// operation, anything else into exit code 1 as a bug. Never a stack trace unless --verbose asks for it.</summary>
internal static class Guard
{
    public const string VerboseOption = "--verbose";

    public static int Run(ParseResult r, TextWriter stderr, Func<int> action)
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
        catch (OutputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            Trace(r, stderr, e);
            return e.IsUsage ? ExitCodes.BadInput : ExitCodes.Failure;
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName is not null && !IoFailure.IsIo(e))
        {
            stderr.WriteLine($"error: {Quoted.Escape(ConfigFile.Locate(r, OwnMessage(e)), 1000)}");
            Trace(r, stderr, e);
            return ExitCodes.BadInput;
        }
        catch (FormatException e)
        {
            stderr.WriteLine($"error: {Quoted.Escape(ConfigFile.Locate(r, e.Message), 1000)}");
            return ExitCodes.BadInput;
        }
        catch (InfeasiblePlacementException e)
        {
            stderr.WriteLine("infeasible: no placement satisfies the inventory and options:");
            // Reasons quote names and ids of the input: escaped and bounded like every other message.
            foreach (var reason in e.Reasons) stderr.WriteLine($"  - {Quoted.Escape(reason, 1000)}");
            return ExitCodes.Infeasible;
        }
        catch (PlanValidationException e)
        {
            stderr.WriteLine("error: the plan failed independent validation and was not written (this is a bug; please report it with the dataset):");
            foreach (var v in e.Violations.Take(20)) stderr.WriteLine($"  - {Quoted.Escape(v.ToString(), 1000)}");
            return ExitCodes.InvalidPlan;
        }
        catch (Exception e) when (FromConsole(e))
        {
            stderr.WriteLine(StandardOutputFailure(e));
            Trace(r, stderr, e);
            return ExitCodes.Failure;
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            stderr.WriteLine($"error: {Quoted.Escape(e is IOException ? e.Message : IoFailure.Reason(e), 400)}");
            Trace(r, stderr, e);
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"error: unexpected {e.GetType().Name}: {Quoted.Escape(e.Message, 400)} (a bug; run with {VerboseOption} for the stack trace and please report it)");
            Trace(r, stderr, e);
            return ExitCodes.Failure;
        }
    }

    /// <summary>Thrown by the console's own stream: the standard output the summary, a script, --json or the help goes to
    /// (redirected to a full disk, or closed). Its message named no path ("No space left on device"); a closed stdout
    /// is .NET's UnauthorizedAccessException, which read "error: permission denied".</summary>
    internal static bool FromConsole(Exception e) =>
        e is IOException or UnauthorizedAccessException && e.TargetSite?.DeclaringType?.Assembly == typeof(Console).Assembly;

    internal static string StandardOutputFailure(Exception e) =>
        $"error: standard output: cannot write: {Quoted.Escape(e is UnauthorizedAccessException { InnerException: IOException inner } ? inner.Message : IoFailure.Reason(e), 400)}";

    private static void Trace(ParseResult r, TextWriter stderr, Exception e)
    {
        if (Verbose(r)) stderr.WriteLine(e.ToString());
    }

    private static bool Verbose(ParseResult r)
    {
        try
        {
            return r.GetValue<bool>(VerboseOption);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The message without what .NET appends: " (Parameter 'X')" and "Actual value was ...".</summary>
    internal static string OwnMessage(ArgumentException e)
    {
        var message = e.Message.Split('\n')[0].Trim();
        var suffix = $" (Parameter '{e.ParamName}')";
        return message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }
}
