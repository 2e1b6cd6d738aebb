using System.CommandLine;
using Consolidator.Cli.Commands;

namespace Consolidator.Cli;

/// <summary>The `consolidator` command line. It parses options and wires library calls together; all the
/// work lives in the library.</summary>
public static class Cli
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("Consolidator: plan VM consolidation from workload traces, solved with OR-Tools CP-SAT and validated before it is written.")
        {
            PlanCommand.Create(stdout, stderr),
            GenerateCommand.Create(stdout, stderr),
            SimulateCommand.Create(stdout, stderr),
            ExportCommand.Create(stdout, stderr),
            SweepCommand.Create(stdout, stderr),
            ImportCommand.Create(stdout, stderr),
            EvaluateCommand.Create(stdout, stderr),
            BenchCommand.Create(stdout, stderr),
            BenchCommand.CreateOne(stdout, stderr),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var e in parsed.Errors) stderr.WriteLine($"error: {e.Message}");
            stderr.WriteLine("Run 'consolidator --help' for usage.");
            return ExitCodes.BadInput;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
    }
}
