using System.CommandLine;
using System.CommandLine.Invocation;
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
            CalibrateCommand.Create(stdout, stderr),
            ImagesCommand.Create(stdout, stderr),
            BenchCommand.CreateOne(stdout, stderr),
        };
        root.Options.Add(new Option<bool>(Guard.VerboseOption) { Description = "On an unexpected failure, print the stack trace too", Recursive = true });
        root.Options.Add(new Option<string>(ConfigFile.OptionName) { Description = "A TOML (or .json) file of options: top-level keys for every command, [plan], [simulate], ... for one; the command line wins", Recursive = true });
        root.HelpName = "consolidator";
        ValueParsers.ApplyTo(root);
        IReadOnlyDictionary<Option, ConfigFile.Setting> fromFile;
        try
        {
            args = ConfigFile.Merge(root, args, out fromFile);
        }
        catch (InputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        var parsed = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        if (parsed.Action is ParseErrorAction parseError)
        {
            // A value the config file gave: its error names the file, line and column (the option is not on the command line).
            foreach (var error in parsed.Errors)
                if (OptionOf(error.SymbolResult) is { } option && fromFile.TryGetValue(option, out var setting))
                {
                    using (var safe = new SafeLines(stderr)) safe.WriteLine($"error: {setting.Where}: {error.Message}");
                    return ExitCodes.BadInput;
                }
            // System.CommandLine's own report: every error and its "did you mean" (which it writes to its output:
            // here stderr, so that stdout stays empty on an error); the usage is one command away.
            parseError.ShowHelp = false;
            using (var safe = new SafeLines(stderr))
                parsed.Invoke(new InvocationConfiguration { Output = safe, Error = safe });
            stderr.WriteLine($"Run '{Usage(parsed)} --help' for usage.");
            return ExitCodes.BadInput;
        }
        return parsed.Invoke(invocation);
    }

    private static Option? OptionOf(System.CommandLine.Parsing.SymbolResult? result) => result switch
    {
        System.CommandLine.Parsing.OptionResult o => o.Option,
        System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult o } => o.Option,
        _ => null,
    };

    /// <summary>The command the user meant, for the hint: "consolidator plan".</summary>
    private static string Usage(ParseResult parsed)
    {
        var names = new List<string>();
        for (var c = parsed.CommandResult; c is not null; c = c.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, c.Parent is null ? "consolidator" : c.Command.Name);
        return string.Join(' ', names);
    }
}
